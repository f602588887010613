import { describe, expect, it } from 'vitest';
import { firstValues, parseFormBody } from '../../../../ingest/http/whatsapp/form';

const bytes = (text: string) => new TextEncoder().encode(text);

function parsed(text: string) {
  const result = parseFormBody(bytes(text));
  if (!result.ok) throw new Error(result.message);
  return Object.fromEntries(result.params);
}

describe('parseFormBody', () => {
  it('decodes as URLSearchParams serializes: "+" is a space, %-escapes are UTF-8', () => {
    const values = { From: 'whatsapp:+919876543210', Body: 'नमस्ते 👋 a+b=c & 100%' };
    expect(parsed(new URLSearchParams(values).toString())).toEqual({
      From: ['whatsapp:+919876543210'],
      Body: ['नमस्ते 👋 a+b=c & 100%'],
    });
  });

  it('keeps repeated names in order, empty values, names without "=", and skips empty pairs', () => {
    expect(parsed('a=1&&b=&a=2&c')).toEqual({ a: ['1', '2'], b: [''], c: [''] });
    expect(parsed('')).toEqual({});
  });

  it('a name like __proto__ is an ordinary parameter', () => {
    const result = parseFormBody(bytes('__proto__=x&constructor=y'));
    expect(result.ok && firstValues(result.params)).toEqual(
      JSON.parse('{"__proto__":"x","constructor":"y"}') as Record<string, string>,
    );
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it.each([
    ['a %-escape cut short', 'From=whatsapp%3A%2B91&Body=hi%2', 2],
    ['a %-escape that is not hex', 'Body=%ZZ', 1],
    ['%-escaped bytes that are not UTF-8', 'Body=%FF%FE', 1],
    ['half of a %-escaped UTF-8 character', 'Body=%E0%A4', 1],
    ['a bad escape in a name', 'Bo%dy=1', 1],
  ])('refuses %s, naming the field', (_name, text, position) => {
    expect(parseFormBody(bytes(text))).toEqual({
      ok: false,
      message: `form field ${position} has a malformed %-escape`,
    });
  });

  it('refuses raw bytes that are not UTF-8', () => {
    expect(parseFormBody(Uint8Array.from([0x42, 0x6f, 0x64, 0x79, 0x3d, 0xc3, 0x28]))).toEqual({
      ok: false,
      message: 'body is not valid UTF-8',
    });
  });
});
