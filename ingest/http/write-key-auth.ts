// What the write-key sources (POS bills, ad spend) share at the door: HTTP
// Basic with the brand's write key as the user, and JSON only. The brand
// comes from the key alone; nothing in a body can name another.
import type { Context } from 'hono';
import type { Brand } from '../brands/types';
import { writeKeyFromAuthorization } from '../brands/write-key';
import type { IngestContext, IngestEnv } from './context';
import { IngestError } from './errors';

/** The brand whose write key is the Basic user; anything else is a 401 with no one to keep it for. */
export function authenticateWriteKey(c: Context<IngestEnv>, ctx: IngestContext, realm: string): Brand {
  const challenge = { 'WWW-Authenticate': `Basic realm="${realm}"` };
  const key = writeKeyFromAuthorization(c.req.header('authorization'));
  if (key.kind === 'malformed') throw new IngestError(401, 'invalid_write_key', key.message, challenge);
  if (key.kind === 'absent') {
    throw new IngestError(
      401,
      'missing_write_key',
      'no write key: send it as the HTTP Basic user',
      challenge,
    );
  }
  const brand = ctx.brands.byWriteKey(key.writeKey);
  if (!brand) throw new IngestError(401, 'invalid_write_key', 'the write key is not known', challenge);
  return brand;
}

/** `application/json`, parameters (charset) allowed; look-alikes such as `application/jsonp` are not. */
export function isJsonContentType(header: string | undefined): boolean {
  return header?.split(';')[0]?.trim().toLowerCase() === 'application/json';
}
