// Labelled traffic for measuring identity resolution: events from known true
// persons, each event labelled with the person who really sent it, with the
// noise brands actually send:
//
// - anonymous browsing on a cookie that logs in later in the same browser;
// - several emails per person, written with different case and spaces;
// - one phone written five ways (+91 98765 43210, 098765 43210,
//   whatsapp:+919876543210, +919876543210, 9876543210);
// - WhatsApp messages (phone only) and store bills (phone or loyalty id);
// - family tablets: one device and one browser cookie shared by a household,
//   each member logging in with their own identifiers;
// - store kiosks: a device that many shoppers sign in on;
// - junk identifiers ('null', 'undefined', '0000000000', test@test.com, ...)
//   added to real events.
//
// Deterministic for a seed. Every anonymous session happens on a cookie its
// person also logs in on (before or after), so every event can in principle be
// resolved; what a resolver misses is its own recall loss.
import type { Channel, EventType, Identifiers, InboundEvent, Source } from '../../src/lib/shared/events';
import { seededRandom } from '../support/random';

export interface LabelledTrafficOptions {
  seed: number;
  persons: number;
  brandId: string;
  /** Traffic spans the 30 days before this instant. */
  endMs: number;
}

export interface LabelledEvent {
  event: InboundEvent;
  /** The true person behind the event. */
  person: string;
}

/** What the traffic holds, to check that a seed exercised every kind of noise. */
export interface TrafficStats {
  events: number;
  persons: number;
  households: number;
  kiosks: number;
  junk: number;
  phoneFormats: number;
  multiEmailPersons: number;
  anonymousEvents: number;
}

interface Person {
  id: string;
  customerId?: string;
  emails: string[];
  /** Ten-digit Indian mobile number, national form. */
  phone?: string;
  loyaltyId?: string;
  mobileDevice: string;
  laptopDevice?: string;
  /** Browser cookies: each is used anonymously and logged in on. */
  cookies: string[];
  household?: Household;
}

interface Household {
  tabletDevice: string;
  tabletCookie: string;
}

const DAY_MS = 86_400_000;
const SPAN_MS = 30 * DAY_MS;
const FIRST_NAMES = ['asha', 'ravi', 'meera', 'arjun', 'priya', 'kiran', 'neha', 'vikram', 'divya', 'rahul'];
const LAST_NAMES = ['sharma', 'iyer', 'patel', 'reddy', 'khan', 'das', 'nair', 'gupta', 'singh', 'rao'];
const EMAIL_DOMAINS = ['gmail.com', 'yahoo.co.in', 'outlook.com', 'rediffmail.com'];
const CATEGORIES = ['shoes', 'bags', 'dresses', 'watches', 'phones'];
const JUNK: readonly (readonly [keyof Identifiers, string])[] = [
  ['email', 'null'],
  ['email', 'test@test.com'],
  ['email', 'noreply@shop.in'],
  ['user_id', 'undefined'],
  ['user_id', '0'],
  ['phone', '0000000000'],
  ['phone', '9999999999'],
  ['anonymous_id', 'anonymous'],
  ['device_id', 'null'],
  ['loyalty_id', 'n/a'],
];

export function labelledTraffic(options: LabelledTrafficOptions): {
  events: LabelledEvent[];
  stats: TrafficStats;
} {
  const rand = seededRandom(options.seed);
  const chance = (p: number) => rand() < p;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  const int = (min: number, max: number) => min + Math.floor(rand() * (max - min + 1));
  const startMs = options.endMs - SPAN_MS;
  const tag = `s${options.seed}`;

  const households: Household[] = [];
  const kiosks = Array.from(
    { length: Math.max(2, Math.round(options.persons / 200)) },
    (_, k) => `kiosk-${tag}-${k}`,
  );
  const persons: Person[] = [];
  const usedPhones = new Set<string>();
  for (let i = 0; i < options.persons; i++) {
    const id = `person-${i}`;
    const first = pick(FIRST_NAMES);
    const last = pick(LAST_NAMES);
    const emailCount = chance(0.15) ? 0 : chance(0.25) ? 2 : 1;
    const emails = Array.from(
      { length: emailCount },
      (_, e) => `${first}.${last}${e === 0 ? '' : '.work'}${i}.${tag}@${pick(EMAIL_DOMAINS)}`,
    );
    let phone: string | undefined;
    if (chance(0.8)) {
      do phone = `${pick(['9', '8', '7', '6'])}${String(int(0, 999_999_999)).padStart(9, '0')}`;
      while (usedPhones.has(phone) || /^(\d)\1+$/.test(phone));
      usedPhones.add(phone);
    }
    const person: Person = {
      id,
      customerId: chance(0.7) ? `cust-${tag}-${i}` : undefined,
      emails,
      phone,
      loyaltyId: chance(0.3) ? `LOY${tag.toUpperCase()}${i}` : undefined,
      mobileDevice: `mob-${tag}-${i}`,
      laptopDevice: chance(0.5) ? `lap-${tag}-${i}` : undefined,
      cookies: Array.from({ length: int(1, 3) }, (_, c) => `ck-${tag}-${i}-${c}`),
    };
    // Nobody is unreachable: a person with no strong identifier gets a customer id.
    if (!person.customerId && person.emails.length === 0 && !person.phone)
      person.customerId = `cust-${tag}-${i}`;
    persons.push(person);
  }
  // Households of 2-4 people share a tablet and its browser.
  for (let i = 0; i + 1 < persons.length;) {
    if (!chance(0.25)) {
      i += 1;
      continue;
    }
    const size = Math.min(int(2, 4), persons.length - i);
    const household: Household = {
      tabletDevice: `tablet-${tag}-${households.length}`,
      tabletCookie: `ck-tablet-${tag}-${households.length}`,
    };
    households.push(household);
    for (let m = 0; m < size; m++) persons[i + m]!.household = household;
    i += size;
  }

  const events: LabelledEvent[] = [];
  let junk = 0;
  let anonymousEvents = 0;
  const phoneFormats = new Set<number>();
  let serial = 0;

  function phoneVariant(national: string): string {
    const format = int(0, 4);
    phoneFormats.add(format);
    switch (format) {
      case 0:
        return `+91 ${national.slice(0, 5)} ${national.slice(5)}`;
      case 1:
        return `0${national.slice(0, 5)} ${national.slice(5)}`;
      case 2:
        return `whatsapp:+91${national}`;
      case 3:
        return `+91${national}`;
      default:
        return national;
    }
  }
  function emailVariant(email: string): string {
    switch (int(0, 3)) {
      case 0:
        return email;
      case 1:
        return ` ${email} `;
      case 2:
        return email.charAt(0).toUpperCase() + email.slice(1);
      default:
        return email.toUpperCase();
    }
  }

  function emit(
    person: Person,
    atMs: number,
    identifiers: Identifiers,
    shape: { source?: Source; channel?: Channel; type?: EventType } = {},
  ): void {
    const type =
      shape.type ?? pick(['page_viewed', 'product_viewed', 'product_viewed', 'product_added'] as const);
    const ids: Identifiers = { ...identifiers };
    if (chance(0.05)) {
      const [junkType, value] = pick(JUNK);
      // Junk rides along on a type the event does not already carry.
      if (ids[junkType] === undefined) {
        ids[junkType] = value;
        junk += 1;
      }
    }
    if (!ids.user_id && !ids.email && !ids.phone && !ids.loyalty_id) anonymousEvents += 1;
    const receivedAt = new Date(atMs).toISOString();
    const eventId = `${tag}-e${serial++}`;
    const order = type === 'order_completed';
    events.push({
      person: person.id,
      event: {
        brand_id: options.brandId,
        event_id: eventId,
        source: shape.source ?? 'track',
        source_event_id: `m-${eventId}`,
        type,
        name: type,
        channel: shape.channel ?? 'web',
        timestamp: receivedAt,
        received_at: receivedAt,
        identifiers: ids,
        traits: {},
        properties: {},
        commerce: order
          ? { order_id: `o-${eventId}`, revenue: int(10, 200), category: pick(CATEGORIES) }
          : { category: pick(CATEGORIES) },
        context: {},
      },
    });
  }

  /** The identifiers a login carries: the customer id and/or one email (a few use a phone). */
  function login(person: Person): Identifiers {
    const ids: Identifiers = {};
    if (person.customerId) ids.user_id = person.customerId;
    if (person.emails.length > 0 && (!ids.user_id || chance(0.6)))
      ids.email = emailVariant(pick(person.emails));
    if (person.phone && (Object.keys(ids).length === 0 || chance(0.2)))
      ids.phone = phoneVariant(person.phone);
    return ids;
  }

  /**
   * The first login fills in the account: customer id, first email, phone and
   * loyalty id together (a checkout form, a profile page). A second email
   * shows up once beside the customer id or the phone (or, for someone with
   * neither, only on their own browser). Without such events a person's
   * store, WhatsApp and web selves would be unlinkable by anyone.
   */
  function accountLogin(person: Person): Identifiers {
    const ids: Identifiers = {};
    if (person.customerId) ids.user_id = person.customerId;
    if (person.emails[0]) ids.email = emailVariant(person.emails[0]);
    if (person.phone) ids.phone = phoneVariant(person.phone);
    if (person.loyaltyId) ids.loyalty_id = person.loyaltyId;
    return ids;
  }
  function secondEmailLogin(person: Person): Identifiers {
    const ids: Identifiers = { email: emailVariant(person.emails[1]!) };
    if (person.customerId) ids.user_id = person.customerId;
    else if (person.phone) ids.phone = phoneVariant(person.phone);
    return ids;
  }

  for (const person of persons) {
    const sessions = int(3, 8);
    let accountFilled = false;
    let secondEmailShown = person.emails.length < 2;
    // Each cookie is logged in on at least once, in a session of its own or a later one.
    const cookiesToLogIn = new Set(person.cookies);
    for (let s = 0; s < sessions; s++) {
      let atMs = startMs + Math.floor(rand() * (SPAN_MS - DAY_MS));
      const step = () => (atMs += int(5, 120) * 1000);
      const kind = rand();
      if (kind < 0.45 || cookiesToLogIn.size > 0) {
        // Web: browse anonymously, maybe log in, maybe buy.
        const cookie = cookiesToLogIn.size > 0 ? [...cookiesToLogIn][0]! : pick(person.cookies);
        const device = person.laptopDevice && chance(0.5) ? person.laptopDevice : person.mobileDevice;
        for (let v = int(1, 4); v > 0; v--) emit(person, step(), { anonymous_id: cookie, device_id: device });
        if (cookiesToLogIn.has(cookie) || chance(0.6)) {
          cookiesToLogIn.delete(cookie);
          let account = login(person);
          if (!accountFilled) {
            account = accountLogin(person);
            accountFilled = true;
          } else if (!secondEmailShown) {
            account = secondEmailLogin(person);
            secondEmailShown = true;
          }
          const ids = { ...account, anonymous_id: cookie, device_id: device };
          emit(person, step(), ids, { type: 'identify' });
          if (chance(0.4)) emit(person, step(), ids, { type: 'order_completed' });
        }
      } else if (kind < 0.6 && person.phone) {
        emit(
          person,
          step(),
          { phone: `whatsapp:+91${person.phone}` },
          {
            source: 'whatsapp',
            channel: 'whatsapp',
            type: 'message_received',
          },
        );
      } else if (kind < 0.72 && (person.phone || person.loyaltyId)) {
        const ids: Identifiers = {};
        if (person.phone && (!person.loyaltyId || chance(0.5))) ids.phone = phoneVariant(person.phone);
        if (person.loyaltyId && (!ids.phone || chance(0.5)))
          ids.loyalty_id = chance(0.5) ? ` ${person.loyaltyId} ` : person.loyaltyId;
        emit(person, step(), ids, { source: 'pos', channel: 'store', type: 'order_completed' });
      } else if (kind < 0.8 && (person.phone || person.loyaltyId || person.customerId)) {
        // A store kiosk: signs in with a phone, loyalty card or account on a shared screen.
        const kiosk = pick(kiosks);
        const ids: Identifiers = { device_id: kiosk };
        if (person.phone) ids.phone = phoneVariant(person.phone);
        else if (person.loyaltyId) ids.loyalty_id = person.loyaltyId;
        else ids.user_id = person.customerId;
        emit(person, step(), ids, { channel: 'store' });
        emit(person, step(), ids, { channel: 'store', type: 'product_viewed' });
      } else if (kind < 0.9 && person.household) {
        // The family tablet: its browser and screen are everyone's; a member logs in as themself.
        const { tabletDevice, tabletCookie } = person.household;
        const ids = { ...login(person), anonymous_id: tabletCookie, device_id: tabletDevice };
        emit(person, step(), ids, { type: 'identify' });
        emit(person, step(), ids, { type: 'product_viewed' });
      } else {
        // The app on the person's phone, logged in.
        const ids = { ...login(person), device_id: person.mobileDevice };
        emit(person, step(), ids, { channel: 'app' });
        if (chance(0.3)) emit(person, step(), ids, { channel: 'app', type: 'order_completed' });
      }
    }
  }

  events.sort(
    (a, b) =>
      a.event.received_at.localeCompare(b.event.received_at) ||
      a.event.event_id.localeCompare(b.event.event_id),
  );
  return {
    events,
    stats: {
      events: events.length,
      persons: persons.length,
      households: households.length,
      kiosks: kiosks.length,
      junk,
      phoneFormats: phoneFormats.size,
      multiEmailPersons: persons.filter((p) => p.emails.length > 1).length,
      anonymousEvents,
    },
  };
}
