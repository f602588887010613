// What the intent score reads of an event beyond its type: the categories (as
// the learned model reads them, intent/learn.ts) and the product, for reasons.
import type { NormalizedEvent } from '../normalize';
import type { IntentEvent } from '../../models/intent/features';
import { intentEventOf } from './learn';
import type { IntentDetail } from './score';

/** `intentEvent`: what the learner sees of the same event, when the caller has it already. */
export function intentDetailOf(
  normalized: NormalizedEvent,
  intentEvent: IntentEvent = intentEventOf(normalized),
): IntentDetail {
  const { commerce, properties } = normalized.event;
  const first = commerce.items?.[0];
  const named = properties.name ?? properties.product_name;
  return {
    categories: intentEvent.categories,
    productId: commerce.product_id ?? first?.product_id ?? null,
    productName: first?.name ?? (typeof named === 'string' && named.trim() !== '' ? named.trim() : null),
  };
}
