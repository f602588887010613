// Per-customer inputs of the customer-base models, and their validation.
//
// One summary per customer, all times in one unit (the fits are unit-free; CDNOW uses weeks):
//   x    repeat purchases: purchase occasions after the first (same-day purchases count once)
//   t_x  recency: time from the first purchase to the last one (0 when x = 0)
//   T    age: time from the first purchase to the end of the observation window (T ≥ t_x)
// Bad values are refused with a ClvInputError naming the customer's index and field, never fitted around.

export interface CustomerRfm {
  x: number;
  t_x: number;
  T: number;
}

export interface CustomerSpend {
  /** Repeat purchases, as in CustomerRfm. */
  x: number;
  /** Mean value of the repeat purchases (the first one excluded), ≥ 0; ignored when x = 0. */
  meanSpend: number;
}

export class ClvInputError extends RangeError {
  override name = 'ClvInputError';
  /** Which input was wrong, e.g. `customers[3].t_x`. Never retriable: the data must change. */
  readonly field: string;
  constructor(field: string, problem: string) {
    super(`${field} ${problem}`);
    this.field = field;
  }
}

export function checkNonNegative(field: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ClvInputError(field, `must be a finite number, got ${String(value)}`);
  }
  if (value < 0) throw new ClvInputError(field, `must be ≥ 0, got ${value}`);
}

export function checkPositive(field: string, value: number): void {
  checkNonNegative(field, value);
  if (value === 0) throw new ClvInputError(field, `must be > 0, got 0`);
}

export function checkRfm(c: CustomerRfm, at = 'customer'): void {
  checkNonNegative(`${at}.x`, c.x);
  if (!Number.isInteger(c.x))
    throw new ClvInputError(`${at}.x`, `must be a whole number of purchases, got ${c.x}`);
  checkNonNegative(`${at}.t_x`, c.t_x);
  checkNonNegative(`${at}.T`, c.T);
  if (c.T < c.t_x) throw new ClvInputError(`${at}.T`, `must be ≥ t_x (${c.t_x}), got ${c.T}`);
  if (c.x === 0 && c.t_x !== 0) throw new ClvInputError(`${at}.t_x`, `must be 0 when x is 0, got ${c.t_x}`);
}

export function checkSpend(c: CustomerSpend, at = 'customer'): void {
  checkNonNegative(`${at}.x`, c.x);
  if (!Number.isInteger(c.x))
    throw new ClvInputError(`${at}.x`, `must be a whole number of purchases, got ${c.x}`);
  if (c.x > 0) checkNonNegative(`${at}.meanSpend`, c.meanSpend);
}
