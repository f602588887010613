// The High-intent page's query on DuckDB (rules in ../intent-list.ts). A
// category's score is read from the two JSON lists (names, scores) of one length.
import { DOUBLE } from '@duckdb/node-api';
import type { Profile } from '../../../src/lib/shared/model';
import { planIntentList, type IntentListQuery } from '../intent-list';
import { toProfile } from './rows';
import type { Session } from './session';
import { bigint, varchar, type SqlParam } from './sql-params';

const double = (value: number): SqlParam => ({ value, type: DOUBLE });

export async function intentList(
  session: Session,
  brandId: string,
  query: IntentListQuery,
): Promise<Profile[]> {
  const plan = planIntentList(query);
  const params: SqlParam[] = [varchar(brandId)];
  const bind = (param: SqlParam) => `$${params.push(param)}`;
  const stored =
    plan.category === null
      ? 'intent_score'
      : `coalesce(from_json(intent_category_scores, '["DOUBLE"]')[
           list_position(from_json(intent_category_names, '["VARCHAR"]'), ${bind(varchar(plan.category))})], 0)`;
  const elapsedMs = `greatest(0, ${bind(double(plan.atMs))} - epoch_ms(intent_updated_at))`;
  const halfLifeMs = bind(double(plan.halfLifeMinutes * 60_000));
  const rows = await session.rows(
    `WITH scored AS (
       SELECT *, ${stored} * pow(2, -${elapsedMs} / ${halfLifeMs}) AS listed_score
       FROM profiles WHERE brand_id = $1 AND merged_into IS NULL
     )
     SELECT * EXCLUDE (listed_score) FROM scored WHERE listed_score >= ${bind(double(plan.threshold))}
     ORDER BY listed_score DESC, profile_id LIMIT ${bind(bigint(plan.limit))}`,
    params,
  );
  return rows.map(toProfile);
}
