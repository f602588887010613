// Cell values → typed values, each refusal a sentence naming what is wrong.
// Spreadsheets write numbers and dates many ways; what is accepted here is
// what reads one way only. `03/04/2025` is refused rather than guessed.
import { AD_CHANNELS, type AdChannel, type SpendPeriod } from '../../src/lib/shared/campaigns';
import { CHANNELS, type Channel } from '../../src/lib/shared/events';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = (error: string): Parsed<never> => ({ ok: false, error });

// A leading or trailing currency sign or code: "₹1,299.00", "$12.50", "12.50 EUR".
const CURRENCY_AFFIX = /^(?:[A-Z]{3}\s*|[$€£¥₹]\s*)|(?:\s*[A-Z]{3}|\s*[$€£¥₹])$/g;
const PLAIN_NUMBER = /^-?\d+(?:\.\d+)?$/;
const GROUPED_NUMBER = /^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/;

/** A money amount: digits with a decimal point, thousands commas allowed, a currency sign or code ignored. */
export function parseAmount(raw: string): Parsed<number> {
  const text = raw.trim().replace(CURRENCY_AFFIX, '').trim();
  if (PLAIN_NUMBER.test(text)) return ok(Number(text));
  if (GROUPED_NUMBER.test(text)) return ok(Number(text.replaceAll(',', '')));
  if (/^-?\d+,\d{1,2}$/.test(text))
    return fail(`"${raw}" has a decimal comma; write amounts with a decimal point (12.50)`);
  return fail(`"${raw}" is not an amount (e.g. 1299.00)`);
}

/** A non-negative amount. */
export function parsePrice(raw: string): Parsed<number> {
  const parsed = parseAmount(raw);
  if (parsed.ok && parsed.value < 0) return fail(`"${raw}" is negative`);
  return parsed;
}

export function parseQuantity(raw: string): Parsed<number> {
  const text = raw.trim();
  if (!/^\d+(?:\.0+)?$/.test(text)) return fail(`"${raw}" is not a whole number of units`);
  const value = Number(text);
  if (value < 1) return fail(`a quantity must be at least 1, not ${raw}`);
  if (!Number.isSafeInteger(value)) return fail(`"${raw}" is too large a quantity`);
  return ok(value);
}

// 2025-03-01, 2025-03-01 10:15, 2025-03-01T10:15:00.123, each with an optional zone:
// Z, +05:30, +0530 or " +0530" (Shopify's exports write a space before it).
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s?(Z|[+-]\d{2}:?\d{2})?$/i;

/** Earliest time accepted; earlier is almost always a spreadsheet's zero date. */
const EARLIEST_MS = Date.UTC(1990, 0, 1);
/** Clocks disagree a little; a day ahead is a wrong date, not skew. */
const AHEAD_MS = 24 * 60 * 60 * 1000;

/** A point in time. Without a zone it is UTC (said in the mapping form's hint). */
export function parseTime(raw: string, nowMs: number): Parsed<number> {
  const text = raw.trim();
  const match = DATE_TIME.exec(text);
  if (!match) {
    if (/^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}/.test(text))
      return fail(`"${raw}" could be day/month or month/day; write dates as YYYY-MM-DD`);
    return fail(`"${raw}" is not a date or time (e.g. 2025-03-01 or 2025-03-01T10:15:00+05:30)`);
  }
  const [, y, mo, d, h = '00', mi = '00', s = '00', fraction = '', zone] = match;
  const ms = Number(fraction.padEnd(3, '0').slice(0, 3));
  let at = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  const check = new Date(at);
  if (
    check.getUTCFullYear() !== Number(y) ||
    check.getUTCMonth() !== Number(mo) - 1 ||
    check.getUTCDate() !== Number(d) ||
    Number(h) > 23 ||
    Number(mi) > 59 ||
    Number(s) > 59
  )
    return fail(`"${raw}" is not a real date or time`);
  if (zone && zone.toUpperCase() !== 'Z') {
    const digits = zone.replace(':', '');
    const offsetMinutes = Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5));
    at -= (digits.startsWith('-') ? -1 : 1) * offsetMinutes * 60_000;
  }
  if (at < EARLIEST_MS) return fail(`"${raw}" is before 1990`);
  if (at > nowMs + AHEAD_MS) return fail(`"${raw}" is in the future`);
  return ok(at);
}

const CHANNEL_ALIASES: Readonly<Record<string, Channel>> = {
  online: 'web',
  website: 'web',
  webshop: 'web',
  browser: 'web',
  mobile: 'app',
  pos: 'store',
  retail: 'store',
  offline: 'store',
  instore: 'store',
};

export function parseChannel(raw: string): Parsed<Channel> {
  const key = raw
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '');
  const channel = (CHANNELS as readonly string[]).includes(key)
    ? (key as Channel)
    : Object.hasOwn(CHANNEL_ALIASES, key)
      ? CHANNEL_ALIASES[key]
      : undefined;
  return channel ? ok(channel) : fail(`"${raw}" is not a channel (${CHANNELS.join(', ')})`);
}

export function parseCurrency(raw: string): Parsed<string> {
  const text = raw.trim().toUpperCase();
  return /^[A-Z]{3}$/.test(text) ? ok(text) : fail(`"${raw}" is not a three-letter currency code (e.g. INR)`);
}

/** A count (impressions, clicks): a whole number from 0, thousands commas allowed. */
export function parseCount(raw: string): Parsed<number> {
  const text = raw.trim();
  const digits = /^\d{1,3}(?:,\d{3})+$/.test(text) ? text.replaceAll(',', '') : text;
  if (!/^\d+(?:\.0+)?$/.test(digits)) return fail(`"${raw}" is not a whole number (e.g. 1200)`);
  const value = Number(digits);
  if (!Number.isSafeInteger(value)) return fail(`"${raw}" is too large a count`);
  return ok(value);
}

// Spellings ad platforms and spreadsheets use, compared lower-cased without spaces, dashes,
// underscores or dots. Anything else is refused, never guessed (touchChannel guesses `other`).
const AD_CHANNEL_ALIASES: Readonly<Record<string, AdChannel>> = {
  fb: 'facebook',
  meta: 'facebook',
  facebookads: 'facebook',
  metaads: 'facebook',
  ig: 'instagram',
  instagramads: 'instagram',
  google: 'google_ads',
  googleads: 'google_ads',
  adwords: 'google_ads',
  googleadwords: 'google_ads',
  gads: 'google_ads',
  tiktokads: 'tiktok',
  tt: 'tiktok',
  yt: 'youtube',
  youtubeads: 'youtube',
  mail: 'email',
  newsletter: 'email',
  text: 'sms',
  wa: 'whatsapp',
  affiliates: 'affiliate',
};

export function parseAdChannel(raw: string): Parsed<AdChannel> {
  const key = raw
    .trim()
    .toLowerCase()
    .replace(/[\s_\-.]+/g, '');
  const exact = AD_CHANNELS.find((channel) => channel.replace('_', '') === key);
  const channel = exact ?? (Object.hasOwn(AD_CHANNEL_ALIASES, key) ? AD_CHANNEL_ALIASES[key] : undefined);
  return channel
    ? ok(channel)
    : fail(`"${raw}" is not an ad channel (${AD_CHANNELS.join(', ')}, or Facebook, Google Ads, TikTok...)`);
}

/**
 * The start of a spend row's period: a date alone is that day (UTC); a date with a time is
 * the hour starting then, which must be on the hour in UTC. Read by parseTime's strict rules.
 */
export function parseSpendStart(
  raw: string,
  nowMs: number,
): Parsed<{ period: SpendPeriod; startMs: number }> {
  const at = parseTime(raw, nowMs);
  if (!at.ok) return at;
  const period: SpendPeriod = /^\d{4}-\d{2}-\d{2}$/.test(raw.trim()) ? 'day' : 'hour';
  if (period === 'hour' && at.value % 3_600_000 !== 0)
    return fail(`"${raw}" is not the start of an hour in UTC (e.g. 2025-03-01 14:00)`);
  return ok({ period, startMs: at.value });
}
