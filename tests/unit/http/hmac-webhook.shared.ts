// The hostile-input suite every HMAC-SHA256-signed webhook source shares: they are all
// checked by the same middleware (ingest/http/verify-signature), so each source's test
// file calls `describeHmacWebhook` with what differs and keeps only its own tests.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { WEBHOOK_SOURCES, type WebhookSource } from '../../../ingest/brands/types';
import { split, type Harness } from './harness';

export interface SignedDelivery {
  topic?: string;
  /** The secret the body is signed with. */
  secret?: string;
  /** Overrides the computed signature; null sends none. */
  signature?: string | null;
  deliveryId?: string;
}

export interface HmacWebhookOptions {
  source: WebhookSource;
  /** How the describe blocks name the source, e.g. `Shopify`. */
  name: string;
  /** The current test's harness. */
  harness: () => Harness;
  /** The header the signature travels in, e.g. `x-shopify-hmac-sha256`. */
  signatureHeader: string;
  /** POSTs `body` to this source's webhook URL for `brandId`, as the source would send it. */
  deliver: (brandId: string, body: string, delivery?: SignedDelivery) => Response | Promise<Response>;
  /** An order this source maps, and its topic. */
  order: { topic: string; body: (overrides?: Record<string, unknown>) => string };
  /** A customer this source maps, and its topic. */
  customer: { topic: string; body: () => string };
  /** Order fields of the wrong type, and what the invalid_event message must contain. */
  wrongTypes: { overrides: Record<string, unknown>; message: string };
}

/** The base64 HMAC-SHA256 of `body`, as Shopify and WooCommerce sign. */
export const sign = (body: string, secret: string) =>
  createHmac('sha256', secret).update(body, 'utf8').digest('base64');

export function describeHmacWebhook(options: HmacWebhookOptions): void {
  const { source, name, deliver, order, customer, signatureHeader } = options;
  const h = options.harness;
  const secretOf = (brand: 'acme' | 'globex') => h()[brand].webhook_secrets[source];
  const deliverToAcme = (topic: string, body: string) =>
    deliver('acme', body, { topic, secret: secretOf('acme'), deliveryId: 'delivery-1' });

  describe(`${name} webhooks: signatures and tenancy`, () => {
    it('unknown brand → 404 unknown_brand, nothing kept', async () => {
      const response = await deliver('nobody', order.body(), {
        topic: order.topic,
        secret: secretOf('acme'),
      });
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({
        error: { code: 'unknown_brand', message: 'no brand with this id' },
      });
      expect(await h().envelopes()).toEqual([]);
    });

    it('missing, wrong, truncated or re-encoded signatures → 401 and a rejection for that brand', async () => {
      const body = order.body();
      const good = sign(body, secretOf('acme'));
      const truncated = good.slice(0, 20);
      const signatures = [
        null,
        '',
        truncated,
        good.slice(0, -1),
        sign(body, 'guessed-secret'),
        // The brand's secrets for its other sources.
        ...WEBHOOK_SOURCES.filter((other) => other !== source).map((other) =>
          sign(body, h().acme.webhook_secrets[other]),
        ),
        Buffer.from(good, 'base64').toString('hex'),
        createHmac('sha1', secretOf('acme')).update(body).digest('base64'),
        sign(body + ' ', secretOf('acme')),
      ];
      for (const signature of signatures) {
        const response = await deliver('acme', body, { topic: order.topic, signature });
        expect(response.status, String(signature)).toBe(401);
        expect((await response.json()).error.code).toBe('invalid_signature');
      }
      const read = await h().envelopes();
      expect(split(read).events).toEqual([]);
      expect(split(read).keys.every((key) => key === 'acme')).toBe(true);
      const { rejected } = split(read);
      expect(rejected.map((r) => r.reason)).toEqual(signatures.map(() => 'invalid_signature'));
      expect(rejected[signatures.indexOf(null)]).toMatchObject({
        source,
        detail: `missing ${signatureHeader} header`,
        payload: body.slice(0, 4096),
      });
      expect(rejected[signatures.indexOf(truncated)]).toMatchObject({
        source,
        detail: `${signatureHeader} does not match the body`,
        payload: body.slice(0, 4096),
      });
    });

    it("globex's secret does not verify acme's webhook, nor acme's globex's", async () => {
      const body = order.body();
      const signedByGlobex = await deliver('acme', body, { topic: order.topic, secret: secretOf('globex') });
      const acmeSignedToGlobex = await deliver('globex', body, {
        topic: order.topic,
        secret: secretOf('acme'),
      });
      expect([signedByGlobex.status, acmeSignedToGlobex.status]).toEqual([401, 401]);
      const read = await h().envelopes();
      expect(split(read).events).toEqual([]);
      // Each rejection belongs to the brand whose URL was called, and only to it.
      expect(split(read).rejected.map((r) => r.brand_id)).toEqual(['acme', 'globex']);
      expect(split(read).keys).toEqual(['acme', 'globex']);
    });

    it("a delivery signed for globex lands only in globex's stream, whatever the body says", async () => {
      const response = await deliver('globex', order.body({ brand_id: 'acme' }), {
        topic: order.topic,
        secret: secretOf('globex'),
        deliveryId: 'd-globex',
      });
      expect(response.status).toBe(200);
      const read = await h().envelopes();
      expect(split(read).keys).toEqual(['globex']);
      expect(split(read).events.map((event) => event.brand_id)).toEqual(['globex']);
    });

    it('verifies the raw bytes: the same JSON re-serialized, compact or indented, does not pass', async () => {
      const body = customer.body();
      const signature = sign(body, secretOf('acme'));
      for (const reserialized of [
        JSON.stringify(JSON.parse(body)),
        JSON.stringify(JSON.parse(body), null, 1),
      ]) {
        expect(reserialized).not.toBe(body);
        const response = await deliver('acme', reserialized, { topic: customer.topic, signature });
        expect(response.status).toBe(401);
      }
    });
  });

  describe(`${name} webhooks: bad payloads with a valid signature`, () => {
    it('malformed or truncated JSON → 400 invalid_json and a rejection', async () => {
      const bodies = ['{"id": 1, ', order.body().slice(0, 300)];
      for (const body of bodies) {
        const response = await deliverToAcme(order.topic, body);
        expect(response.status).toBe(400);
        expect((await response.json()).error.code).toBe('invalid_json');
      }
      expect(split(await h().envelopes()).rejected).toEqual(
        bodies.map((payload) =>
          expect.objectContaining({ brand_id: 'acme', source, reason: 'invalid_json', payload }),
        ),
      );
    });

    it('wrong types → 400 invalid_event naming the topic and path', async () => {
      const response = await deliverToAcme(order.topic, order.body(options.wrongTypes.overrides));
      expect(response.status).toBe(400);
      expect((await response.json()).error).toEqual({
        code: 'invalid_event',
        message: expect.stringContaining(options.wrongTypes.message),
      });
      expect(split(await h().envelopes()).rejected[0]?.reason).toBe('invalid_event');
    });

    it('no topic header → 400 missing_topic and a rejection', async () => {
      const response = await deliver('acme', order.body(), { secret: secretOf('acme') });
      expect(response.status).toBe(400);
      expect((await response.json()).error.code).toBe('missing_topic');
      expect(split(await h().envelopes()).rejected[0]?.reason).toBe('missing_topic');
    });

    it('a body over 2 MB → 413 before any signature check, kept truncated', async () => {
      const body = JSON.stringify({ id: 1, note: 'x'.repeat(2 * 1024 * 1024) });
      const response = await deliverToAcme(order.topic, body);
      expect(response.status).toBe(413);
      const rejected = split(await h().envelopes()).rejected;
      expect(rejected.map((r) => r.reason)).toEqual(['payload_too_large']);
      expect(Buffer.byteLength(rejected[0]!.payload)).toBeLessThanOrEqual(4096);
    });

    it('answers 503 with Retry-After when the bus is down', async () => {
      await h().bus.close();
      const response = await deliverToAcme(order.topic, order.body());
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect((await response.json()).error.code).toBe('bus_unavailable');
    });
  });
}
