// The learned intent model inside the real processor (createProcessor over the in-process bus and
// the embedded warehouse, on simulated time): generated shoppers' events go in day by day, ticks
// label outcomes and train, the model is saved per brand and restored after a restart.
import { afterEach, describe, expect, it } from 'vitest';
import type { InboundEvent } from '../../../src/lib/shared/events';
import { TOPICS } from '../../../src/lib/shared/topics';
import { createInProcessBus } from '../../../ingest/bus/in-process';
import { generateJourneys, type JourneyEvent } from '../../../ingest/models/intent/journeys';
import { createIntentLearner, summarizeLearner } from '../../../ingest/models/intent/learner';
import { createProcessor, type Processor } from '../../../ingest/processor/consumer';
import { intentEventOf, learnFromEvent } from '../../../ingest/processor/intent/learn';
import { normalizeEvent } from '../../../ingest/processor/normalize';
import { emptyProfile } from '../../../ingest/processor/profile/aggregates';
import type { Warehouse } from '../../../ingest/warehouse/types';
import { T0, makeEvent } from './fixtures';
import { eventMessages, makeRegistry, openWarehouse, tempDir } from './harness';

const DAY = 86_400_000;
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** A generated journey event as a tracking-API event of `brand`: one cookie per shopper. */
function inbound(brand: string, journey: JourneyEvent, n: number): InboundEvent {
  const received = new Date(T0 + journey.atMs).toISOString();
  const [category] = journey.categories;
  return makeEvent({
    brand_id: brand,
    event_id: `${brand}-${n}`,
    type: journey.type,
    received_at: received,
    timestamp: received,
    identifiers: { anonymous_id: `${brand}-${journey.profileId}` },
    commerce:
      journey.type === 'order_completed'
        ? {
            order_id: `order-${n}`,
            revenue: 40,
            items: journey.categories.map((c, i) => ({
              product_id: `${c}-${i}`,
              category: c,
              price: 40,
              quantity: 1,
            })),
          }
        : {
            ...(category === undefined ? {} : { category }),
            ...(journey.productId === undefined ? {} : { product_id: journey.productId }),
          },
  });
}

async function waitForCheckpoint(warehouse: Warehouse, offset: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  while ((await warehouse.checkpoint('processor', 0)) !== offset) {
    if (Date.now() > deadline) throw new Error(`processor did not reach offset ${offset}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('learned intent in the processor', () => {
  it('learns from outcomes, saves per brand, and resumes from the saved model after a restart', async () => {
    const settings = {
      default_country: 'IN',
      intent: { half_life_minutes: 60, medium_threshold: 20, high_threshold: 50 },
    };
    const brands = await makeRegistry(await tempDir(), [
      { id: 'acme', settings },
      { id: 'other', settings },
    ]);
    const bus = createInProcessBus();
    const warehouse = await openWarehouse();
    cleanup.push(
      () => warehouse.close(),
      () => bus.close(),
    );
    let now = T0;
    const start = async (): Promise<Processor> => {
      const processor = createProcessor({
        bus,
        warehouse,
        brands,
        clock: () => new Date(now),
        batchSize: 500,
        tickMs: 3_600_000,
      });
      await processor.start();
      cleanup.push(() => processor.stop());
      return processor;
    };
    let processor = await start();

    const journeys = generateJourneys({ seed: 21, shoppers: 300, days: 28 });
    let offset = 0;
    for (let day = 0; day < 28; day++) {
      const today = journeys.filter((e) => e.atMs >= day * DAY && e.atMs < (day + 1) * DAY);
      // The other brand gets only page views: nothing to learn from, nothing of acme's to show.
      const messages = eventMessages([
        ...today.map((e, i) => inbound('acme', e, offset + i)),
        inbound('other', { profileId: 'x', type: 'page_viewed', atMs: day * DAY, categories: [] }, day),
      ]);
      await bus.publish(TOPICS.eventsRaw, messages);
      offset += messages.length;
      await waitForCheckpoint(warehouse, offset);
      now = T0 + (day + 1) * DAY;
      await processor.tick();
    }
    now = T0 + 40 * DAY; // every prediction's horizon has ended
    await processor.tick();

    const saved = (await warehouse.intentModel('acme'))!;
    console.log(
      saved.trained,
      saved.learned.count,
      saved.learned.auc,
      saved.baseline.auc,
      saved.learned.brier,
      saved.baseline.brier,
    );
    expect(saved.brand_id).toBe('acme');
    expect(saved.trained).toBeGreaterThan(1000);
    expect(saved.pending).toBe(0);
    expect(saved.learned.count).toBeGreaterThan(200);
    expect(saved.learned.count).toBe(saved.baseline.count);
    expect(saved.learned.auc!).toBeGreaterThan(saved.baseline.auc!);
    expect(saved.learned.brier!).toBeLessThan(saved.baseline.brier!);
    expect(saved.note).toBeNull();
    expect(processor.stats().learnerSaves).toBeGreaterThan(0);

    // Each profile carries the model's forecast as of its last live event, highest first.
    const shopper = journeys.find((e) => e.categories.length > 0 && e.type !== 'order_completed')!;
    const stored = (await warehouse.lookupProfile('acme', {
      type: 'anonymous_id',
      value: `acme-${shopper.profileId}`,
    }))!;
    expect(stored.intent_forecast.length).toBeGreaterThan(0);
    expect(stored.intent_forecast.length).toBeLessThanOrEqual(5);
    for (const forecast of stored.intent_forecast) {
      expect(forecast.probability).toBeGreaterThan(0);
      expect(forecast.probability).toBeLessThan(1);
      expect(forecast.baseline).toBeGreaterThan(0);
    }
    const probabilities = stored.intent_forecast.map((f) => f.probability);
    expect(probabilities).toEqual([...probabilities].sort((a, b) => b - a));

    // Tenancy: the other brand's model learned nothing of acme's shoppers.
    const other = await warehouse.intentModel('other');
    expect(other === null || (other.trained === 0 && other.learned.count === 0)).toBe(true);

    // A restart: the model comes back from the warehouse and goes on from where it was.
    await processor.stop();
    processor = await start();
    const more = eventMessages([
      inbound(
        'acme',
        { profileId: 'late', type: 'product_added', atMs: 40 * DAY, categories: ['c1'], productId: 'p' },
        999_999,
      ),
    ]);
    await bus.publish(TOPICS.eventsRaw, more);
    offset += more.length;
    await waitForCheckpoint(warehouse, offset);
    now = T0 + 41 * DAY;
    await processor.tick();
    const resumed = (await warehouse.intentModel('acme'))!;
    expect(resumed.trained).toBe(saved.trained);
    expect(resumed.learned).toEqual(saved.learned);
    expect(resumed.pending).toBe(1);
    expect(resumed.updated_at).toBe(new Date(now).toISOString());
  }, 120_000);

  it('starts afresh from an unreadable stored model and says why', async () => {
    const brands = await makeRegistry(await tempDir(), [{ id: 'acme', settings: { default_country: 'IN' } }]);
    const bus = createInProcessBus();
    const warehouse = await openWarehouse();
    cleanup.push(
      () => warehouse.close(),
      () => bus.close(),
    );
    const saved = createIntentLearner();
    await warehouse.saveIntentModels([
      {
        brand_id: 'acme',
        updated_at: new Date(T0).toISOString(),
        state: JSON.stringify({
          ...saved.state,
          model: { ...saved.state.model, featureNames: [...saved.state.model.featureNames].reverse() },
        }),
        summary: summarizeLearner('acme', saved, new Date(T0).toISOString()),
      },
    ]);
    const now = T0 + DAY;
    const processor = createProcessor({
      bus,
      warehouse,
      brands,
      clock: () => new Date(now),
      batchSize: 16,
      tickMs: 3_600_000,
    });
    await processor.start();
    cleanup.push(() => processor.stop());
    await bus.publish(
      TOPICS.eventsRaw,
      eventMessages([makeEvent({ received_at: new Date(now).toISOString() })]),
    );
    await waitForCheckpoint(warehouse, 1);
    await processor.tick();
    const summary = (await warehouse.intentModel('acme'))!;
    expect(summary.note).toMatch(/could not be used \(intent model was trained on other features/);
    expect(summary.trained).toBe(0);
  });
});

describe('what the learner sees of an event', () => {
  const normalized = (event: InboundEvent) => {
    const result = normalizeEvent(event, { defaultCountry: 'IN' });
    if (!result.ok) throw new Error(result.detail);
    return result.value;
  };

  it("an order names every line's category once; a product event its own category and product", () => {
    const order = normalized(
      makeEvent({
        type: 'order_completed',
        commerce: {
          order_id: 'o1',
          revenue: 30,
          items: [
            { product_id: 'a', category: ' shoes ', price: 10, quantity: 1 },
            { product_id: 'b', category: 'bags', price: 10, quantity: 1 },
            { product_id: 'c', category: 'shoes', price: 10, quantity: 1 },
            { product_id: 'd', price: 0, quantity: 1 },
          ],
        },
      }),
    );
    expect(intentEventOf(order)).toMatchObject({
      type: 'order_completed',
      categories: ['shoes', 'bags'],
      productId: 'a',
    });
    const view = normalized(
      makeEvent({ type: 'product_viewed', commerce: { category: 'hats', product_id: 'h1' } }),
    );
    expect(intentEventOf(view)).toMatchObject({ categories: ['hats'], productId: 'h1' });
    expect(intentEventOf(normalized(makeEvent({ type: 'page_viewed' })))).toMatchObject({ categories: [] });
    expect('productId' in intentEventOf(normalized(makeEvent({ type: 'page_viewed' })))).toBe(false);
  });

  it('follows a merge even for an event it does not learn from (CSV history, a shared device)', () => {
    const learner = createIntentLearner(undefined, { holdoutShare: 0 });
    learner.observe('anon', { type: 'product_added', atMs: T0, categories: ['shoes'], productId: 's' });
    const history = normalized(
      makeEvent({ source: 'csv', type: 'order_completed', commerce: { category: 'shoes' } }),
    );
    const survivor = emptyProfile('acme', 'ann', new Date(T0).toISOString());
    const merged = emptyProfile('acme', 'anon', new Date(T0).toISOString());
    learnFromEvent(learner, history, survivor, [merged], false);
    expect(learner.forecast('ann', T0).map((f) => f.category)).toEqual(['shoes']);
    // The imported order labelled nothing: the prediction is still open.
    expect(learner.pending).toBe(1);
  });
});
