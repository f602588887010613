// The Customer-360 timeline on DuckDB (WarehouseReader.profileTimeline; rules
// in ../timeline.ts): the rows strictly before the cursor's (timestamp,
// event_id) in (timestamp DESC, event_id DESC) order, limit + 1 of them to
// know whether an older page exists.
import type { StoredEvent } from '../../../src/lib/shared/model';
import { planTimeline, timelinePageOf, type TimelinePage, type TimelineQuery } from '../timeline';
import { toStoredEvent } from './rows';
import type { Session } from './session';
import { bigint, timestamp, varchar, varcharList, type SqlParam } from './sql-params';

export async function profileTimeline(
  session: Session,
  brandId: string,
  profileIds: string[],
  query: TimelineQuery,
): Promise<TimelinePage> {
  const plan = planTimeline(query);
  if (profileIds.length === 0 || plan.channels?.length === 0) return { events: [], next: null };
  const params: SqlParam[] = [varchar(brandId), varcharList(profileIds)];
  const bind = (param: SqlParam) => `$${params.push(param)}`;
  const where = ['brand_id = $1', 'profile_id IN (SELECT unnest($2))'];
  if (plan.channels !== null) where.push(`channel IN (SELECT unnest(${bind(varcharList(plan.channels))}))`);
  if (plan.before !== null) {
    const at = bind(timestamp(plan.before.timestamp));
    const id = bind(varchar(plan.before.eventId));
    where.push(`(timestamp < ${at} OR (timestamp = ${at} AND event_id < ${id}))`);
  }
  const rows = await session.rows(
    `SELECT * FROM events WHERE ${where.join(' AND ')}
     ORDER BY timestamp DESC, event_id DESC LIMIT ${bind(bigint(plan.limit + 1))}`,
    params,
  );
  return timelinePageOf(plan, rows.map(toStoredEvent) satisfies StoredEvent[]);
}
