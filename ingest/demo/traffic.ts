// Demo traffic: the shoppers of every demo brand, paced by a timer to a rate
// across all brands, sent through the tracking API (one batch per brand per
// tick) and, for some orders, as signed Shopify webhooks. Visits from ads are
// paid for: each brand reports its campaigns' hourly spend to /v1/spend every
// `spendEveryMs` (spend.ts), outside the event rate. `npm start -- --demo`
// runs it so a fresh dashboard moves within seconds; tests and benchmarks use
// it as a load source.
import { z } from 'zod';
import { brandIdSchema } from '../brands/types';
import { createBrandTraffic } from './brand-traffic';
import { CATALOG_NAMES, catalogFor } from './catalog';
import type { DeliveryStats, Send } from './delivery';
import { createDelivery, DemoDrainError } from './delivery';
import type { Shopper } from './people';
import { createRandom, deriveSeed } from './random';
import type { SegmentMessage } from './segment';
import { batchRequest } from './segment';
import { shopifyRequest } from './shopify';
import { createSpendLedger, spendRequest } from './spend';

const demoBrandSchema = z.object({
  brand_id: brandIdSchema,
  write_key: z.string().min(1),
  shopify_secret: z.string().min(1),
  catalog: z.enum(CATALOG_NAMES).optional(),
});
export type DemoBrand = z.infer<typeof demoBrandSchema>;

const optionsSchema = z.object({
  baseUrl: z.url({ protocol: /^https?$/ }),
  brands: z
    .array(demoBrandSchema)
    .min(1, 'at least one brand')
    .refine(
      (brands) => new Set(brands.map((b) => b.brand_id)).size === brands.length,
      'brand ids must be unique',
    ),
  ratePerSecond: z.number().positive().max(1_000_000),
  seed: z.number().int().optional(),
  tickMs: z.number().int().min(10).max(10_000).default(200),
  maxBatchSize: z.number().int().min(1).max(2000).default(250),
  maxInFlight: z.number().int().min(1).default(32),
  drainTimeoutMs: z.number().int().min(0).default(10_000),
  spendEveryMs: z.number().int().min(0).default(60_000),
});

export interface DemoTrafficDeps {
  baseUrl: string;
  brands: DemoBrand[];
  /** Events per second across all brands, spread evenly between them. */
  ratePerSecond: number;
  /** Same seed, same clock, same traffic (and the same messageIds: a replay is deduplicated). Random when absent. */
  seed?: number;
  clock?: () => Date;
  /** The transport; `fetch` by default. */
  send?: Send;
  /** Requests the server refused for good (a generator bug) and a stop that left events unsent. */
  onError?: (error: unknown) => void;
  /** Timer period; each tick sends what the rate allows since the last one. */
  tickMs?: number;
  /** Most calls in one `/v1/batch` request. */
  maxBatchSize?: number;
  /** Requests in flight at once; generation pauses beyond it (back-pressure). */
  maxInFlight?: number;
  /** How long `stop()` keeps retrying what the server has not accepted yet. */
  drainTimeoutMs?: number;
  /** How often each brand reports its campaigns' spend (the running hour so far); 0 never. */
  spendEveryMs?: number;
  /** Past customers by brand (the demo history, history.ts): they come back in the live traffic. */
  returningShoppers?: ReadonlyMap<string, readonly Shopper[]>;
}

export type DemoTrafficStats = DeliveryStats;

export interface DemoTraffic {
  /** The seed in use, to reproduce this run. */
  readonly seed: number;
  start(): void;
  /** Stops generating, waits for requests in flight, and retries waiting ones for up to `drainTimeoutMs`. */
  stop(): Promise<void>;
  stats(): DemoTrafficStats;
}

export class DemoConfigError extends Error {
  override name = 'DemoConfigError';
}

/** The label `stats().byType` counts a call under. */
export function callLabel(message: SegmentMessage): string {
  return message.type === 'track' ? (message.event ?? 'track') : message.type;
}

export function createDemoTraffic(deps: DemoTrafficDeps): DemoTraffic {
  const parsed = optionsSchema.safeParse(deps);
  if (!parsed.success) {
    throw new DemoConfigError(`invalid demo traffic options: ${z.prettifyError(parsed.error)}`);
  }
  const options = parsed.data;
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 32);
  const clock = deps.clock ?? (() => new Date());
  const send: Send = deps.send ?? ((request) => fetch(request));
  const onError = deps.onError ?? (() => {});
  const now = () => clock().getTime();
  const delivery = createDelivery({ send, now, onError });

  const brands = options.brands.map((brand, index) => {
    const catalog = catalogFor(brand.catalog ?? CATALOG_NAMES[index % CATALOG_NAMES.length]!);
    // Spend draws from a sequence of its own, so the events of a seed stay what they were.
    const spend = createSpendLedger({
      random: createRandom(deriveSeed(seed, `${brand.brand_id}/spend`)),
      catalog,
    });
    return {
      brand,
      spend,
      // Each brand has its own random sequence: its traffic does not depend on the other brands'.
      traffic: createBrandTraffic({
        random: createRandom(deriveSeed(seed, brand.brand_id)),
        catalog,
        onCampaignVisit: (campaign, at) => spend.click(campaign, at),
        returning: deps.returningShoppers?.get(brand.brand_id) ?? [],
      }),
    };
  });

  // Token bucket: the rate fills it, each call spends one. At most a second of credit is kept,
  // so a pause (back-pressure, a slow event loop) does not end in a flood.
  let credit = 0;
  let lastTick = 0;
  let cursor = 0;
  let lastSpend = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  const maxWaitingEvents = Math.max(1000, options.ratePerSecond * 30);

  const tick = () => {
    const time = now();
    credit = Math.min(
      credit + (options.ratePerSecond * Math.max(time - lastTick, 0)) / 1000,
      Math.max(options.ratePerSecond, 1),
    );
    lastTick = time;
    delivery.retryDue();
    // Back-pressure: while the server is slow or down, hold new traffic rather than pile it up.
    if (delivery.inFlight() >= options.maxInFlight || delivery.waitingEvents() >= maxWaitingEvents) return;
    if (options.spendEveryMs > 0 && time - lastSpend >= options.spendEveryMs) {
      lastSpend = time;
      reportSpend(new Date(time));
    }
    if (credit < 1) return;

    const at = new Date(time);
    const batches = new Map<number, SegmentMessage[]>();
    while (credit >= 1) {
      const index = cursor++ % brands.length;
      const { brand, traffic } = brands[index]!;
      for (const action of traffic.next(at)) {
        credit -= 1;
        if (action.kind === 'shopify') {
          const request = shopifyRequest(
            options.baseUrl,
            brand.brand_id,
            brand.shopify_secret,
            action.webhook,
          );
          delivery.submit(request, [`shopify ${action.webhook.topic}`]);
        } else {
          const batch = batches.get(index) ?? [];
          batch.push(action.message);
          batches.set(index, batch);
        }
      }
    }
    for (const [index, batch] of batches) {
      const { brand } = brands[index]!;
      for (let from = 0; from < batch.length; from += options.maxBatchSize) {
        const chunk = batch.slice(from, from + options.maxBatchSize);
        delivery.submit(batchRequest(options.baseUrl, brand.write_key, chunk), chunk.map(callLabel));
      }
    }
  };

  /** Each brand's spend so far this hour (and the last figures of hours just ended), one request per brand. */
  const reportSpend = (at: Date) => {
    for (const { brand, spend } of brands) {
      const reports = spend.due(at);
      if (reports.length === 0) continue;
      delivery.submit(
        spendRequest(options.baseUrl, brand.write_key, reports),
        reports.map(() => 'spend report'),
      );
    }
  };

  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

  return {
    seed,
    start() {
      if (timer !== undefined) return;
      lastTick = now();
      lastSpend = lastTick;
      timer = setInterval(() => {
        try {
          tick();
        } catch (error) {
          // A generator bug: stop making traffic and hand the error to the owner.
          clearInterval(timer);
          timer = undefined;
          onError(error);
        }
      }, options.tickMs);
      // The demo never keeps a process alive on its own; its owner decides when to exit.
      timer.unref?.();
    },
    async stop() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      let waited = 0;
      for (;;) {
        await delivery.settled();
        const next = delivery.nextRetryAt();
        if (next === undefined) return;
        if (waited >= options.drainTimeoutMs) {
          onError(new DemoDrainError(delivery.stats().pending));
          return;
        }
        const delay = Math.min(Math.max(next - now(), 0), options.drainTimeoutMs - waited);
        await sleep(delay);
        waited += Math.max(delay, 1);
        delivery.retryDue();
      }
    },
    stats: () => delivery.stats(),
  };
}
