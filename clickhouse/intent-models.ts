// Each brand's learned intent model (intent_models, migration 005): saved by the processor
// outside batch commits, one row per brand, the latest save winning (ReplacingMergeTree).
import type { IntentModelRecord, IntentModelSummary } from '../src/lib/shared/intent-model';
import type { Connection } from './connection';
import * as tables from './inserts';
import { queries } from './queries';
import { text } from './rows';

export async function writeIntentModels(
  connection: Connection,
  records: readonly IntentModelRecord[],
  writeVersion: number,
): Promise<void> {
  const statement = tables.insertRows(tables.intentModels, records, writeVersion);
  if (statement !== null) await connection.run(statement, 'insert into intent_models');
}

async function latest(connection: Connection, brandId: string, column: 'state' | 'summary') {
  const [row] = await connection.rows(queries.intentModel(brandId, column), 'read intent_models');
  return row ? text(row, 'value') : null;
}

/** The learner's stored state (JSON), or null for a brand that has none yet. */
export const intentModelState = (connection: Connection, brandId: string): Promise<string | null> =>
  latest(connection, brandId, 'state');

export async function intentModelSummary(
  connection: Connection,
  brandId: string,
): Promise<IntentModelSummary | null> {
  const summary = await latest(connection, brandId, 'summary');
  return summary === null ? null : (JSON.parse(summary) as IntentModelSummary);
}
