// Step 1: turn an InboundEvent into the facts the later steps rely on.
// Identifiers are canonicalised (emails lower-cased, phones in E.164) and junk
// values are dropped here, so nothing downstream can link two people through
// `null`, `0` or test@test.com.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { IDENTIFIER_TYPES, type IdentifierType, type InboundEvent } from '../../src/lib/shared/events';
import type { Identifier } from '../../src/lib/shared/model';
import type { BrandSettings } from '../brands/types';

/**
 * Values that never identify anyone. Data, not code: a brand-specific list can
 * be merged in later (`isJunk(..., list)`). All comparisons are on the
 * trimmed, lower-cased value.
 */
export interface JunkList {
  /** Whole values junk for every identifier type. */
  values: readonly string[];
  /** Whole email addresses. */
  emails: readonly string[];
  /** Email local parts (before @) that are never a person. */
  emailLocalParts: readonly string[];
  /** Email domains (after @) reserved for examples and tests. */
  emailDomains: readonly string[];
  /** Phone national numbers (digits only) that are placeholders. */
  phoneNationalNumbers: readonly string[];
}

export const JUNK_IDENTIFIERS: JunkList = {
  values: [
    '',
    'null',
    'undefined',
    'nil',
    'nan',
    'none',
    'anonymous',
    'anon',
    'unknown',
    'guest',
    'n/a',
    'na',
    '-',
    '0',
    '-1',
    'false',
    'true',
    '[object object]',
  ],
  emails: ['test@test.com', 'email@email.com', 'user@domain.com'],
  emailLocalParts: ['noreply', 'no-reply', 'no_reply', 'donotreply', 'do-not-reply', 'null', 'undefined'],
  emailDomains: ['example.com', 'example.org', 'example.net', 'test.com', 'localhost'],
  phoneNationalNumbers: ['1234567890', '0123456789', '123456789'],
};

/**
 * The built-in list plus the brand's own (brand settings `junk_identifiers`),
 * lower-cased as every comparison is. Remembered per settings object: the
 * registry replaces it when the brands file changes.
 */
export function junkListFor(settings: BrandSettings): JunkList {
  let list = junkLists.get(settings);
  if (!list) {
    const extra = settings.junk_identifiers;
    const lower = (values: readonly string[]) => values.map((v) => v.trim().toLowerCase());
    list = {
      values: [...JUNK_IDENTIFIERS.values, ...lower(extra.values)],
      emails: [...JUNK_IDENTIFIERS.emails, ...lower(extra.emails)],
      emailLocalParts: [...JUNK_IDENTIFIERS.emailLocalParts, ...lower(extra.email_local_parts)],
      emailDomains: [...JUNK_IDENTIFIERS.emailDomains, ...lower(extra.email_domains)],
      phoneNationalNumbers: [
        ...JUNK_IDENTIFIERS.phoneNationalNumbers,
        ...extra.phone_national_numbers.map((v) => v.replace(/\D/g, '')),
      ],
    };
    junkLists.set(settings, list);
  }
  return list;
}

const junkLists = new WeakMap<BrandSettings, JunkList>();

/** Longer values are not identifiers (a pasted payload, a token): dropped. */
export const MAX_IDENTIFIER_LENGTH = 256;

export type DropReason = 'junk' | 'invalid_email' | 'invalid_phone' | 'too_long';

export interface DroppedIdentifier {
  type: IdentifierType;
  value: string;
  reason: DropReason;
}

export interface NormalizedEvent {
  event: InboundEvent;
  /** Usable identifiers in priority order (IDENTIFIER_TYPES), at most one per type. */
  identifiers: Identifier[];
  dropped: DroppedIdentifier[];
  category: string | null;
  /** Revenue of an order_completed event; 0 for every other type. */
  revenue: number;
  /** `received_at` in epoch ms: the processor's time axis (KPI minutes, intent decay). */
  receivedAtMs: number;
  /** `timestamp` in epoch ms (falls back to received_at when the source sent nonsense). */
  timestampMs: number;
}

export type NormalizeResult =
  { ok: true; value: NormalizedEvent } | { ok: false; reason: 'invalid_received_at'; detail: string };

export interface NormalizeOptions {
  /** ISO 3166 alpha-2 country for phones written without a country code. */
  defaultCountry: string;
  junk?: JunkList;
}

export function normalizeEvent(event: InboundEvent, options: NormalizeOptions): NormalizeResult {
  const receivedAtMs = Date.parse(event.received_at);
  if (!Number.isFinite(receivedAtMs)) {
    return {
      ok: false,
      reason: 'invalid_received_at',
      detail: `received_at "${event.received_at}" is not a date`,
    };
  }
  const parsedTimestamp = Date.parse(event.timestamp);
  const identifiers: Identifier[] = [];
  const dropped: DroppedIdentifier[] = [];
  for (const type of IDENTIFIER_TYPES) {
    const raw = event.identifiers[type];
    if (raw === undefined) continue;
    const result = normalizeIdentifier(type, raw, options);
    if (result.ok) identifiers.push({ type, value: result.value });
    else dropped.push({ type, value: raw, reason: result.reason });
  }
  const revenue = event.type === 'order_completed' ? Math.max(0, event.commerce.revenue ?? 0) : 0;
  return {
    ok: true,
    value: {
      event,
      identifiers,
      dropped,
      category: categoryOf(event),
      revenue,
      receivedAtMs,
      timestampMs: Number.isFinite(parsedTimestamp) ? parsedTimestamp : receivedAtMs,
    },
  };
}

type IdentifierResult = { ok: true; value: string } | { ok: false; reason: DropReason };

export function normalizeIdentifier(
  type: IdentifierType,
  raw: string,
  options: NormalizeOptions,
): IdentifierResult {
  const junk = options.junk ?? JUNK_IDENTIFIERS;
  const trimmed = raw.trim();
  if (trimmed.length > MAX_IDENTIFIER_LENGTH) return { ok: false, reason: 'too_long' };
  if (junk.values.includes(trimmed.toLowerCase())) return { ok: false, reason: 'junk' };
  if (type === 'email') return normalizeEmail(trimmed, junk);
  if (type === 'phone') return normalizePhone(trimmed, options.defaultCountry, junk);
  return { ok: true, value: trimmed };
}

const EMAIL_SHAPE = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

export function normalizeEmail(raw: string, junk: JunkList = JUNK_IDENTIFIERS): IdentifierResult {
  const email = raw.trim().toLowerCase();
  if (!EMAIL_SHAPE.test(email)) return { ok: false, reason: 'invalid_email' };
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  const placeholder =
    junk.emails.includes(email) ||
    junk.emailLocalParts.includes(local) ||
    junk.values.includes(local) ||
    junk.emailDomains.some((d) => domain === d || domain.endsWith(`.${d}`)) ||
    // a@a.a, x@y.z: every part one character is a keyboard test, not a mailbox.
    [local, ...domain.split('.')].every((part) => part.length <= 1);
  return placeholder ? { ok: false, reason: 'junk' } : { ok: true, value: email };
}

// `whatsapp:+91...` (Twilio), `tel:+1...` (links): the scheme is not part of the number.
const PHONE_SCHEME = /^(whatsapp|tel|sms|callto):/i;

export function normalizePhone(
  raw: string,
  defaultCountry: string,
  junk: JunkList = JUNK_IDENTIFIERS,
): IdentifierResult {
  const text = raw.trim().replace(PHONE_SCHEME, '').trim();
  const digits = text.replace(/\D/g, '');
  if (digits.length === 0) return { ok: false, reason: 'invalid_phone' };
  if (/^(\d)\1*$/.test(digits)) return { ok: false, reason: 'junk' };
  const phone = parsePhoneNumberFromString(text, defaultCountry.toUpperCase() as CountryCode);
  if (!phone || !phone.isPossible()) return { ok: false, reason: 'invalid_phone' };
  const national = String(phone.nationalNumber);
  if (/^(\d)\1*$/.test(national) || junk.phoneNationalNumbers.includes(national)) {
    return { ok: false, reason: 'junk' };
  }
  return { ok: true, value: phone.number };
}

/** The event's category: its own, else its first item's. Blank is none. */
export function categoryOf(event: InboundEvent): string | null {
  const category = event.commerce.category ?? event.commerce.items?.[0]?.category;
  const trimmed = category?.trim();
  return trimmed ? trimmed : null;
}
