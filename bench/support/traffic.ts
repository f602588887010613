// Tracking traffic for the benchmark: Segment calls as a shop's site sends
// them (views, cart adds, checkouts, orders, identifies, with device, campaign
// and user-agent context), posted to /v1/batch with the brand's write key.
export interface BenchBrand {
  brand_id: string;
  write_key: string;
  read_key: string;
}

const CATEGORIES = ['Shoes', 'Bags', 'Dresses', 'Jeans', 'Watches', 'Jackets'];
const CAMPAIGNS = [
  { name: 'summer-sale', source: 'google', medium: 'cpc' },
  { name: 'retarget-cart', source: 'facebook', medium: 'paid_social' },
  { name: 'newsletter-42', source: 'newsletter', medium: 'email' },
];
const USER_AGENT =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
const SHOPPERS_PER_BRAND = 5_000;

/** The i-th call of a brand: deterministic, unique messageId, a mix like a shop's funnel. */
export function trackingCall(brandId: string, i: number, now: Date): Record<string, unknown> {
  const shopper = (i * 7919) % SHOPPERS_PER_BRAND;
  const category = CATEGORIES[i % CATEGORIES.length]!;
  const product = {
    product_id: `sku-${i % 400}`,
    name: `${category} #${i % 400}`,
    category,
    price: 20 + (i % 9) * 5,
  };
  const context = {
    channel: i % 3 === 0 ? 'mobile' : 'browser',
    ip: `10.${shopper % 250}.${(shopper >> 3) % 250}.${i % 250}`,
    userAgent: USER_AGENT,
    device: { id: `dev-${shopper}` },
    ...(shopper % 4 === 0 && { campaign: CAMPAIGNS[shopper % CAMPAIGNS.length] }),
  };
  const common = {
    messageId: `${brandId}-${i}`,
    anonymousId: `anon-${shopper}`,
    timestamp: now.toISOString(),
    context,
  };
  const step = i % 20;
  if (step === 19) {
    return {
      ...common,
      type: 'track',
      event: 'Order Completed',
      userId: `cust-${shopper}`,
      properties: {
        order_id: `${brandId}-o-${i}`,
        revenue: product.price * 2,
        currency: 'EUR',
        products: [{ ...product, quantity: 2 }],
      },
    };
  }
  if (step === 17) {
    return {
      ...common,
      type: 'identify',
      userId: `cust-${shopper}`,
      traits: { email: `shopper${shopper}@example.org`, first_name: 'Sam' },
    };
  }
  if (step % 5 === 0)
    return { ...common, type: 'page', name: category, properties: { path: `/c/${category}` } };
  const event = step === 18 ? 'Checkout Started' : step % 4 === 1 ? 'Product Added' : 'Product Viewed';
  return { ...common, type: 'track', event, properties: { ...product, quantity: 1, currency: 'EUR' } };
}

export interface BatchOutcome {
  status: number;
  /** Milliseconds from the request's start to its response. */
  durationMs: number;
}

/** Posts `calls` as one /v1/batch request; never throws (a network failure is status 0). */
export async function postBatch(
  ingestUrl: string,
  brand: BenchBrand,
  calls: readonly Record<string, unknown>[],
): Promise<BatchOutcome> {
  const started = performance.now();
  try {
    const response = await fetch(`${ingestUrl}/v1/batch`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(`${brand.write_key}:`).toString('base64')}`,
      },
      body: JSON.stringify({ batch: calls }),
    });
    await response.arrayBuffer();
    return { status: response.status, durationMs: performance.now() - started };
  } catch {
    return { status: 0, durationMs: performance.now() - started };
  }
}
