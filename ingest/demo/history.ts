// A demo brand's past: a year of customers and their orders, as the orders CSV a shop would
// export, so a fresh demo has the history that the Customer 360, RFM, segments and
// customer-value predictions are about (live traffic alone is minutes old). It goes in through
// the real CSV importer (main.ts), and its customers come back in the live traffic later.
//
// Customers behave as the customer-base model assumes (docs/customer-value.md): each buys at
// her own rate (log-normal across customers, a median of one order per 45 days) from her first
// order until she quietly leaves (an exponential lifetime, mean 240 days), so some are loyal,
// many bought once, and some have lapsed. Deterministic for a seed: the same file every start,
// which the importer recognises and skips.
import type { Catalog, Product } from './catalog';
import { createIdentitySequence, createShopper, type Shopper } from './people';
import type { Random } from './random';

export interface DemoHistoryOptions {
  customers: number;
  /** How far back the first orders reach. */
  days: number;
  /** The end of the history (orders are before it); whole days, so the file is the same all day. */
  now: Date;
}

export interface DemoHistory {
  shoppers: Shopper[];
  /** The orders CSV: one line item per row, an order's rows together. */
  csv: string;
  orders: number;
}

const DAY_MS = 86_400_000;
const HEADER = [
  'Order ID',
  'Created At',
  'Email',
  'Phone',
  'Customer ID',
  'Product ID',
  'Product Name',
  'Category',
  'Price',
  'Quantity',
  'Channel',
];

/** A standard normal draw (Box–Muller). */
function normal(random: Random): number {
  const u = 1 - random.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.next());
}

const exponential = (random: Random, mean: number) => -Math.log(1 - random.next()) * mean;

/** A CSV field: quoted when it holds a separator, a quote or a line break. */
const field = (value: string) => (/[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

export function demoHistory(random: Random, catalog: Catalog, options: DemoHistoryOptions): DemoHistory {
  const identities = createIdentitySequence(random);
  const endMs = Math.floor(options.now.getTime() / DAY_MS) * DAY_MS;
  const byCategory = new Map<string, Product[]>();
  for (const product of catalog.products) {
    byCategory.set(product.category, [...(byCategory.get(product.category) ?? []), product]);
  }
  const shoppers: Shopper[] = [];
  const orders: { atMs: number; rows: string[][] }[] = [];

  for (let c = 0; c < options.customers; c++) {
    const shopper = createShopper(random, identities);
    shopper.known = true;
    shoppers.push(shopper);
    const favourite = random.pick(catalog.categories);
    const firstMs = endMs - (1 + random.next() * (options.days - 1)) * DAY_MS;
    const meanGapDays = 45 * Math.exp(-0.9 * normal(random));
    const leavesMs = firstMs + exponential(random, 240) * DAY_MS;
    const storeShopper = random.chance(0.2);
    let atMs = firstMs;
    let n = 0;
    while (atMs < Math.min(leavesMs, endMs)) {
      n += 1;
      const orderId = `H-${shopper.customerId}-${n}`;
      const lines = random.int(1, 3);
      const rows: string[][] = [];
      for (let line = 0; line < lines; line++) {
        const category = random.chance(0.7) ? favourite : random.pick(catalog.categories);
        const product = random.pick(byCategory.get(category) ?? catalog.products);
        rows.push([
          orderId,
          new Date(Math.floor(atMs / 1000) * 1000).toISOString(),
          shopper.email,
          shopper.phone,
          shopper.customerId,
          product.product_id,
          product.name,
          product.category,
          String(product.price),
          String(random.chance(0.9) ? 1 : 2),
          storeShopper && random.chance(0.7) ? 'store' : 'web',
        ]);
      }
      orders.push({ atMs, rows });
      atMs += Math.max(1, exponential(random, meanGapDays)) * DAY_MS;
    }
  }

  // In time order, as a shop's export lists them.
  orders.sort((a, b) => a.atMs - b.atMs);
  const lines = [
    HEADER.join(','),
    ...orders.flatMap((order) => order.rows.map((row) => row.map(field).join(','))),
  ];
  return { shoppers, csv: `${lines.join('\n')}\n`, orders: orders.length };
}
