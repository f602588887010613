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

/**
 * Numbers identifiers so that no two people of one brand ever share one by
 * accident, in constant memory however long the run: the n-th shopper gets
 * (n × m + offset) mod 10^k, a bijection on n < 10^k because m is coprime to
 * 10. The offset is drawn from the seed, so runs with different seeds do not
 * walk the same numbers.
 */
export interface IdentitySequence {
  next(): { emailNumber: number; phoneTail: string; customerTail: string; loyaltyTail: string };
}

export function createIdentitySequence(random: Random): IdentitySequence {
  // Odd and not a multiple of 5, below 10^6 so n × m stays exact in a double for n < 10^9.
  const multiplier = random.int(50_000, 499_999) * 2 + 1;
  const m = multiplier % 5 === 0 ? multiplier + 2 : multiplier;
  const offsets = [
    random.int(0, 999_999),
    random.int(0, 999_999_999),
    random.int(0, 999_999_999),
    random.int(0, 99_999_999),
  ];
  let n = 0;
  const nth = (modulus: number, offset: number) => (((n * m) % modulus) + offset) % modulus;
  return {
    next() {
      const ids = {
        emailNumber: nth(1_000_000, offsets[0]!),
        phoneTail: String(nth(1_000_000_000, offsets[1]!)).padStart(9, '0'),
        customerTail: String(nth(1_000_000_000, offsets[2]!)).padStart(9, '0'),
        loyaltyTail: String(nth(100_000_000, offsets[3]!)).padStart(8, '0'),
      };
      n += 1;
      return ids;
    },
  };
}

export function createShopper(random: Random, sequence: IdentitySequence): Shopper {
  const { emailNumber, phoneTail, customerTail, loyaltyTail } = sequence.next();
  const firstName = random.pick(FIRST_NAMES);
  const lastName = random.pick(LAST_NAMES);
  const separator = random.pick(['.', '_', '']);
  const email =
    `${firstName}${separator}${lastName}${emailNumber}@${random.pick(EMAIL_DOMAINS)}`.toLowerCase();
  // Indian mobile numbers: 10 digits starting 7, 8 or 9 (all valid per libphonenumber);
  // the 9-digit tail alone is unique, so the first digit may vary freely.
  const phone = `+91${random.int(7, 9)}${phoneTail}`;
  const customerId = `6${random.digits(3)}${customerTail}`;
  const shopper: Shopper = { customerId, firstName, lastName, email, phone, devices: [], known: false };
  if (random.chance(0.4)) shopper.loyaltyId = `LY${loyaltyTail}`;
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
