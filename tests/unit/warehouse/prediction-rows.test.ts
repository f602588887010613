// Stored prediction pieces read back: an order's line items with their names, and stored
// recommendations from before labels were kept.
import { describe, expect, it } from 'vitest';
import { orderItemsOf, parseRecommendations, PRODUCT_NAME_MAX } from '../../../ingest/warehouse/predictions';

describe('orderItemsOf', () => {
  it('keeps names trimmed and bounded, and no name for blank or missing ones', () => {
    expect(
      orderItemsOf({
        order_items: [
          { product_id: 'a', name: '  Linen shirt ', price: 1, quantity: 1 },
          { product_id: 'b', name: '   ' },
          { product_id: 'c', name: 'x'.repeat(PRODUCT_NAME_MAX + 50) },
          { product_id: 'd', name: 42 },
          { product_id: 'e' },
        ],
      }),
    ).toEqual([
      { product_id: 'a', category: null, name: 'Linen shirt' },
      { product_id: 'b', category: null, name: null },
      { product_id: 'c', category: null, name: 'x'.repeat(PRODUCT_NAME_MAX) },
      { product_id: 'd', category: null, name: null },
      { product_id: 'e', category: null, name: null },
    ]);
  });
});

describe('parseRecommendations', () => {
  it('reads rows stored before labels were kept as having none', () => {
    expect(parseRecommendations('[{"product_id":"a","reason":"popular","because":[],"score":1}]')).toEqual([
      { product_id: 'a', reason: 'popular', because: [], score: 1, labels: {} },
    ]);
  });

  it('refuses a stored value that is not recommendations, naming the field', () => {
    expect(() =>
      parseRecommendations('[{"product_id":"a","reason":"guess","because":[],"score":1}]'),
    ).toThrow(/reason/);
  });
});
