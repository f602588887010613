// Who the demo shoppers are: a persistent identity per person (customer id,
// email, phone, sometimes a loyalty card) and one browser cookie plus device
// id per device they use. Phones are written the many ways real forms and
// channels write them, so identity normalization has work to do.
import type { Random } from './random';

export type DeviceKind = 'web' | 'app';

export interface Device {
  kind: DeviceKind;
  /** Segment `anonymousId`: the cookie (web) or install id (app). */
  anonymousId: string;
  /** `context.device.id`. */
  deviceId: string;
  userAgent: string;
  ip: string;
  /** Set once the shopper logged in on this device; later calls carry `userId`, as SDKs do. */
  loggedIn: boolean;
}

export interface Shopper {
  /** The brand's own customer id (Segment `userId`, Shopify `customer.id`). */
  customerId: string;
  firstName: string;
  lastName: string;
  email: string;
  /** E.164, e.g. +919876543210. */
  phone: string;
  loyaltyId?: string;
  devices: Device[];
  /** Whether the shopper ever logged in (the brand knows who they are). */
  known: boolean;
}

const FIRST_NAMES = [
  'Aarav',
  'Aditi',
  'Ananya',
  'Arjun',
  'Diya',
  'Ishaan',
  'Kabir',
  'Kavya',
  'Meera',
  'Neha',
  'Nikhil',
  'Priya',
  'Rahul',
  'Riya',
  'Rohan',
  'Saanvi',
  'Sneha',
  'Tanvi',
  'Vihaan',
  'Zara',
  'Farhan',
  'Harpreet',
  'Lakshmi',
  'Sanjay',
] as const;
const LAST_NAMES = [
  'Sharma',
  'Verma',
  'Iyer',
  'Nair',
  'Reddy',
  'Gupta',
  'Mehta',
  'Kapoor',
  'Singh',
  'Khan',
  'Das',
  'Banerjee',
  'Patel',
  'Joshi',
  'Menon',
  'Rao',
  'Chopra',
  'Pillai',
  'Bose',
  'Kulkarni',
] as const;
const EMAIL_DOMAINS = [
  'gmail.com',
  'yahoo.co.in',
  'outlook.com',
  'hotmail.com',
  'rediffmail.com',
  'icloud.com',
] as const;
const WEB_AGENTS = [
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (Linux; Android 13; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Mobile Safari/537.36',
] as const;
const APP_AGENTS = [
  'ShopApp/4.2.1 (Android 14; Pixel 8)',
  'ShopApp/4.2.0 (iOS 17.5; iPhone15,2)',
  'ShopApp/4.1.9 (Android 13; SM-A546E)',
] as const;
/** First octets of Indian consumer ISP ranges, for plausible-looking IPs. */
const IP_PREFIXES = [
  '49.36',
  '49.204',
  '103.21',
  '106.51',
  '117.96',
  '122.161',
  '157.35',
  '223.187',
] as const;

/** Everything unique within one brand, so two generated people never share an identifier by accident. */
export interface IdentityRegistry {
  emails: Set<string>;
  phones: Set<string>;
  customerIds: Set<string>;
}

export function createIdentityRegistry(): IdentityRegistry {
  return { emails: new Set(), phones: new Set(), customerIds: new Set() };
}

function unique(taken: Set<string>, draw: () => string): string {
  for (;;) {
    const value = draw();
    if (!taken.has(value)) {
      taken.add(value);
      return value;
    }
  }
}

export function createShopper(random: Random, registry: IdentityRegistry): Shopper {
  const firstName = random.pick(FIRST_NAMES);
  const lastName = random.pick(LAST_NAMES);
  const email = unique(registry.emails, () => {
    const separator = random.pick(['.', '_', '']);
    return `${firstName}${separator}${lastName}${random.int(1, 9999)}@${random.pick(EMAIL_DOMAINS)}`.toLowerCase();
  });
  // Indian mobile numbers: 10 digits starting 7, 8 or 9 (all valid per libphonenumber).
  const phone = unique(registry.phones, () => `+91${random.int(7, 9)}${random.digits(9)}`);
  const customerId = unique(registry.customerIds, () => `6${random.digits(12)}`);
  const shopper: Shopper = { customerId, firstName, lastName, email, phone, devices: [], known: false };
  if (random.chance(0.4)) shopper.loyaltyId = `LY${random.digits(8)}`;
  return shopper;
}

/** A device the shopper has not used before: a fresh cookie and device id. */
export function addDevice(random: Random, shopper: Shopper, kind: DeviceKind): Device {
  const device: Device = {
    kind,
    anonymousId: random.uuid(),
    deviceId: kind === 'app' ? random.uuid().toUpperCase() : `web-${random.uuid()}`,
    userAgent: random.pick(kind === 'app' ? APP_AGENTS : WEB_AGENTS),
    ip: `${random.pick(IP_PREFIXES)}.${random.int(0, 255)}.${random.int(1, 254)}`,
    loggedIn: false,
  };
  shopper.devices.push(device);
  return device;
}

/**
 * The shopper's phone as some form or channel writes it: E.164, spaced with
 * the country code, the national form with a trunk 0 ("098765 43210"), or bare.
 * The national forms need the brand's default country (IN) to normalize.
 */
export function writtenPhone(random: Random, e164: string): string {
  const national = e164.slice(3);
  const spaced = `${national.slice(0, 5)} ${national.slice(5)}`;
  return random.pick([e164, e164, `+91 ${spaced}`, `0${spaced}`, spaced, `+91-${national}`]);
}

/** How WhatsApp (Twilio) writes a sender: `whatsapp:+919876543210`. */
export function whatsappAddress(e164: string): string {
  return `whatsapp:${e164}`;
}

/** The email as a person types it on another form: sometimes capitalised. */
export function writtenEmail(random: Random, email: string): string {
  return random.chance(0.15) ? email.charAt(0).toUpperCase() + email.slice(1) : email;
}
