// The warehouse contract of the High-intent page (WarehouseReader.intentList):
// level by the total or by one category's score decayed to the query's time,
// survivors only, highest first with ties by id, the limit, per-category
// scores and reasons stored as written (hostile category names included),
// query checks, and tenancy. Each back-end's test file runs it.
import { afterEach, describe, expect, it } from 'vitest';
import type { IntentListQuery } from '../../ingest/warehouse/intent-list';
import type { Warehouse } from '../../ingest/warehouse/types';
import type { Profile } from '../../src/lib/shared/model';
import type { WarehouseFixture } from './warehouse.contract';
import { expectOnlyBrand } from './warehouse-campaigns.contract';
import { at, commit, profile } from './warehouse-records';

const A = 'brand-a';
const B = 'brand-b';
const HOSTILE = `o'brien\\"x%_;--\n😀`;
const INTENT = { half_life_minutes: 60, medium_threshold: 20, high_threshold: 50 };

const reason = (category: string | null, minute: number) => ({
  type: 'product_added' as const,
  category,
  product_id: 'sku-9',
  product_name: `Trail "shoes" ${HOSTILE}`,
  at: at(minute),
  weight: 10,
});

/** Scored at minute 5; an hour later every score is halved. */
function brandAProfiles(): Profile[] {
  const spec: [string, number, Record<string, number>][] = [
    ['p1', 120, { shoes: 100, bags: 30 }],
    ['p2', 60, { shoes: 40, [HOSTILE]: 64 }],
    ['p3', 50, {}],
    ['p4', 21, { shoes: 100 }], // high in shoes, medium in total
    ['p5', 5, { bags: 22 }],
    ['p6', 60, { bags: 64 }], // ties p2 in total
  ];
  return spec.map(([id, intent_score, intent_categories]) =>
    profile(A, id, {
      intent_score,
      intent_categories,
      intent_updated_at: at(5),
      intent_reasons: [reason(Object.keys(intent_categories)[0] ?? null, 5), reason(null, 4)],
    }),
  );
}

/** Merged into p1, the highest of all: never listed. */
const merged = profile(A, 'm1', {
  merged_into: 'p1',
  intent_score: 1000,
  intent_categories: { shoes: 1000 },
  intent_updated_at: at(5),
});

const brandBProfiles = () => [
  profile(B, 'q1', { intent_score: 900, intent_categories: { shoes: 900 }, intent_updated_at: at(5) }),
];

const query = (fields: Partial<IntentListQuery>): IntentListQuery => ({
  level: 'high',
  category: null,
  limit: 50,
  at: at(5),
  intent: INTENT,
  ...fields,
});

export function intentListContract(name: string, open: () => Promise<WarehouseFixture>): void {
  describe(`warehouse intent list: ${name}`, () => {
    let cleanup: (() => Promise<void>) | undefined;
    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });

    async function seeded(): Promise<Warehouse> {
      const fixture = await open();
      cleanup = fixture.cleanup;
      await fixture.warehouse.migrate();
      await fixture.warehouse.commit(
        commit(
          { consumer: 'processor', partition: 0, next_offset: 1 },
          { profiles: [...brandAProfiles(), merged, ...brandBProfiles()] },
        ),
      );
      return fixture.warehouse;
    }

    const ids = (profiles: Profile[]) => profiles.map((p) => p.profile_id);

    it('lists survivors at a level by the total, highest first, ties by id', async () => {
      const warehouse = await seeded();
      expect(ids(await warehouse.intentList(A, query({ level: 'high' })))).toEqual(['p1', 'p2', 'p6', 'p3']);
      expect(ids(await warehouse.intentList(A, query({ level: 'medium' })))).toEqual([
        'p1',
        'p2',
        'p6',
        'p3',
        'p4',
      ]);
      expect(ids(await warehouse.intentList(A, query({ level: 'medium', limit: 2 })))).toEqual(['p1', 'p2']);
    });

    it('decays to the query time: an hour later every score is half', async () => {
      const warehouse = await seeded();
      const later = { at: at(65) };
      expect(ids(await warehouse.intentList(A, query({ ...later, level: 'high' })))).toEqual(['p1']);
      expect(ids(await warehouse.intentList(A, query({ ...later, level: 'medium' })))).toEqual([
        'p1',
        'p2',
        'p6',
        'p3',
      ]);
      expect(ids(await warehouse.intentList(A, query({ ...later, category: 'shoes' })))).toEqual([
        'p1',
        'p4',
      ]);
      expect(ids(await warehouse.intentList(A, query({ at: at(125), category: 'shoes' })))).toEqual([]);
    });

    it('lists by one category, a hostile name read as written', async () => {
      const warehouse = await seeded();
      expect(ids(await warehouse.intentList(A, query({ category: 'shoes' })))).toEqual(['p1', 'p4']);
      expect(ids(await warehouse.intentList(A, query({ category: 'bags', level: 'medium' })))).toEqual([
        'p6',
        'p1',
        'p5',
      ]);
      expect(ids(await warehouse.intentList(A, query({ category: HOSTILE })))).toEqual(['p2']);
      expect(ids(await warehouse.intentList(A, query({ category: `  ${HOSTILE} ` })))).toEqual(['p2']);
      expect(await warehouse.intentList(A, query({ category: 'sho%' }))).toEqual([]);
      // Blank is no category.
      expect(ids(await warehouse.intentList(A, query({ category: '  ' })))).toEqual(['p1', 'p2', 'p6', 'p3']);
    });

    it('returns whole profiles with their categories and reasons', async () => {
      const warehouse = await seeded();
      const [p2] = await warehouse.intentList(A, query({ category: HOSTILE }));
      expect(p2).toEqual(brandAProfiles()[1]);
      expect(await warehouse.getProfile(A, 'p2')).toEqual(brandAProfiles()[1]);
    });

    it('never shows another brand, whatever it asks for', async () => {
      const warehouse = await seeded();
      const listed = await warehouse.intentList(B, query({ level: 'medium' }));
      expect(ids(listed)).toEqual(['q1']);
      expectOnlyBrand(listed, B, 'p1');
      for (const category of ['shoes', 'bags', HOSTILE]) {
        const rows = await warehouse.intentList(B, query({ level: 'medium', category }));
        expectOnlyBrand(rows, B, 'p1');
      }
      expect(await warehouse.intentList('brand-none', query({ level: 'medium' }))).toEqual([]);
      expectOnlyBrand(await warehouse.intentList(A, query({ level: 'medium' })), A, 'q1');
    });

    it('refuses a bad query, naming the problem', async () => {
      const warehouse = await seeded();
      const bad: [Partial<IntentListQuery>, RegExp][] = [
        [{ level: 'low' as IntentListQuery['level'] }, /level must be one of medium, high/],
        [{ limit: 0 }, /limit must be a whole number from 1 to 500/],
        [{ limit: 501 }, /limit/],
        [{ limit: 1.5 }, /limit/],
        [{ at: 'yesterday' }, /at must be an ISO-8601 time/],
        [{ category: 'x'.repeat(257) }, /category is longer than 256/],
        [{ intent: { ...INTENT, half_life_minutes: 0 } }, /half_life_minutes must be a number above 0/],
        [{ intent: { ...INTENT, high_threshold: Number.NaN } }, /high_threshold/],
      ];
      for (const [fields, message] of bad) {
        await expect(warehouse.intentList(A, query(fields))).rejects.toThrow(message);
      }
    });
  });
}
