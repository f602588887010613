// Who is asking: a brand's read key (API clients) or a dashboard session
// cookie (browsers). The brand always comes from the credential, never from
// the request's path or query, so a caller can only ever name its own brand.
import { parse as parseCookies } from 'hono/utils/cookie';
import type { Brand, BrandRegistry } from '../../../ingest/brands/types';
import { SESSION_COOKIE, type SessionCodec } from './session';

export interface Caller {
  brand: Brand;
  via: 'read_key' | 'session';
  /** The dashboard user, for sessions. */
  username: string | null;
  /** When the session ends; null for read keys. */
  expires_at: string | null;
}

export type CallerResult = { ok: true; caller: Caller } | { ok: false; problem: string };

export interface CallerCredentials {
  /** A read key, from `Authorization: Bearer` or the socket's `auth.token`. */
  readKey?: string | undefined;
  /** The raw Cookie header. */
  cookieHeader?: string | undefined;
}

export function identifyCaller(
  credentials: CallerCredentials,
  deps: { brands: BrandRegistry; sessions: SessionCodec; allowReadKey?: boolean },
): CallerResult {
  if (credentials.readKey !== undefined) {
    if (deps.allowReadKey === false)
      return { ok: false, problem: 'read keys are not accepted here; sign in' };
    const brand = deps.brands.byReadKey(credentials.readKey);
    return brand
      ? { ok: true, caller: { brand, via: 'read_key', username: null, expires_at: null } }
      : { ok: false, problem: 'unknown read key' };
  }
  const token = credentials.cookieHeader
    ? parseCookies(credentials.cookieHeader, SESSION_COOKIE)[SESSION_COOKIE]
    : undefined;
  if (token === undefined) {
    return {
      ok: false,
      problem: 'credentials required: Authorization: Bearer <read key>, or a dashboard session',
    };
  }
  const session = deps.sessions.verify(token);
  if (!session) return { ok: false, problem: 'session is invalid or expired; sign in again' };
  const brand = deps.brands.get(session.brand_id);
  if (!brand) return { ok: false, problem: 'the session names a brand that no longer exists' };
  return {
    ok: true,
    caller: { brand, via: 'session', username: session.username, expires_at: session.expires_at },
  };
}
