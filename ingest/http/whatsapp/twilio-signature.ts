// Twilio's request signature (https://www.twilio.com/docs/usage/webhooks/webhooks-security):
//
//   X-Twilio-Signature = base64( HMAC-SHA1( auth token,
//       the full URL as configured in Twilio (scheme, host, path, query)
//       + every POST parameter, sorted by name, as name + value ) )
//
// Details as Twilio's own helper library settles them (twilio-node
// `validateRequest`, the tests' oracle): names sort by UTF-16 code units (a
// JavaScript sort); a repeated name contributes each distinct value once, in
// sorted order; the URL verifies with or without its scheme's default port,
// since Twilio does not sign it consistently.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FormParams } from './form';

/** The text Twilio signs: the URL, then name + value of every parameter, sorted by name. */
export function twilioSigningInput(url: string, params: FormParams): string {
  let input = url;
  for (const name of [...params.keys()].sort()) {
    for (const value of [...new Set(params.get(name))].sort()) input += name + value;
  }
  return input;
}

export function computeTwilioSignature(authToken: string, url: string, params: FormParams): string {
  return createHmac('sha1', authToken).update(twilioSigningInput(url, params), 'utf8').digest('base64');
}

const AUTHORITY = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)/i;

/** The URL as written, with its port removed and with the scheme's default port added (once each). */
export function portVariants(url: string): string[] {
  const match = AUTHORITY.exec(url);
  if (!match) return [url];
  const [prefix = '', scheme = '', authority = ''] = match;
  const rest = url.slice(prefix.length);
  const hostStart = authority.lastIndexOf('@') + 1;
  const hostAndPort = authority.slice(hostStart);
  // In an IPv6 literal ("[::1]:8443") the port's colon comes after the bracket.
  const colon = hostAndPort.indexOf(':', hostAndPort.lastIndexOf(']') + 1);
  const host = colon === -1 ? hostAndPort : hostAndPort.slice(0, colon);
  const base = scheme + authority.slice(0, hostStart) + host;
  const withoutPort = base + rest;
  const withPort = colon === -1 ? base + (scheme.toLowerCase() === 'https://' ? ':443' : ':80') + rest : url;
  return withoutPort === withPort ? [withoutPort] : [withoutPort, withPort];
}

/** Whether `received` is Twilio's signature of this request, compared in constant time per candidate URL. */
export function twilioSignatureMatches(
  received: string,
  authToken: string,
  url: string,
  params: FormParams,
): boolean {
  const actual = Buffer.from(received, 'utf8');
  let matched = false;
  for (const candidate of portVariants(url)) {
    const expected = Buffer.from(computeTwilioSignature(authToken, candidate, params), 'utf8');
    // Lengths are fixed by SHA-1 and base64, so comparing them first tells nothing secret.
    if (actual.length === expected.length && timingSafeEqual(actual, expected)) matched = true;
  }
  return matched;
}
