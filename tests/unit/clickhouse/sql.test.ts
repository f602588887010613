import { describe, expect, it } from 'vitest';
import {
  array,
  count,
  dateTimeText,
  identifier,
  isFragment,
  list,
  quoteCount,
  quoteNumber,
  quoteString,
  sql,
  time,
  type SqlValue,
} from '../../../clickhouse/sql';

const HOSTILE = [
  `'; DROP TABLE events; --`,
  `' OR 1=1 --`,
  `it's "quoted" \\ back\\slashed \\' \\" ''`,
  `\\`,
  `\\\\'`,
  `'`,
  `''`,
  'nul\u0000byte \u0000',
  'line\nbreak\ttab\rreturn\bbackspace\fformfeed\u0007bell\u001bescape\u007fdel',
  'emoji 😀👩‍👩‍👧 and ünïcödé, RTL \u202e gnirts, zero\u200bwidth',
  '$1 ? :name %s {{x}} {name:String} `backtick` /* comment */ -- comment',
  '\\x41 \\0 \\n (escape sequences as text)',
  '',
];

/**
 * An independent reading of a ClickHouse quoted string literal, as the server
 * parses it (backslash escapes and a doubled quote); fails on anything else.
 */
function parseQuoted(literal: string): string {
  expect(literal.startsWith("'") && literal.endsWith("'") && literal.length >= 2).toBe(true);
  const body = literal.slice(1, -1);
  const simple: Record<string, string> = {
    '\\': '\\',
    "'": "'",
    n: '\n',
    r: '\r',
    t: '\t',
    '0': '\0',
    b: '\b',
    f: '\f',
  };
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const char = body[i]!;
    if (char === "'") throw new Error(`unescaped quote at ${i} in ${literal}`);
    if (char !== '\\') {
      out += char;
      continue;
    }
    const next = body[++i];
    if (next === undefined) throw new Error(`dangling backslash in ${literal}`);
    if (next === 'x') {
      out += String.fromCharCode(parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (simple[next] !== undefined) {
      out += simple[next];
    } else {
      throw new Error(`unexpected escape \\${next}`);
    }
  }
  return out;
}

describe('quoteString', () => {
  it.each(HOSTILE)('round-trips %j exactly', (value) => {
    expect(parseQuoted(quoteString(value))).toBe(value);
  });

  it('leaves no raw quote, control character or line break inside the literal', () => {
    for (const value of HOSTILE) {
      const body = quoteString(value).slice(1, -1);
      // eslint-disable-next-line no-control-regex
      expect(body).not.toMatch(/[\u0000-\u001f\u007f]/);
      // Every quote is escaped: preceded by an odd number of backslashes.
      for (const match of body.matchAll(/(\\*)'/g)) expect(match[1]!.length % 2).toBe(1);
      // The literal cannot end early: its last backslash run before the closing quote is even.
      expect((/\\*$/.exec(body)?.[0].length ?? 0) % 2).toBe(0);
    }
  });

  it('uses the escapes ClickHouse documents, and keeps Unicode as it is', () => {
    expect(quoteString(`a'b\\c`)).toBe(`'a\\'b\\\\c'`);
    expect(quoteString('\n\t\r\0')).toBe(`'\\n\\t\\r\\0'`);
    expect(quoteString('\u0001\u007f')).toBe(`'\\x01\\x7f'`);
    expect(quoteString('ü😀')).toBe(`'ü😀'`);
  });

  it('refuses what is not a string', () => {
    expect(() => quoteString(42 as unknown as string)).toThrow(TypeError);
    expect(() => quoteString(null as unknown as string)).toThrow(TypeError);
  });
});

describe('numbers', () => {
  it('writes finite numbers and refuses NaN and infinities', () => {
    for (const value of [0, 1, -5, 98.5, 0.1, 1e-7, 1.5e21, Number.MAX_SAFE_INTEGER]) {
      expect(Number(quoteNumber(value))).toBe(value);
    }
    expect(quoteNumber(-0)).toBe('0');
    for (const bad of [Number.NaN, Infinity, -Infinity]) expect(() => quoteNumber(bad)).toThrow(TypeError);
    expect(() => quoteNumber('1; DROP TABLE events' as unknown as number)).toThrow(TypeError);
  });

  it('writes counts only as whole numbers ≥ 0', () => {
    expect(quoteCount(0)).toBe('0');
    expect(quoteCount(42)).toBe('42');
    for (const bad of [-1, 1.5, Number.NaN, 2 ** 53, Infinity])
      expect(() => quoteCount(bad)).toThrow(RangeError);
    expect(count(7).text).toBe('7');
  });
});

describe('sql tag', () => {
  it('quotes every interpolated value and keeps the statement text', () => {
    const brand = `brand'; DROP TABLE profiles; --`;
    const statement = sql`SELECT * FROM profiles WHERE brand_id = ${brand} AND score > ${1.5} AND x IS ${null}`;
    expect(statement.text).toBe(
      `SELECT * FROM profiles WHERE brand_id = ${quoteString(brand)} AND score > 1.5 AND x IS NULL`,
    );
    expect(isFragment(statement)).toBe(true);
  });

  it('splices fragments as they are, and nests', () => {
    const inner = sql`brand_id = ${'a'}`;
    expect(sql`SELECT 1 WHERE ${inner} LIMIT ${count(3)}`.text).toBe(`SELECT 1 WHERE brand_id = 'a' LIMIT 3`);
  });

  it('refuses values it cannot render safely', () => {
    for (const bad of [undefined, true, 10n, {}, { text: 'DROP TABLE events' }, ['a'], Number.NaN]) {
      expect(() => sql`SELECT ${bad as unknown as SqlValue}`).toThrow(TypeError);
    }
  });

  it('does not treat a look-alike object as a fragment', () => {
    expect(isFragment({ text: '1; DROP TABLE events' })).toBe(false);
  });
});

describe('lists and arrays', () => {
  it('quote each element', () => {
    expect(list(['a', `b'c`, 3]).text).toBe(`('a', 'b\\'c', 3)`);
    expect(array(HOSTILE).text).toBe(`[${HOSTILE.map(quoteString).join(', ')}]`);
    expect(array([]).text).toBe('[]');
  });

  it('refuse an empty IN list, which has no SQL form', () => {
    expect(() => list([])).toThrow(RangeError);
  });
});

describe('time', () => {
  it('writes UTC DateTime text in whole seconds', () => {
    expect(dateTimeText('2024-05-01T10:00:00.000Z')).toBe('2024-05-01 10:00:00');
    expect(dateTimeText('2024-05-01T12:00:00+02:00')).toBe('2024-05-01 10:00:00');
    expect(dateTimeText('2024-05-01T10:00:00.900Z')).toBe('2024-05-01 10:00:00');
    expect(dateTimeText('2024-05-01T10:00:00.100Z', 'ceil')).toBe('2024-05-01 10:00:01');
    expect(dateTimeText('2024-05-01T10:00:00.000Z', 'ceil')).toBe('2024-05-01 10:00:00');
    expect(time('2024-05-01T10:00:00Z').text).toBe(`'2024-05-01 10:00:00'`);
  });

  it('refuses text that is not a time, and times DateTime cannot hold', () => {
    expect(() => dateTimeText(`2024-05-01'; DROP TABLE events; --`)).toThrow(TypeError);
    expect(() => dateTimeText('')).toThrow(TypeError);
    expect(() => dateTimeText('1969-12-31T23:59:59Z')).toThrow(RangeError);
    expect(() => dateTimeText('2107-01-01T00:00:00Z')).toThrow(RangeError);
  });
});

describe('identifier', () => {
  it('backquotes plain names, optionally from a whitelist', () => {
    expect(identifier('signalroom_test_1').text).toBe('`signalroom_test_1`');
    expect(identifier('events', ['events', 'profiles']).text).toBe('`events`');
    expect(() => identifier('alerts', ['events'])).toThrow(/not allowed/);
  });

  it('refuses anything that is not a plain identifier', () => {
    for (const bad of ['', '1abc', 'a-b', 'a b', 'a`b', 'x`; DROP DATABASE system; --', 'ü', 'a.b']) {
      expect(() => identifier(bad)).toThrow(TypeError);
    }
  });
});
