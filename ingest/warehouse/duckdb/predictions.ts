// The prediction run's reads and writes on DuckDB (rules in ../predictions.ts; tables: migration 7).
// Scores are staged through the appender and moved with one INSERT … ON CONFLICT that replaces a
// row only with an equal or later version (the run's computed_at), so a repeated run id rewrites
// the same rows and an older run finishing late never overwrites a newer one.
import type { DuckDBValue } from '@duckdb/node-api';
import type { CustomerPrediction, PredictionRun } from '../../../src/lib/shared/predictions';
import { createPredictionDecoders } from '../prediction-decoders';
import {
  checkPageLimit,
  runVersion,
  type ChannelActivity,
  type MergedPart,
  type PredictionOrder,
  type PredictionSurvivor,
  type SegmentMembersQuery,
} from '../predictions';
import { num, text, time } from './rows';
import { type Row as SessionRow, type Session } from './session';
import { bigint, timestamp, toTimestamp, varchar, type SqlParam } from './sql-params';

const {
  toPrediction,
  toPredictionSurvivor,
  toMergedPart,
  toPredictionOrder,
  toChannelActivity,
  toPredictionRun,
} = createPredictionDecoders<SessionRow>({ text, num, time });

const afterParam = (after: string | null): SqlParam => varchar(after ?? '');

export async function predictionSurvivors(
  s: Session,
  brandId: string,
  after: string | null,
  limit: number,
): Promise<PredictionSurvivor[]> {
  const rows = await s.rows(
    `SELECT profile_id, first_seen, last_seen, intent_score FROM profiles
     WHERE brand_id = $1 AND merged_into IS NULL AND profile_id > $2
     ORDER BY profile_id LIMIT $3`,
    [varchar(brandId), afterParam(after), bigint(checkPageLimit(limit))],
  );
  return rows.map(toPredictionSurvivor);
}

export async function mergedParts(s: Session, brandId: string): Promise<MergedPart[]> {
  const rows = await s.rows(
    `SELECT profile_id, merged_into FROM profiles WHERE brand_id = $1 AND merged_into IS NOT NULL
     ORDER BY profile_id`,
    [varchar(brandId)],
  );
  return rows.map(toMergedPart);
}

export async function predictionOrders(
  s: Session,
  brandId: string,
  after: string | null,
  limit: number,
): Promise<PredictionOrder[]> {
  const rows = await s.rows(
    `SELECT event_id, profile_id, timestamp, revenue, category, properties FROM events
     WHERE brand_id = $1 AND type = 'order_completed' AND event_id > $2
     ORDER BY event_id LIMIT $3`,
    [varchar(brandId), afterParam(after), bigint(checkPageLimit(limit))],
  );
  return rows.map(toPredictionOrder);
}

export async function channelActivity(
  s: Session,
  brandId: string,
  since: string,
  after: string | null,
  limit: number,
): Promise<ChannelActivity[]> {
  const rows = await s.rows(
    `SELECT profile_id,
       count(*) FILTER (WHERE channel = 'web') AS web,
       count(*) FILTER (WHERE channel = 'store') AS store,
       count(*) FILTER (WHERE channel = 'whatsapp') AS whatsapp,
       count(*) AS events
     FROM events WHERE brand_id = $1 AND timestamp >= $2 AND profile_id > $3
     GROUP BY profile_id ORDER BY profile_id LIMIT $4`,
    [varchar(brandId), timestamp(since), afterParam(after), bigint(checkPageLimit(limit))],
  );
  return rows.map(toChannelActivity);
}

const SCORE_COLUMNS = [
  ['brand_id', 'VARCHAR'],
  ['profile_id', 'VARCHAR'],
  ['run_id', 'VARCHAR'],
  ['computed_at', 'TIMESTAMP'],
  ['orders', 'BIGINT'],
  ['revenue', 'DOUBLE'],
  ['recency_days', 'DOUBLE'],
  ['r', 'BIGINT'],
  ['f', 'BIGINT'],
  ['m', 'BIGINT'],
  ['segment', 'VARCHAR'],
  ['churn_probability', 'DOUBLE'],
  ['p_alive', 'DOUBLE'],
  ['expected_purchases_12m', 'DOUBLE'],
  ['predicted_value_12m', 'DOUBLE'],
  ['recommendations', 'VARCHAR'],
  ['version', 'BIGINT'],
] as const;

const APPEND_SLICE = 500;
const NAMES = SCORE_COLUMNS.map(([name]) => `"${name}"`).join(', ');
const STAGE = 'stage_customer_predictions';
const UPDATES = SCORE_COLUMNS.filter(([name]) => name !== 'brand_id' && name !== 'profile_id')
  .map(([name]) => `"${name}" = excluded."${name}"`)
  .join(', ');

const intOrNull = (value: number | null): DuckDBValue => (value === null ? null : BigInt(value));

function scoreValues(p: CustomerPrediction): DuckDBValue[] {
  return [
    p.brand_id,
    p.profile_id,
    p.run_id,
    toTimestamp(p.computed_at),
    BigInt(p.orders),
    p.revenue,
    p.recency_days,
    intOrNull(p.r),
    intOrNull(p.f),
    intOrNull(p.m),
    p.segment,
    p.churn_probability,
    p.p_alive,
    p.expected_purchases_12m,
    p.predicted_value_12m,
    JSON.stringify(p.recommendations),
    BigInt(Date.parse(p.computed_at)),
  ];
}

/** In the caller's transaction: all of a call's rows or none. */
export async function writePredictions(s: Session, rows: readonly CustomerPrediction[]): Promise<void> {
  if (rows.length === 0) return;
  await s.run(
    `CREATE TEMP TABLE IF NOT EXISTS ${STAGE} (${SCORE_COLUMNS.map(([n, t]) => `"${n}" ${t}`).join(', ')})`,
  );
  const unique = new Map<string, CustomerPrediction>();
  for (const row of rows) unique.set(`${row.brand_id}\u0000${row.profile_id}`, row);
  // The appender converts rows on the event loop: a 2,000-row call held it ~100 ms, so in slices.
  const values = [...unique.values()];
  for (let i = 0; i < values.length; i += APPEND_SLICE) {
    await s.appendToTemp(STAGE, values.slice(i, i + APPEND_SLICE).map(scoreValues));
  }
  await s.run(
    `INSERT INTO customer_predictions (${NAMES}) SELECT ${NAMES} FROM temp.main.${STAGE}
     ON CONFLICT (brand_id, profile_id) DO UPDATE SET ${UPDATES}
     WHERE excluded.version >= customer_predictions.version`,
  );
  await s.run(`DELETE FROM temp.main.${STAGE}`);
}

export async function writeRun(s: Session, run: PredictionRun): Promise<void> {
  await s.run(
    `INSERT INTO prediction_runs VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (brand_id, run_id) DO UPDATE SET started_at = excluded.started_at,
       status = excluded.status, record = excluded.record, version = excluded.version`,
    [
      varchar(run.brand_id),
      varchar(run.run_id),
      timestamp(run.started_at),
      varchar(run.status),
      varchar(JSON.stringify(run)),
      bigint(runVersion(run)),
    ],
  );
}

export async function customerPrediction(
  s: Session,
  brandId: string,
  profileId: string,
): Promise<CustomerPrediction | null> {
  const [row] = await s.rows(
    `SELECT ${NAMES} FROM customer_predictions WHERE brand_id = $1 AND profile_id = $2`,
    [varchar(brandId), varchar(profileId)],
  );
  return row ? toPrediction(row) : null;
}

export async function predictionRuns(s: Session, brandId: string, limit: number): Promise<PredictionRun[]> {
  const rows = await s.rows(
    `SELECT record FROM prediction_runs WHERE brand_id = $1 ORDER BY started_at DESC, run_id DESC LIMIT $2`,
    [varchar(brandId), bigint(checkPageLimit(limit))],
  );
  return rows.map(toPredictionRun);
}

export async function segmentMembers(
  s: Session,
  brandId: string,
  query: SegmentMembersQuery,
): Promise<CustomerPrediction[]> {
  const params: SqlParam[] = [
    varchar(brandId),
    varchar(query.runId),
    afterParam(query.after),
    bigint(checkPageLimit(query.limit)),
  ];
  const segment = query.segment === null ? '' : `AND segment = $${params.push(varchar(query.segment))}`;
  const rows = await s.rows(
    `SELECT ${NAMES} FROM customer_predictions
     WHERE brand_id = $1 AND run_id = $2 AND profile_id > $3 ${segment}
     ORDER BY profile_id LIMIT $4`,
    params,
  );
  return rows.map(toPrediction);
}
