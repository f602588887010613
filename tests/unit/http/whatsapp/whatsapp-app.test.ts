// POST /webhooks/whatsapp/:brand over the real in-process bus and brand
// registry. Every expected signature comes from Twilio's own helper library
// (`twilio.getExpectedTwilioSignature`), never from the code under test.
import twilio from 'twilio';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDedupe, sourceKey } from '../../../../ingest/processor/dedupe';
import { EMPTY_TWIML, WHATSAPP_MAX_BYTES } from '../../../../ingest/http/whatsapp/app';
import type { BrandCredentials } from '../../../../ingest/brands/types';
import {
  createBrandFixture,
  createHarness,
  NOW,
  PUBLIC_URL,
  split,
  type BrandFixture,
  type Harness,
} from '../harness';

type Params = Record<string, string | string[]>;

let fixture: BrandFixture;
let h: Harness;
beforeAll(async () => {
  fixture = await createBrandFixture();
  // chatty keeps message text; tiny has one event of allowance, refilled once every 100 s.
  await fixture.brands.create('chatty', 'Chatty', { whatsapp: { store_message_text: true } });
  await fixture.brands.create('tiny', 'Tiny', { rate_limit: { events_per_second: 0.01, burst: 1 } });
});
afterAll(async () => {
  await fixture.remove();
});
beforeEach(async () => {
  h = await createHarness(fixture);
});
afterEach(async () => {
  await h.close();
});

const TEXT = 'Is the blue kurta back in size M?';

function inbound(overrides: Params = {}): Params {
  return {
    MessageSid: 'SM0123456789abcdef0123456789abcdef',
    SmsMessageSid: 'SM0123456789abcdef0123456789abcdef',
    AccountSid: 'AC0123456789abcdef0123456789abcdef',
    From: 'whatsapp:+919876543210',
    To: 'whatsapp:+14155238886',
    WaId: '919876543210',
    ProfileName: 'Priya',
    Body: TEXT,
    NumMedia: '0',
    NumSegments: '1',
    MessageType: 'text',
    SmsStatus: 'received',
    ApiVersion: '2010-04-01',
    ...overrides,
  };
}

function statusCallback(status: string): Params {
  return {
    MessageSid: 'SMfedcba9876543210fedcba9876543210',
    SmsSid: 'SMfedcba9876543210fedcba9876543210',
    AccountSid: 'AC0123456789abcdef0123456789abcdef',
    From: 'whatsapp:+14155238886',
    To: 'whatsapp:+919876543210',
    MessageStatus: status,
    SmsStatus: status,
    ChannelPrefix: 'whatsapp',
    ApiVersion: '2010-04-01',
  };
}

function formBody(params: Params): string {
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    for (const one of Array.isArray(value) ? value : [value]) form.append(name, one);
  }
  return form.toString();
}

const tokenOf = (brand: BrandCredentials) => brand.webhook_secrets.whatsapp;
const publicUrlOf = (brandId: string, query = '') => `${PUBLIC_URL}/webhooks/whatsapp/${brandId}${query}`;

interface Delivery {
  brandId: string;
  params: Params;
  /** Auth token Twilio signs with; default: the brand's own, if the brand exists. */
  token?: string;
  /** URL Twilio signs; default: the public URL of this brand's endpoint (with `query`). */
  signedUrl?: string;
  /** `null` sends no X-Twilio-Signature; default: the oracle's signature. */
  signature?: string | null;
  /** Sent instead of the params' form encoding. */
  body?: string | Uint8Array<ArrayBuffer>;
  contentType?: string | null;
  query?: string;
  app?: Harness['app'];
}

async function deliver(d: Delivery): Promise<Response> {
  const token = d.token ?? fixture.brands.webhookSecret(d.brandId, 'whatsapp') ?? 'no-such-token';
  const url = d.signedUrl ?? publicUrlOf(d.brandId, d.query);
  const headers: Record<string, string> = {};
  const contentType = d.contentType === undefined ? 'application/x-www-form-urlencoded' : d.contentType;
  if (contentType !== null) headers['content-type'] = contentType;
  const signature =
    d.signature === undefined ? twilio.getExpectedTwilioSignature(token, url, d.params) : d.signature;
  if (signature !== null) headers['x-twilio-signature'] = signature;
  // The server sees http://localhost/...: what a proxy terminating https://signals.example.com forwards.
  return (d.app ?? h.app).request(`/webhooks/whatsapp/${d.brandId}${d.query ?? ''}`, {
    method: 'POST',
    headers,
    body: d.body ?? formBody(d.params),
  });
}

async function expectTwiml(response: Response) {
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/xml');
  expect(await response.text()).toBe(EMPTY_TWIML);
}

async function expectRefused(response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  expect((await response.json()).error.code).toBe(code);
}

describe('WhatsApp via Twilio: accepted', () => {
  it('an inbound message → one message_received event for the brand in the URL, answered with empty TwiML', async () => {
    await expectTwiml(await deliver({ brandId: 'acme', params: inbound() }));
    const read = await h.envelopes();
    expect(split(read).keys).toEqual(['acme']);
    expect(split(read).events).toEqual([
      {
        brand_id: 'acme',
        event_id: 'id-1',
        source: 'whatsapp',
        source_event_id: 'SM0123456789abcdef0123456789abcdef',
        type: 'message_received',
        name: 'whatsapp_message',
        channel: 'whatsapp',
        timestamp: NOW,
        received_at: NOW,
        identifiers: { phone: '+919876543210' },
        traits: { whatsapp_profile_name: 'Priya' },
        properties: { message_type: 'text', num_media: 0, business_number: '+14155238886' },
        commerce: {},
        context: {},
      },
    ]);
  });

  it('keeps no message text by default; keeps it for a brand that turned it on', async () => {
    await expectTwiml(await deliver({ brandId: 'acme', params: inbound() }));
    await expectTwiml(await deliver({ brandId: 'chatty', params: inbound() }));
    const read = await h.envelopes();
    const [acmeEvent, chattyEvent] = split(read).events;
    expect(acmeEvent!.brand_id).toBe('acme');
    expect(JSON.stringify(read.filter(({ key }) => key === 'acme'))).not.toContain('kurta');
    expect(chattyEvent).toMatchObject({ brand_id: 'chatty', properties: { body: TEXT } });
  });

  it.each(['sent', 'delivered', 'read', 'failed', 'undelivered'])(
    'a status callback (%s) is verified and answered, and publishes nothing',
    async (status) => {
      await expectTwiml(await deliver({ brandId: 'acme', params: statusCallback(status) }));
      expect(await h.envelopes()).toEqual([]);
    },
  );

  it('a replayed MessageSid is accepted again under the same source_event_id, which the processor drops', async () => {
    await expectTwiml(await deliver({ brandId: 'acme', params: inbound() }));
    await expectTwiml(await deliver({ brandId: 'acme', params: inbound({ SmsStatus: 'received' }) }));
    const { events } = split(await h.envelopes());
    expect(events.map((event) => event.source_event_id)).toEqual([
      'SM0123456789abcdef0123456789abcdef',
      'SM0123456789abcdef0123456789abcdef',
    ]);
    const dedupe = createDedupe([], 0);
    expect(events.map((event) => dedupe.seenBefore(sourceKey(event), 0))).toEqual([false, true]);
  });

  it('verifies parameters Twilio adds without notice, and repeated names', async () => {
    const params = inbound({ SomeNewParameter: 'x', Tag: ['b', 'a'] });
    await expectTwiml(await deliver({ brandId: 'acme', params }));
    expect(split(await h.envelopes()).events).toHaveLength(1);
  });

  it('a charset in the content type is fine', async () => {
    const response = await deliver({
      brandId: 'acme',
      params: inbound(),
      contentType: 'application/x-www-form-urlencoded; charset=UTF-8',
    });
    await expectTwiml(response);
  });
});

describe('WhatsApp via Twilio: the URL Twilio signed, behind a proxy', () => {
  it('a signature over the URL this server sees (not the public one) → 401 naming the public URL', async () => {
    const response = await deliver({
      brandId: 'acme',
      params: inbound(),
      signedUrl: 'http://localhost/webhooks/whatsapp/acme',
    });
    expect(response.status).toBe(401);
    expect((await response.json()).error).toEqual({
      code: 'invalid_signature',
      message: `X-Twilio-Signature does not match the parameters signed for ${publicUrlOf('acme')}`,
    });
  });

  it('the query string is part of what is signed', async () => {
    await expectTwiml(await deliver({ brandId: 'acme', params: inbound(), query: '?via=twilio&n=a%20b' }));
    const withoutQuery = await deliver({
      brandId: 'acme',
      params: inbound({ MessageSid: 'SM2' }),
      query: '?via=twilio',
      signedUrl: publicUrlOf('acme'),
    });
    await expectRefused(withoutQuery, 401, 'invalid_signature');
  });

  it('a URL configured with the default port (Twilio signs it either way) verifies', async () => {
    const signedUrl = 'https://signals.example.com:443/webhooks/whatsapp/acme';
    await expectTwiml(await deliver({ brandId: 'acme', params: inbound(), signedUrl }));
  });

  it('a public URL under a path prefix the proxy strips', async () => {
    const behindPrefix = await createHarness(fixture, { publicUrl: 'https://edge.example.com/signalroom/' });
    try {
      const signedUrl = 'https://edge.example.com/signalroom/webhooks/whatsapp/acme';
      await expectTwiml(
        await deliver({ brandId: 'acme', params: inbound(), signedUrl, app: behindPrefix.app }),
      );
      const unprefixed = await deliver({
        brandId: 'acme',
        params: inbound(),
        signedUrl: 'https://edge.example.com/webhooks/whatsapp/acme',
        app: behindPrefix.app,
      });
      await expectRefused(unprefixed, 401, 'invalid_signature');
      expect(split(await behindPrefix.envelopes()).events).toHaveLength(1);
    } finally {
      await behindPrefix.close();
    }
  });
});

describe('WhatsApp via Twilio: signatures and tenancy', () => {
  it('unknown brand → 404 unknown_brand, nothing kept', async () => {
    const response = await deliver({ brandId: 'nobody', params: inbound(), token: tokenOf(h.acme) });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: { code: 'unknown_brand', message: 'no brand with this id' },
    });
    expect(await h.envelopes()).toEqual([]);
  });

  it('missing, empty, cut, guessed or re-encoded signatures → 401 and a rejection without the text', async () => {
    const params = inbound();
    const good = twilio.getExpectedTwilioSignature(tokenOf(h.acme), publicUrlOf('acme'), params);
    const signatures = [
      null,
      '',
      good.slice(0, -1),
      `${good}=`,
      twilio.getExpectedTwilioSignature('guessed-token-guessed-token', publicUrlOf('acme'), params),
      Buffer.from(good, 'base64').toString('hex'),
      twilio.getExpectedTwilioSignature(tokenOf(h.acme), publicUrlOf('acme'), { ...params, Body: 'changed' }),
    ];
    for (const signature of signatures) {
      await expectRefused(await deliver({ brandId: 'acme', params, signature }), 401, 'invalid_signature');
    }
    const read = await h.envelopes();
    expect(split(read).events).toEqual([]);
    expect(split(read).keys.every((key) => key === 'acme')).toBe(true);
    const rejected = split(read).rejected;
    expect(rejected.map((r) => r.reason)).toEqual(signatures.map(() => 'invalid_signature'));
    expect(rejected[0]).toMatchObject({
      source: 'whatsapp',
      detail: 'missing X-Twilio-Signature header',
      payload: expect.stringContaining('&Body=[redacted]&'),
    });
    expect(JSON.stringify(rejected)).not.toContain('kurta');
  });

  it("acme's token does not verify for globex, nor globex's for acme, nor a signature for another brand's URL", async () => {
    const params = inbound();
    const acmeTokenToGlobex = await deliver({ brandId: 'globex', params, token: tokenOf(h.acme) });
    const globexTokenToAcme = await deliver({ brandId: 'acme', params, token: tokenOf(h.globex) });
    const acmeUrlToGlobex = await deliver({
      brandId: 'globex',
      params,
      token: tokenOf(h.globex),
      signedUrl: publicUrlOf('acme'),
    });
    for (const response of [acmeTokenToGlobex, globexTokenToAcme, acmeUrlToGlobex]) {
      await expectRefused(response, 401, 'invalid_signature');
    }
    const read = await h.envelopes();
    expect(split(read).events).toEqual([]);
    // Each rejection belongs to the brand whose URL was called, and only to it.
    expect(split(read).rejected.map((r) => r.brand_id)).toEqual(['globex', 'acme', 'globex']);
    expect(split(read).keys).toEqual(['globex', 'acme', 'globex']);
  });

  it('an unsigned status callback is refused like any other request', async () => {
    const response = await deliver({ brandId: 'acme', params: statusCallback('read'), signature: 'forged' });
    await expectRefused(response, 401, 'invalid_signature');
    expect(split(await h.envelopes()).rejected.map((r) => r.reason)).toEqual(['invalid_signature']);
  });
});

describe('WhatsApp via Twilio: hostile bodies', () => {
  it('a truncated body: cut between fields it no longer matches its signature (401), cut in an escape it is no form (400)', async () => {
    const params = inbound();
    const body = formBody(params);
    const betweenFields = body.slice(0, body.indexOf('&NumMedia'));
    const inEscape = body.slice(0, body.indexOf('%3A') + 2);
    await expectRefused(
      await deliver({ brandId: 'acme', params, body: betweenFields }),
      401,
      'invalid_signature',
    );
    await expectRefused(await deliver({ brandId: 'acme', params, body: inEscape }), 400, 'invalid_form');
    expect(split(await h.envelopes()).rejected.map((r) => r.reason)).toEqual([
      'invalid_signature',
      'invalid_form',
    ]);
  });

  it.each([
    [
      'a bad %-escape',
      'MessageSid=SM1&From=whatsapp%3A%2B91&Body=%ZZ',
      'form field 3 has a malformed %-escape',
    ],
    [
      '%-escaped bytes that are not UTF-8',
      'MessageSid=SM1&Body=%C3%28',
      'form field 2 has a malformed %-escape',
    ],
    ['raw bytes that are not UTF-8', Uint8Array.from([0x42, 0x3d, 0xff, 0xfe]), 'body is not valid UTF-8'],
  ])('a garbled form (%s) → 400 invalid_form naming the problem', async (_name, body, message) => {
    const response = await deliver({ brandId: 'acme', params: {}, body });
    expect(response.status).toBe(400);
    expect((await response.json()).error).toEqual({ code: 'invalid_form', message });
    expect(split(await h.envelopes()).rejected).toEqual([
      expect.objectContaining({
        brand_id: 'acme',
        source: 'whatsapp',
        reason: 'invalid_form',
        detail: message,
      }),
    ]);
  });

  it.each([
    ['application/json', JSON.stringify(inbound())],
    ['text/plain', formBody(inbound())],
    // A string body would get text/plain from fetch; bytes go without a content type.
    [null, new TextEncoder().encode(formBody(inbound()))],
  ])('content type %s → 415, even with a valid signature over the parameters', async (contentType, body) => {
    const response = await deliver({ brandId: 'acme', params: inbound(), body, contentType });
    expect(response.status).toBe(415);
    expect((await response.json()).error).toEqual({
      code: 'unsupported_media_type',
      message: `expected application/x-www-form-urlencoded, got ${contentType ?? 'no content type'}`,
    });
    expect(split(await h.envelopes())).toMatchObject({
      events: [],
      rejected: [{ reason: 'unsupported_media_type' }],
    });
  });

  it('a body over the cap → 413 before any signature check; the kept head is short and without the text', async () => {
    const params = inbound({ Body: `${TEXT} ${'x'.repeat(WHATSAPP_MAX_BYTES)}` });
    await expectRefused(await deliver({ brandId: 'acme', params }), 413, 'payload_too_large');
    const rejected = split(await h.envelopes()).rejected;
    expect(rejected.map((r) => r.reason)).toEqual(['payload_too_large']);
    expect(Buffer.byteLength(rejected[0]!.payload)).toBeLessThanOrEqual(4096);
    expect(rejected[0]!.payload).not.toContain('kurta');
  });

  it('a body over the cap without a Content-Length (streamed) → 413 all the same', async () => {
    const chunk = new TextEncoder().encode(`Body=${'x'.repeat(16 * 1024)}`);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 8) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const response = await h.app.request('/webhooks/whatsapp/acme', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'x' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    await expectRefused(response, 413, 'payload_too_large');
    expect(sent).toBeLessThan(8);
  });

  it('signed but not a WhatsApp message (an SMS sender, no MessageSid) → 400 invalid_event, text masked', async () => {
    const sms = await deliver({ brandId: 'acme', params: inbound({ From: '+919876543210' }) });
    const noSid = await deliver({ brandId: 'acme', params: inbound({ MessageSid: '' }) });
    await expectRefused(sms, 400, 'invalid_event');
    await expectRefused(noSid, 400, 'invalid_event');
    const rejected = split(await h.envelopes()).rejected;
    expect(rejected.map((r) => r.detail)).toEqual([
      expect.stringContaining('From: expected a WhatsApp sender'),
      expect.stringContaining('MessageSid'),
    ]);
    expect(JSON.stringify(rejected)).not.toContain('kurta');
  });

  it('a brand that keeps message text sees it in its rejections too', async () => {
    const response = await deliver({ brandId: 'chatty', params: inbound({ From: '+919876543210' }) });
    await expectRefused(response, 400, 'invalid_event');
    expect(split(await h.envelopes()).rejected[0]!.payload).toContain('Body=Is+the+blue+kurta');
  });
});

describe('WhatsApp via Twilio: flow control and outages', () => {
  it("status callbacks do not spend the brand's allowance; messages do", async () => {
    for (const status of ['sent', 'delivered', 'read']) {
      await expectTwiml(await deliver({ brandId: 'tiny', params: statusCallback(status) }));
    }
    await expectTwiml(await deliver({ brandId: 'tiny', params: inbound() }));
    const over = await deliver({ brandId: 'tiny', params: inbound({ MessageSid: 'SM2' }) });
    expect(over.status).toBe(429);
    expect(over.headers.get('retry-after')).toBeTruthy();
    expect(split(await h.envelopes()).events.map((event) => event.brand_id)).toEqual(['tiny']);
  });

  it('answers 503 with Retry-After when the bus is down', async () => {
    await h.bus.close();
    const response = await deliver({ brandId: 'acme', params: inbound() });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect((await response.json()).error.code).toBe('bus_unavailable');
  });
});
