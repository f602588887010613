import { describe, expect, it } from 'vitest';
import { parseIdentifierQuery, searchAsPhone } from '../../../src/lib/server/identifier-query';

const parse = (raw: string | undefined, country = 'US') => parseIdentifierQuery(raw, country);

describe('identifier query', () => {
  it('lower-cases and trims emails', () => {
    expect(parse('email:  Ana.Silva@Example.COM ')).toEqual({
      ok: true,
      identifier: { type: 'email', value: 'ana.silva@example.com' },
    });
  });

  it('reads phones into E.164, in the brand country when they have no country code', () => {
    expect(parse('phone:+1 415 555 0123')).toEqual({
      ok: true,
      identifier: { type: 'phone', value: '+14155550123' },
    });
    expect(parse('phone:(415) 555-0123')).toEqual({
      ok: true,
      identifier: { type: 'phone', value: '+14155550123' },
    });
    expect(parse('phone:020 7946 0018', 'GB')).toEqual({
      ok: true,
      identifier: { type: 'phone', value: '+442079460018' },
    });
  });

  it('finds every phone the processor stores: possible numbers, allocated or not', () => {
    // +44 7700 900xxx is reserved for fiction: possible, not valid; the processor keeps it.
    expect(parse('phone:+44 7700 900123')).toEqual({
      ok: true,
      identifier: { type: 'phone', value: '+447700900123' },
    });
  });

  it('keeps other identifier values as given (trimmed), colons included', () => {
    expect(parse('user_id:cust:42')).toEqual({ ok: true, identifier: { type: 'user_id', value: 'cust:42' } });
    expect(parse('device_id: D-1 ')).toEqual({ ok: true, identifier: { type: 'device_id', value: 'D-1' } });
    for (const type of ['anonymous_id', 'loyalty_id']) {
      expect(parse(`${type}:x1`)).toEqual({ ok: true, identifier: { type, value: 'x1' } });
    }
  });

  it.each([
    [undefined, /required/],
    ['', /required/],
    ['ana@example.com', /<type>:<value>/],
    ['cookie:abc', /"cookie" is not one of user_id, email/],
    ['__proto__:x', /not one of/],
    ['email:', /empty/],
    ['email:   ', /empty/],
    ['email:not-an-email', /not an email/],
    ['email:a@b@c', /not an email/],
    ['phone:hello', /not a phone number/],
    ['phone:123', /not a phone number/],
    [`user_id:${'x'.repeat(300)}`, /longer than 256/],
  ])('names the problem with %j', (raw, problem) => {
    const result = parse(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toMatch(problem);
  });
});

describe('a Profiles search read as a phone number', () => {
  it('reads national numbers in the brand’s country, as the processor stores them', () => {
    expect(searchAsPhone('98765 43210', 'IN')).toBe('+919876543210');
    expect(searchAsPhone(' (415) 555-0123 ', 'US')).toBe('+14155550123');
    expect(searchAsPhone('0151 1234 5678', 'DE')).toBe('+4915112345678');
  });

  it('leaves numbers with their own + to the search as typed, and everything else alone', () => {
    for (const search of [
      '+91 98765 43210',
      'ana@example.com',
      'cust-42',
      '12',
      '',
      '1'.repeat(40),
      `98765'--`,
    ])
      expect(searchAsPhone(search, 'IN'), search).toBeUndefined();
  });
});
