// POS bills as a till would send them: two shirts and a belt, bought in Bengaluru.

export function bill(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    bill_id: 'BLR01-000123',
    store_id: 'BLR01',
    store_name: 'Bengaluru Indiranagar',
    time: '2024-05-01T17:29:30+05:30',
    currency: 'INR',
    lines: [
      { product_id: 'SKU-SHIRT-M', name: 'Linen shirt', category: 'Shirts', quantity: 2, unit_price: 1499 },
      {
        product_id: 'SKU-BELT',
        name: 'Leather belt',
        category: 'Accessories',
        quantity: 1,
        unit_price: '799.50',
      },
    ],
    discount: 100,
    tax: 0,
    rounding: 0.5,
    total: 3698,
    phone: '+91 98765 43210',
    loyalty_id: 'LOY-778',
    ...overrides,
  };
}

/** A walk-in sale: nobody gave a phone, an email, a card or a customer number. */
export function anonymousBill(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    bill_id: 'BLR01-000124',
    store_id: 'BLR01',
    time: '2024-05-01T17:31:00+05:30',
    currency: 'INR',
    lines: [
      { product_id: 'SKU-SOCKS', name: 'Socks', category: 'Accessories', quantity: 3, unit_price: 199 },
    ],
    total: 597,
    ...overrides,
  };
}
