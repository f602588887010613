// The prediction run's reads and writes on ClickHouse (rules in ingest/warehouse/predictions.ts;
// tables: migrations/008_predictions.sql), with the DuckDB back-end's results and order
// (tests/contract/warehouse-predictions.contract.ts decides). Scores and runs are
// ReplacingMergeTree(version) rows read through FINAL; version is the run's time, so a repeated
// run id writes identical rows that collapse.
import type { CustomerPrediction, PredictionRun } from '../src/lib/shared/predictions';
import {
  checkPageLimit,
  orderItemsOf,
  parseRecommendations,
  parseRunRecord,
  runVersion,
  type ChannelActivity,
  type MergedPart,
  type PredictionOrder,
  type PredictionSurvivor,
  type SegmentMembersQuery,
} from '../ingest/warehouse/predictions';
import type { Connection, Row } from './connection';
import { num, text } from './rows';
import { count, join, sql, time, type SqlFragment } from './sql';

const SCORE_COLUMNS = sql`brand_id, profile_id, run_id, computed_at, orders, revenue, recency_days, r, f, m,
  segment, churn_probability, p_alive, expected_purchases_12m, predicted_value_12m, recommendations`;

/** Every statement of this module, by name (tests/sql-compat runs each with sample values). */
export const predictionQueries = {
  survivors: (brandId: string, after: string | null, limit: number): SqlFragment =>
    sql`SELECT profile_id, first_seen, last_seen, intent_score FROM profiles FINAL
      WHERE brand_id = ${brandId} AND merged_into IS NULL AND profile_id > ${after ?? ''}
      ORDER BY profile_id LIMIT ${count(checkPageLimit(limit))}`,

  mergedParts: (brandId: string): SqlFragment =>
    sql`SELECT profile_id, merged_into FROM profiles FINAL
      WHERE brand_id = ${brandId} AND merged_into IS NOT NULL ORDER BY profile_id`,

  orders: (brandId: string, after: string | null, limit: number): SqlFragment =>
    sql`SELECT event_id, profile_id, timestamp, revenue, category, properties FROM events FINAL
      WHERE brand_id = ${brandId} AND type = 'order_completed' AND event_id > ${after ?? ''}
      ORDER BY event_id LIMIT ${count(checkPageLimit(limit))}`,

  channelActivity: (brandId: string, since: string): SqlFragment =>
    sql`SELECT profile_id, countIf(channel = 'web') AS web, countIf(channel = 'store') AS store,
        countIf(channel = 'whatsapp') AS whatsapp, count() AS events
      FROM events FINAL WHERE brand_id = ${brandId} AND timestamp >= ${time(since, 'ceil')}
      GROUP BY profile_id ORDER BY profile_id`,

  customerPrediction: (brandId: string, profileId: string): SqlFragment =>
    sql`SELECT ${SCORE_COLUMNS} FROM customer_predictions FINAL
      WHERE brand_id = ${brandId} AND profile_id = ${profileId}`,

  runs: (brandId: string, limit: number): SqlFragment =>
    sql`SELECT record FROM prediction_runs FINAL WHERE brand_id = ${brandId}
      ORDER BY started_at DESC, run_id DESC LIMIT ${count(checkPageLimit(limit))}`,

  segmentMembers: (brandId: string, query: SegmentMembersQuery): SqlFragment =>
    query.segment === null
      ? sql`SELECT ${SCORE_COLUMNS} FROM customer_predictions FINAL
          WHERE brand_id = ${brandId} AND run_id = ${query.runId} AND profile_id > ${query.after ?? ''}
          ORDER BY profile_id LIMIT ${count(checkPageLimit(query.limit))}`
      : sql`SELECT ${SCORE_COLUMNS} FROM customer_predictions FINAL
          WHERE brand_id = ${brandId} AND run_id = ${query.runId} AND segment = ${query.segment}
            AND profile_id > ${query.after ?? ''}
          ORDER BY profile_id LIMIT ${count(checkPageLimit(query.limit))}`,

  insertPredictions: (rows: readonly CustomerPrediction[]): SqlFragment => {
    const tuples = rows.map(
      (p) => sql`(${p.brand_id}, ${p.profile_id}, ${p.run_id}, ${time(p.computed_at)}, ${count(p.orders)},
        ${p.revenue}, ${p.recency_days}, ${smallCount(p.r)}, ${smallCount(p.f)}, ${smallCount(p.m)},
        ${p.segment}, ${p.churn_probability}, ${p.p_alive}, ${p.expected_purchases_12m},
        ${p.predicted_value_12m}, ${JSON.stringify(p.recommendations)}, ${count(Date.parse(p.computed_at))})`,
    );
    return join(
      [sql`INSERT INTO customer_predictions (${SCORE_COLUMNS}, version) VALUES`, join(tuples, ',\n')],
      '\n',
    );
  },

  insertRun: (run: PredictionRun): SqlFragment =>
    sql`INSERT INTO prediction_runs (brand_id, run_id, started_at, status, record, version) VALUES
      (${run.brand_id}, ${run.run_id}, ${time(run.started_at)}, ${run.status}, ${JSON.stringify(run)},
       ${count(runVersion(run))})`,
};

const smallCount = (value: number | null): SqlFragment | null => (value === null ? null : count(value));

const DATE_TIME = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/;

function isoOf(row: Row, column: string): string {
  const match = DATE_TIME.exec(text(row, column));
  if (!match) throw new TypeError(`column ${column}: expected YYYY-MM-DD hh:mm:ss`);
  return `${match[1]}T${match[2]}.000Z`;
}

const numOrNull = (row: Row, column: string): number | null =>
  row[column] === null ? null : num(row, column);

function toPrediction(row: Row): CustomerPrediction {
  return {
    brand_id: text(row, 'brand_id'),
    profile_id: text(row, 'profile_id'),
    run_id: text(row, 'run_id'),
    computed_at: isoOf(row, 'computed_at'),
    orders: num(row, 'orders'),
    revenue: num(row, 'revenue'),
    recency_days: numOrNull(row, 'recency_days'),
    r: numOrNull(row, 'r'),
    f: numOrNull(row, 'f'),
    m: numOrNull(row, 'm'),
    segment: text(row, 'segment'),
    churn_probability: numOrNull(row, 'churn_probability'),
    p_alive: numOrNull(row, 'p_alive'),
    expected_purchases_12m: numOrNull(row, 'expected_purchases_12m'),
    predicted_value_12m: numOrNull(row, 'predicted_value_12m'),
    recommendations: parseRecommendations(text(row, 'recommendations')),
  };
}

export async function predictionSurvivors(
  db: Connection,
  brandId: string,
  after: string | null,
  limit: number,
): Promise<PredictionSurvivor[]> {
  const rows = await db.rows(predictionQueries.survivors(brandId, after, limit), 'read profiles');
  return rows.map((row) => ({
    profile_id: text(row, 'profile_id'),
    first_seen: isoOf(row, 'first_seen'),
    last_seen: isoOf(row, 'last_seen'),
    intent_score: num(row, 'intent_score'),
  }));
}

export async function mergedParts(db: Connection, brandId: string): Promise<MergedPart[]> {
  const rows = await db.rows(predictionQueries.mergedParts(brandId), 'read profiles');
  return rows.map((row) => ({ profile_id: text(row, 'profile_id'), merged_into: text(row, 'merged_into') }));
}

export async function predictionOrders(
  db: Connection,
  brandId: string,
  after: string | null,
  limit: number,
): Promise<PredictionOrder[]> {
  const rows = await db.rows(predictionQueries.orders(brandId, after, limit), 'read events');
  return rows.map((row) => ({
    event_id: text(row, 'event_id'),
    profile_id: text(row, 'profile_id'),
    timestamp: isoOf(row, 'timestamp'),
    revenue: num(row, 'revenue'),
    category: row.category === null ? null : text(row, 'category'),
    items: orderItemsOf(JSON.parse(text(row, 'properties')) as Record<string, unknown>),
  }));
}

export async function channelActivity(
  db: Connection,
  brandId: string,
  since: string,
): Promise<ChannelActivity[]> {
  const rows = await db.rows(predictionQueries.channelActivity(brandId, since), 'read events');
  return rows.map((row) => ({
    profile_id: text(row, 'profile_id'),
    web: num(row, 'web'),
    store: num(row, 'store'),
    whatsapp: num(row, 'whatsapp'),
    events: num(row, 'events'),
  }));
}

export async function customerPrediction(
  db: Connection,
  brandId: string,
  profileId: string,
): Promise<CustomerPrediction | null> {
  const [row] = await db.rows(
    predictionQueries.customerPrediction(brandId, profileId),
    'read customer_predictions',
  );
  return row ? toPrediction(row) : null;
}

export async function predictionRuns(
  db: Connection,
  brandId: string,
  limit: number,
): Promise<PredictionRun[]> {
  const rows = await db.rows(predictionQueries.runs(brandId, limit), 'read prediction_runs');
  return rows.map((row) => parseRunRecord(text(row, 'record')));
}

export async function segmentMembers(
  db: Connection,
  brandId: string,
  query: SegmentMembersQuery,
): Promise<CustomerPrediction[]> {
  const rows = await db.rows(predictionQueries.segmentMembers(brandId, query), 'read customer_predictions');
  return rows.map(toPrediction);
}

export async function writePredictions(db: Connection, rows: readonly CustomerPrediction[]): Promise<void> {
  if (rows.length === 0) return;
  const unique = new Map<string, CustomerPrediction>();
  for (const row of rows) unique.set(`${row.brand_id}\u0000${row.profile_id}`, row);
  await db.run(predictionQueries.insertPredictions([...unique.values()]), 'insert into customer_predictions');
}

export async function writeRun(db: Connection, run: PredictionRun): Promise<void> {
  await db.run(predictionQueries.insertRun(run), 'insert into prediction_runs');
}
