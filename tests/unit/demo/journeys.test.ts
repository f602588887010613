import { parsePhoneNumberWithError } from 'libphonenumber-js';
import { describe, expect, it } from 'vitest';
import type { SegmentMessage } from '../../../ingest/demo';
import { createIdentitySequence, createRandom, createShopper } from '../../../ingest/demo';
import { FIXED_NOW, generateActions, segmentMessages } from './generate';

const actions = generateActions(2024, 30_000);
const messages = segmentMessages(actions);
const byEvent = (event: string) => messages.filter((m) => m.type === 'track' && m.event === event);

/** Calls per cookie (anonymousId), in order. */
function callsByCookie(list: readonly SegmentMessage[]): Map<string, SegmentMessage[]> {
  const out = new Map<string, SegmentMessage[]>();
  for (const m of list) {
    const calls = out.get(m.anonymousId) ?? [];
    calls.push(m);
    out.set(m.anonymousId, calls);
  }
  return out;
}

describe('shopper journeys', () => {
  it('reproduce exactly from the same seed and differ for another', () => {
    expect(generateActions(2024, 2000)).toEqual(actions.slice(0, generateActions(2024, 2000).length));
    const other = segmentMessages(generateActions(2025, 2000)).map((m) => m.messageId);
    const ids = new Set(messages.map((m) => m.messageId));
    expect(other.filter((id) => ids.has(id))).toEqual([]);
  });

  it('stamp every call with the clock it was given', () => {
    expect(new Set(messages.map((m) => m.timestamp))).toEqual(new Set([FIXED_NOW.toISOString()]));
  });

  it('browse anonymously first, then log in with userId and email/phone on the same cookie', () => {
    let journeys = 0;
    for (const calls of callsByCookie(messages).values()) {
      const login = calls.findIndex((m) => m.type === 'identify' && m.userId !== undefined);
      if (login < 1) continue;
      const before = calls.slice(0, login);
      const identify = calls[login]!;
      if (before.some((m) => m.event === 'Product Viewed') && before.every((m) => m.userId === undefined)) {
        expect(identify.traits!.email).toEqual(expect.stringContaining('@'));
        // After the login the SDK sends the user id with every call from that device.
        for (const later of calls.slice(login)) expect(later.userId).toBe(identify.userId);
        journeys++;
      }
    }
    expect(journeys).toBeGreaterThan(50);
  });

  it('bring people back on another device, logging in again with the same userId', () => {
    const devicesByUser = new Map<string, Set<string>>();
    for (const m of messages) {
      if (m.type !== 'identify' || !m.userId || !m.context.device) continue;
      devicesByUser.set(m.userId, (devicesByUser.get(m.userId) ?? new Set()).add(m.context.device.id));
    }
    const multiDevice = [...devicesByUser.values()].filter((devices) => devices.size >= 2);
    expect(multiDevice.length).toBeGreaterThan(30);
    // Each device has its own cookie: the processor must merge them through the login.
    const cookiesOf = new Map<string, Set<string>>();
    for (const m of messages) {
      if (m.context.device)
        cookiesOf.set(
          m.context.device.id,
          (cookiesOf.get(m.context.device.id) ?? new Set()).add(m.anonymousId),
        );
    }
    for (const cookies of cookiesOf.values()) expect(cookies.size).toBe(1);
  });

  it('receive WhatsApp messages keyed by a whatsapp: phone, from people also seen on the web', () => {
    const whatsapp = byEvent('Message Received');
    expect(whatsapp.length).toBeGreaterThan(100);
    const webPhones = new Set(
      messages
        .filter((m) => m.type === 'identify' && typeof m.traits?.phone === 'string')
        .map((m) => e164(m.traits!.phone as string)),
    );
    let alsoOnWeb = 0;
    for (const m of whatsapp) {
      expect(m.context.channel).toBe('whatsapp');
      expect(m.traits!.phone).toMatch(/^whatsapp:\+91[6-9]\d{9}$/);
      if (webPhones.has(e164(m.traits!.phone as string))) alsoOnWeb++;
    }
    expect(alsoOnWeb).toBeGreaterThan(10);
  });

  it('buy in stores with a loyalty card or a phone on the receipt', () => {
    const store = byEvent('Order Completed').filter((m) => m.context.channel === 'store');
    expect(store.length).toBeGreaterThan(50);
    for (const m of store) expect(m.traits!.loyalty_id ?? m.traits!.phone).toEqual(expect.any(String));
    expect(store.some((m) => typeof m.traits!.loyalty_id === 'string')).toBe(true);
    expect(store.some((m) => m.traits!.loyalty_id === undefined && typeof m.traits!.phone === 'string')).toBe(
      true,
    );
  });

  it('write phones in E.164, spaced and national forms that all normalize to one valid number', () => {
    const written = messages.flatMap((m) => (typeof m.traits?.phone === 'string' ? [m.traits.phone] : []));
    expect(written.some((p) => /^\+91\d{10}$/.test(p))).toBe(true);
    expect(written.some((p) => /^\+91 \d{5} \d{5}$/.test(p))).toBe(true);
    expect(written.some((p) => /^0\d{5} \d{5}$/.test(p))).toBe(true);
    for (const phone of written) {
      const parsed = parsePhoneNumberWithError(phone.replace(/^whatsapp:/, ''), 'IN');
      expect(parsed.isValid(), phone).toBe(true);
    }
  });

  it('convert a few % of web visits, with revenue equal to the sum of items', () => {
    const visits = messages.filter((m) => m.name === 'Home' || m.event === 'Application Opened').length;
    const webOrders = byEvent('Order Completed').filter((m) => m.context.channel !== 'store');
    const shopifyOrders = actions.filter((a) => a.kind === 'shopify');
    const rate = (webOrders.length + shopifyOrders.length) / visits;
    expect(rate).toBeGreaterThan(0.01);
    expect(rate).toBeLessThan(0.1);
    expect(shopifyOrders.length).toBeGreaterThan(10);
    for (const m of byEvent('Order Completed')) {
      const products = m.properties!.products as Array<{ price: number; quantity: number }>;
      expect(m.properties!.revenue).toBe(products.reduce((sum, p) => sum + p.price * p.quantity, 0));
    }
  });

  it('include bursts of intent: one visit viewing and adding many products', () => {
    const bursts = [...callsByCookie(messages).values()].filter(
      (calls) =>
        calls.filter((m) => m.event === 'Product Viewed').length >= 8 &&
        calls.filter((m) => m.event === 'Product Added').length >= 3 &&
        calls.some((m) => m.userId !== undefined),
    );
    expect(bursts.length).toBeGreaterThan(10);
  });

  it('tag some visits with campaigns', () => {
    const campaigns = new Set(messages.flatMap((m) => (m.context.campaign ? [m.context.campaign.name] : [])));
    expect(campaigns.size).toBeGreaterThanOrEqual(4);
  });
});

function e164(phone: string): string {
  return parsePhoneNumberWithError(phone.replace(/^whatsapp:/, ''), 'IN').number;
}

describe('shopper identities', () => {
  it('never give two people of a brand the same email, phone, customer id or loyalty card', () => {
    const sequence = createIdentitySequence(createRandom(5));
    const random = createRandom(6);
    const people = Array.from({ length: 50_000 }, () => createShopper(random, sequence));
    for (const key of ['email', 'phone', 'customerId'] as const) {
      expect(new Set(people.map((p) => p[key])).size, key).toBe(people.length);
    }
    const cards = people.flatMap((p) => (p.loyaltyId ? [p.loyaltyId] : []));
    expect(cards.length).toBeGreaterThan(15_000);
    expect(new Set(cards).size).toBe(cards.length);
    expect(people.every((p) => /^\+91[789]\d{9}$/.test(p.phone))).toBe(true);
  });

  it('walk different numbers for different seeds', () => {
    const phones = (seed: number) => {
      const sequence = createIdentitySequence(createRandom(seed));
      const random = createRandom(seed);
      return new Set(Array.from({ length: 5000 }, () => createShopper(random, sequence).phone.slice(4)));
    };
    const first = phones(1);
    expect([...phones(2)].filter((tail) => first.has(tail))).toEqual([]);
  });
});
