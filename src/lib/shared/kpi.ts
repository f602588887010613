import type { KpiMinute } from './model';

/** A minute with nothing in it yet. */
export function emptyKpiMinute(brandId: string, minute: string): KpiMinute {
  return {
    brand_id: brandId,
    minute,
    events: 0,
    active_users: 0,
    carts: 0,
    purchases: 0,
    revenue: 0,
    conversion_rate: 0,
    high_intent_profiles: 0,
  };
}
