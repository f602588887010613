// One brand's customers as the segment models read them, and their validation.
//
// A population is always one brand's (tenancy: nothing here mixes brands); times are epoch
// milliseconds and `asOf` is the reference time of the run. Bad values are refused with a
// SegmentInputError naming the customer's index and field, never clustered around.

export interface ChannelEvents {
  web: number;
  store: number;
  whatsapp: number;
}

export interface CustomerActivity {
  profileId: string;
  /** null when the customer has never ordered; then orders and revenue must be 0. */
  firstOrderAt: number | null;
  lastOrderAt: number | null;
  /** Whole orders, ≥ 0. */
  orders: number;
  /** Total revenue in the brand's currency, ≥ 0 (refunds already netted, never below 0). */
  revenue: number;
  /** Events of any kind in the 30 days before asOf, ≥ 0. */
  events30d: number;
  /** Events per channel over the same 30 days (other channels are not counted), each ≥ 0. */
  channels: ChannelEvents;
  /** The profile's current purchase-intent score, in [0, 1]. */
  intent: number;
}

export interface BrandPopulation {
  brandId: string;
  /** Reference time: recency and tenure are measured back from it. */
  asOf: number;
  customers: readonly CustomerActivity[];
}

export class SegmentInputError extends RangeError {
  override name = 'SegmentInputError';
  /** Which input was wrong, e.g. `customers[3].revenue`. Never retriable: the data must change. */
  readonly field: string;
  readonly retriable = false;
  constructor(field: string, problem: string) {
    super(`${field} ${problem}`);
    this.field = field;
  }
}

function finite(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new SegmentInputError(field, `must be a finite number, got ${String(value)}`);
  }
  return value;
}

function nonNegative(field: string, value: unknown): number {
  const v = finite(field, value);
  if (v < 0) throw new SegmentInputError(field, `must be ≥ 0, got ${v}`);
  return v;
}

/** Checks one brand's population; throws SegmentInputError on the first bad value. */
export function checkPopulation(p: BrandPopulation): void {
  if (typeof p.brandId !== 'string' || p.brandId === '') {
    throw new SegmentInputError('brandId', 'must be a non-empty string');
  }
  const asOf = finite('asOf', p.asOf);
  if (!Array.isArray(p.customers)) throw new SegmentInputError('customers', 'must be an array');
  if (p.customers.length === 0) throw new SegmentInputError('customers', 'must not be empty');
  const seen = new Set<string>();
  p.customers.forEach((c, i) => {
    const at = `customers[${i}]`;
    if (typeof c.profileId !== 'string' || c.profileId === '') {
      throw new SegmentInputError(`${at}.profileId`, 'must be a non-empty string');
    }
    if (seen.has(c.profileId)) {
      throw new SegmentInputError(`${at}.profileId`, `is a duplicate: ${c.profileId}`);
    }
    seen.add(c.profileId);
    const orders = nonNegative(`${at}.orders`, c.orders);
    if (!Number.isInteger(orders)) {
      throw new SegmentInputError(`${at}.orders`, `must be a whole number, got ${orders}`);
    }
    const revenue = nonNegative(`${at}.revenue`, c.revenue);
    if (orders === 0) {
      if (c.firstOrderAt !== null || c.lastOrderAt !== null) {
        throw new SegmentInputError(`${at}.lastOrderAt`, 'must be null when orders is 0');
      }
      if (revenue !== 0)
        throw new SegmentInputError(`${at}.revenue`, `must be 0 when orders is 0, got ${revenue}`);
    } else {
      const first = finite(`${at}.firstOrderAt`, c.firstOrderAt);
      const last = finite(`${at}.lastOrderAt`, c.lastOrderAt);
      if (last > asOf) throw new SegmentInputError(`${at}.lastOrderAt`, `is after asOf (${last} > ${asOf})`);
      if (first > last) {
        throw new SegmentInputError(`${at}.firstOrderAt`, `is after lastOrderAt (${first} > ${last})`);
      }
    }
    nonNegative(`${at}.events30d`, c.events30d);
    if (c.channels === null || typeof c.channels !== 'object') {
      throw new SegmentInputError(`${at}.channels`, 'must be an object');
    }
    nonNegative(`${at}.channels.web`, c.channels.web);
    nonNegative(`${at}.channels.store`, c.channels.store);
    nonNegative(`${at}.channels.whatsapp`, c.channels.whatsapp);
    const intent = finite(`${at}.intent`, c.intent);
    if (intent < 0 || intent > 1)
      throw new SegmentInputError(`${at}.intent`, `must be in [0, 1], got ${intent}`);
  });
}

export const DAY_MS = 86_400_000;
