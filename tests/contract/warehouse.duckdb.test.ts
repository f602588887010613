// The warehouse contract against DuckDB, in memory and in a file that is
// reopened. Commit speed is measured by bench/warehouse-commit.ts, not here.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDuckDbWarehouse } from '../../ingest/warehouse/duckdb/index';
import { migrate } from '../../ingest/warehouse/duckdb/schema';
import { openDatabase } from '../../ingest/warehouse/duckdb/session';
import { varchar } from '../../ingest/warehouse/duckdb/sql-params';
import { WarehouseUnavailableError, type Warehouse } from '../../ingest/warehouse/types';
import type { Profile } from '../../src/lib/shared/model';
import { warehouseContract, type WarehouseFixture } from './warehouse.contract';
import { intentListContract } from './warehouse-intent-list.contract';
import { intentModelsContract } from './warehouse-intent-models.contract';
import { profilesPageContract } from './warehouse-profiles-page.contract';
import { predictionsContract } from './warehouse-predictions.contract';
import { timelineContract } from './warehouse-timeline.contract';
import { alert, at, commit, counters, event, parts, profile } from './warehouse-records';

warehouseContract("DuckDB ':memory:'", async () => {
  const warehouse = await createDuckDbWarehouse({ path: ':memory:' });
  return { warehouse, cleanup: () => warehouse.close() };
});

/** A warehouse in a file of its own, which `reopen` opens again. */
async function fileFixture(): Promise<WarehouseFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'signalroom-duckdb-'));
  const path = join(dir, 'warehouse.duckdb');
  const opened: Warehouse[] = [await createDuckDbWarehouse({ path })];
  return {
    warehouse: opened[0]!,
    reopen: async () => {
      const warehouse = await createDuckDbWarehouse({ path });
      opened.push(warehouse);
      return warehouse;
    },
    async cleanup() {
      for (const warehouse of opened) await warehouse.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

warehouseContract('DuckDB file', fileFixture);

profilesPageContract("DuckDB ':memory:'", async () => {
  const warehouse = await createDuckDbWarehouse({ path: ':memory:' });
  return { warehouse, cleanup: () => warehouse.close() };
});

intentModelsContract('DuckDB file', fileFixture);
timelineContract('DuckDB file', fileFixture);

intentListContract('DuckDB file', fileFixture);
predictionsContract('DuckDB file', fileFixture);

describe('DuckDB warehouse: upgrade to migration 5', () => {
  it('reads profiles written before it with no intent per category and no reasons, own part included', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'signalroom-duckdb-'));
    const path = join(dir, 'warehouse.duckdb');
    try {
      const old = await openDatabase(path);
      await old.exclusive(async (session) => {
        await migrate(session, 4);
        // The release before: an own part without intent_categories or intent_reasons.
        const { intent_categories: _c, intent_reasons: _r, ...oldOwn } = parts();
        await session.run(
          `INSERT INTO profiles VALUES ('brand-a', 'stored', NULL, '[]', '2024-05-01 10:00:00',
             '2024-05-01 10:05:00', 3, 1, 49.5, '["web"]', '{}', 60, 'high', '2024-05-01 10:05:00', 1, $1)`,
          [varchar(JSON.stringify(oldOwn))],
        );
      });
      await old.close();

      const warehouse = await createDuckDbWarehouse({ path });
      try {
        await warehouse.migrate();
        const stored = profile('brand-a', 'stored', {
          identifiers: [],
          channels: ['web'],
          categories: {},
          intent_score: 60,
          intent_level: 'high',
          intent_categories: {},
          intent_reasons: [],
          intent_forecast: [],
          own: parts({ intent_categories: {}, intent_reasons: [] }),
        });
        expect(await warehouse.getProfile('brand-a', 'stored')).toEqual(stored);
        const intent = { half_life_minutes: 60, medium_threshold: 20, high_threshold: 50 };
        const listed = { level: 'high', limit: 10, at: at(5), intent } as const;
        expect(await warehouse.intentList('brand-a', { ...listed, category: null })).toEqual([stored]);
        expect(await warehouse.intentList('brand-a', { ...listed, category: 'shoes' })).toEqual([]);
        expect(await warehouse.intentList('brand-b', { ...listed, category: null })).toEqual([]);
      } finally {
        await warehouse.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('DuckDB warehouse: upgrade to migration 2', () => {
  it("reads profiles written before it with own null, and stores new ones' own", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'signalroom-duckdb-'));
    const path = join(dir, 'warehouse.duckdb');
    try {
      // A file as the release before migration 2 left it, with one profile.
      const old = await openDatabase(path);
      await old.exclusive(async (session) => {
        await migrate(session, 1);
        await session.run(
          `INSERT INTO profiles VALUES ('brand-a', 'stored', NULL, '[]', '2024-05-01 10:00:00',
             '2024-05-01 10:05:00', 3, 1, 49.5, '["web"]', '{}', 40, 'medium', '2024-05-01 10:05:00', 1)`,
        );
      });
      await old.close();

      const warehouse = await createDuckDbWarehouse({ path });
      try {
        await warehouse.migrate();
        expect(await warehouse.getProfile('brand-a', 'stored')).toEqual(
          profile('brand-a', 'stored', {
            identifiers: [],
            channels: ['web'],
            categories: {},
            own: null,
            intent_categories: {},
            intent_reasons: [],
            intent_forecast: [],
          }),
        );
        const survivor = profile('brand-a', 'survivor', { own: parts() });
        await warehouse.commit(
          commit({ consumer: 'processor', partition: 0, next_offset: 1 }, { profiles: [survivor] }),
        );
        expect(await warehouse.getProfile('brand-a', 'survivor')).toEqual(survivor);
        expect(await warehouse.getProfile('brand-b', 'survivor')).toBeNull();
      } finally {
        await warehouse.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('DuckDB warehouse: upgrade to migration 3', () => {
  it('reads alerts stored before rules were data as low-conversion alerts of the brand', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'signalroom-duckdb-'));
    const path = join(dir, 'warehouse.duckdb');
    try {
      // A file as the release before migration 3 left it: a firing and a resolved conversion_drop alert.
      const old = await openDatabase(path);
      await old.exclusive(async (session) => {
        await migrate(session, 2);
        await session.run(
          `INSERT INTO alerts VALUES
             ('brand-a', 'old-firing', 'conversion_drop', 'firing', 'warning', 'Conversion fell to 1%', 0.01, 0.04,
              '2024-05-01 10:03:00', '2024-05-01 10:04:00', NULL),
             ('brand-a', 'old-resolved', 'conversion_drop', 'resolved', 'critical', 'Conversion recovered', 0.05, 0.04,
              '2024-05-01 09:00:00', '2024-05-01 09:30:00', '2024-05-01 09:30:00')`,
        );
      });
      await old.close();

      const warehouse = await createDuckDbWarehouse({ path });
      try {
        await warehouse.migrate();
        const legacy = {
          rule_id: 'conversion_drop',
          rule_type: 'low_conversion',
          subject: 'brand',
          notified: false,
          acknowledged_by: null,
          acknowledged_at: null,
        } as const;
        const firing = alert('brand-a', 'old-firing', {
          ...legacy,
          message: 'Conversion fell to 1%',
          value: 0.01,
          threshold: 0.04,
          started_at: at(3),
          fired_at: at(3),
          updated_at: at(4),
        });
        expect(await warehouse.alert('brand-a', 'old-firing')).toEqual(firing);
        expect((await warehouse.alerts('brand-a', 10)).map((a) => a.alert_id)).toEqual([
          'old-firing',
          'old-resolved',
        ]);
        expect(await warehouse.alert('brand-a', 'old-resolved')).toMatchObject({
          ...legacy,
          state: 'resolved',
          severity: 'critical',
          threshold: 0.04,
          fired_at: '2024-05-01T09:00:00.000Z',
          resolved_at: '2024-05-01T09:30:00.000Z',
        });
        expect((await warehouse.loadBrand('brand-a', at(60), at(60))).openAlerts).toEqual([firing]);
        expect(await warehouse.alert('brand-b', 'old-firing')).toBeNull();

        // The processor's next write of that alert is today's record, whole.
        const resolved = { ...firing, state: 'resolved' as const, resolved_at: at(9), updated_at: at(9) };
        await warehouse.commit(
          commit({ consumer: 'processor', partition: 0, next_offset: 1 }, { alerts: [resolved] }),
        );
        expect(await warehouse.alert('brand-a', 'old-firing')).toEqual(resolved);
      } finally {
        await warehouse.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

// DuckDB's own promise, beyond the shared contract: a commit is one
// transaction, so a failure midway leaves nothing of it at all.
describe('DuckDB warehouse: atomic commit', () => {
  it('leaves neither rows nor checkpoint when a commit fails midway', async () => {
    const warehouse = await createDuckDbWarehouse({ path: ':memory:' });
    try {
      await warehouse.migrate();
      await warehouse.commit(
        commit(
          { consumer: 'processor', partition: 0, next_offset: 10 },
          {
            profiles: [profile('brand-a', 'p2')],
            counters: [counters('brand-a', { processed: 10 })],
            alerts: [alert('brand-a', 'a1')],
          },
        ),
      );
      const broken = commit(
        { consumer: 'processor', partition: 0, next_offset: 20 },
        {
          events: [
            event('brand-a', 'e10', { profile_id: 'p10' }),
            // A row the table refuses (profile_id is NOT NULL), after a valid one.
            event('brand-a', 'e11', { profile_id: null as unknown as string }),
          ],
          profiles: [profile('brand-a', 'p10'), profile('brand-a', 'p2', { version: 99, intent_score: 1 })],
          counters: [counters('brand-a', { processed: 999 })],
          alerts: [alert('brand-a', 'a-new')],
        },
      );
      const failure = await warehouse.commit(broken).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(Error);
      expect(failure).not.toBeInstanceOf(WarehouseUnavailableError);

      expect(await warehouse.checkpoint('processor', 0)).toBe(10);
      expect(await warehouse.getProfile('brand-a', 'p10')).toBeNull();
      expect((await warehouse.getProfile('brand-a', 'p2'))!.version).toBe(1);
      expect(await warehouse.recentEvents('brand-a', ['p10'], 10)).toEqual([]);
      expect((await warehouse.counters('brand-a')).processed).toBe(10);
      expect((await warehouse.alerts('brand-a', 10)).map((a) => a.alert_id)).toEqual(['a1']);
    } finally {
      await warehouse.close();
    }
  });
});

// The export streams on a connection of its own; closing the warehouse ends it too.
describe('DuckDB profiles export: closing the warehouse mid-export', () => {
  it('ends the export with WarehouseUnavailableError, never a crash', async () => {
    const warehouse = await createDuckDbWarehouse({ path: ':memory:' });
    await warehouse.migrate();
    // More rows than one DuckDB data chunk (2,048), so some are still in the database at close.
    const profiles = Array.from({ length: 5_000 }, (_, i) => profile('brand-a', `p${i}`, { revenue: i }));
    await warehouse.commit(commit({ consumer: 'processor', partition: 0, next_offset: 1 }, { profiles }));
    const exported = warehouse.profilesExport('brand-a', { sort: 'revenue', chunk: 100 });
    const iterator = exported[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.done ? [] : first.value.map((p: Profile) => p.profile_id)).toEqual(
      Array.from({ length: 100 }, (_, i) => `p${4_999 - i}`),
    );
    await warehouse.close();
    // Rows already fetched may still come; the next fetch from the closed database fails clearly.
    const failure = await (async () => {
      for (let next = await iterator.next(); !next.done; next = await iterator.next());
    })().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(WarehouseUnavailableError);
    await expect(
      (async () => {
        for await (const chunk of warehouse.profilesExport('brand-a', { sort: 'revenue', chunk: 10 }))
          return chunk;
      })(),
    ).rejects.toBeInstanceOf(WarehouseUnavailableError);
  });
});
