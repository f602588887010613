// The Customer-360 timeline as the profile page shows it: one page of the
// profile's events across channels (newest first), each summarized, with the
// merge-log records that fall among them interleaved where they happened.
//
// A merge record belongs to the page whose events span its time: from the
// oldest event of the page (the beginning of time on the last page) up to,
// not including, the time the page's cursor starts before (the end of time on
// the first page). So paging older shows every record once.
import { z } from 'zod';
import { planTimeline } from '../../../ingest/warehouse/timeline';
import type { WarehouseReader } from '../../../ingest/warehouse/types';
import { CHANNELS, type Channel } from '../shared/events';
import { summarizeEvent, type EventSummary } from '../shared/event-summary';
import type { MergeRecord } from '../shared/model';
import { isInvalidCursor } from './profiles-list';

export const TIMELINE_PAGE = 50;

export interface TimelineParams {
  channel: Channel | null;
  /** The cursor of the page to show (older than the one before it); null for the newest. */
  before: string | null;
}

export type TimelineItem =
  | {
      kind: 'event';
      at: string;
      event_id: string;
      name: string;
      channel: Channel;
      summary: EventSummary;
    }
  | { kind: 'merge'; at: string; record: MergeRecord };

export interface TimelineView {
  params: TimelineParams;
  items: TimelineItem[];
  /** The cursor of the next older page, or null at the beginning of the history. */
  older: string | null;
  /** What was wrong with the page's parameters; the newest page is shown instead. */
  problem: string | null;
}

const paramsSchema = z.object({
  channel: z.enum(CHANNELS, { error: `channel must be one of ${CHANNELS.join(', ')}` }).nullable(),
  before: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,2048}$/, 'the timeline cursor is not one this page made')
    .nullable(),
});

/** The page's `channel` and `before` query parameters; a problem names what is wrong. */
export function parseTimelineParams(
  params: URLSearchParams,
): { ok: true; value: TimelineParams } | { ok: false; problem: string } {
  const result = paramsSchema.safeParse({ channel: params.get('channel'), before: params.get('before') });
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, problem: result.error.issues[0]?.message ?? 'invalid timeline parameters' };
}

export async function loadTimeline(
  warehouse: WarehouseReader,
  brandId: string,
  profileIds: string[],
  merges: readonly MergeRecord[],
  url: URLSearchParams,
  limit = TIMELINE_PAGE,
): Promise<TimelineView> {
  const parsed = parseTimelineParams(url);
  if (!parsed.ok)
    return {
      ...(await read(warehouse, brandId, profileIds, merges, NEWEST, limit)),
      problem: parsed.problem,
    };
  try {
    return { ...(await read(warehouse, brandId, profileIds, merges, parsed.value, limit)), problem: null };
  } catch (error) {
    if (!isInvalidCursor(error)) throw error;
    const newest = { channel: parsed.value.channel, before: null };
    return {
      ...(await read(warehouse, brandId, profileIds, merges, newest, limit)),
      problem: `${error.message}; showing the newest events`,
    };
  }
}

const NEWEST: TimelineParams = { channel: null, before: null };

async function read(
  warehouse: WarehouseReader,
  brandId: string,
  profileIds: string[],
  merges: readonly MergeRecord[],
  params: TimelineParams,
  limit: number,
): Promise<Omit<TimelineView, 'problem'>> {
  const query = {
    limit,
    ...(params.channel === null ? {} : { channels: [params.channel] }),
    ...(params.before === null ? {} : { cursor: params.before }),
  };
  // Throws InvalidCursorError for a cursor the reader would refuse; its time bounds the merges shown.
  const upper = planTimeline(query).before?.timestamp ?? null;
  const page = await warehouse.profileTimeline(brandId, profileIds, query);
  const oldest = page.events[page.events.length - 1];
  const lower = page.next === null || !oldest ? null : oldest.timestamp;
  const inRange = (at: string) =>
    (lower === null || Date.parse(at) >= Date.parse(lower)) &&
    (upper === null || Date.parse(at) < Date.parse(upper));
  const items: TimelineItem[] = [
    ...page.events.map((event): TimelineItem => ({
      kind: 'event',
      at: event.timestamp,
      event_id: event.event_id,
      name: event.name,
      channel: event.channel,
      summary: summarizeEvent(event),
    })),
    ...merges
      .filter((record) => inRange(record.at))
      .map((record): TimelineItem => ({ kind: 'merge', at: record.at, record })),
  ];
  // Newest first; at the same instant a merge shows above the events (it was decided after them).
  items.sort(
    (x, y) => Date.parse(y.at) - Date.parse(x.at) || (x.kind === y.kind ? 0 : x.kind === 'merge' ? -1 : 1),
  );
  return { params, items, older: page.next };
}
