import { createHmac } from 'node:crypto';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { IngestEnv } from '../../../../ingest/http/context';
import { createErrorHandler } from '../../../../ingest/http/errors';
import {
  computeSignature,
  signatureMatches,
  verifySignature,
} from '../../../../ingest/http/verify-signature/index';

const secret = 'shpss_test_secret';
const body = new TextEncoder().encode('{"id":1,"note":"héllo"}');

describe('computeSignature / signatureMatches', () => {
  it('is base64 (or hex) HMAC-SHA256 of the raw bytes', () => {
    const expected = createHmac('sha256', secret).update(Buffer.from(body)).digest('base64');
    expect(computeSignature(body, secret, 'base64')).toBe(expected);
    expect(signatureMatches(expected, body, secret, 'base64')).toBe(true);
    const hex = createHmac('sha256', secret).update(Buffer.from(body)).digest('hex');
    expect(signatureMatches(hex, body, secret, 'hex')).toBe(true);
  });

  it('refuses other secrets, other bodies, and mangled signatures', () => {
    const good = computeSignature(body, secret, 'base64');
    expect(signatureMatches(good, body, 'other', 'base64')).toBe(false);
    expect(signatureMatches(good, new TextEncoder().encode('{"id":2}'), secret, 'base64')).toBe(false);
    // Same JSON, different bytes: the signature covers bytes, not meaning.
    expect(
      signatureMatches(good, new TextEncoder().encode('{"id": 1,"note":"héllo"}'), secret, 'base64'),
    ).toBe(false);
    for (const bad of [
      '',
      good.slice(0, -4),
      good + 'AA',
      good.replace(/=$/, ''),
      ` ${good}`,
      good.toLowerCase(),
    ]) {
      expect(signatureMatches(bad, body, secret, 'base64'), bad).toBe(false);
    }
  });
});

describe('verifySignature middleware', () => {
  function app(options: { prefix?: string; secretValue?: string; failures?: string[] } = {}) {
    const app = new Hono<IngestEnv>();
    app.post(
      '/hook',
      verifySignature({
        header: 'x-signature',
        encoding: 'hex',
        prefix: options.prefix,
        maxBytes: 64,
        secret: () => options.secretValue,
        onFailure: async (_c, error, payload) => {
          options.failures?.push(`${error.code}:${new TextDecoder().decode(payload)}`);
        },
      }),
      (c) => c.text(new TextDecoder().decode(c.var.rawBody)),
    );
    app.onError(
      createErrorHandler((error) => {
        throw error;
      }),
    );
    return app;
  }
  const sign = (text: string, key = secret) => createHmac('sha256', key).update(text).digest('hex');

  it('passes the raw body on when the signature matches', async () => {
    const response = await app({ secretValue: secret }).request('/hook', {
      method: 'POST',
      body: '{"a":1}',
      headers: { 'x-signature': sign('{"a":1}') },
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('{"a":1}');
  });

  it('supports a prefixed header like sha256=<hex>', async () => {
    const target = app({ secretValue: secret, prefix: 'sha256=' });
    const ok = await target.request('/hook', {
      method: 'POST',
      body: 'x',
      headers: { 'x-signature': `sha256=${sign('x')}` },
    });
    expect(ok.status).toBe(200);
    const unprefixed = await target.request('/hook', {
      method: 'POST',
      body: 'x',
      headers: { 'x-signature': sign('x') },
    });
    expect(unprefixed.status).toBe(401);
  });

  it('refuses missing, wrong and unverifiable signatures, reporting each', async () => {
    const failures: string[] = [];
    const target = app({ secretValue: secret, failures });
    const missing = await target.request('/hook', { method: 'POST', body: 'a' });
    const wrong = await target.request('/hook', {
      method: 'POST',
      body: 'a',
      headers: { 'x-signature': sign('a', 'nope') },
    });
    const noSecret = await app({ failures }).request('/hook', {
      method: 'POST',
      body: 'a',
      headers: { 'x-signature': sign('a') },
    });
    for (const response of [missing, wrong, noSecret]) {
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: { code: 'invalid_signature' } });
    }
    expect(failures).toEqual(['invalid_signature:a', 'invalid_signature:a', 'invalid_signature:a']);
  });

  it('refuses a body over the cap with 413 before checking anything', async () => {
    const failures: string[] = [];
    const big = 'x'.repeat(65);
    const response = await app({ secretValue: secret, failures }).request('/hook', {
      method: 'POST',
      body: big,
      headers: { 'x-signature': sign(big) },
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: 'payload_too_large' } });
    expect(failures).toHaveLength(1);
  });
});
