// The one way values reach ClickHouse SQL. Both servers we support (Debian's
// 18.16 and current releases) lack a shared form of server-side parameters,
// so every value is rendered here as a literal, and every other module builds
// its statements with the `sql` tag below:
//
//   sql`SELECT * FROM profiles FINAL WHERE brand_id = ${brandId}`
//
// An interpolated string becomes a quoted literal, a number a validated
// numeric literal, null NULL; anything else must be a fragment made by this
// module (`time`, `list`, `array`, `identifier`, `raw` for SQL constants).
// String literals use ClickHouse's backslash escapes, which both the SQL
// parser and the VALUES input format read the same way.

const FRAGMENT: unique symbol = Symbol('sql fragment');

/** SQL text that is safe to splice: only this module makes one. */
export interface SqlFragment {
  readonly [FRAGMENT]: true;
  readonly text: string;
}

export type SqlValue = string | number | null | SqlFragment;

function fragment(text: string): SqlFragment {
  return { [FRAGMENT]: true, text };
}

export function isFragment(value: unknown): value is SqlFragment {
  return typeof value === 'object' && value !== null && FRAGMENT in value;
}

const ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  "'": "\\'",
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\0': '\\0',
  '\b': '\\b',
  '\f': '\\f',
};

/**
 * A string as a single-quoted ClickHouse literal. Backslash and quote are
 * escaped, control characters become named or \xHH escapes; everything else
 * (any Unicode) passes through and is sent as UTF-8.
 */
export function quoteString(value: string): string {
  if (typeof value !== 'string') throw new TypeError(`expected a string, got ${describe(value)}`);
  // Most values need no escape: one scan decides (this runs for every value of every row).
  if (!NEEDS_ESCAPE.test(value)) return `'${value}'`;
  return `'${value.replace(ESCAPE_ALL, escapeChar)}'`;
}

// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /[\\'\u0000-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex
const ESCAPE_ALL = /[\\'\u0000-\u001f\u007f]/g;

function escapeChar(char: string): string {
  return ESCAPES[char] ?? `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`;
}

/** A finite number as a literal; NaN and ±Infinity are caller bugs, not data. */
export function quoteNumber(value: number): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new TypeError(`expected a finite number, got ${describe(value)}`);
  }
  // -0 would read as the expression `-0`; the same value without the sign is simpler.
  return Object.is(value, -0) ? '0' : String(value);
}

/** A whole number ≥ 0 (counts, versions, offsets, limits). */
export function quoteCount(value: number): string {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`expected a whole number ≥ 0, got ${describe(value)}`);
  }
  return String(value);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return value === null ? 'null' : typeof value;
}

function render(value: SqlValue): string {
  if (isFragment(value)) return value.text;
  if (typeof value === 'string') return quoteString(value);
  if (typeof value === 'number') return quoteNumber(value);
  if (value === null) return 'NULL';
  throw new TypeError(`cannot put ${describe(value)} into SQL`);
}

/** Builds a statement; every `${value}` is rendered by `render`, never spliced raw. */
export function sql(strings: TemplateStringsArray, ...values: readonly SqlValue[]): SqlFragment {
  let text = strings[0] ?? '';
  values.forEach((value, index) => {
    text += render(value) + (strings[index + 1] ?? '');
  });
  return fragment(text);
}

/** A count as a literal fragment (LIMIT, versions). */
export const count = (value: number): SqlFragment => fragment(quoteCount(value));

/**
 * An ISO-8601 instant as a DateTime literal, 'YYYY-MM-DD hh:mm:ss' in UTC.
 * ClickHouse DateTime has whole seconds: milliseconds are cut (`floor`) or,
 * for an exclusive or inclusive lower bound that must not move, rounded up (`ceil`).
 */
export function time(iso: string, rounding: 'floor' | 'ceil' = 'floor'): SqlFragment {
  return fragment(quoteString(dateTimeText(iso, rounding)));
}

export function dateTimeText(iso: string, rounding: 'floor' | 'ceil' = 'floor'): string {
  // A commit's rows share few distinct times (a request's arrival, a minute): remember the last few.
  const cache = rounding === 'floor' ? floorTexts : ceilTexts;
  const known = typeof iso === 'string' ? cache.get(iso) : undefined;
  if (known !== undefined) return known;
  const millis = typeof iso === 'string' ? Date.parse(iso) : Number.NaN;
  if (Number.isNaN(millis)) throw new TypeError(`not an ISO-8601 time: ${describe(iso)}`);
  const seconds = rounding === 'floor' ? Math.floor(millis / 1000) : Math.ceil(millis / 1000);
  // DateTime is an unsigned 32-bit count of seconds since 1970.
  if (seconds < 0 || seconds > 0xffffffff) throw new RangeError(`time out of DateTime range: ${iso}`);
  const text = new Date(seconds * 1000).toISOString().slice(0, 19).replace('T', ' ');
  if (cache.size >= DATE_TIME_CACHE_SIZE) cache.clear();
  cache.set(iso, text);
  return text;
}

const DATE_TIME_CACHE_SIZE = 4096;
const floorTexts = new Map<string, string>();
const ceilTexts = new Map<string, string>();

/** `(v1, v2, …)` for `IN`; an empty list has no SQL form, so callers handle it first. */
export function list(values: readonly SqlValue[]): SqlFragment {
  if (values.length === 0) throw new RangeError('an IN list needs at least one value');
  return fragment(`(${values.map(render).join(', ')})`);
}

/** `[v1, v2, …]`, an Array literal. */
export function array(values: readonly SqlValue[]): SqlFragment {
  return fragment(`[${values.map(render).join(', ')}]`);
}

/** Fragments joined by a separator made of SQL constants. */
export function join(parts: readonly SqlFragment[], separator: string): SqlFragment {
  return fragment(parts.map((part) => part.text).join(separator));
}

/**
 * SQL text from the program itself (table and column names, keywords), never
 * from data. The name says what it is for; grep for `raw(` when reviewing.
 */
export const raw = (text: string): SqlFragment => fragment(text);

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A database, table or column name: it must be one of `allowed` (when given)
 * and a plain identifier; it is backquoted so a keyword-like name still works.
 */
export function identifier(name: string, allowed?: readonly string[]): SqlFragment {
  if (typeof name !== 'string' || !IDENTIFIER.test(name)) {
    throw new TypeError(`not a plain identifier: ${describe(name)}`);
  }
  if (allowed && !allowed.includes(name)) throw new TypeError(`identifier not allowed here: ${name}`);
  return fragment(`\`${name}\``);
}
