// A POS bill as a store's till sends it to POST /v1/pos/bills.
// Money is a JSON number or a decimal string ("199.00"); fields we do not
// read are ignored. Every rule a bill can break is an issue with a path, so
// a 400 names the field ("lines.0.quantity: must be a whole number ≥ 1").
//
// The total is checked against the lines: it must equal
//   Σ quantity × unit_price − discount + tax + rounding
// within one minor unit of the currency per line, plus one. A total that is
// off by more (a till sending paise where rupees were meant, a dropped line)
// is refused rather than booked as wrong revenue. When it passes, `total` is
// the revenue: it is what the customer paid.
import { z } from 'zod';
import { describeIssues } from '../zod-issues';

/** One request carries at most this many bills; it fits the default rate-limit burst (1000). */
export const MAX_BILLS_PER_REQUEST = 500;
export const MAX_LINES_PER_BILL = 500;
/** Larger amounts are a bug in the till, and would overflow KPI sums long before they are real. */
export const MAX_AMOUNT = 1e12;
const MAX_QUANTITY = 1_000_000;
const MAX_ID_LENGTH = 200;
/** The processor drops longer identifier values (normalize.ts); say so here instead. */
const MAX_IDENTIFIER_LENGTH = 256;

const SUPPORTED_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

/** Digits after the decimal point in the currency's minor unit (INR 2, JPY 0, KWD 3). */
export function minorUnitDigits(currency: string): number {
  return (
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
  );
}

/** A message for a value of the wrong shape; a missing one is just "required". */
const expected =
  (message: string) =>
  (issue: { input?: unknown }): string =>
    issue.input === undefined ? 'required' : message;

/** Absent, null and (for text) blank all read as "not given": undefined. */
const optional = <T extends z.ZodType>(schema: T) =>
  schema.nullish().transform((value): z.output<T> | undefined => value ?? undefined);

const amountInput = (pattern: RegExp, example: string) =>
  z.union([z.number(), z.string().regex(pattern).transform(Number)], {
    error: expected(`expected an amount: a number or a decimal string such as "${example}"`),
  });

const amount = amountInput(/^\d+(\.\d+)?$/, '19.99').pipe(
  z.number().finite().min(0, 'must not be negative').max(MAX_AMOUNT, `must be at most ${MAX_AMOUNT}`),
);
/** Cash rounding ("round off") may go either way. */
const signedAmount = amountInput(/^-?\d+(\.\d+)?$/, '-0.40').pipe(
  z.number().finite().min(-MAX_AMOUNT).max(MAX_AMOUNT),
);

/** Ids may be numbers in the wild; they travel as strings. Blank is not an id. */
const idValue = z.union(
  [
    z.string().trim().min(1, 'must not be blank').max(MAX_ID_LENGTH),
    z.number().int().nonnegative().transform(String),
  ],
  { error: expected('expected a non-empty string or a whole number') },
);

/** An identifier the customer gave at the till. Empty or null is "not given". */
const identifier = optional(
  z
    .union([z.string().max(MAX_IDENTIFIER_LENGTH), z.number().int().nonnegative().transform(String)], {
      error: `expected a string of at most ${MAX_IDENTIFIER_LENGTH} characters`,
    })
    .transform((value) => value.trim() || undefined),
);

const optionalText = (max: number) =>
  optional(
    z
      .string()
      .max(max)
      .transform((value) => value.trim() || undefined),
  );

const lineSchema = z.object({
  product_id: idValue,
  name: optionalText(500),
  category: optionalText(200),
  // Whole units: a line item's quantity is an integer everywhere downstream. Weighed goods
  // are sent as quantity 1 with the line's amount as unit_price.
  quantity: z
    .number({ error: expected('expected a number') })
    .int('must be a whole number ≥ 1 (returns are not bills)')
    .min(1, 'must be a whole number ≥ 1 (returns are not bills)')
    .max(MAX_QUANTITY, `must be at most ${MAX_QUANTITY}`),
  unit_price: amount,
});
export type BillLine = z.output<typeof lineSchema>;

export const billSchema = z.object({
  bill_id: idValue,
  store_id: idValue,
  store_name: optionalText(200),
  time: z.iso.datetime({
    offset: true,
    error: expected('expected an ISO-8601 time with its UTC offset, e.g. "2024-05-01T18:30:00+05:30"'),
  }),
  lines: z
    .array(lineSchema, { error: expected('expected an array of lines') })
    .min(1, 'a bill has at least one line')
    .max(MAX_LINES_PER_BILL, `a bill has at most ${MAX_LINES_PER_BILL} lines`),
  total: amount,
  discount: optional(amount),
  tax: optional(amount),
  rounding: optional(signedAmount),
  currency: z
    .string({ error: expected('expected an ISO 4217 currency code such as "INR"') })
    .transform((value) => value.trim().toUpperCase())
    .refine((value) => SUPPORTED_CURRENCIES.has(value), 'expected an ISO 4217 currency code such as "INR"'),
  phone: identifier,
  email: identifier,
  loyalty_id: identifier,
  /** The brand's own customer id. */
  customer_ref: identifier,
});
export type Bill = z.output<typeof billSchema>;

/** Rounds away float noise (19.99 × 3) in the currency's minor unit. */
function roundTo(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

type TotalCheck = { ok: true } | { ok: false; message: string };

/** Only for a bill that parsed: the currency is known and every amount a number. */
function checkTotal(bill: Bill): TotalCheck {
  const digits = minorUnitDigits(bill.currency);
  const lines = bill.lines.reduce((sum, line) => sum + line.quantity * line.unit_price, 0);
  const expected = roundTo(lines - (bill.discount ?? 0) + (bill.tax ?? 0) + (bill.rounding ?? 0), digits);
  const tolerance = 10 ** -digits * (bill.lines.length + 1);
  const difference = Math.abs(bill.total - expected);
  // The epsilon keeps a difference of exactly the tolerance (in floating point) inside it.
  if (difference <= tolerance + 1e-9) return { ok: true };
  return {
    ok: false,
    message:
      `${bill.total} does not match the lines: Σ quantity × unit_price − discount + tax + rounding = ` +
      `${expected} ${bill.currency} (off by ${roundTo(difference, digits)}, at most ${roundTo(tolerance, digits)} allowed)`,
  };
}

/** `{ "bills": [...] }`: each item is checked on its own (see app.ts). */
export const billBatchSchema = z.object({
  bills: z
    .array(z.unknown(), { error: expected('expected an array of bills') })
    .min(1, 'bills must hold at least one bill')
    .max(MAX_BILLS_PER_REQUEST, `at most ${MAX_BILLS_PER_REQUEST} bills per request`),
});

export type BillParse = { ok: true; bill: Bill } | { ok: false; message: string };

/** Validates one bill; the message names every bad field by path. */
export function parseBill(value: unknown): BillParse {
  const parsed = billSchema.safeParse(value);
  if (!parsed.success) return { ok: false, message: describeIssues(parsed.error) };
  const total = checkTotal(parsed.data);
  return total.ok ? { ok: true, bill: parsed.data } : { ok: false, message: `total: ${total.message}` };
}
