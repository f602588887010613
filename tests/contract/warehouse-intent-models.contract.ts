// The warehouse contract of learned intent models: a save per brand, the latest winning, the state
// read back byte for byte (the processor restores from it), the summary for the dashboard, and
// tenancy. Each back-end's test file runs it.
import { afterEach, describe, expect, it } from 'vitest';
import { createIntentLearner, parseLearnerState, summarizeLearner } from '../../ingest/models/intent/learner';
import type { IntentModelRecord } from '../../src/lib/shared/intent-model';
import type { WarehouseFixture } from './warehouse.contract';
import { at } from './warehouse-records';

function record(brandId: string, minute: number, orders: number): IntentModelRecord {
  const learner = createIntentLearner(undefined, { holdoutShare: 0.5 });
  for (let i = 0; i < orders; i++) {
    const profileId = `${brandId}-p${i}`;
    learner.observe(profileId, { type: 'product_added', atMs: i, categories: ['shoes'], productId: 's' });
    if (i % 2 === 0)
      learner.observe(profileId, { type: 'order_completed', atMs: i + 1, categories: ['shoes'] });
  }
  learner.advance(30 * 86_400_000);
  const updatedAt = at(minute);
  return {
    brand_id: brandId,
    updated_at: updatedAt,
    state: JSON.stringify(learner.state),
    summary: summarizeLearner(brandId, learner, updatedAt),
  };
}

export function intentModelsContract(name: string, make: () => Promise<WarehouseFixture>): void {
  describe(`warehouse contract, intent models: ${name}`, () => {
    let fixture: WarehouseFixture | undefined;
    afterEach(async () => {
      await fixture?.cleanup();
      fixture = undefined;
    });

    it("keeps the latest save per brand, state exact, and never shows one brand another's", async () => {
      fixture = await make();
      const { warehouse } = fixture;
      await warehouse.migrate();
      expect(await warehouse.intentModelState('brand-a')).toBeNull();
      expect(await warehouse.intentModel('brand-a')).toBeNull();

      const first = record('brand-a', 1, 10);
      const later = record('brand-a', 5, 40);
      const other = record('brand-b', 2, 20);
      await warehouse.saveIntentModels([first, other]);
      await warehouse.saveIntentModels([later]);

      const state = await warehouse.intentModelState('brand-a');
      expect(state).toBe(later.state);
      expect(parseLearnerState(state!)).toEqual(JSON.parse(later.state));
      const summary = await warehouse.intentModel('brand-a');
      expect(summary).toEqual(later.summary);
      expect(summary!.learned.count + summary!.trained).toBeGreaterThan(0);
      expect(summary!.weights).toHaveLength(later.summary.weights.length);

      expect(await warehouse.intentModelState('brand-b')).toBe(other.state);
      expect((await warehouse.intentModel('brand-b'))!.brand_id).toBe('brand-b');
      expect(await warehouse.intentModel('brand-c')).toBeNull();
      expect(await warehouse.intentModel("brand-a' OR '1'='1")).toBeNull();

      if (fixture.reopen) {
        const reopened = await fixture.reopen();
        expect(await reopened.intentModelState('brand-a')).toBe(later.state);
      }
    });
  });
}
