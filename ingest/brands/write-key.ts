// Where a request's write key comes from, as Segment does it: HTTP
// Basic auth with the key as user and an empty password, else `writeKey` in
// the JSON body.

export type HeaderKey =
  { kind: 'absent' } | { kind: 'malformed'; message: string } | { kind: 'present'; writeKey: string };

export function writeKeyFromAuthorization(header: string | undefined): HeaderKey {
  if (header === undefined || header.trim() === '') return { kind: 'absent' };
  const match = /^basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header.trim());
  if (!match)
    return { kind: 'malformed', message: 'Authorization must be HTTP Basic with the write key as user' };
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = colon === -1 ? decoded : decoded.slice(0, colon);
  return user === '' ? { kind: 'absent' } : { kind: 'present', writeKey: user };
}

export function writeKeyFromBody(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const writeKey = (body as Record<string, unknown>).writeKey;
  return typeof writeKey === 'string' && writeKey !== '' ? writeKey : undefined;
}
