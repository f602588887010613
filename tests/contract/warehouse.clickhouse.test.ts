// The warehouse contract against a real ClickHouse server (Debian's 18.16 in
// tests: infra/clickhouse/up.sh), reached at CLICKHOUSE_URL. Every fixture
// gets a fresh database with a unique name, dropped in cleanup.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { planCommit, planWrite } from '../../clickhouse/commit';
import { openConnection } from '../../clickhouse/connection';
import { ClickHouseQueryError } from '../../clickhouse/errors';
import * as tables from '../../clickhouse/inserts';
import { alreadyApplied, loadMigrations, migrate } from '../../clickhouse/migrations';
import { migrationQueries } from '../../clickhouse/queries';
import { identifier, raw, sql } from '../../clickhouse/sql';
import { createClickHouseWarehouse } from '../../clickhouse/warehouse';
import {
  WarehouseUnavailableError,
  type ProcessorCommit,
  type Warehouse,
} from '../../ingest/warehouse/types';
import type { Profile } from '../../src/lib/shared/model';
import { warehouseContract, type WarehouseFixture } from './warehouse.contract';
import { intentListContract } from './warehouse-intent-list.contract';
import { intentModelsContract } from './warehouse-intent-models.contract';
import { profilesPageContract } from './warehouse-profiles-page.contract';
import { predictionsContract } from './warehouse-predictions.contract';
import { timelineContract } from './warehouse-timeline.contract';
import {
  alert,
  at,
  campaignMinute,
  commit,
  counters,
  delivery,
  event,
  kpi,
  link,
  merge,
  parts,
  profile,
  rejection,
  silence,
  spend,
  touch,
} from './warehouse-records';

const url = process.env.CLICKHOUSE_URL;
if (!url) {
  throw new Error(
    'CLICKHOUSE_URL is not set: start ClickHouse with `bash infra/clickhouse/up.sh` and export the ' +
      'CLICKHOUSE_URL=… line it prints (the ClickHouse contract never skips itself).',
  );
}
const serverUrl: string = url;

/** The profile columns migration 006 added. */
const COLUMNS_006 = ['intent_category_names', 'intent_category_scores', 'intent_reasons'];
/** Columns migration 007 added to profiles (the learned forecast). */
const COLUMNS_007 = ['intent_forecast'];
const LATER = [...COLUMNS_006, ...COLUMNS_007];

function uniqueDatabase(): string {
  return `signalroom_test_${process.pid}_${randomBytes(4).toString('hex')}`;
}

async function dropDatabase(database: string): Promise<void> {
  const server = openConnection({ url: serverUrl });
  try {
    await server.run(sql`DROP DATABASE IF EXISTS ${identifier(database)}`, 'drop test database');
  } finally {
    await server.close();
  }
}

async function clickHouseFixture(): Promise<WarehouseFixture> {
  const database = uniqueDatabase();
  const open = () => createClickHouseWarehouse({ url: serverUrl, database });
  const opened: Warehouse[] = [await open()];
  return {
    warehouse: opened[0]!,
    reopen: async () => {
      const warehouse = await open();
      opened.push(warehouse);
      return warehouse;
    },
    async cleanup() {
      for (const warehouse of opened) await warehouse.close();
      await dropDatabase(database);
    },
  };
}

warehouseContract(`ClickHouse at ${serverUrl}`, clickHouseFixture);
profilesPageContract(`ClickHouse at ${serverUrl}`, clickHouseFixture);
intentModelsContract(`ClickHouse at ${serverUrl}`, clickHouseFixture);
timelineContract(`ClickHouse at ${serverUrl}`, clickHouseFixture);
intentListContract(`ClickHouse at ${serverUrl}`, clickHouseFixture);
predictionsContract(`ClickHouse at ${serverUrl}`, clickHouseFixture);

describe('ClickHouse warehouse (beyond the contract)', () => {
  async function withWarehouse(test: (warehouse: Warehouse, database: string) => Promise<void>) {
    const database = uniqueDatabase();
    const warehouse = await createClickHouseWarehouse({ url: serverUrl, database });
    try {
      await warehouse.migrate();
      await test(warehouse, database);
    } finally {
      await warehouse.close();
      await dropDatabase(database);
    }
  }

  const batch = commit(
    { consumer: 'processor', partition: 3, next_offset: 40 },
    {
      events: [event('brand-a', 'e1', { profile_id: 'p1' }), event('brand-a', 'e2', { profile_id: 'p1' })],
      profiles: [profile('brand-a', 'p1', { version: 4 })],
      links: [link('brand-a', 'p1@example.com', 'p1')],
      merges: [merge('brand-a', 'm1')],
      kpis: [kpi('brand-a', at(0))],
      alerts: [alert('brand-a', 'a1')],
      rejected: [rejection('brand-a', 'r1')],
      counters: [counters('brand-a', { processed: 40 })],
      spend: [spend('brand-a', 'c1')],
      campaigns: [campaignMinute('brand-a', at(1), 'c1')],
      touches: [touch('brand-a', 'p1')],
      silences: [silence('brand-a', 's1')],
    },
  );

  it('sends one INSERT per table, the checkpoint last', () => {
    const planned = planCommit([batch], 1);
    expect(planned.map((insert) => insert.table)).toEqual([
      'events',
      'profiles',
      'identity_links',
      'merge_history',
      'kpi_minute',
      'alerts',
      'rejected_events',
      'brand_counters',
      'ad_spend',
      'campaign_minute',
      'campaign_touches',
      'alert_silences',
      'processor_checkpoints',
    ]);
    expect(planned.every((insert) => insert.statement.text.match(/INSERT INTO/g)?.length === 1)).toBe(true);
  });

  it('recovers from a crash after every prefix of a commit: the replay gives the state of one commit', async () => {
    const planned = planCommit([batch], 1);
    for (let written = 1; written < planned.length; written++) {
      await withWarehouse(async (warehouse, database) => {
        // A processor that died after `written` INSERTs: those tables have rows, the checkpoint has not moved.
        const crashed = openConnection({ url: serverUrl, database });
        try {
          for (const insert of planned.slice(0, written)) await crashed.run(insert.statement, insert.table);
        } finally {
          await crashed.close();
        }
        expect(await warehouse.checkpoint('processor', 3)).toBeUndefined();

        await warehouse.commit(batch); // the replay
        expect(await warehouse.checkpoint('processor', 3)).toBe(40);
        expect(await warehouse.recentEvents('brand-a', ['p1'], 10)).toEqual([...batch.events].reverse());
        expect(await warehouse.getProfile('brand-a', 'p1')).toEqual(batch.profiles[0]);
        expect(await warehouse.mergeHistory('brand-a', ['p1'], 10)).toEqual(batch.merges);
        expect(await warehouse.kpis('brand-a', at(0), at(1))).toEqual(batch.kpis);
        expect(await warehouse.alerts('brand-a', 10)).toEqual(batch.alerts);
        expect(await warehouse.rejected('brand-a', 10)).toEqual(batch.rejected);
        expect(await warehouse.counters('brand-a')).toEqual(batch.counters[0]);
        const snapshot = await warehouse.loadBrand('brand-a', at(-60), at(-60));
        expect(snapshot.links).toEqual(batch.links);
        expect(snapshot).toMatchObject({
          spend: batch.spend,
          campaigns: batch.campaigns,
          touches: batch.touches,
          silences: batch.silences,
          openAlerts: batch.alerts,
        });
        expect(await warehouse.counters('brand-b')).toMatchObject({ processed: 0 });
      });
    }
  });

  it("finishes each partition of a two-partition commit cut after any INSERT, from that partition's redo row", async () => {
    const other = commit(
      { consumer: 'processor', partition: 5, next_offset: 9 },
      {
        events: [event('brand-b', 'e1', { profile_id: 'q1' })],
        profiles: [profile('brand-b', 'q1', { version: 2 })],
        kpis: [kpi('brand-b', at(0), { events: 1 })],
        counters: [counters('brand-b', { processed: 9 })],
      },
    );
    const planned = planWrite([batch, other], 1);
    expect(planned[0]!.table).toBe('commit_log');
    for (let written = 1; written < planned.length; written++) {
      await withWarehouse(async (warehouse, database) => {
        const crashed = openConnection({ url: serverUrl, database });
        try {
          for (const insert of planned.slice(0, written)) await crashed.run(insert.statement, insert.table);
        } finally {
          await crashed.close();
        }
        // Reading a checkpoint finishes that partition's logged batch; the other partition's waits for its reader.
        expect(await warehouse.checkpoint('processor', 5)).toBe(9);
        expect(await warehouse.counters('brand-b')).toEqual(other.counters[0]);
        expect(await warehouse.recentEvents('brand-b', ['q1'], 10)).toEqual(other.events);
        expect(await warehouse.checkpoint('processor', 3)).toBe(40);
        expect(await warehouse.counters('brand-a')).toEqual(batch.counters[0]);
        expect(await warehouse.recentEvents('brand-a', ['p1'], 10)).toEqual([...batch.events].reverse());
        expect(await warehouse.kpis('brand-a', at(0), at(1))).toEqual(batch.kpis);
        expect(await warehouse.kpis('brand-b', at(0), at(1))).toEqual(other.kpis);
        expect(await warehouse.recentEvents('brand-a', ['q1'], 10)).toEqual([]);
      });
    }
  });

  // 18.16 has no ADD COLUMN IF NOT EXISTS, so a crash between applying a migration and recording it
  // re-runs an ADD COLUMN on a table that has the column; the migrator takes that as applied.
  it('migrates again when migrations ran but were never recorded', async () => {
    await withWarehouse(async (warehouse, database) => {
      const survivor = profile('brand-a', 'p1', { own: parts() });
      await warehouse.commit(
        commit({ consumer: 'processor', partition: 0, next_offset: 1 }, { profiles: [survivor] }),
      );
      const admin = openConnection({ url: serverUrl, database });
      try {
        await admin.run(sql`DROP TABLE schema_migrations`, 'forget migrations');
        await warehouse.migrate();
        const versions = await admin.rows(
          sql`SELECT DISTINCT version FROM schema_migrations ORDER BY version`,
          'read',
        );
        expect(versions.map((row) => Number(row.version))).toEqual(
          (await loadMigrations()).map((migration) => migration.version),
        );
        const columns = await admin.rows(
          sql`SELECT name FROM system.columns WHERE database = ${database} AND table = 'profiles' AND name = 'own'`,
          'read columns',
        );
        expect(columns).toHaveLength(1);
      } finally {
        await admin.close();
      }
      expect(await warehouse.getProfile('brand-a', 'p1')).toEqual(survivor);
      expect(await warehouse.getProfile('brand-b', 'p1')).toBeNull();
    });
  });

  it('upgrades to migration 003: older profile rows and a commit logged before it read with own null', async () => {
    const database = uniqueDatabase();
    const server = openConnection({ url: serverUrl });
    const old = openConnection({ url: serverUrl, database });
    const warehouse = await createClickHouseWarehouse({ url: serverUrl, database });
    try {
      // A database as the release before migration 003 left it.
      await server.run(migrationQueries.createDatabase(database), 'create database');
      const before = (await loadMigrations()).filter((migration) => migration.version < 3);
      await migrate(old, before, () => at(0));
      const withoutOwn = (p: Profile) => {
        const { own: _own, ...rest } = p;
        return rest as Profile; // what that release's processor wrote: no `own` at all
      };
      const stored = profile('brand-a', 'stored', { version: 3 });
      const oldProfiles = {
        ...tables.profiles,
        columns: tables.profiles.columns.filter((c) => c.name !== 'own' && !LATER.includes(c.name)),
      };
      await old.run(tables.insertRows(oldProfiles, [stored], 1)!, 'old insert');
      // A commit cut short after its redo row, by that release.
      const cut: ProcessorCommit = commit(
        { consumer: 'processor', partition: 0, next_offset: 5 },
        { profiles: [withoutOwn(profile('brand-a', 'cut', { version: 2 }))] },
      );
      const logged = { consumer: 'processor', partition: 0, next_offset: 5, commit: cut };
      await old.run(tables.insertRows(tables.commitLog, [logged], 2)!, 'old redo row');

      await warehouse.migrate();
      expect(await warehouse.checkpoint('processor', 0)).toBe(5); // finishes the logged commit
      expect(await warehouse.getProfile('brand-a', 'stored')).toEqual({
        ...stored,
        intent_categories: {},
        intent_reasons: [],
        intent_forecast: [],
      });
      expect(await warehouse.getProfile('brand-a', 'cut')).toEqual(profile('brand-a', 'cut', { version: 2 }));
      expect((await warehouse.loadBrand('brand-a', at(-60), at(-60))).profiles.map((p) => p.own)).toEqual([
        null,
        null,
      ]);
      expect(await warehouse.getProfile('brand-b', 'stored')).toBeNull();
    } finally {
      await warehouse.close();
      await old.close();
      await server.close();
      await dropDatabase(database);
    }
  });

  it('upgrades to migration 006: older profile rows, own parts and a logged commit read with no intent per category', async () => {
    const database = uniqueDatabase();
    const server = openConnection({ url: serverUrl });
    const old = openConnection({ url: serverUrl, database });
    const warehouse = await createClickHouseWarehouse({ url: serverUrl, database });
    try {
      await server.run(migrationQueries.createDatabase(database), 'create database');
      await migrate(
        old,
        (await loadMigrations()).filter((migration) => migration.version < 6),
        () => at(0),
      );
      // What the release before wrote: no intent per category or reasons, in the row or its own part.
      const before = <T extends object>(value: T): T => {
        const { intent_categories: _c, intent_reasons: _r, ...rest } = value as T & Partial<Profile>;
        return rest as T;
      };
      const stored = profile('brand-a', 'stored', { version: 3, intent_score: 60, own: before(parts()) });
      const oldProfiles = {
        ...tables.profiles,
        columns: tables.profiles.columns.filter((c) => !LATER.includes(c.name)),
      };
      await old.run(tables.insertRows(oldProfiles, [stored], 1)!, 'old insert');
      const cut: ProcessorCommit = commit(
        { consumer: 'processor', partition: 0, next_offset: 5 },
        { profiles: [before(profile('brand-a', 'cut', { version: 2 }))] },
      );
      const logged = { consumer: 'processor', partition: 0, next_offset: 5, commit: cut };
      await old.run(tables.insertRows(tables.commitLog, [logged], 2)!, 'old redo row');

      await warehouse.migrate();
      expect(await warehouse.checkpoint('processor', 0)).toBe(5);
      const none = { intent_categories: {}, intent_reasons: [] };
      const expected = { ...stored, ...none, intent_forecast: [], own: { ...parts(), ...none } };
      expect(await warehouse.getProfile('brand-a', 'stored')).toEqual(expected);
      expect(await warehouse.getProfile('brand-a', 'cut')).toEqual({
        ...profile('brand-a', 'cut', { version: 2 }),
        ...none,
      });
      const intent = { half_life_minutes: 60, medium_threshold: 20, high_threshold: 50 };
      const listed = { level: 'high', limit: 10, at: at(5), intent } as const;
      expect(await warehouse.intentList('brand-a', { ...listed, category: null })).toEqual([expected]);
      expect(await warehouse.intentList('brand-a', { ...listed, category: 'shoes' })).toEqual([]);
      expect(await warehouse.intentList('brand-b', { ...listed, category: null })).toEqual([]);
    } finally {
      await warehouse.close();
      await old.close();
      await server.close();
      await dropDatabase(database);
    }
  });

  it('upgrades to migration 004: older alert rows and a commit logged before it read as low-conversion alerts', async () => {
    const database = uniqueDatabase();
    const server = openConnection({ url: serverUrl });
    const old = openConnection({ url: serverUrl, database });
    const warehouse = await createClickHouseWarehouse({ url: serverUrl, database });
    try {
      // A database as the release before migration 004 left it, with one alert of its shape.
      await server.run(migrationQueries.createDatabase(database), 'create database');
      await migrate(
        old,
        (await loadMigrations()).filter((migration) => migration.version < 4),
        () => at(0),
      );
      await old.run(
        sql`INSERT INTO alerts (brand_id, alert_id, rule, state, severity, message, value, baseline, started_at,
            updated_at, resolved_at, version)
          VALUES ('brand-a', 'stored', 'conversion_drop', 'firing', 'warning', 'Conversion fell', 0.01, 0.04,
            '2024-05-01 10:03:00', '2024-05-01 10:04:00', NULL, 1)`,
        'old alert',
      );
      // A commit that release logged and a crash cut short: its alerts have `rule` and `baseline`,
      // and it has no spend, campaigns, touches or silences at all.
      const {
        spend: _s,
        campaigns: _c,
        touches: _t,
        silences: _x,
        ...oldShape
      } = commit(
        { consumer: 'processor', partition: 0, next_offset: 5 },
        { counters: [counters('brand-a', { processed: 5 })] },
      );
      const cut = {
        ...oldShape,
        alerts: [
          {
            brand_id: 'brand-a',
            alert_id: 'cut',
            rule: 'conversion_drop',
            state: 'resolved',
            severity: 'critical',
            message: 'Conversion recovered',
            value: 0.05,
            baseline: 0.03,
            started_at: at(1),
            updated_at: at(6),
            resolved_at: at(6),
          },
        ],
      } as unknown as ProcessorCommit;
      const logged = { consumer: 'processor', partition: 0, next_offset: 5, commit: cut };
      await old.run(tables.insertRows(tables.commitLog, [logged], 2)!, 'old redo row');

      await warehouse.migrate();
      expect(await warehouse.checkpoint('processor', 0)).toBe(5); // finishes the logged commit
      const legacy = {
        rule_id: 'conversion_drop',
        rule_type: 'low_conversion',
        subject: 'brand',
        notified: false,
        acknowledged_by: null,
        acknowledged_at: null,
      } as const;
      const stored = alert('brand-a', 'stored', {
        ...legacy,
        message: 'Conversion fell',
        threshold: 0.04,
        started_at: at(3),
        fired_at: at(3),
        updated_at: at(4),
      });
      expect(await warehouse.alert('brand-a', 'stored')).toEqual(stored);
      expect(await warehouse.alert('brand-a', 'cut')).toEqual(
        alert('brand-a', 'cut', {
          ...legacy,
          state: 'resolved',
          severity: 'critical',
          message: 'Conversion recovered',
          value: 0.05,
          threshold: 0.03,
          started_at: at(1),
          fired_at: at(1),
          updated_at: at(6),
          resolved_at: at(6),
        }),
      );
      expect((await warehouse.loadBrand('brand-a', at(60), at(60))).openAlerts).toEqual([stored]);
      expect(await warehouse.counters('brand-a')).toMatchObject({ processed: 5 });
      expect(await warehouse.alert('brand-b', 'stored')).toBeNull();
    } finally {
      await warehouse.close();
      await old.close();
      await server.close();
      await dropDatabase(database);
    }
  });

  it('keeps one delivery-log line per key after the server merges a retried write', async () => {
    await withWarehouse(async (warehouse, database) => {
      const line = delivery('brand-a', 'a1', { outcome: 'failed', status: 502, error: 'Bad Gateway' });
      await warehouse.recordDeliveries([line]);
      await warehouse.recordDeliveries([line]);
      const admin = openConnection({ url: serverUrl, database });
      try {
        await admin.run(sql`OPTIMIZE TABLE alert_deliveries FINAL`, 'optimize');
        const rows = await admin.rows(sql`SELECT count() AS n FROM alert_deliveries`, 'count');
        expect(Number(rows[0]?.n)).toBe(1);
      } finally {
        await admin.close();
      }
      expect(await warehouse.alertDeliveries('brand-a', 'a1', 10)).toEqual([line]);
    });
  });

  it('takes only a lone ADD COLUMN refused for that very column as already applied', () => {
    const add = raw("ALTER TABLE profiles ADD COLUMN own String DEFAULT ''");
    const refused = (code: number, message: string) => new ClickHouseQueryError(code, message);
    // 18.16's answer, then a current release's.
    const old =
      'Code: 44, e.displayText() = DB::Exception: Cannot add column own: column with this name already exists';
    const current =
      'Code: 15. DB::Exception: Cannot add column `own`: column with this name already exists. (DUPLICATE_COLUMN)';
    expect(alreadyApplied(add, refused(44, old))).toBe(true);
    expect(alreadyApplied(add, refused(15, current))).toBe(true);
    // Another column, another error, another statement, or not a server refusal at all.
    expect(alreadyApplied(add, refused(44, old.replace('column own', 'column owner')))).toBe(false);
    expect(
      alreadyApplied(
        add,
        refused(44, 'Code: 44, e.displayText() = DB::Exception: Cannot add column own: bad type'),
      ),
    ).toBe(false);
    expect(alreadyApplied(add, refused(62, current))).toBe(false);
    expect(alreadyApplied(add, new Error(current))).toBe(false);
    expect(
      alreadyApplied(
        raw("ALTER TABLE profiles ADD COLUMN own String DEFAULT '', ADD COLUMN x String"),
        refused(15, current),
      ),
    ).toBe(false);
    expect(
      alreadyApplied(raw('CREATE TABLE IF NOT EXISTS own (a String) ENGINE = Memory'), refused(15, current)),
    ).toBe(false);
  });

  it('keeps a replayed batch single after the server merges its parts', async () => {
    await withWarehouse(async (warehouse, database) => {
      await warehouse.commit(batch);
      await warehouse.commit(batch);
      const admin = openConnection({ url: serverUrl, database });
      try {
        // Before a merge both copies are on disk; FINAL hides the second. After it, one is left.
        const raw = await admin.rows(
          sql`SELECT count() AS n FROM events WHERE brand_id = 'brand-a'`,
          'count',
        );
        expect(Number(raw[0]?.n)).toBe(4);
        await admin.run(sql`OPTIMIZE TABLE events FINAL`, 'optimize');
        const merged = await admin.rows(
          sql`SELECT count() AS n FROM events WHERE brand_id = 'brand-a'`,
          'count',
        );
        expect(Number(merged[0]?.n)).toBe(2);
      } finally {
        await admin.close();
      }
      expect(await warehouse.recentEvents('brand-a', ['p1'], 10)).toHaveLength(2);
    });
  });

  it('reads back every escaped string exactly, in SELECT literals and in INSERT … VALUES', async () => {
    const hostile = [
      `'; DROP TABLE events; --`,
      `\\' \\\\' '' \\x41 \\0 \\n`,
      'nul\u0000 bell\u0007 esc\u001b del\u007f cr\r lf\n tab\t bs\b ff\f',
      'emoji 😀👩‍👩‍👧 ünïcödé \u202e rtl zero\u200bwidth',
      '{name:String} $1 ? %s /* c */ -- c `b`',
      '',
    ];
    await withWarehouse(async (warehouse, database) => {
      const connection = openConnection({ url: serverUrl, database });
      try {
        for (const text of hostile) {
          const [row] = await connection.rows(sql`SELECT ${text} AS v, length(${text}) AS n`, 'echo');
          expect(row?.v).toBe(text);
          expect(Number(row?.n)).toBe(Buffer.byteLength(text));
        }
        await warehouse.commit(
          commit(
            { consumer: 'processor', partition: 0, next_offset: 1 },
            { rejected: hostile.map((text, i) => rejection('brand-a', `r${i}`, { payload: text })) },
          ),
        );
        const stored = await connection.rows(
          sql`SELECT payload FROM rejected_events FINAL WHERE brand_id = ${'brand-a'} ORDER BY rejection_id`,
          'read',
        );
        expect(stored.map((row) => row.payload)).toEqual(hostile);
        // The tables are all still there.
        const tables = await connection.rows(sql`SHOW TABLES`, 'tables');
        expect(tables.map((row) => row.name)).toEqual(expect.arrayContaining(['events', 'profiles']));
      } finally {
        await connection.close();
      }
    });
  });

  it('reports bad SQL with its ClickHouse code, not as an outage', async () => {
    const database = uniqueDatabase();
    const connection = openConnection({ url: serverUrl });
    try {
      const syntax = await connection.run(sql`SELEC 1`, 'probe').catch((error: unknown) => error);
      expect(syntax).toBeInstanceOf(ClickHouseQueryError);
      expect(syntax).toMatchObject({ code: 62, retriable: false });
      const missing = await connection
        .rows(sql`SELECT * FROM ${identifier(database)}.nothing`, 'probe')
        .catch((error: unknown) => error);
      expect(missing).toBeInstanceOf(ClickHouseQueryError);
      expect((missing as ClickHouseQueryError).code).toBe(81); // UNKNOWN_DATABASE
    } finally {
      await connection.close();
    }
  });

  it('turns a refused connection and a timeout into WarehouseUnavailableError', async () => {
    // A port nothing listens on: the kernel refuses at once.
    const down = await createClickHouseWarehouse({ url: 'http://127.0.0.1:9', database: 'unreachable' });
    try {
      await expect(down.counters('brand-a')).rejects.toBeInstanceOf(WarehouseUnavailableError);
      await expect(down.migrate()).rejects.toMatchObject({ retriable: true });
    } finally {
      await down.close();
    }
    const slow = openConnection({ url: serverUrl, requestTimeoutMs: 200 });
    try {
      const timeout = await slow.rows(sql`SELECT sleep(2)`, 'probe').catch((error: unknown) => error);
      expect(timeout).toBeInstanceOf(WarehouseUnavailableError);
    } finally {
      await slow.close();
    }
  });

  it('refuses a database name that is not a plain identifier', async () => {
    await expect(
      createClickHouseWarehouse({ url: serverUrl, database: 'x`; DROP DATABASE system; --' }),
    ).rejects.toThrow(/identifier/);
  });
});

// The export's streamed query on the server itself: a reader that takes nothing leaves it waiting
// on the socket (the rows are not pulled into the process), and leaving the iteration ends it.
describe('ClickHouse profiles export: the server query follows the reader', () => {
  it('waits while the reader pauses and stops when it leaves, the warehouse usable after', async () => {
    const fixture = await clickHouseFixture();
    const brand = `brand-export-${randomBytes(4).toString('hex')}`;
    const server = openConnection({ url: serverUrl });
    try {
      const { warehouse } = fixture;
      await warehouse.migrate();
      // ~25 MB of JSON rows: more than the socket and stream buffers between the server and us.
      const profiles = Array.from({ length: 60_000 }, (_, i) =>
        profile(brand, `p${i}`, {
          revenue: i % 997,
          identifiers: [{ type: 'email', value: `${i}@x.example` }],
        }),
      );
      await warehouse.commit(
        commit(
          { consumer: 'processor', partition: 0, next_offset: 1 },
          {
            profiles: [...profiles, profile('brand-b', 'other', { revenue: 1e9 })],
          },
        ),
      );
      const running = async () =>
        (
          await server.rows(
            sql`SELECT query_id FROM system.processes
              WHERE query LIKE ${`%FROM profiles FINAL%${brand}%`} AND query NOT LIKE '%system.processes%'`,
            'read system.processes',
          )
        ).length;
      const exported = warehouse.profilesExport(brand, { sort: 'revenue', chunk: 100 });
      const iterator = exported[Symbol.asyncIterator]();
      const first = await iterator.next();
      const chunk: Profile[] = first.done ? [] : first.value;
      expect(chunk).toHaveLength(100);
      expect(chunk.every((p) => p.brand_id === brand)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await running()).toBe(1);
      await iterator.return?.();
      for (let wait = 0; wait < 40 && (await running()) > 0; wait++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(await running()).toBe(0);
      expect((await warehouse.profilesPage(brand, { sort: 'revenue', limit: 2 })).profiles).toHaveLength(2);
      expect(
        (await warehouse.profilesPage('brand-b', { sort: 'revenue', limit: 5 })).profiles.map(
          (p) => p.profile_id,
        ),
      ).toEqual(['other']);
    } finally {
      await server.close();
      await fixture.cleanup();
    }
  });
});
