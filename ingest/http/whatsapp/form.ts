// Strict `application/x-www-form-urlencoded` parsing for signed webhooks.
// Twilio signs the decoded parameter values, so a value we decoded
// differently from Twilio could never verify, and one we decoded leniently
// (URLSearchParams turns a broken %-escape or invalid UTF-8 into U+FFFD)
// would verify against the wrong text. Here a body that is not valid UTF-8,
// or holds a bad %-escape, is refused and named instead.

/** Parameter name → its values in the order received (a name may repeat). */
export type FormParams = ReadonlyMap<string, readonly string[]>;

export type FormParse = { ok: true; params: FormParams } | { ok: false; message: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeComponent(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw.replaceAll('+', ' '));
  } catch {
    return undefined; // a %-escape that is cut short, not hex, or not UTF-8
  }
}

export function parseFormBody(bytes: Uint8Array): FormParse {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { ok: false, message: 'body is not valid UTF-8' };
  }
  // A Map, not an object: names such as `__proto__` stay ordinary parameters.
  const params = new Map<string, string[]>();
  let position = 0;
  for (const pair of text.split('&')) {
    position++;
    if (pair === '') continue; // "a=1&&b=2": as the WHATWG form parser does
    const equals = pair.indexOf('=');
    const name = decodeComponent(equals === -1 ? pair : pair.slice(0, equals));
    const value = decodeComponent(equals === -1 ? '' : pair.slice(equals + 1));
    if (name === undefined || value === undefined) {
      return { ok: false, message: `form field ${position} has a malformed %-escape` };
    }
    const values = params.get(name);
    if (values) values.push(value);
    else params.set(name, [value]);
  }
  return { ok: true, params };
}

/** The first value of each parameter, as a plain record for schema validation. */
export function firstValues(params: FormParams): Record<string, string> {
  return Object.fromEntries([...params].map(([name, values]) => [name, values[0] ?? '']));
}
