// The prediction run's reads and writes on ClickHouse (rules in ingest/warehouse/predictions.ts;
// tables: migrations/008_predictions.sql), with the DuckDB back-end's results and order
// (tests/contract/warehouse-predictions.contract.ts decides). Scores and runs are
// ReplacingMergeTree(version) rows read through FINAL; version is the run's time, so a repeated
// run id writes identical rows that collapse.
import type { CustomerPrediction, PredictionRun } from '../src/lib/shared/predictions';
import { createPredictionDecoders } from '../ingest/warehouse/prediction-decoders';
import {
  checkPageLimit,
  runVersion,
  type ChannelActivity,
  type MergedPart,
  type PredictionOrder,
  type PredictionSurvivor,
  type SegmentMembersQuery,
} from '../ingest/warehouse/predictions';
import type { Connection, Row } from './connection';
import { num, text, time as timeColumn } from './rows';
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

  channelActivity: (brandId: string, since: string, after: string | null, limit: number): SqlFragment =>
    sql`SELECT profile_id, countIf(channel = 'web') AS web, countIf(channel = 'store') AS store,
        countIf(channel = 'whatsapp') AS whatsapp, count() AS events
      FROM events FINAL WHERE brand_id = ${brandId} AND timestamp >= ${time(since, 'ceil')}
        AND profile_id > ${after ?? ''}
      GROUP BY profile_id ORDER BY profile_id LIMIT ${count(checkPageLimit(limit))}`,

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

const {
  toPrediction,
  toPredictionSurvivor,
  toMergedPart,
  toPredictionOrder,
  toChannelActivity,
  toPredictionRun,
} = createPredictionDecoders<Row>({ text, num, time: timeColumn });

export async function predictionSurvivors(
  db: Connection,
  brandId: string,
  after: string | null,
  limit: number,
): Promise<PredictionSurvivor[]> {
  const rows = await db.rows(predictionQueries.survivors(brandId, after, limit), 'read profiles');
  return rows.map(toPredictionSurvivor);
}

export async function mergedParts(db: Connection, brandId: string): Promise<MergedPart[]> {
  const rows = await db.rows(predictionQueries.mergedParts(brandId), 'read profiles');
  return rows.map(toMergedPart);
}

export async function predictionOrders(
  db: Connection,
  brandId: string,
  after: string | null,
  limit: number,
): Promise<PredictionOrder[]> {
  const rows = await db.rows(predictionQueries.orders(brandId, after, limit), 'read events');
  return rows.map(toPredictionOrder);
}

export async function channelActivity(
  db: Connection,
  brandId: string,
  since: string,
  after: string | null,
  limit: number,
): Promise<ChannelActivity[]> {
  const rows = await db.rows(predictionQueries.channelActivity(brandId, since, after, limit), 'read events');
  return rows.map(toChannelActivity);
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
  return rows.map(toPredictionRun);
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
