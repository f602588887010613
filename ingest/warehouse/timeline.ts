// The Customer-360 timeline (WarehouseReader.profileTimeline): a profile's
// events (a survivor and everything merged into it), newest first by the
// event's own time, event_id descending as the tiebreak, paged by keyset: the
// cursor carries the last row's (timestamp, event_id) and the next page is the
// rows strictly before that pair, so the oldest page of a long history costs
// what the first does. An optional channel filter is part of the cursor.
import { CHANNELS, type Channel } from '../../src/lib/shared/events';
import type { StoredEvent } from '../../src/lib/shared/model';
import { InvalidCursorError } from './types';

export const TIMELINE_MAX_LIMIT = 200;

export interface TimelineQuery {
  /** 1..TIMELINE_MAX_LIMIT. */
  limit: number;
  /** `next` of the previous page of the same profile and channels. */
  cursor?: string;
  /** Only these channels; absent means all (an empty list means none). */
  channels?: readonly Channel[];
}

export interface TimelinePage {
  events: StoredEvent[];
  /** The cursor of the following (older) page, or null when this is the last one. */
  next: string | null;
}

/** A checked query: what the back-ends' SQL builders take. */
export interface TimelinePlan {
  limit: number;
  /** Rows strictly before this (timestamp, event_id) pair. */
  before: { timestamp: string; eventId: string } | null;
  /** Sorted, without repeats; null for all channels. */
  channels: Channel[] | null;
}

interface CursorBody {
  v: 1;
  t: string;
  id: string;
  c: string;
}

const channelsKey = (channels: Channel[] | null) => (channels === null ? '*' : channels.join(','));

function decodeCursor(cursor: string, channels: Channel[] | null): TimelinePlan['before'] {
  const refuse = (why: string) => new InvalidCursorError(`invalid timeline cursor: ${why}`);
  if (typeof cursor !== 'string' || cursor.length > 2048 || !/^[A-Za-z0-9_-]+$/.test(cursor)) {
    throw refuse('not a cursor this timeline made');
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw refuse('not a cursor this timeline made');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw refuse('not an object');
  // Only the exact text encodeTimelineCursor makes: base64 is lenient about stray characters.
  if (Buffer.from(JSON.stringify(body)).toString('base64url') !== cursor) throw refuse('altered');
  const { v, t, id, c, ...rest } = body as Record<string, unknown>;
  if (v !== 1 || Object.keys(rest).length > 0) throw refuse('unknown version or fields');
  if (c !== channelsKey(channels)) throw refuse('made for other channels');
  if (typeof id !== 'string' || id.length === 0 || id.length > 1024) throw refuse('bad event id');
  if (
    typeof t !== 'string' ||
    !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$/.test(t) ||
    Number.isNaN(Date.parse(t))
  ) {
    throw refuse('bad timestamp');
  }
  return { timestamp: t, eventId: id };
}

/** Validates a query (RangeError for a bad limit or channel; InvalidCursorError for a bad cursor). */
export function planTimeline(query: TimelineQuery): TimelinePlan {
  const { limit } = query;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > TIMELINE_MAX_LIMIT) {
    throw new RangeError(`limit must be a whole number from 1 to ${TIMELINE_MAX_LIMIT}, got ${limit}`);
  }
  let channels: Channel[] | null = null;
  if (query.channels !== undefined) {
    for (const channel of query.channels) {
      if (!(CHANNELS as readonly string[]).includes(channel)) {
        throw new RangeError(`channel must be one of ${CHANNELS.join(', ')}, got ${String(channel)}`);
      }
    }
    channels = [...new Set(query.channels)].sort();
  }
  const before = query.cursor === undefined ? null : decodeCursor(query.cursor, channels);
  return { limit, before, channels };
}

export function encodeTimelineCursor(plan: TimelinePlan, last: StoredEvent): string {
  const body: CursorBody = { v: 1, t: last.timestamp, id: last.event_id, c: channelsKey(plan.channels) };
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

/** A page from `limit + 1` rows read: the extra row only says there is an older page. */
export function timelinePageOf(plan: TimelinePlan, rows: StoredEvent[]): TimelinePage {
  const events = rows.slice(0, plan.limit);
  const last = events[events.length - 1];
  return { events, next: rows.length > plan.limit && last ? encodeTimelineCursor(plan, last) : null };
}
