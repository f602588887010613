// Load for the fault tests: N Segment events through the tracking API
// (POST /v1/batch), spread over several brands, with totals known up front.
//
// A client that never gives up: a batch answered 503 or 429, or lost to a
// network error or timeout, is sent again with the SAME body — the same
// messageIds — after the Retry-After the server asked for (else a short
// backoff), until it gets a 2xx. An attempt that timed out may still have
// reached the bus, so the processor sees some events twice; their messageId
// must make the second one a duplicate. Only a 2xx counts as accepted, and
// every accepted event is recorded with what it should add to the totals.
//
// Events are deterministic for a seed: person, type and revenue come from a
// seeded generator, messageIds from the run id and the event's index.
// Revenue is whole numbers, so sums are exact in any float type.
import { seededRandom } from '../support/random';

export interface LoadBrand {
  brand_id: string;
  write_key: string;
}

export interface LoadOptions {
  /** The ingest role, e.g. http://127.0.0.1:41234. */
  baseUrl: string;
  brands: LoadBrand[];
  /** Events in all, spread round-robin over the brands. */
  events: number;
  peoplePerBrand: number;
  /** Events per /v1/batch request (all of one brand). */
  batchSize: number;
  /** Requests in flight at most. */
  concurrency: number;
  /** Pace of first attempts, in events per second over all brands. */
  eventsPerSecond: number;
  /** Unique per run: messageIds and user ids start with it. */
  runId: string;
  seed?: number;
  /** Longest one attempt may take before it counts as a network error. */
  requestTimeoutMs?: number;
  /**
   * Event counts at which first attempts stop until `release()` opens the
   * next one: a test brings the load to a hold, starts its fault, then
   * releases, so the fault surely meets load still coming, however fast or
   * slow the machine.
   */
  holds?: number[];
}

export interface PersonTotals {
  events: number;
  orders: number;
  revenue: number;
}

export interface BrandTotals {
  events: number;
  purchases: number;
  revenue: number;
  /** user id → what that person's profile should show. */
  people: Map<string, PersonTotals>;
}

export interface LoadStats {
  /** Events answered 2xx. */
  accepted: number;
  /** Requests answered 2xx. */
  acceptedRequests: number;
  /** 503 answers, and how many of them carried a Retry-After header. */
  unavailable: number;
  unavailableWithRetryAfter: number;
  /** 429 answers. */
  rateLimited: number;
  /** Attempts that got no answer (refused, reset, timed out). */
  networkErrors: number;
  /** Every non-2xx status seen, with its count. */
  statuses: Record<number, number>;
}

export interface LoadRun {
  /** Resolves once every event got a 2xx; rejects on an answer a retry cannot fix (4xx, 500). */
  done: Promise<void>;
  stats(): LoadStats;
  /** What the accepted events add up to, per brand (complete once `done` resolved). */
  accepted(): Map<string, BrandTotals>;
  /** Opens the next hold. */
  release(): void;
  /** Stops sending (a failed test): `done` rejects. */
  abort(): void;
}

interface PlannedEvent {
  brandId: string;
  userId: string;
  body: Record<string, unknown>;
  order: boolean;
  revenue: number;
}

interface PlannedBatch {
  brand: LoadBrand;
  events: PlannedEvent[];
  body: string;
}

const CATEGORIES = ['shoes', 'bags', 'shirts', 'hats'];

function planEvent(
  index: number,
  brand: LoadBrand,
  options: LoadOptions,
  random: () => number,
): PlannedEvent {
  const person = Math.floor(random() * options.peoplePerBrand);
  const userId = `${options.runId}-${brand.brand_id}-p${person}`;
  const roll = random();
  const category = CATEGORIES[Math.floor(random() * CATEGORIES.length)]!;
  const messageId = `${options.runId}-m${index}`;
  const common = { messageId, userId, timestamp: new Date().toISOString() };
  if (roll < 0.3) {
    return {
      brandId: brand.brand_id,
      userId,
      order: false,
      revenue: 0,
      body: { ...common, type: 'page', name: 'Home', properties: { path: '/' } },
    };
  }
  if (roll < 0.85) {
    const event = roll < 0.65 ? 'Product Viewed' : 'Product Added';
    return {
      brandId: brand.brand_id,
      userId,
      order: false,
      revenue: 0,
      body: { ...common, type: 'track', event, properties: { product_id: `sku-${person % 7}`, category } },
    };
  }
  const revenue = 10 + Math.floor(random() * 190);
  return {
    brandId: brand.brand_id,
    userId,
    order: true,
    revenue,
    body: {
      ...common,
      type: 'track',
      event: 'Order Completed',
      properties: { order_id: `${messageId}-order`, revenue, currency: 'EUR', category },
    },
  };
}

/** Events round-robin over the brands, cut into batches of one brand each, interleaved across brands. */
function planBatches(options: LoadOptions): PlannedBatch[] {
  const random = seededRandom(options.seed ?? 1);
  const perBrand = options.brands.map(() => [] as PlannedEvent[]);
  for (let index = 0; index < options.events; index++) {
    const slot = index % options.brands.length;
    perBrand[slot]!.push(planEvent(index, options.brands[slot]!, options, random));
  }
  const chunked = perBrand.map((events, slot) => {
    const batches: PlannedBatch[] = [];
    for (let start = 0; start < events.length; start += options.batchSize) {
      const slice = events.slice(start, start + options.batchSize);
      batches.push({
        brand: options.brands[slot]!,
        events: slice,
        body: JSON.stringify({ batch: slice.map((event) => event.body) }),
      });
    }
    return batches;
  });
  const interleaved: PlannedBatch[] = [];
  for (let round = 0; chunked.some((batches) => round < batches.length); round++) {
    for (const batches of chunked) if (round < batches.length) interleaved.push(batches[round]!);
  }
  return interleaved;
}

class LoadFailed extends Error {
  override name = 'LoadFailed';
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** Seconds from a Retry-After header (delta-seconds or an HTTP date), as milliseconds. */
function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

export function startLoad(options: LoadOptions): LoadRun {
  if (options.brands.length === 0) throw new RangeError('startLoad needs at least one brand');
  const batches = planBatches(options);
  const requestTimeoutMs = options.requestTimeoutMs ?? 15_000;
  const stats: LoadStats = {
    accepted: 0,
    acceptedRequests: 0,
    unavailable: 0,
    unavailableWithRetryAfter: 0,
    rateLimited: 0,
    networkErrors: 0,
    statuses: {},
  };
  const totals = new Map<string, BrandTotals>();
  for (const brand of options.brands) {
    totals.set(brand.brand_id, { events: 0, purchases: 0, revenue: 0, people: new Map() });
  }
  let aborted = false;
  const holds = [...(options.holds ?? [])].sort((a, b) => a - b);
  /** One gate per hold, opened by release() in order. */
  const gates = holds.map(() => {
    let open!: () => void;
    const opened = new Promise<void>((done) => (open = done));
    return { opened, open };
  });
  let releases = 0;
  /** Pacing restarts at each release: the load resumes at its rate, not in a burst to catch up. */
  let pace = { fromMs: Date.now(), fromEvents: 0 };
  const release = () => {
    const hold = holds[releases];
    if (hold === undefined) return;
    pace = { fromMs: Date.now(), fromEvents: hold };
    gates[releases++]!.open();
  };

  function record(batch: PlannedBatch): void {
    const brand = totals.get(batch.brand.brand_id)!;
    for (const event of batch.events) {
      brand.events += 1;
      const person = brand.people.get(event.userId) ?? { events: 0, orders: 0, revenue: 0 };
      person.events += 1;
      if (event.order) {
        brand.purchases += 1;
        brand.revenue += event.revenue;
        person.orders += 1;
        person.revenue += event.revenue;
      }
      brand.people.set(event.userId, person);
    }
    stats.accepted += batch.events.length;
    stats.acceptedRequests += 1;
  }

  /** Sends one batch until it is answered 2xx. */
  async function deliver(batch: PlannedBatch): Promise<void> {
    const authorization = `Basic ${Buffer.from(`${batch.brand.write_key}:`).toString('base64')}`;
    for (let attempt = 1; ; attempt++) {
      if (aborted) throw new LoadFailed('load aborted');
      let response: Response;
      try {
        response = await fetch(`${options.baseUrl}/v1/batch`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization },
          body: batch.body,
          signal: AbortSignal.timeout(requestTimeoutMs),
        });
      } catch {
        stats.networkErrors += 1;
        await sleep(Math.min(250 * 2 ** (attempt - 1), 2_000));
        continue;
      }
      const text = await response.text().catch(() => '');
      if (response.ok) {
        const body = JSON.parse(text) as { accepted?: number; rejected?: unknown[] };
        if (body.accepted !== batch.events.length || (body.rejected ?? []).length > 0) {
          throw new LoadFailed(`a valid batch was only partly accepted: ${text}`);
        }
        record(batch);
        return;
      }
      stats.statuses[response.status] = (stats.statuses[response.status] ?? 0) + 1;
      const wait = retryAfterMs(response.headers.get('retry-after'));
      if (response.status === 503) {
        stats.unavailable += 1;
        if (wait !== undefined) stats.unavailableWithRetryAfter += 1;
      } else if (response.status === 429) {
        stats.rateLimited += 1;
      } else {
        throw new LoadFailed(`POST /v1/batch answered ${response.status}, which no retry can fix: ${text}`);
      }
      await sleep(wait ?? 1_000);
    }
  }

  async function run(): Promise<void> {
    let next = 0;
    let sentEvents = 0;
    const worker = async () => {
      while (next < batches.length && !aborted) {
        const batch = batches[next++]!;
        // Every hold at or below what was sent must be open (released) before this batch goes.
        for (let hold = 0; hold < holds.length && holds[hold]! <= sentEvents; hold++) {
          await gates[hold]!.opened;
        }
        // Paced: a batch's first attempt waits for its moment; retries do not hold up the others.
        const due = pace.fromMs + ((sentEvents - pace.fromEvents) / options.eventsPerSecond) * 1000;
        sentEvents += batch.events.length;
        if (due > Date.now()) await sleep(due - Date.now());
        await deliver(batch);
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, worker));
    if (aborted) throw new LoadFailed('load aborted');
  }

  const done = run();
  done.catch(() => {
    aborted = true; // one worker failed: the others stop too
  });
  return {
    done,
    stats: () => ({ ...stats, statuses: { ...stats.statuses } }),
    accepted: () => totals,
    release,
    abort() {
      aborted = true;
      for (const gate of gates) gate.open();
    },
  };
}
