// Every SQL text the ClickHouse warehouse sends, with sample values put in
// through clickhouse/sql.ts: migrations (twice, to prove they are
// idempotent, or fail the second time only as the migrator allows), the
// migrator's bookkeeping, the INSERTs of sample commits full of hostile
// strings, and every query builder. check.py runs them in order on current
// ClickHouse (chdb); the contract test runs the same builders on 18.16.
import { planWrite } from '../../clickhouse/commit';
import { addedColumn, duplicateColumnError, loadMigrations } from '../../clickhouse/migrations';
import { migrationQueries, queries } from '../../clickhouse/queries';
import { identifier, raw, type SqlFragment } from '../../clickhouse/sql';
import {
  alert,
  at,
  commit,
  counters,
  event,
  kpi,
  link,
  merge,
  parts,
  profile,
  rejection,
} from '../contract/warehouse-records';

export interface CompatStatement {
  name: string;
  sql: string;
  /** When set, the statement is a SELECT that must return exactly this many rows. */
  expect_rows?: number;
  /**
   * When set, failing with one of these codes and a message matching the
   * (Python) pattern counts as done: a migration statement the migrator
   * treats as already applied (clickhouse/migrations.ts, alreadyApplied).
   */
  already_applied_error?: { codes: readonly number[]; pattern: string };
}

export const COMPAT_DATABASE = 'sql_compat';

const HOSTILE = [
  `'; DROP TABLE events; --`,
  `it's "quoted" \\ back\\slashed \\' \\"`,
  'nul\u0000byte',
  'emoji 😀👩‍👩‍👧 and ünïcödé',
  'line\nbreak\ttab\r\u0007\u007f',
  '{name:String} $1 ? :name %s',
];
const BRAND = `brand-'; DROP TABLE profiles; --`;
const OTHER_BRAND = 'brand-b';

const DECISIONS = ['review', 'approve', 'reject', 'unmerge'] as const;

/** Two commits: hostile strings in every text column, then upserts of some of the same keys. */
function sampleCommits() {
  const first = commit(
    { consumer: `consumer-${HOSTILE[0]}`, partition: 0, next_offset: 10 },
    {
      events: HOSTILE.map((text, i) =>
        event(BRAND, `e-${i}-${text}`, {
          profile_id: text,
          name: text,
          source_event_id: text,
          category: i % 2 === 0 ? text : null,
          properties: { [text]: text, nested: [text, { deep: text }] },
          timestamp: at(i),
          received_at: at(i, 1),
        }),
      ),
      profiles: HOSTILE.map((text, i) =>
        profile(BRAND, text, {
          identifiers: [{ type: 'email', value: text }],
          categories: { [text]: 1 },
          intent_level: 'high',
          intent_score: 50 + i,
          merged_into: i === 1 ? HOSTILE[0]! : null,
          own:
            i === 0
              ? parts({ identifiers: [{ type: 'email', value: text }], categories: { [text]: 2 } })
              : null,
        }),
      ),
      links: HOSTILE.map((text) => link(BRAND, text, text)),
      merges: [
        merge(BRAND, HOSTILE[0]!, { from_profile_ids: HOSTILE, reason: HOSTILE[1]! }),
        ...DECISIONS.map((action) => merge(BRAND, `decision-${action}`, { action, reason: HOSTILE[3]! })),
        merge(OTHER_BRAND, 'decision-unmerge', { action: 'unmerge' }),
      ],
      kpis: [kpi(BRAND, at(0)), kpi(BRAND, at(1), { revenue: 0.1, conversion_rate: 1e-7 })],
      alerts: HOSTILE.map((text, i) => alert(BRAND, text, { message: text, rule: text, updated_at: at(i) })),
      rejected: HOSTILE.map((text, i) =>
        rejection(BRAND, text, { payload: text, detail: text, reason: text, received_at: at(i) }),
      ),
      counters: [counters(BRAND), counters(OTHER_BRAND)],
    },
  );
  const second = commit(
    { consumer: `consumer-${HOSTILE[0]}`, partition: 0, next_offset: 20 },
    {
      profiles: [profile(BRAND, HOSTILE[2]!, { version: 2, intent_level: 'low' })],
      kpis: [kpi(BRAND, at(1), { events: 99 })],
      alerts: [alert(BRAND, HOSTILE[3]!, { state: 'resolved', resolved_at: at(9), updated_at: at(9) })],
      counters: [counters(BRAND, { processed: 20 })],
    },
  );
  return [first, second];
}

/** Sample arguments for every query builder; the type makes a new builder without a sample a compile error. */
const QUERY_SAMPLES: { [K in keyof typeof queries]: Parameters<(typeof queries)[K]>[] } = {
  profilesByIds: [
    [BRAND, HOSTILE],
    [OTHER_BRAND, ['x']],
  ],
  linkedProfile: HOSTILE.map((text) => [BRAND, 'email', text] as [string, string, string]),
  mergedChildren: [[BRAND, [HOSTILE[0]!]]],
  recentEvents: [
    [BRAND, HOSTILE, 100],
    [BRAND, HOSTILE, 0],
  ],
  mergeHistory: [[BRAND, [HOSTILE[2]!], 5]],
  findMerge: [
    [BRAND, HOSTILE[0]!],
    [BRAND, 'decision-review'],
    [OTHER_BRAND, HOSTILE[0]!],
    [BRAND, 'missing'],
  ],
  mergeLog: [
    [BRAND, undefined, 10],
    [BRAND, ['merge', 'refuse'], 5],
    [BRAND, [HOSTILE[0]!], 5],
  ],
  highIntent: [[BRAND, 10]],
  kpis: [
    [BRAND, at(-60), at(60)],
    [BRAND, '2024-05-01T10:00:00.250Z', '2024-05-01T10:01:00.500Z'],
  ],
  alerts: [[BRAND, 20]],
  rejected: [[BRAND, 20]],
  sourceHours: [
    [BRAND, at(-60)],
    [BRAND, at(60)],
    [OTHER_BRAND, at(-60)],
  ],
  sourceLastEvents: [[BRAND], [OTHER_BRAND]],
  counters: [[BRAND], [OTHER_BRAND], ['brand-none']],
  checkpoint: [
    [`consumer-${HOSTILE[0]}`, 0],
    ['nobody', 3],
  ],
  loggedCommit: [
    [`consumer-${HOSTILE[0]}`, 0],
    ['nobody', 3],
  ],
  brandProfiles: [[BRAND]],
  brandLinks: [[BRAND]],
  kpisSince: [[BRAND, at(1)]],
  firingAlerts: [[BRAND]],
  seenSourceIds: [[BRAND, at(-60)]],
  brandDecisions: [
    [BRAND, DECISIONS],
    [OTHER_BRAND, DECISIONS],
    [BRAND, ['merge']],
  ],
};

/** Row counts the sample data must give on any ClickHouse; a wrong count means values were mangled. */
const EXPECTED_ROWS: Partial<Record<keyof typeof queries, readonly number[]>> = {
  profilesByIds: [HOSTILE.length, 0],
  linkedProfile: HOSTILE.map(() => 1),
  mergedChildren: [1],
  recentEvents: [HOSTILE.length, 0],
  mergeHistory: [1],
  findMerge: [1, 1, 0, 0],
  mergeLog: [1 + DECISIONS.length, 1, 0],
  // HOSTILE[1] is merged, HOSTILE[2] fell to low intent in the second commit.
  highIntent: [HOSTILE.length - 2],
  kpis: [2, 1],
  alerts: [HOSTILE.length],
  rejected: [HOSTILE.length],
  // Every sample event is from one source, received within one hour.
  sourceHours: [1, 0, 0],
  sourceLastEvents: [1, 0],
  counters: [1, 1, 0],
  checkpoint: [1, 0],
  loggedCommit: [1, 0],
  brandProfiles: [HOSTILE.length],
  brandLinks: [HOSTILE.length],
  kpisSince: [1],
  // HOSTILE[3]'s alert was resolved in the second commit.
  firingAlerts: [HOSTILE.length - 1],
  seenSourceIds: [HOSTILE.length],
  brandDecisions: [DECISIONS.length, 1, 1],
};

function statement(name: string, fragment: SqlFragment, expectRows?: number): CompatStatement {
  return expectRows === undefined
    ? { name, sql: fragment.text }
    : { name, sql: fragment.text, expect_rows: expectRows };
}

/** A migration statement; run again, one the migrator treats as applied may fail as it does. */
function migrationStatement(name: string, fragment: SqlFragment, again: boolean): CompatStatement {
  const column = again ? addedColumn(fragment.text) : null;
  return column === null
    ? statement(name, fragment)
    : { ...statement(name, fragment), already_applied_error: duplicateColumnError(column) };
}

export async function compatStatements(): Promise<CompatStatement[]> {
  const migrations = await loadMigrations();
  const out: CompatStatement[] = [
    statement('create database', migrationQueries.createDatabase(COMPAT_DATABASE)),
    statement('use database', raw(`USE ${identifier(COMPAT_DATABASE).text}`)),
  ];
  for (const round of ['first run', 'second run']) {
    out.push(statement(`schema_migrations table (${round})`, migrationQueries.createMigrationsTable()));
    for (const migration of migrations) {
      migration.statements.forEach((sql, i) =>
        out.push(
          migrationStatement(
            `migration ${migration.version}_${migration.name} #${i + 1} (${round})`,
            sql,
            round === 'second run',
          ),
        ),
      );
    }
  }
  out.push(statement('appliedMigrations (none yet)', migrationQueries.appliedMigrations(), 0));
  for (const migration of migrations) {
    out.push(
      statement(
        `recordMigration ${migration.version}`,
        migrationQueries.recordMigration(migration.version, migration.name, at(0)),
      ),
    );
  }
  out.push(statement('appliedMigrations', migrationQueries.appliedMigrations(), migrations.length));

  sampleCommits().forEach((batch, n) => {
    for (const insert of planWrite([batch], n + 1)) {
      out.push(statement(`commit ${n + 1}: insert into ${insert.table}`, insert.statement));
    }
  });

  for (const name of Object.keys(QUERY_SAMPLES) as (keyof typeof queries)[]) {
    const build = queries[name] as (...args: unknown[]) => SqlFragment;
    (QUERY_SAMPLES[name] as unknown[][]).forEach((args, i) => {
      out.push(statement(`query ${name} #${i + 1}`, build(...args), EXPECTED_ROWS[name]?.[i]));
    });
  }
  return out;
}
