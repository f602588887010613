import { describe, expect, it } from 'vitest';
import { quoteUnsafeIntegers } from '../../../../ingest/http/body/large-integers';

describe('quoteUnsafeIntegers', () => {
  it('quotes integers beyond 2^53 - 1 and keeps every digit', () => {
    const text = '{"id":820982911946154508,"customer":{"id":-9007199254740993},"n":[9007199254740992]}';
    expect(JSON.parse(quoteUnsafeIntegers(text))).toEqual({
      id: '820982911946154508',
      customer: { id: '-9007199254740993' },
      n: ['9007199254740992'],
    });
  });

  it('leaves safe integers, decimals, exponents and strings alone', () => {
    const text =
      '{"a":9007199254740991,"b":12345678901234567890.5,"c":1e300,"d":"820982911946154508","e":"x\\":820982911946154508"}';
    expect(quoteUnsafeIntegers(text)).toBe(text);
  });

  it('does not turn invalid JSON into valid JSON', () => {
    for (const bad of ['{"id":820982911946154508', '{"a":"unterminated', '[1,2', '-']) {
      expect(() => JSON.parse(quoteUnsafeIntegers(bad)), bad).toThrow();
    }
  });
});
