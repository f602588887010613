import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SESSION_TTL_MS, createSessionCodec } from '../../../src/lib/server/session';

const SECRET = 'a'.repeat(32) + '-test-secret';
const T0 = new Date('2026-03-01T10:00:00.000Z');

function codecAt(now: () => Date, secret = SECRET) {
  return createSessionCodec(secret, now);
}

describe('session codec', () => {
  it('verifies what it issued, with a 12 hour expiry', () => {
    const codec = codecAt(() => T0);
    const session = codec.verify(codec.issue('brand-a', 'admin@brand-a'));
    expect(session).toEqual({
      brand_id: 'brand-a',
      username: 'admin@brand-a',
      expires_at: new Date(T0.getTime() + SESSION_TTL_MS).toISOString(),
    });
    expect(SESSION_TTL_MS).toBe(12 * 60 * 60 * 1000);
  });

  it('refuses a session once it has expired', () => {
    let now = T0;
    const codec = codecAt(() => now);
    const token = codec.issue('brand-a', 'admin@brand-a');
    now = new Date(T0.getTime() + SESSION_TTL_MS - 1);
    expect(codec.verify(token)?.brand_id).toBe('brand-a');
    now = new Date(T0.getTime() + SESSION_TTL_MS);
    expect(codec.verify(token)).toBeNull();
  });

  it('refuses a payload rewritten to another brand, keeping the signature', () => {
    const codec = codecAt(() => T0);
    const [, signature] = codec.issue('brand-a', 'admin@brand-a').split('.');
    const forged = Buffer.from(
      JSON.stringify({
        brand_id: 'brand-b',
        username: 'admin@brand-a',
        expires_at: '2099-01-01T00:00:00.000Z',
      }),
    ).toString('base64url');
    expect(codec.verify(`${forged}.${signature}`)).toBeNull();
  });

  it('refuses a token signed with another secret', () => {
    const other = codecAt(() => T0, 'b'.repeat(40));
    expect(codecAt(() => T0).verify(other.issue('brand-a', 'admin@brand-a'))).toBeNull();
  });

  it('refuses a signature that is truncated, extended or altered', () => {
    const codec = codecAt(() => T0);
    const token = codec.issue('brand-a', 'admin@brand-a');
    const [payload, signature] = token.split('.') as [string, string];
    expect(codec.verify(`${payload}.${signature.slice(0, -2)}`)).toBeNull();
    expect(codec.verify(`${payload}.${signature}AA`)).toBeNull();
    const flipped = signature[0] === 'A' ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
    expect(codec.verify(`${payload}.${flipped}`)).toBeNull();
  });

  it.each([
    ['empty', ''],
    ['no dot', 'abc'],
    ['three parts', 'a.b.c'],
    ['empty payload', '.abc'],
    ['empty signature', 'abc.'],
    ['not base64', '%%%.$$$'],
    ['huge', 'x'.repeat(100_000) + '.y'],
  ])('refuses a malformed token (%s)', (_name, token) => {
    expect(codecAt(() => T0).verify(token)).toBeNull();
  });

  it('refuses a correctly signed payload that is not a session', () => {
    // Sign arbitrary JSON the way the codec does, to prove the shape is checked after the signature.
    const sign = (json: string) => {
      const payload = Buffer.from(json).toString('base64url');
      return `${payload}.${createHmac('sha256', SECRET).update(payload).digest('base64url')}`;
    };
    const codec = codecAt(() => T0);
    expect(codec.verify(sign('"just a string"'))).toBeNull();
    expect(
      codec.verify(sign('{"brand_id":1,"username":"u","expires_at":"2099-01-01T00:00:00Z"}')),
    ).toBeNull();
    expect(codec.verify(sign('{"brand_id":"a","username":"u","expires_at":"never"}'))).toBeNull();
    expect(codec.verify(sign('not json'))).toBeNull();
  });

  it('will not run with a short secret', () => {
    expect(() => createSessionCodec('short')).toThrow(/at least 32/);
  });
});
