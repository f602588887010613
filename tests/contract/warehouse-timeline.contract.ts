// The warehouse contract of the Customer-360 timeline
// (WarehouseReader.profileTimeline): a survivor's and its merged profiles'
// events newest first with ties broken by event id, keyset pages that cover the
// history exactly once, the channel filter bound to its cursor, cursor and limit
// checks, hostile ids, and tenancy. Each back-end's test file runs it.
import { afterEach, describe, expect, it } from 'vitest';
import type { TimelineQuery } from '../../ingest/warehouse/timeline';
import { InvalidCursorError, type Warehouse } from '../../ingest/warehouse/types';
import type { Channel } from '../../src/lib/shared/events';
import type { StoredEvent } from '../../src/lib/shared/model';
import type { WarehouseFixture } from './warehouse.contract';
import { expectOnlyBrand } from './warehouse-campaigns.contract';
import { at, commit, event } from './warehouse-records';

const A = 'brand-a';
const B = 'brand-b';
const HOSTILE_ID = `e'\\"%_;-- ${'😀'}`;
const CHANNEL_CYCLE: Channel[] = ['web', 'store', 'whatsapp', 'web', 'app'];

/** 23 events of p1 and its merged m1: three share minute 4 (tie by id), one has a hostile id. */
function brandAEvents(): StoredEvent[] {
  const events = Array.from({ length: 20 }, (_, i) =>
    event(A, `e${String(i).padStart(2, '0')}`, {
      profile_id: i % 4 === 0 ? 'm1' : 'p1',
      channel: CHANNEL_CYCLE[i % CHANNEL_CYCLE.length]!,
      timestamp: at(i),
      received_at: at(30 - i),
    }),
  );
  return [
    ...events,
    event(A, 'e04b', { profile_id: 'p1', channel: 'store', timestamp: at(4) }),
    event(A, HOSTILE_ID, { profile_id: 'p1', channel: 'whatsapp', timestamp: at(4) }),
    event(A, 'e04a', { profile_id: 'm1', channel: 'web', timestamp: at(4) }),
  ];
}

/** Newest first by timestamp, then event id descending (byte order). */
function expectedOrder(events: StoredEvent[]): string[] {
  return [...events]
    .sort(
      (x, y) =>
        Date.parse(y.timestamp) - Date.parse(x.timestamp) ||
        Buffer.compare(Buffer.from(y.event_id), Buffer.from(x.event_id)),
    )
    .map((e) => e.event_id);
}

async function allPages(warehouse: Warehouse, brandId: string, ids: string[], query: TimelineQuery) {
  const pages: StoredEvent[][] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 100; guard++) {
    const page = await warehouse.profileTimeline(brandId, ids, { ...query, ...(cursor ? { cursor } : {}) });
    pages.push(page.events);
    if (page.next === null) break;
    cursor = page.next;
  }
  return { pages, ids: pages.flat().map((e) => e.event_id) };
}

export function timelineContract(name: string, make: () => Promise<WarehouseFixture>): void {
  describe(`warehouse contract, profile timeline: ${name}`, () => {
    let fixture: WarehouseFixture | undefined;
    afterEach(async () => {
      await fixture?.cleanup();
      fixture = undefined;
    });

    async function setup(): Promise<Warehouse> {
      fixture = await make();
      const warehouse = fixture.warehouse;
      await warehouse.migrate();
      await warehouse.commit(
        commit(
          { consumer: 'processor', partition: 0, next_offset: 1 },
          {
            events: [
              ...brandAEvents(),
              event(A, 'other-profile', { profile_id: 'p2', timestamp: at(10) }),
              // Brand B uses the same profile ids and newer events.
              event(B, 'b-secret-1', { profile_id: 'p1', timestamp: at(50) }),
              event(B, 'b-secret-2', { profile_id: 'm1', timestamp: at(51), channel: 'store' }),
            ],
          },
        ),
      );
      return warehouse;
    }

    it('pages the whole history of a survivor and its merged profile once, newest first, ties by id', async () => {
      const warehouse = await setup();
      const expected = expectedOrder(brandAEvents());
      for (const limit of [1, 4, 7, 23, 200]) {
        const { pages, ids } = await allPages(warehouse, A, ['p1', 'm1'], { limit });
        expect(ids, `limit ${limit}`).toEqual(expected);
        expect(pages.length).toBe(Math.max(1, Math.ceil(expected.length / limit)));
      }
      const first = await warehouse.profileTimeline(A, ['p1', 'm1'], { limit: 200 });
      expect(first.next).toBeNull();
      expect(first.events.find((e) => e.event_id === HOSTILE_ID)).toEqual(
        brandAEvents().find((e) => e.event_id === HOSTILE_ID),
      );
      // The three events of minute 4, by id descending (the hostile id sorts first: "e'" < "e0").
      expect(ids(first).filter((id) => ['e04', 'e04a', 'e04b', HOSTILE_ID].includes(id))).toEqual([
        'e04b',
        'e04a',
        'e04',
        HOSTILE_ID,
      ]);
    });

    it('filters by channel, its cursor bound to the filter', async () => {
      const warehouse = await setup();
      const storeAndWhatsApp = brandAEvents().filter(
        (e) => e.channel === 'store' || e.channel === 'whatsapp',
      );
      const { ids: filtered } = await allPages(warehouse, A, ['p1', 'm1'], {
        limit: 3,
        channels: ['whatsapp', 'store', 'store'],
      });
      expect(filtered).toEqual(expectedOrder(storeAndWhatsApp));
      expect(await warehouse.profileTimeline(A, ['p1', 'm1'], { limit: 5, channels: [] })).toEqual({
        events: [],
        next: null,
      });
      const page = await warehouse.profileTimeline(A, ['p1'], { limit: 2, channels: ['web'] });
      await expect(
        warehouse.profileTimeline(A, ['p1'], { limit: 2, cursor: page.next!, channels: ['store'] }),
      ).rejects.toThrow(InvalidCursorError);
      await expect(warehouse.profileTimeline(A, ['p1'], { limit: 2, cursor: page.next! })).rejects.toThrow(
        /made for other channels/,
      );
      await expect(
        warehouse.profileTimeline(A, ['p1'], { limit: 2, channels: ['fax' as Channel] }),
      ).rejects.toThrow(RangeError);
    });

    it('refuses cursors it did not make and limits out of range', async () => {
      const warehouse = await setup();
      const page = await warehouse.profileTimeline(A, ['p1'], { limit: 2 });
      const body = JSON.parse(Buffer.from(page.next!, 'base64url').toString()) as Record<string, unknown>;
      const forged = [
        'not a cursor',
        `${page.next}=`,
        Buffer.from(JSON.stringify({ ...body, v: 2 })).toString('base64url'),
        Buffer.from(JSON.stringify({ ...body, t: "2024-05-01' OR 1=1 --" })).toString('base64url'),
        Buffer.from(JSON.stringify({ ...body, extra: 1 })).toString('base64url'),
      ];
      for (const cursor of forged) {
        await expect(warehouse.profileTimeline(A, ['p1'], { limit: 2, cursor }), cursor).rejects.toThrow(
          InvalidCursorError,
        );
      }
      for (const limit of [0, 201, 1.5, Number.NaN]) {
        await expect(warehouse.profileTimeline(A, ['p1'], { limit })).rejects.toThrow(RangeError);
      }
      expect(await warehouse.profileTimeline(A, [], { limit: 5 })).toEqual({ events: [], next: null });
    });

    it("never reads another brand's events, whatever profile ids or cursor it is given", async () => {
      const warehouse = await setup();
      const { pages } = await allPages(warehouse, A, ['p1', 'm1', 'p2'], { limit: 5 });
      expectOnlyBrand(pages, A, 'b-secret');
      const theirs = await warehouse.profileTimeline(B, ['p1', 'm1'], { limit: 200 });
      expect(ids(theirs)).toEqual(['b-secret-2', 'b-secret-1']);
      // A cursor of A's timeline pages B's events of the same ids only.
      const cursor = (await warehouse.profileTimeline(A, ['p1', 'm1'], { limit: 1 })).next!;
      const after = await warehouse.profileTimeline(B, ['p1', 'm1'], { limit: 200, cursor });
      expect(ids(after)).toEqual([]);
      expect(await warehouse.profileTimeline('brand-c', ['p1', 'm1'], { limit: 200 })).toEqual({
        events: [],
        next: null,
      });
    });
  });
}

const ids = (page: { events: StoredEvent[] }) => page.events.map((e) => e.event_id);
