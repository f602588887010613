// Payloads shaped like Shopify's own webhook examples (trimmed to what matters).
// Shopify ids are 64-bit and its examples exceed 2^53; a JS number literal
// would already have lost the last digits, so such ids are written as
// big('...') and `shopifyJson` turns them into bare JSON numbers.
const BIG_PREFIX = 'bigint:';
const big = (digits: string) => `${BIG_PREFIX}${digits}`;

/** The JSON text Shopify would send for a fixture: big ids as exact, unquoted numbers. */
export function shopifyJson(payload: unknown): string {
  return JSON.stringify(payload).replace(new RegExp(`"${BIG_PREFIX}(\\d+)"`, 'g'), '$1');
}
export function orderPayload(overrides: Record<string, unknown> = {}) {
  return {
    id: big('820982911946154508'),
    order_number: 1234,
    email: 'jon@example.com',
    phone: null,
    created_at: '2024-04-30T13:00:00-04:00',
    updated_at: '2024-04-30T13:00:01-04:00',
    total_price: '403.00',
    subtotal_price: '398.00',
    currency: 'USD',
    source_name: 'web',
    browser_ip: '198.51.100.7',
    landing_site: '/products/boot?utm_source=google&utm_medium=cpc&utm_campaign=spring-sale',
    client_details: { user_agent: 'Mozilla/5.0 (Macintosh)' },
    customer: {
      id: big('115310627314723958'),
      email: 'john@example.com',
      phone: '+16135551111',
      first_name: 'John',
    },
    billing_address: { phone: '555-555-5555' },
    line_items: [
      {
        id: 1,
        product_id: 632910392,
        variant_id: 808950810,
        title: 'IPod Nano - 8GB',
        price: '199.00',
        quantity: 2,
        vendor: 'Apple',
        product_type: 'Cult Products',
      },
      {
        id: 2,
        product_id: null,
        variant_id: null,
        sku: 'GIFT-WRAP',
        title: 'Gift wrap',
        price: '5.00',
        quantity: 1,
        vendor: null,
      },
    ],
    ...overrides,
  };
}

export function checkoutPayload(overrides: Record<string, unknown> = {}) {
  return {
    id: big('981820079255243537'),
    token: '123123123',
    email: 'john@example.com',
    created_at: '2024-04-30T12:00:00-04:00',
    updated_at: '2024-04-30T12:05:00-04:00',
    total_price: '398.00',
    currency: 'USD',
    source_name: 'web',
    customer: { id: big('603851970716743426'), email: 'john@example.com', phone: null },
    line_items: [
      { product_id: 632910392, title: 'IPod Nano - 8GB', price: '199.00', quantity: 2, vendor: 'Apple' },
    ],
    ...overrides,
  };
}

export function customerPayload(overrides: Record<string, unknown> = {}) {
  return {
    id: big('706405506930370084'),
    email: 'bob@biller.com',
    phone: null,
    first_name: 'Bob',
    last_name: 'Biller',
    created_at: '2024-04-29T09:00:00-04:00',
    updated_at: '2024-04-30T09:00:00-04:00',
    default_address: { phone: '+16135550199' },
    ...overrides,
  };
}
