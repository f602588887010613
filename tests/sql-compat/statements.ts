// Every SQL text the ClickHouse warehouse sends, with sample values put in
// through clickhouse/sql.ts: migrations (twice, to prove they are
// idempotent, or fail the second time only as the migrator allows), the
// migrator's bookkeeping, the INSERTs of sample commits full of hostile
// strings, and every query builder. check.py runs them in order on current
// ClickHouse (chdb); the contract test runs the same builders on 18.16.
import { planWrite } from '../../clickhouse/commit';
import { deliveries, insertRows, intentModels } from '../../clickhouse/inserts';
import { createIntentLearner, summarizeLearner } from '../../ingest/models/intent/learner';
import type { IntentModelRecord } from '../../src/lib/shared/intent-model';
import { addedColumn, duplicateColumnError, loadMigrations } from '../../clickhouse/migrations';
import { predictionQueries } from '../../clickhouse/predictions';
import { migrationQueries, queries } from '../../clickhouse/queries';
import { identifier, raw, type SqlFragment } from '../../clickhouse/sql';
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
const DAY = '2024-05-01T00:00:00.000Z';

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
          intent_categories: { [text]: 40 + i, shoes: 1 },
          intent_reasons: [
            {
              type: 'product_added',
              category: text,
              product_id: text,
              product_name: text,
              at: at(i),
              weight: 10,
            },
          ],
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
      // Even ones notified; HOSTILE[1] acknowledged; the last one pending.
      alerts: HOSTILE.map((text, i) =>
        alert(BRAND, text, {
          message: text,
          rule_id: text,
          subject: text,
          updated_at: at(i),
          notified: i % 2 === 0,
          acknowledged_by: i === 1 ? text : null,
          acknowledged_at: i === 1 ? at(2) : null,
          state: i === HOSTILE.length - 1 ? 'pending' : 'firing',
          fired_at: i === HOSTILE.length - 1 ? null : at(3),
        }),
      ),
      rejected: HOSTILE.map((text, i) =>
        rejection(BRAND, text, { payload: text, detail: text, reason: text, received_at: at(i) }),
      ),
      counters: [counters(BRAND), counters(OTHER_BRAND)],
      // An hour of every campaign at 10:00, and one day of HOSTILE[0].
      spend: [
        ...HOSTILE.map((text, i) =>
          spend(BRAND, text, { campaign_name: text, currency: i % 2 === 0 ? text : null, source: 'csv' }),
        ),
        spend(BRAND, HOSTILE[0]!, { period: 'day', period_start: DAY }),
        spend(OTHER_BRAND, 'c1'),
      ],
      // 10:01 for every campaign, and 11:01 for HOSTILE[0].
      campaigns: [
        ...HOSTILE.map((text) => campaignMinute(BRAND, at(1), text, { revenue: 0.1 })),
        campaignMinute(BRAND, at(61), HOSTILE[0]!),
        campaignMinute(OTHER_BRAND, at(1), 'c1'),
      ],
      touches: HOSTILE.map((text) => touch(BRAND, text, { campaign_id: text, touched_at: at(2) })),
      // All end at 11:00; HOSTILE[0]'s was cancelled.
      silences: HOSTILE.map((text, i) =>
        silence(BRAND, text, {
          rule_id: i % 2 === 0 ? text : null,
          subject: i % 2 === 0 ? null : text,
          reason: text,
          created_by: text,
          cancelled_at: i === 0 ? at(5) : null,
        }),
      ),
    },
  );
  const second = commit(
    { consumer: `consumer-${HOSTILE[0]}`, partition: 0, next_offset: 20 },
    {
      profiles: [profile(BRAND, HOSTILE[2]!, { version: 2, intent_level: 'low' })],
      kpis: [kpi(BRAND, at(1), { events: 99 })],
      alerts: [alert(BRAND, HOSTILE[3]!, { state: 'resolved', resolved_at: at(9), updated_at: at(9) })],
      counters: [counters(BRAND, { processed: 20 })],
      spend: [spend(BRAND, HOSTILE[1]!, { campaign_name: HOSTILE[1]!, cost: 99 })],
      campaigns: [campaignMinute(BRAND, at(1), HOSTILE[1]!, { visits: 50 })],
      touches: [touch(BRAND, HOSTILE[0]!, { campaign_id: HOSTILE[2]!, touched_at: at(10) })],
      silences: [silence(BRAND, HOSTILE[1]!, { cancelled_at: at(6) })],
    },
  );
  return [first, second];
}

/** The delivery log, written twice as a retrying notifier would: one row per line after FINAL. */
const sampleDeliveries = () => [
  ...HOSTILE.map((text) =>
    delivery(BRAND, text, {
      receiver_id: text,
      error: text,
      status: null,
      outcome: 'gave_up',
      give_up_reason: 'expired',
    }),
  ),
  delivery(BRAND, HOSTILE[0]!, { attempt: 2, next_attempt_at: at(9) }),
];

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
  profileTimeline: [
    [BRAND, HOSTILE, { limit: 100, before: null, channels: null }],
    [
      BRAND,
      HOSTILE,
      { limit: 2, before: { timestamp: at(3), eventId: `e-3-${HOSTILE[3]}` }, channels: ['web'] },
    ],
    [
      BRAND,
      HOSTILE,
      { limit: 10, before: { timestamp: at(3), eventId: HOSTILE[0]! }, channels: ['app', 'store'] },
    ],
    [OTHER_BRAND, HOSTILE, { limit: 10, before: null, channels: null }],
  ],
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
  intentList: [
    [BRAND, { category: null, limit: 50, atMs: Date.parse(at(5)), threshold: 50, halfLifeMinutes: 60 }],
    [
      BRAND,
      { category: HOSTILE[0]!, limit: 50, atMs: Date.parse(at(5)), threshold: 40, halfLifeMinutes: 60 },
    ],
    [
      BRAND,
      { category: HOSTILE[3]!, limit: 50, atMs: Date.parse(at(65)), threshold: 20, halfLifeMinutes: 60 },
    ],
    [
      BRAND,
      { category: HOSTILE[3]!, limit: 50, atMs: Date.parse(at(65)), threshold: 22, halfLifeMinutes: 60 },
    ],
    [OTHER_BRAND, { category: null, limit: 50, atMs: Date.parse(at(5)), threshold: 1, halfLifeMinutes: 60 }],
  ],
  profilesPage: [
    [BRAND, { sort: 'revenue', limit: 50, after: null, search: null, phone: null }, []],
    [
      BRAND,
      { sort: 'intent', limit: 2, after: { value: 54, profileId: HOSTILE[4]! }, search: null, phone: null },
      [],
    ],
    [
      BRAND,
      {
        sort: 'last_seen',
        limit: 10,
        after: { value: at(5), profileId: HOSTILE[0]! },
        search: HOSTILE[3]!,
        phone: null,
      },
      [HOSTILE[0]!],
    ],
    [BRAND, { sort: 'revenue', limit: 10, after: null, search: `%_\\'`, phone: null }, []],
    [OTHER_BRAND, { sort: 'revenue', limit: 10, after: null, search: 'e', phone: null }, ['x']],
  ],
  profilesExport: [
    [BRAND, { sort: 'revenue', limit: 1000, after: null, search: null, phone: null }, []],
    [BRAND, { sort: 'last_seen', limit: 1000, after: null, search: HOSTILE[3]!, phone: null }, [HOSTILE[0]!]],
    [BRAND, { sort: 'intent', limit: 1000, after: null, search: `%_\\'`, phone: null }, []],
    [OTHER_BRAND, { sort: 'revenue', limit: 1000, after: null, search: 'e', phone: null }, ['x']],
  ],
  linksByValues: [
    [BRAND, HOSTILE],
    [OTHER_BRAND, HOSTILE],
    [BRAND, ['%', '_']],
  ],
  kpis: [
    [BRAND, at(-60), at(60)],
    [BRAND, '2024-05-01T10:00:00.250Z', '2024-05-01T10:01:00.500Z'],
  ],
  alerts: [
    [BRAND, 20],
    [BRAND, 20, ['pending', 'firing']],
    [BRAND, 20, ['resolved']],
  ],
  alert: [
    [BRAND, HOSTILE[0]!],
    [OTHER_BRAND, HOSTILE[0]!],
  ],
  activeSilences: [
    [BRAND, at(0)],
    [BRAND, at(60)],
    [OTHER_BRAND, at(0)],
  ],
  intentModel: [
    [BRAND, 'state'],
    [BRAND, 'summary'],
    [OTHER_BRAND, 'state'],
  ],
  allSilences: [
    [BRAND, 200],
    [BRAND, 2],
  ],
  alertDeliveries: [
    [BRAND, undefined, 100],
    [BRAND, HOSTILE[0]!, 10],
    [OTHER_BRAND, undefined, 10],
  ],
  adSpend: [
    [BRAND, at(0), at(60)],
    [BRAND, at(60), at(120)],
    [BRAND, '2024-05-01T10:59:59.500Z', '2024-05-01T10:00:00.250Z'],
    [OTHER_BRAND, at(0), at(60)],
  ],
  campaignActivity: [
    [BRAND, at(0), at(120), 'minute'],
    [BRAND, at(0), at(120), 'hour'],
    [BRAND, at(0), at(120), 'day'],
    [BRAND, '2024-05-01T10:01:00.500Z', at(120), 'minute'],
    [OTHER_BRAND, at(0), at(120), 'day'],
  ],
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
  openAlerts: [[BRAND], [OTHER_BRAND]],
  spendSince: [
    [BRAND, at(-60)],
    [BRAND, at(60)],
  ],
  campaignMinutesSince: [
    [BRAND, at(0)],
    [BRAND, at(60)],
  ],
  touchesSince: [
    [BRAND, at(0)],
    [BRAND, at(3)],
  ],
  notifiedAlerts: [[at(-60)], [at(60)]],
  deliveriesSince: [[at(-60)], [at(60)]],
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
  // Every sample event is on the web, one a minute; before minute 3: three, all asked for (limit + 1).
  profileTimeline: [HOSTILE.length, 3, 0, 0],
  findMerge: [1, 1, 0, 0],
  mergeLog: [1 + DECISIONS.length, 1, 0],
  // HOSTILE[1] is merged, HOSTILE[2] fell to low intent in the second commit.
  highIntent: [HOSTILE.length - 2],
  // Survivors at 50 or more: not HOSTILE[1] (merged) nor [2] (40 after the second commit). In a
  // category by its hostile name: HOSTILE[0] at 40; HOSTILE[3]'s 43 an hour later is 21.5.
  intentList: [HOSTILE.length - 2, 1, 1, 0, 0],
  // Survivors: all but HOSTILE[1]. Intent below 54: HOSTILE[0], [2] (40 after the second commit), [3];
  // after HOSTILE[0] by id, HOSTILE[3] alone starts with itself; `%` and `_` are no wildcards.
  profilesPage: [HOSTILE.length - 1, 3, 1, 0, 0],
  // Every survivor; HOSTILE[3] by its prefix and HOSTILE[0] as a found survivor; no wildcards; no other brand's.
  profilesExport: [HOSTILE.length - 1, 2, 0, 0],
  linksByValues: [HOSTILE.length, 0, 0],
  kpis: [2, 1],
  // HOSTILE[3]'s alert was resolved in the second commit.
  alerts: [HOSTILE.length, HOSTILE.length - 1, 1],
  alert: [1, 0],
  // HOSTILE[0]'s and HOSTILE[1]'s silences were cancelled; all end at 11:00.
  activeSilences: [HOSTILE.length - 2, 0, 0],
  intentModel: [1, 1, 0],
  allSilences: [HOSTILE.length, 2],
  alertDeliveries: [HOSTILE.length + 1, 2, 0],
  // Restating HOSTILE[1]'s hour added no row; HOSTILE[0]'s day runs all day; the third range starts
  // inside the hour and ends (rounded up) just after it begins.
  adSpend: [HOSTILE.length + 1, 1, HOSTILE.length + 1, 1],
  // Minute and hour: every campaign at 10:01, HOSTILE[0] again at 11:01; a day holds both.
  campaignActivity: [HOSTILE.length + 1, HOSTILE.length + 1, HOSTILE.length, 1, 1],
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
  openAlerts: [HOSTILE.length - 1, 0],
  spendSince: [HOSTILE.length + 1, 1],
  campaignMinutesSince: [HOSTILE.length + 1, 1],
  // HOSTILE[0] was touched again at 10:10.
  touchesSince: [HOSTILE.length, 1],
  notifiedAlerts: [HOSTILE.length / 2, 0],
  deliveriesSince: [HOSTILE.length + 1, 0],
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

function sampleIntentModel(version: number): IntentModelRecord {
  const learner = createIntentLearner();
  const updatedAt = at(version);
  return {
    brand_id: BRAND,
    updated_at: updatedAt,
    state: JSON.stringify({ ...learner.state, note: HOSTILE }),
    summary: summarizeLearner(BRAND, learner, updatedAt),
  };
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

  for (const version of [3, 4]) {
    const insert = insertRows(deliveries, sampleDeliveries(), version)!;
    out.push(statement(`recordDeliveries ${version}: insert into alert_deliveries`, insert));
  }
  // Two saves of one brand's model (the later wins), hostile text in the state.
  for (const version of [5, 6]) {
    const insert = insertRows(intentModels, [sampleIntentModel(version)], version)!;
    out.push(statement(`saveIntentModels ${version}: insert into intent_models`, insert));
  }

  for (const name of Object.keys(QUERY_SAMPLES) as (keyof typeof queries)[]) {
    const build = queries[name] as (...args: unknown[]) => SqlFragment;
    (QUERY_SAMPLES[name] as unknown[][]).forEach((args, i) => {
      out.push(statement(`query ${name} #${i + 1}`, build(...args), EXPECTED_ROWS[name]?.[i]));
    });
  }
  out.push(...predictionStatements());
  return out;
}

/** The prediction run's statements (clickhouse/predictions.ts): hostile ids, segments and errors. */
function predictionStatements(): CompatStatement[] {
  const rows = HOSTILE.map((text, i) => ({
    brand_id: BRAND,
    profile_id: text,
    run_id: 'run-1',
    computed_at: at(60),
    orders: i,
    revenue: 1e15 * i,
    recency_days: i === 0 ? null : i / 3,
    r: i === 0 ? null : 1 + (i % 5),
    f: i === 0 ? null : 5,
    m: i === 0 ? null : 1,
    segment: text,
    churn_probability: i === 0 ? null : 1 / (i + 1),
    p_alive: i === 0 ? null : 0.5,
    expected_purchases_12m: i === 0 ? null : 1.25,
    predicted_value_12m: i === 0 ? null : 1e-9,
    recommendations: [
      {
        product_id: text,
        reason: 'bought_together' as const,
        because: [text],
        score: 0.5,
        labels: { [text]: text },
      },
    ],
  }));
  const run = {
    brand_id: BRAND,
    run_id: HOSTILE[0]!,
    started_at: at(60),
    finished_at: at(61),
    status: 'failed' as const,
    error: HOSTILE.join(' '),
    customers: 0,
    buyers: 0,
    k: null,
    silhouette: null,
    silhouettes: [],
    segments: [],
    drift: null,
    clv: null,
    clv_refused: null,
    excluded: [],
    orders: 0,
    orders_with_products: 0,
    timings: { read_ms: 0, compute_ms: 0, write_ms: 0 },
  };
  const q = predictionQueries;
  const members = (segment: string | null) => ({ runId: 'run-1', segment, after: null, limit: 100 });
  return [
    statement('insert into customer_predictions', q.insertPredictions(rows)),
    statement('insert into customer_predictions (again)', q.insertPredictions(rows)),
    statement('insert into prediction_runs', q.insertRun(run)),
    // Survivors: every sample profile but HOSTILE[1], merged into HOSTILE[0].
    statement('prediction survivors', q.survivors(BRAND, null, 100), HOSTILE.length - 1),
    statement('prediction survivors of another brand', q.survivors(OTHER_BRAND, null, 100), 0),
    statement('prediction merged parts', q.mergedParts(BRAND), 1),
    // The sample events are product views, none an order.
    statement('prediction orders', q.orders(BRAND, HOSTILE[0]!, 100), 0),
    statement('prediction channel activity', q.channelActivity(BRAND, at(-60), null, 100), HOSTILE.length),
    statement('prediction channel activity page', q.channelActivity(BRAND, at(-60), null, 2), 2),
    statement('prediction channel activity later', q.channelActivity(BRAND, at(60), null, 100), 0),
    statement('customer prediction', q.customerPrediction(BRAND, HOSTILE[3]!), 1),
    statement('customer prediction of another brand', q.customerPrediction(OTHER_BRAND, HOSTILE[3]!), 0),
    statement('prediction runs', q.runs(BRAND, 10), 1),
    statement('segment members', q.segmentMembers(BRAND, members(HOSTILE[5]!)), 1),
    statement('all members of a run', q.segmentMembers(BRAND, members(null)), HOSTILE.length),
    statement('members after', q.segmentMembers(BRAND, { ...members(null), after: HOSTILE[4]! }), undefined),
  ];
}
