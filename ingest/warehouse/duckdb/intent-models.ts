// Each brand's learned intent model (intent_models, migration 4): saved by the processor outside
// batch commits, one row per brand, the latest save replacing the one before.
import type { IntentModelRecord, IntentModelSummary } from '../../../src/lib/shared/intent-model';
import { text } from './rows';
import type { Session } from './session';
import { timestamp, varchar } from './sql-params';

export async function writeIntentModels(
  session: Session,
  records: readonly IntentModelRecord[],
): Promise<void> {
  for (const record of records) {
    await session.run('INSERT OR REPLACE INTO intent_models VALUES ($1, $2, $3, $4)', [
      varchar(record.brand_id),
      timestamp(record.updated_at),
      varchar(record.state),
      varchar(JSON.stringify(record.summary)),
    ]);
  }
}

async function latest(session: Session, brandId: string, column: 'state' | 'summary') {
  const [row] = await session.rows(
    `SELECT ${column === 'state' ? 'state' : 'summary'} AS value FROM intent_models WHERE brand_id = $1`,
    [varchar(brandId)],
  );
  return row ? text(row, 'value') : null;
}

/** The learner's stored state (JSON), or null for a brand that has none yet. */
export const intentModelState = (session: Session, brandId: string): Promise<string | null> =>
  latest(session, brandId, 'state');

export async function intentModelSummary(
  session: Session,
  brandId: string,
): Promise<IntentModelSummary | null> {
  const summary = await latest(session, brandId, 'summary');
  return summary === null ? null : (JSON.parse(summary) as IntentModelSummary);
}
