// Dashboard sessions: a signed cookie value, no server-side store. The value is
// `<payload>.<signature>`, both base64url; the payload names the brand, the
// user and the expiry, the signature is HMAC-SHA256 over the payload.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'sr_session';
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export interface Session {
  brand_id: string;
  username: string;
  /** ISO-8601 UTC. */
  expires_at: string;
}

export interface SessionCodec {
  issue(brandId: string, username: string): string;
  /** The session a cookie value carries, or null if it is forged, malformed or expired. */
  verify(token: string): Session | null;
}

export function createSessionCodec(secret: string, clock: () => Date = () => new Date()): SessionCodec {
  if (secret.length < 32) throw new Error('session secret must be at least 32 characters');
  const sign = (payload: string) => createHmac('sha256', secret).update(payload).digest();

  return {
    issue(brandId, username) {
      const session: Session = {
        brand_id: brandId,
        username,
        expires_at: new Date(clock().getTime() + SESSION_TTL_MS).toISOString(),
      };
      const payload = Buffer.from(JSON.stringify(session)).toString('base64url');
      return `${payload}.${sign(payload).toString('base64url')}`;
    },

    verify(token) {
      const [payload, signature, extra] = token.split('.');
      if (!payload || !signature || extra !== undefined) return null;
      const expected = sign(payload);
      const given = Buffer.from(signature, 'base64url');
      // timingSafeEqual throws on a length mismatch; a wrong length is simply forged.
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      const session = parseSession(Buffer.from(payload, 'base64url').toString('utf8'));
      if (!session || Date.parse(session.expires_at) <= clock().getTime()) return null;
      return session;
    },
  };
}

function parseSession(json: string): Session | null {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { brand_id, username, expires_at } = value as Record<string, unknown>;
  if (typeof brand_id !== 'string' || typeof username !== 'string' || typeof expires_at !== 'string')
    return null;
  if (Number.isNaN(Date.parse(expires_at))) return null;
  return { brand_id, username, expires_at };
}
