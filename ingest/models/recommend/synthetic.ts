// A seeded synthetic brand for evaluating recommendations: a catalogue with Zipf popularity (a
// few best-sellers, a long tail), planted complements (shoes → socks, phone → case), and noise.
//
// Every order starts from one product drawn by popularity, plus 0–2 more drawn the same way
// (noise). When an order holds an "anchor", each of its complements is bought in the same order
// with probability sameOrder, or else with probability nextOrder in the customer's next order
// (the case bought a week after the phone). Anchors are a random share of the catalogue, so they
// are spread over best-sellers and the tail alike; complements are picked uniformly.
import { seededRandom } from '../random';

export interface SyntheticOptions {
  seed: number;
  products: number;
  customers: number;
  /** Zipf exponent of product popularity. */
  zipf: number;
  anchorShare: number;
  sameOrder: number;
  nextOrder: number;
  /** Chance of one more order after each order (orders per customer are 1 + geometric). */
  repeat: number;
  maxOrdersPerCustomer: number;
}

export const DEFAULT_SYNTHETIC: SyntheticOptions = {
  seed: 1,
  products: 2000,
  customers: 5000,
  zipf: 1,
  anchorShare: 0.2,
  sameOrder: 0.4,
  nextOrder: 0.5,
  repeat: 0.65,
  maxOrdersPerCustomer: 12,
};

export interface SyntheticOrder {
  profileId: string;
  /** Position in the brand's stream; orders are returned sorted by it. */
  at: number;
  productIds: string[];
}

export interface SyntheticBrand {
  productIds: string[];
  /** anchor → its complements */
  complements: Map<string, string[]>;
  orders: SyntheticOrder[];
}

export function syntheticBrand(options: Partial<SyntheticOptions> = {}): SyntheticBrand {
  const o = { ...DEFAULT_SYNTHETIC, ...options };
  const rand = seededRandom(o.seed);
  const productIds = Array.from({ length: o.products }, (_, i) => `sku-${i}`);
  const cumulative: number[] = [];
  let total = 0;
  for (let i = 0; i < o.products; i++) cumulative.push((total += 1 / Math.pow(i + 1, o.zipf)));
  const byPopularity = (): number => {
    const x = rand() * total;
    let lo = 0;
    let hi = o.products - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] as number) < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const complements = new Map<number, number[]>();
  for (let i = 0; i < o.products; i++) {
    if (rand() >= o.anchorShare) continue;
    const k = 1 + Math.floor(rand() * 2);
    const list: number[] = [];
    while (list.length < k) {
      const c = Math.floor(rand() * o.products);
      if (c !== i && !list.includes(c)) list.push(c);
    }
    complements.set(i, list);
  }

  const orders: SyntheticOrder[] = [];
  for (let c = 0; c < o.customers; c++) {
    const profileId = `cust-${c}`;
    let count = 1;
    while (count < o.maxOrdersPerCustomer && rand() < o.repeat) count++;
    const times = Array.from({ length: count }, () => rand()).sort((x, y) => x - y);
    let pending: number[] = [];
    for (let k = 0; k < count; k++) {
      const items = new Set<number>(pending);
      pending = [];
      items.add(byPopularity());
      const extra = Math.floor(rand() * 3);
      for (let e = 0; e < extra; e++) items.add(byPopularity());
      for (const item of [...items]) {
        for (const comp of complements.get(item) ?? []) {
          if (rand() < o.sameOrder) items.add(comp);
          else if (rand() < o.nextOrder) pending.push(comp);
        }
      }
      orders.push({
        profileId,
        at: times[k] as number,
        productIds: [...items].map((i) => productIds[i] as string),
      });
    }
  }
  orders.sort((x, y) => x.at - y.at);
  return {
    productIds,
    complements: new Map(
      [...complements].map(([a, cs]) => [productIds[a] as string, cs.map((c) => productIds[c] as string)]),
    ),
    orders,
  };
}
