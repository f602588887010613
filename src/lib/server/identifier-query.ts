// Parses the `identifier=<type>:<value>` query of a profile lookup into the form
// the processor stores: emails lower-cased, phones in E.164 (read in the brand's
// default country when they carry no country code), everything else trimmed.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { IDENTIFIER_TYPES, type IdentifierType } from '../shared/events';
import type { Identifier } from '../shared/model';

export type IdentifierQuery = { ok: true; identifier: Identifier } | { ok: false; problem: string };

const MAX_VALUE_LENGTH = 256;

export function parseIdentifierQuery(raw: string | undefined, defaultCountry: string): IdentifierQuery {
  if (!raw)
    return { ok: false, problem: 'identifier is required, as <type>:<value>, e.g. email:ana@example.com' };
  const colon = raw.indexOf(':');
  if (colon < 0)
    return { ok: false, problem: 'identifier must be <type>:<value>, e.g. email:ana@example.com' };
  const type = raw.slice(0, colon);
  const value = raw.slice(colon + 1).trim();
  if (!isIdentifierType(type)) {
    return { ok: false, problem: `identifier type "${type}" is not one of ${IDENTIFIER_TYPES.join(', ')}` };
  }
  if (!value) return { ok: false, problem: `identifier value is empty` };
  if (value.length > MAX_VALUE_LENGTH) {
    return { ok: false, problem: `identifier value is longer than ${MAX_VALUE_LENGTH} characters` };
  }
  if (type === 'email') {
    if (!/^[^@\s]+@[^@\s]+$/.test(value)) return { ok: false, problem: `"${value}" is not an email address` };
    return { ok: true, identifier: { type, value: value.toLowerCase() } };
  }
  if (type === 'phone') {
    const phone = e164Of(value, defaultCountry);
    if (phone === undefined) return { ok: false, problem: `"${value}" is not a phone number` };
    return { ok: true, identifier: { type, value: phone } };
  }
  return { ok: true, identifier: { type, value } };
}

const NATIONAL_PHONE = /^[\d\s().-]+$/;

/**
 * A search typed as a national phone number ("98765 43210", "(415) 555-0123"), read in the brand's
 * default country and put in E.164 as the processor stores phones; undefined for anything else,
 * including numbers that already carry their `+` (the search finds those as typed).
 */
export function searchAsPhone(search: string, defaultCountry: string): string | undefined {
  const trimmed = search.trim();
  return NATIONAL_PHONE.test(trimmed) ? e164Of(trimmed, defaultCountry) : undefined;
}

/**
 * A phone in E.164, read in `defaultCountry` when it has no country code; undefined when it cannot
 * be one. isPossible (length), not isValid (allocated ranges): the processor stores what is
 * possible (ingest/processor/normalize.ts), and a stored number must be found by its own value.
 */
function e164Of(value: string, defaultCountry: string): string | undefined {
  const phone = parsePhoneNumberFromString(value.replace(/[\s().-]/g, ''), defaultCountry as CountryCode);
  return phone?.isPossible() ? phone.number : undefined;
}

function isIdentifierType(type: string): type is IdentifierType {
  return (IDENTIFIER_TYPES as readonly string[]).includes(type);
}
