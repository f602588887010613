// The warehouse seam's contract. Every back-end (DuckDB now, ClickHouse
// later) runs this same suite through a small runner file.
import { afterEach, describe, expect, it } from 'vitest';
import { MERGE_ACTIONS, type StoredEvent } from '../../src/lib/shared/model';
import {
  DECISION_ACTIONS,
  WarehouseUnavailableError,
  type ProcessorCommit,
  type Warehouse,
} from '../../ingest/warehouse/types';
import { campaignAndAlertCases, expectOnlyBrand } from './warehouse-campaigns.contract';
import {
  alert,
  at,
  campaignMinute,
  commit,
  counters,
  delivery,
  event,
  kpi,
  link,
  merge,
  parts,
  profile,
  rejection,
  silence,
  spend,
  touch,
} from './warehouse-records';

export interface WarehouseFixture {
  /** A warehouse on fresh storage; the suite calls migrate(). */
  warehouse: Warehouse;
  /** A new warehouse over the same storage; call it after closing the previous one. Absent for ':memory:'. */
  reopen?: () => Promise<Warehouse>;
  /** Closes every warehouse the fixture made and removes its storage. */
  cleanup(): Promise<void>;
}

const CONSUMER = 'processor';
const SHARED_EMAIL = 'shared@example.com';

/**
 * A brand's full data set. Every brand uses the same ids (profiles p1→p2, p3;
 * events e1-e3; merge m1, review m2; alert a1; rejection r1; campaign c1;
 * silence s1), so tenancy tests
 * prove that colliding ids do not cross brands. `marker` is in every text field.
 */
function brandData(brand: string, marker: string, offset: number): ProcessorCommit {
  return commit(
    { consumer: CONSUMER, partition: 0, next_offset: offset },
    {
      events: [
        event(brand, 'e1', {
          profile_id: 'p1',
          name: `viewed ${marker}`,
          timestamp: at(1),
          received_at: at(1),
        }),
        event(brand, 'e2', {
          profile_id: 'p2',
          name: `added ${marker}`,
          timestamp: at(2),
          received_at: at(2),
        }),
        event(brand, 'e3', {
          profile_id: 'p3',
          name: `bought ${marker}`,
          timestamp: at(3),
          received_at: at(3),
        }),
      ],
      profiles: [
        profile(brand, 'p1', { merged_into: 'p2', identifiers: [{ type: 'email', value: SHARED_EMAIL }] }),
        profile(brand, 'p2', {
          intent_level: 'high',
          intent_score: 80,
          categories: { [marker]: 1 },
          identifiers: [{ type: 'email', value: `${marker}@example.com` }],
          own: parts({
            categories: { [marker]: 1 },
            identifiers: [{ type: 'email', value: `${marker}@example.com` }],
          }),
        }),
        profile(brand, 'p3', { intent_level: 'high', intent_score: 70, categories: { [marker]: 2 } }),
      ],
      links: [link(brand, SHARED_EMAIL, 'p1'), link(brand, `${marker}@example.com`, 'p2')],
      merges: [
        merge(brand, 'm1', { into_profile_id: 'p2', from_profile_ids: ['p1'], reason: `email ${marker}` }),
        // Names none of p1/p2, so mergeHistory(['p1', 'p2']) stays [m1].
        merge(brand, 'm2', {
          action: 'review',
          into_profile_id: 'p3',
          from_profile_ids: ['p4', 'p5', 'p6', 'p7'],
          reason: `review ${marker}`,
          at: at(3),
        }),
      ],
      kpis: [kpi(brand, at(0), { events: offset }), kpi(brand, at(1), { events: offset + 1 })],
      alerts: [alert(brand, 'a1', { message: `alert ${marker}` })],
      rejected: [rejection(brand, 'r1', { detail: `bad ${marker}` })],
      counters: [counters(brand, { processed: offset })],
      spend: [spend(brand, 'c1', { campaign_name: `c1 ${marker}` })],
      campaigns: [campaignMinute(brand, at(1), 'c1'), campaignMinute(brand, at(2), 'c1', { orders: 0 })],
      touches: [touch(brand, 'p2', { campaign_id: 'c1' })],
      silences: [silence(brand, 's1', { reason: `quiet ${marker}` })],
    },
  );
}

/** A brand's delivery log for alert a1 (written outside commits). */
function brandDeliveries(brand: string, marker: string) {
  return [
    delivery(brand, 'a1', {
      outcome: 'failed',
      status: 504,
      error: `timeout ${marker}`,
      next_attempt_at: at(5),
    }),
    delivery(brand, 'a1', { attempt: 2, at: at(5) }),
  ];
}

/** Calls every reader for `brand`, with the ids every brand uses. */
async function readEverything(warehouse: Warehouse, brand: string) {
  return {
    lookupProfile: await warehouse.lookupProfile(brand, { type: 'email', value: SHARED_EMAIL }),
    getProfile: await warehouse.getProfile(brand, 'p1'),
    recentEvents: await warehouse.recentEvents(brand, ['p1', 'p2', 'p3'], 10),
    mergedInto: await warehouse.mergedInto(brand, 'p2'),
    mergeHistory: await warehouse.mergeHistory(brand, ['p1', 'p2'], 10),
    findMerge: await warehouse.findMerge(brand, 'm1'),
    highIntent: await warehouse.highIntent(brand, 10),
    kpis: await warehouse.kpis(brand, at(-60), at(60)),
    alerts: await warehouse.alerts(brand, 10),
    openAlerts: await warehouse.alerts(brand, 10, ['pending', 'firing']),
    alert: await warehouse.alert(brand, 'a1'),
    silences: await warehouse.silences(brand),
    activeSilences: await warehouse.silences(brand, at(0)),
    deliveries: await warehouse.alertDeliveries(brand, undefined, 10),
    alertDeliveries: await warehouse.alertDeliveries(brand, 'a1', 10),
    adSpend: await warehouse.adSpend(brand, at(-60), at(60)),
    campaignMinutes: await warehouse.campaignActivity(brand, at(-60), at(60), 'minute'),
    campaignHours: await warehouse.campaignActivity(brand, at(-60), at(60), 'hour'),
    campaignDays: await warehouse.campaignActivity(brand, at(-60), at(60), 'day'),
    rejected: await warehouse.rejected(brand, 10),
    counters: await warehouse.counters(brand),
    sourceActivity: await warehouse.sourceActivity(brand, at(-60)),
    loadBrand: await warehouse.loadBrand(brand, at(-60), at(-60)),
  };
}

export function warehouseContract(name: string, make: () => Promise<WarehouseFixture>): void {
  describe(`warehouse contract: ${name}`, () => {
    let fixture: WarehouseFixture | undefined;
    async function setup(): Promise<Warehouse> {
      fixture = await make();
      await fixture.warehouse.migrate();
      return fixture.warehouse;
    }
    afterEach(async () => {
      await fixture?.cleanup();
      fixture = undefined;
    });

    campaignAndAlertCases(setup);

    it('migrates repeatedly, and an empty warehouse answers empty', async () => {
      const warehouse = await setup();
      await warehouse.migrate();
      expect(await warehouse.checkpoint(CONSUMER, 0)).toBeUndefined();
      const empty = await readEverything(warehouse, 'brand-a');
      expect(empty).toEqual({
        lookupProfile: null,
        getProfile: null,
        recentEvents: [],
        mergedInto: [],
        mergeHistory: [],
        findMerge: null,
        highIntent: [],
        kpis: [],
        alerts: [],
        openAlerts: [],
        alert: null,
        silences: [],
        activeSilences: [],
        deliveries: [],
        alertDeliveries: [],
        adSpend: [],
        campaignMinutes: [],
        campaignHours: [],
        campaignDays: [],
        rejected: [],
        counters: { brand_id: 'brand-a', processed: 0, duplicates: 0, rejected: 0 },
        sourceActivity: { hourly: [], last: [] },
        loadBrand: {
          profiles: [],
          links: [],
          counters: { brand_id: 'brand-a', processed: 0, duplicates: 0, rejected: 0 },
          kpis: [],
          openAlerts: [],
          spend: [],
          campaigns: [],
          touches: [],
          silences: [],
          sourceLastSeen: [],
          seenSourceIds: [],
          decisions: [],
        },
      });
      expect(await warehouse.recentNotifications(at(-60))).toEqual({ alerts: [], deliveries: [] });
    });

    it('stores a commit and its checkpoint, and reads every part back', async () => {
      const warehouse = await setup();
      const batch = brandData('brand-a', 'marker-a', 42);
      await warehouse.commit(batch);

      expect(await warehouse.checkpoint(CONSUMER, 0)).toBe(42);
      expect(await warehouse.checkpoint(CONSUMER, 1)).toBeUndefined();
      expect(await warehouse.checkpoint('someone-else', 0)).toBeUndefined();

      const read = await readEverything(warehouse, 'brand-a');
      const [p1, p2, p3] = batch.profiles;
      expect(read.lookupProfile).toEqual(p2);
      expect(read.getProfile).toEqual(p2);
      expect(read.recentEvents).toEqual([...batch.events].reverse());
      expect(read.mergedInto).toEqual(['p1']);
      expect(read.mergeHistory).toEqual([batch.merges[0]]);
      expect(read.findMerge).toEqual(batch.merges[0]);
      expect(read.highIntent).toEqual([p2, p3]);
      expect(read.kpis).toEqual(batch.kpis);
      expect(read.alerts).toEqual(batch.alerts);
      expect(read.openAlerts).toEqual(batch.alerts);
      expect(read.alert).toEqual(batch.alerts[0]);
      expect(read.silences).toEqual(batch.silences);
      expect(read.activeSilences).toEqual(batch.silences);
      expect(read.adSpend).toEqual(batch.spend);
      expect(read.campaignMinutes).toEqual(batch.campaigns);
      expect(read.campaignHours).toEqual([
        campaignMinute('brand-a', at(0), 'c1', { visits: 10, orders: 1, revenue: 49 }),
      ]);
      expect(read.loadBrand).toMatchObject({
        openAlerts: batch.alerts,
        spend: batch.spend,
        campaigns: batch.campaigns,
        touches: batch.touches,
        silences: batch.silences,
        sourceLastSeen: [{ source: 'track', received_at: at(3) }],
      });
      expect(read.rejected).toEqual(batch.rejected);
      expect(read.counters).toEqual(batch.counters[0]);
      expect(await warehouse.getProfile('brand-a', 'p3')).toEqual(p3);
      expect(p1!.merged_into).toBe('p2');

      // The next batch moves the checkpoint on.
      await warehouse.commit(commit({ consumer: CONSUMER, partition: 0, next_offset: 50 }));
      expect(await warehouse.checkpoint(CONSUMER, 0)).toBe(50);
    });

    it("stores several partitions' batches in one commit, each with its own checkpoint, brands apart", async () => {
      const warehouse = await setup();
      const a = brandData('brand-a', 'marker-a', 12);
      const b = {
        ...brandData('brand-b', 'marker-b', 7),
        checkpoint: { consumer: CONSUMER, partition: 5, next_offset: 7 },
      };
      await warehouse.commit(a, b);

      expect(await warehouse.checkpoint(CONSUMER, 0)).toBe(12);
      expect(await warehouse.checkpoint(CONSUMER, 5)).toBe(7);
      for (const [brand, batch, foreign] of [
        ['brand-a', a, 'marker-b'],
        ['brand-b', b, 'marker-a'],
      ] as const) {
        const read = await readEverything(warehouse, brand);
        expect(read.recentEvents).toEqual([...batch.events].reverse());
        expect(read.counters).toEqual(batch.counters[0]);
        expect(read.kpis).toEqual(batch.kpis);
        expectOnlyBrand(read, brand, foreign);
      }
      await expect(warehouse.commit()).resolves.toBeUndefined(); // nothing to write
    });

    // Restated for back-ends without transactions (ClickHouse): a failed commit
    // may leave some of its rows, but never a checkpoint ahead of them, and the
    // processor's retry of the same batch ends in the state of one clean commit.
    // Real all-or-nothing is DuckDB's own promise, tested in its runner.
    it('after a failed commit, re-committing the batch gives the state of one commit; the checkpoint never runs ahead', async () => {
      const warehouse = await setup();
      const first = brandData('brand-a', 'marker-a', 10);
      await warehouse.commit(first);

      const retried = commit(
        { consumer: CONSUMER, partition: 0, next_offset: 20 },
        {
          events: [event('brand-a', 'e10', { profile_id: 'p10' })],
          profiles: [profile('brand-a', 'p10'), profile('brand-a', 'p2', { version: 99, intent_score: 1 })],
          links: [link('brand-a', 'p10@example.com', 'p10')],
          kpis: [kpi('brand-a', at(1), { events: 99 })],
          counters: [counters('brand-a', { processed: 20 })],
          alerts: [alert('brand-a', 'a-new')],
        },
      );
      // The first attempt carries a row the table refuses (profile_id is not nullable), after valid ones.
      const broken = {
        ...retried,
        events: [...retried.events, event('brand-a', 'e11', { profile_id: null as unknown as string })],
      };
      const failure = await warehouse.commit(broken).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(Error);
      // A bad row is a programming error, not an outage: retrying would not help.
      expect(failure).not.toBeInstanceOf(WarehouseUnavailableError);
      expect(await warehouse.checkpoint(CONSUMER, 0)).toBe(10);

      await warehouse.commit(retried);
      expect(await warehouse.checkpoint(CONSUMER, 0)).toBe(20);

      // The same two commits, each once and cleanly, on fresh storage.
      const reference = await make();
      try {
        await reference.warehouse.migrate();
        await reference.warehouse.commit(first);
        await reference.warehouse.commit(retried);
        expect(await readEverything(warehouse, 'brand-a')).toEqual(
          await readEverything(reference.warehouse, 'brand-a'),
        );
        for (const read of [warehouse, reference.warehouse]) {
          expect(await read.getProfile('brand-a', 'p10')).toEqual(retried.profiles[0]);
          expect((await read.recentEvents('brand-a', ['p10'], 10)).map((e) => e.event_id)).toEqual(['e10']);
          expect((await read.counters('brand-a')).processed).toBe(20);
        }
      } finally {
        await reference.cleanup();
      }

      // The warehouse is usable afterwards.
      await warehouse.commit(
        commit(
          { consumer: CONSUMER, partition: 0, next_offset: 21 },
          { profiles: [profile('brand-a', 'p11')] },
        ),
      );
      expect(await warehouse.checkpoint(CONSUMER, 0)).toBe(21);
      expect(await warehouse.getProfile('brand-a', 'p11')).not.toBeNull();
    });

    it('takes the same commit twice without duplicating anything', async () => {
      const warehouse = await setup();
      const batch = brandData('brand-a', 'marker-a', 7);
      await warehouse.commit(batch);
      await warehouse.commit(batch);
      // And rows repeated inside one batch.
      await warehouse.commit({
        ...batch,
        events: [...batch.events, ...batch.events],
        kpis: [...batch.kpis, ...batch.kpis],
        rejected: [...batch.rejected, ...batch.rejected],
        merges: [...batch.merges, ...batch.merges],
        links: [...batch.links, ...batch.links],
        alerts: [...batch.alerts, ...batch.alerts],
        counters: [...batch.counters, ...batch.counters],
        spend: [...batch.spend, ...batch.spend],
        campaigns: [...batch.campaigns, ...batch.campaigns],
        touches: [...batch.touches, ...batch.touches],
        silences: [...batch.silences, ...batch.silences],
      });
      await warehouse.recordDeliveries(brandDeliveries('brand-a', 'marker-a'));
      await warehouse.recordDeliveries(brandDeliveries('brand-a', 'marker-a'));
      const read = await readEverything(warehouse, 'brand-a');
      expect(read.adSpend).toEqual(batch.spend);
      expect(read.campaignMinutes).toEqual(batch.campaigns);
      expect(read.loadBrand.touches).toEqual(batch.touches);
      expect(read.silences).toEqual(batch.silences);
      expect(read.deliveries).toHaveLength(2);
      expect(read.recentEvents).toHaveLength(3);
      expect(read.mergeHistory).toHaveLength(1);
      expect(read.loadBrand.decisions).toHaveLength(1);
      expect(read.kpis).toEqual(batch.kpis);
      expect(read.rejected).toHaveLength(1);
      expect(read.alerts).toHaveLength(1);
      expect(read.loadBrand.links).toHaveLength(2);
      expect(read.loadBrand.seenSourceIds).toEqual(['track:msg-e1', 'track:msg-e2', 'track:msg-e3']);
      expect(read.counters.processed).toBe(7);
      expect(await warehouse.checkpoint(CONSUMER, 0)).toBe(7);
    });

    it('keeps the highest profile version', async () => {
      const warehouse = await setup();
      const cp = (n: number) => ({ consumer: CONSUMER, partition: 0, next_offset: n });
      await warehouse.commit(
        commit(cp(1), { profiles: [profile('brand-a', 'p1', { version: 2, orders: 2 })] }),
      );
      await warehouse.commit(
        commit(cp(2), { profiles: [profile('brand-a', 'p1', { version: 1, orders: 1 })] }),
      );
      expect(await warehouse.getProfile('brand-a', 'p1')).toMatchObject({ version: 2, orders: 2 });
      await warehouse.commit(
        commit(cp(3), { profiles: [profile('brand-a', 'p1', { version: 3, orders: 5 })] }),
      );
      expect(await warehouse.getProfile('brand-a', 'p1')).toMatchObject({ version: 3, orders: 5 });
      // Several versions in one batch, in any order.
      await warehouse.commit(
        commit(cp(4), {
          profiles: [
            profile('brand-a', 'p1', { version: 6, orders: 6 }),
            profile('brand-a', 'p1', { version: 4, orders: 4 }),
          ],
        }),
      );
      expect(await warehouse.getProfile('brand-a', 'p1')).toMatchObject({ version: 6, orders: 6 });
    });

    it('lists the merge log newest first, filtered by action, one brand only', async () => {
      const warehouse = await setup();
      const log = (brand: string) => [
        merge(brand, 'm-merge', { action: 'merge', at: at(1), reason: `merged ${brand}` }),
        merge(brand, 'm-refuse', { action: 'refuse', at: at(3), reason: `refused ${brand}` }),
        merge(brand, 'm-demote', {
          action: 'demote',
          at: at(2),
          from_profile_ids: [],
          reason: `demoted ${brand}`,
        }),
        merge(brand, 'm-review', { action: 'review', at: at(4), reason: `review ${brand}` }),
      ];
      await warehouse.commit(
        commit({ consumer: CONSUMER, partition: 0, next_offset: 1 }, { merges: log('brand-a') }),
      );
      await warehouse.commit(
        commit({ consumer: CONSUMER, partition: 0, next_offset: 2 }, { merges: log('brand-b') }),
      );

      const all = await warehouse.mergeLog('brand-a', undefined, 10);
      expect(all.map((m) => m.merge_id)).toEqual(['m-review', 'm-refuse', 'm-demote', 'm-merge']);
      expect(all).toEqual(expect.arrayContaining(log('brand-a')));
      expectOnlyBrand(all, 'brand-a', 'brand-b');
      expect((await warehouse.mergeLog('brand-a', ['refuse', 'demote'], 10)).map((m) => m.action)).toEqual([
        'refuse',
        'demote',
      ]);
      expect((await warehouse.mergeLog('brand-a', undefined, 2)).map((m) => m.merge_id)).toEqual([
        'm-review',
        'm-refuse',
      ]);
      expect(await warehouse.mergeLog('brand-a', [], 10)).toEqual([]);
      expect(await warehouse.mergeLog('brand-c', undefined, 10)).toEqual([]);
      expectOnlyBrand(await warehouse.mergeLog('brand-b', ['merge'], 10), 'brand-b', 'brand-a');
    });

    it("round-trips a profile's own part exactly, keeps null as null, and upserts it with the profile", async () => {
      const warehouse = await setup();
      const cp = (n: number) => ({ consumer: CONSUMER, partition: 0, next_offset: n });
      const own = (brand: string) =>
        parts({
          identifiers: [
            { type: 'phone', value: '+4915112345678' },
            { type: 'email', value: `own-${brand}@example.com` },
          ],
          revenue: 0.1 + 0.2,
          channels: ['store', 'whatsapp'],
          categories: { [`only ${brand}`]: 3, 'ünïcödé "x"': 1 },
          intent_score: 33.333333333333336,
          event_count: 0,
        });
      const write = (brand: string) => [
        profile(brand, 'survivor', { own: own(brand), intent_level: 'high', intent_score: 90 }),
        profile(brand, 'absorbed', { merged_into: 'survivor' }),
        profile(brand, 'alone'),
      ];
      await warehouse.commit(commit(cp(1), { profiles: [...write('brand-a'), ...write('brand-b')] }));

      for (const [brand, foreign] of [
        ['brand-a', 'brand-b'],
        ['brand-b', 'brand-a'],
      ] as const) {
        const [survivor, , alone] = write(brand);
        expect(await warehouse.getProfile(brand, 'survivor')).toEqual(survivor);
        expect(await warehouse.getProfile(brand, 'absorbed')).toEqual(survivor);
        expect(await warehouse.getProfile(brand, 'alone')).toEqual(alone);
        expect(alone!.own).toBeNull();
        expect(await warehouse.highIntent(brand, 10)).toEqual([survivor]);
        const loaded = await warehouse.loadBrand(brand, at(-60), at(-60));
        expect([...loaded.profiles].sort((x, y) => x.profile_id.localeCompare(y.profile_id))).toEqual(
          [...write(brand)].sort((x, y) => x.profile_id.localeCompare(y.profile_id)),
        );
        expectOnlyBrand(loaded, brand, `only ${foreign}`);
      }
      expect(await warehouse.getProfile('brand-c', 'survivor')).toBeNull();
      expect((await warehouse.loadBrand('brand-c', at(-60), at(-60))).profiles).toEqual([]);

      // A later version replaces the part, or drops it back to null; an older one changes nothing.
      const changed = profile('brand-a', 'survivor', { version: 2, own: parts({ orders: 7 }) });
      await warehouse.commit(commit(cp(2), { profiles: [changed] }));
      expect(await warehouse.getProfile('brand-a', 'survivor')).toEqual(changed);
      const cleared = profile('brand-a', 'survivor', { version: 3, own: null });
      await warehouse.commit(commit(cp(3), { profiles: [cleared] }));
      await warehouse.commit(
        commit(cp(4), { profiles: [profile('brand-a', 'survivor', { version: 1, own: own('brand-a') })] }),
      );
      expect(await warehouse.getProfile('brand-a', 'survivor')).toEqual(cleared);
      expect((await warehouse.loadBrand('brand-a', at(-60), at(-60))).profiles).toContainEqual(cleared);
      expect(await warehouse.getProfile('brand-b', 'survivor')).toEqual(write('brand-b')[0]);
    });

    it("loads the brand's reviews and operators' decisions of all time, and no other brand's", async () => {
      const warehouse = await setup();
      const log = (brand: string) =>
        MERGE_ACTIONS.map((action, i) =>
          merge(brand, `m-${action}`, {
            action,
            at: at(i - 30),
            reason: `${action} of ${brand}`,
            into_profile_id: `into-${action}`,
            from_profile_ids: [`from-${action}`, 'p1'],
          }),
        );
      await warehouse.commit(
        commit({ consumer: CONSUMER, partition: 0, next_offset: 1 }, { merges: log('brand-a') }),
        commit({ consumer: CONSUMER, partition: 1, next_offset: 1 }, { merges: log('brand-b') }),
      );
      // A second review of the same profiles, later: both records count.
      const again = merge('brand-a', 'm-review-again', { action: 'review', at: at(50), reason: 'again' });
      await warehouse.commit(
        commit({ consumer: CONSUMER, partition: 0, next_offset: 2 }, { merges: [again] }),
      );

      const byId = (x: { merge_id: string }, y: { merge_id: string }) => x.merge_id.localeCompare(y.merge_id);
      const expected = (brand: string) =>
        log(brand).filter((record) => DECISION_ACTIONS.includes(record.action));
      // `since` after every record: decisions are all time, unlike KPIs and seen ids.
      const a = await warehouse.loadBrand('brand-a', at(60), at(60));
      expect([...a.decisions].sort(byId)).toEqual([...expected('brand-a'), again].sort(byId));
      expect(new Set(a.decisions.map((m) => m.action))).toEqual(
        new Set(['review', 'approve', 'reject', 'unmerge']),
      );
      expectOnlyBrand(a.decisions, 'brand-a', 'of brand-b');
      const b = await warehouse.loadBrand('brand-b', at(-60), at(-60));
      expect([...b.decisions].sort(byId)).toEqual(expected('brand-b').sort(byId));
      expectOnlyBrand(b.decisions, 'brand-b', 'of brand-a');
      expect((await warehouse.loadBrand('brand-c', at(-60), at(-60))).decisions).toEqual([]);
    });

    it('finds one merge-log record by id, only within its brand', async () => {
      const warehouse = await setup();
      const shared = (brand: string) =>
        merge(brand, 'm-shared', {
          action: 'unmerge',
          reason: `undone for ${brand}`,
          event_id: `cmd-${brand}`,
        });
      const onlyB = merge('brand-b', 'm-only-b', { action: 'review', reason: 'secret of brand-b' });
      await warehouse.commit(
        commit(
          { consumer: CONSUMER, partition: 0, next_offset: 1 },
          { merges: [shared('brand-a'), shared('brand-b'), onlyB] },
        ),
      );
      // Committed twice: still one record.
      await warehouse.commit(
        commit({ consumer: CONSUMER, partition: 0, next_offset: 2 }, { merges: [shared('brand-a')] }),
      );
      expect(await warehouse.findMerge('brand-a', 'm-shared')).toEqual(shared('brand-a'));
      expect(await warehouse.findMerge('brand-b', 'm-shared')).toEqual(shared('brand-b'));
      expect(await warehouse.findMerge('brand-b', 'm-only-b')).toEqual(onlyB);
      expect(await warehouse.findMerge('brand-a', 'm-only-b')).toBeNull();
      expect(await warehouse.findMerge('brand-a', 'unknown')).toBeNull();
      expect(await warehouse.findMerge('brand-a', '')).toBeNull();
      expect(await warehouse.findMerge('brand-c', 'm-shared')).toBeNull();
    });

    it('follows a two-step merge chain to the survivor, and lists what merged into it', async () => {
      const warehouse = await setup();
      await warehouse.commit(
        commit(
          { consumer: CONSUMER, partition: 0, next_offset: 1 },
          {
            profiles: [
              profile('brand-a', 'p1', { merged_into: 'p2' }),
              profile('brand-a', 'p2', { merged_into: 'p3' }),
              profile('brand-a', 'p3', { orders: 9 }),
              profile('brand-a', 'p4', { merged_into: 'p2' }),
              profile('brand-a', 'lonely'),
            ],
            links: [
              link('brand-a', 'first@example.com', 'p1'),
              link('brand-a', '+4915112345678', 'p4', { type: 'phone' }),
            ],
          },
        ),
      );
      const survivor = await warehouse.getProfile('brand-a', 'p3');
      expect(survivor).toMatchObject({ profile_id: 'p3', orders: 9, merged_into: null });
      expect(await warehouse.getProfile('brand-a', 'p1')).toEqual(survivor);
      expect(await warehouse.lookupProfile('brand-a', { type: 'email', value: 'first@example.com' })).toEqual(
        survivor,
      );
      expect(await warehouse.lookupProfile('brand-a', { type: 'phone', value: '+4915112345678' })).toEqual(
        survivor,
      );
      // Type matters: the same value as another type is another identifier.
      expect(
        await warehouse.lookupProfile('brand-a', { type: 'user_id', value: 'first@example.com' }),
      ).toBeNull();
      expect(
        await warehouse.lookupProfile('brand-a', { type: 'email', value: 'nobody@example.com' }),
      ).toBeNull();
      expect(await warehouse.mergedInto('brand-a', 'p3')).toEqual(['p1', 'p2', 'p4']);
      expect(await warehouse.mergedInto('brand-a', 'p2')).toEqual(['p1', 'p4']);
      expect(await warehouse.mergedInto('brand-a', 'lonely')).toEqual([]);
      expect(await warehouse.getProfile('brand-a', 'missing')).toBeNull();
    });

    it('survives a merge cycle in corrupt data without hanging', async () => {
      const warehouse = await setup();
      await warehouse.commit(
        commit(
          { consumer: CONSUMER, partition: 0, next_offset: 1 },
          {
            profiles: [
              profile('brand-a', 'x', { merged_into: 'y' }),
              profile('brand-a', 'y', { merged_into: 'x' }),
              profile('brand-a', 'dangling', { merged_into: 'never-written' }),
            ],
          },
        ),
      );
      const found = await warehouse.getProfile('brand-a', 'x');
      expect(['x', 'y']).toContain(found?.profile_id);
      expect(await warehouse.mergedInto('brand-a', 'x')).toEqual(['y']);
      expect((await warehouse.getProfile('brand-a', 'dangling'))?.profile_id).toBe('dangling');
    });

    it('lists unmerged high-intent profiles by score, highest first', async () => {
      const warehouse = await setup();
      await warehouse.commit(
        commit(
          { consumer: CONSUMER, partition: 0, next_offset: 1 },
          {
            profiles: [
              profile('brand-a', 'mid', { intent_level: 'high', intent_score: 75 }),
              profile('brand-a', 'top', { intent_level: 'high', intent_score: 98.5 }),
              profile('brand-a', 'low', { intent_level: 'high', intent_score: 70 }),
              profile('brand-a', 'merged', { intent_level: 'high', intent_score: 99, merged_into: 'top' }),
              profile('brand-a', 'medium', { intent_level: 'medium', intent_score: 65 }),
            ],
          },
        ),
      );
      expect((await warehouse.highIntent('brand-a', 10)).map((p) => p.profile_id)).toEqual([
        'top',
        'mid',
        'low',
      ]);
      expect((await warehouse.highIntent('brand-a', 2)).map((p) => p.profile_id)).toEqual(['top', 'mid']);
      expect(await warehouse.highIntent('brand-a', 0)).toEqual([]);
    });

    it('filters on the latest version of a row only, never on one it replaced', async () => {
      const warehouse = await setup();
      const cp = (n: number) => ({ consumer: CONSUMER, partition: 0, next_offset: n });
      await warehouse.commit(
        commit(cp(1), {
          profiles: [
            profile('brand-a', 'hot', { intent_level: 'high', intent_score: 90, merged_into: 'old-parent' }),
            profile('brand-a', 'cooling', { intent_level: 'high', intent_score: 80 }),
          ],
          links: [link('brand-a', 'moved@example.com', 'cooling')],
          alerts: [alert('brand-a', 'flapping')],
        }),
      );
      await warehouse.commit(
        commit(cp(2), {
          profiles: [
            profile('brand-a', 'hot', { intent_level: 'high', intent_score: 90, version: 2 }),
            profile('brand-a', 'cooling', { intent_level: 'low', intent_score: 10, version: 2 }),
          ],
          links: [link('brand-a', 'moved@example.com', 'hot')],
          alerts: [
            alert('brand-a', 'flapping', { state: 'resolved', resolved_at: at(4), updated_at: at(4) }),
          ],
        }),
      );
      expect((await warehouse.highIntent('brand-a', 10)).map((p) => p.profile_id)).toEqual(['hot']);
      expect(await warehouse.mergedInto('brand-a', 'old-parent')).toEqual([]);
      expect(
        (await warehouse.lookupProfile('brand-a', { type: 'email', value: 'moved@example.com' }))?.profile_id,
      ).toBe('hot');
      expect((await warehouse.loadBrand('brand-a', at(-60), at(-60))).openAlerts).toEqual([]);
      expect((await warehouse.alerts('brand-a', 10)).map((a) => a.state)).toEqual(['resolved']);
    });

    it('returns KPI minutes with from <= minute < to, oldest first; a minute is replaced whole', async () => {
      const warehouse = await setup();
      const minutes = [at(3), at(0), at(2), at(1)];
      await warehouse.commit(
        commit(
          { consumer: CONSUMER, partition: 0, next_offset: 1 },
          { kpis: minutes.map((minute, i) => kpi('brand-a', minute, { events: i })) },
        ),
      );
      const range = await warehouse.kpis('brand-a', at(1), at(3));
      expect(range.map((k) => k.minute)).toEqual([at(1), at(2)]);
      expect(await warehouse.kpis('brand-a', at(3), at(3))).toEqual([]);
      expect((await warehouse.kpis('brand-a', at(0), at(4))).map((k) => k.minute)).toEqual([
        at(0),
        at(1),
        at(2),
        at(3),
      ]);

      const replaced = kpi('brand-a', at(1), { events: 50, revenue: 12.5, conversion_rate: 0.5 });
      await warehouse.commit(
        commit({ consumer: CONSUMER, partition: 0, next_offset: 2 }, { kpis: [replaced] }),
      );
      expect(await warehouse.kpis('brand-a', at(1), at(2))).toEqual([replaced]);
    });

    it('upserts alerts by id and lists them newest updated first, of the asked states', async () => {
      const warehouse = await setup();
      const cp = (n: number) => ({ consumer: CONSUMER, partition: 0, next_offset: n });
      await warehouse.commit(
        commit(cp(1), {
          alerts: [
            alert('brand-a', 'old', { updated_at: at(1) }),
            alert('brand-a', 'new', { updated_at: at(5), started_at: at(5) }),
            alert('brand-a', 'waiting', { state: 'pending', fired_at: null, updated_at: at(7) }),
          ],
        }),
      );
      const resolved = alert('brand-a', 'new', {
        started_at: at(5),
        state: 'resolved',
        updated_at: at(9),
        resolved_at: at(9),
      });
      await warehouse.commit(commit(cp(2), { alerts: [resolved] }));
      const listed = await warehouse.alerts('brand-a', 10);
      expect(listed.map((a) => [a.alert_id, a.state])).toEqual([
        ['new', 'resolved'],
        ['waiting', 'pending'],
        ['old', 'firing'],
      ]);
      expect(listed[0]).toEqual(resolved);
      expect(await warehouse.alerts('brand-a', 1)).toEqual([resolved]);
      const ids = async (states: Parameters<Warehouse['alerts']>[2]) =>
        (await warehouse.alerts('brand-a', 10, states)).map((a) => a.alert_id);
      expect(await ids(['firing'])).toEqual(['old']);
      expect(await ids(['pending', 'firing'])).toEqual(['waiting', 'old']);
      expect(await ids(['resolved'])).toEqual(['new']);
      expect(await ids([])).toEqual([]);
      expect(await warehouse.alerts('brand-b', 10, ['firing'])).toEqual([]);
      expect(
        (await warehouse.loadBrand('brand-a', at(60), at(60))).openAlerts.map((a) => a.alert_id).sort(),
      ).toEqual(['old', 'waiting']);
    });

    it('lists rejected events newest first', async () => {
      const warehouse = await setup();
      await warehouse.commit(
        commit(
          { consumer: CONSUMER, partition: 0, next_offset: 1 },
          {
            rejected: [
              rejection('brand-a', 'r-old', { received_at: at(1) }),
              rejection('brand-a', 'r-new', {
                received_at: at(4),
                reason: 'bad_signature',
                source: 'shopify',
              }),
            ],
          },
        ),
      );
      const listed = await warehouse.rejected('brand-a', 10);
      expect(listed.map((r) => r.rejection_id)).toEqual(['r-new', 'r-old']);
      expect(listed[0]).toMatchObject({ reason: 'bad_signature', source: 'shopify' });
      expect(await warehouse.rejected('brand-a', 1)).toHaveLength(1);
    });

    it("counts events per source and hour since a time, with each source's last event, per brand", async () => {
      const warehouse = await setup();
      const received = (brand: string, id: string, source: StoredEvent['source'], time: string) =>
        event(brand, id, { source, source_event_id: id, timestamp: time, received_at: time });
      const brandA = commit(
        { consumer: CONSUMER, partition: 0, next_offset: 1 },
        {
          events: [
            received('brand-a', 'old', 'track', at(-90)),
            received('brand-a', 'edge', 'whatsapp', at(-60)),
            received('brand-a', 't1', 'track', at(1)),
            received('brand-a', 't2', 'track', at(30)),
            received('brand-a', 's1', 'shopify', at(59, 59)),
            received('brand-a', 's2', 'shopify', at(61)),
          ],
        },
      );
      await warehouse.commit(brandA);
      // A replayed commit counts nothing twice.
      await warehouse.commit({ ...brandA, checkpoint: { ...brandA.checkpoint, next_offset: 2 } });
      // Another brand, with the same event ids, later and on other sources: none of it is brand-a's.
      await warehouse.commit(
        commit(
          { consumer: CONSUMER, partition: 1, next_offset: 1 },
          {
            events: [
              received('brand-b', 't1', 'track', at(120)),
              received('brand-b', 'p1', 'pos', at(3)),
              received('brand-b', 's1', 'shopify', at(5)),
            ],
          },
        ),
      );

      expect(await warehouse.sourceActivity('brand-a', at(-60))).toEqual({
        hourly: [
          { source: 'shopify', hour: at(0), events: 1 },
          { source: 'shopify', hour: at(60), events: 1 },
          { source: 'track', hour: at(0), events: 2 },
          { source: 'whatsapp', hour: at(-60), events: 1 },
        ],
        last: [
          { source: 'shopify', received_at: at(61) },
          { source: 'track', received_at: at(30) },
          { source: 'whatsapp', received_at: at(-60) },
        ],
      });
      // Hours before `since` are left out of the counts, never out of the last event.
      expect(await warehouse.sourceActivity('brand-a', at(600))).toEqual({
        hourly: [],
        last: [
          { source: 'shopify', received_at: at(61) },
          { source: 'track', received_at: at(30) },
          { source: 'whatsapp', received_at: at(-60) },
        ],
      });
      expect(await warehouse.sourceActivity('brand-b', at(-60))).toEqual({
        hourly: [
          { source: 'pos', hour: at(0), events: 1 },
          { source: 'shopify', hour: at(0), events: 1 },
          { source: 'track', hour: at(120), events: 1 },
        ],
        last: [
          { source: 'pos', received_at: at(3) },
          { source: 'shopify', received_at: at(5) },
          { source: 'track', received_at: at(120) },
        ],
      });
      expect(await warehouse.sourceActivity('brand-none', at(-60))).toEqual({ hourly: [], last: [] });
    });

    it('stores absolute counters per brand, zeros when there are none', async () => {
      const warehouse = await setup();
      expect(await warehouse.counters('brand-a')).toEqual({
        brand_id: 'brand-a',
        processed: 0,
        duplicates: 0,
        rejected: 0,
      });
      const cp = (n: number) => ({ consumer: CONSUMER, partition: 0, next_offset: n });
      await warehouse.commit(commit(cp(1), { counters: [counters('brand-a', { processed: 5 })] }));
      await warehouse.commit(
        commit(cp(2), { counters: [counters('brand-a', { processed: 8, duplicates: 3 })] }),
      );
      expect(await warehouse.counters('brand-a')).toEqual({
        brand_id: 'brand-a',
        processed: 8,
        duplicates: 3,
        rejected: 2,
      });
    });

    it('returns events of the given profiles newest first, and merge records naming them', async () => {
      const warehouse = await setup();
      await warehouse.commit(
        commit(
          { consumer: CONSUMER, partition: 0, next_offset: 1 },
          {
            events: [
              event('brand-a', 'e1', { profile_id: 'p1', timestamp: at(1) }),
              event('brand-a', 'e2', { profile_id: 'p2', timestamp: at(3) }),
              event('brand-a', 'e3', { profile_id: 'other', timestamp: at(4) }),
              event('brand-a', 'e4', { profile_id: 'p1', timestamp: at(2), revenue: 30, category: null }),
            ],
            merges: [
              merge('brand-a', 'm1', { into_profile_id: 'p2', from_profile_ids: ['p1'], at: at(2) }),
              merge('brand-a', 'm2', { into_profile_id: 'other', from_profile_ids: ['p5', 'p6'], at: at(3) }),
              merge('brand-a', 'm3', {
                action: 'refuse',
                into_profile_id: 'p9',
                from_profile_ids: ['p2'],
                at: at(4),
              }),
            ],
          },
        ),
      );
      const events = await warehouse.recentEvents('brand-a', ['p1', 'p2'], 10);
      expect(events.map((e) => e.event_id)).toEqual(['e2', 'e4', 'e1']);
      expect(events[1]).toMatchObject({ revenue: 30, category: null });
      expect((await warehouse.recentEvents('brand-a', ['p1', 'p2'], 2)).map((e) => e.event_id)).toEqual([
        'e2',
        'e4',
      ]);
      expect(await warehouse.recentEvents('brand-a', [], 10)).toEqual([]);
      expect((await warehouse.mergeHistory('brand-a', ['p2'], 10)).map((m) => m.merge_id)).toEqual([
        'm3',
        'm1',
      ]);
      expect((await warehouse.mergeHistory('brand-a', ['p6'], 10)).map((m) => m.merge_id)).toEqual(['m2']);
      expect(await warehouse.mergeHistory('brand-a', ['p2'], 1)).toHaveLength(1);
    });

    it("loads everything needed to rebuild a brand's state", async () => {
      const warehouse = await setup();
      const batch = brandData('brand-a', 'marker-a', 5);
      await warehouse.commit(batch);
      await warehouse.commit(
        commit(
          { consumer: CONSUMER, partition: 0, next_offset: 6 },
          {
            events: [
              event('brand-a', 'late', { source: 'shopify', source_event_id: 'wh-1', received_at: at(10) }),
            ],
            kpis: [kpi('brand-a', at(10))],
            alerts: [alert('brand-a', 'gone', { state: 'resolved', resolved_at: at(4), updated_at: at(4) })],
          },
        ),
      );
      const all = await warehouse.loadBrand('brand-a', at(-60), at(-60));
      const byId = (x: { profile_id: string }, y: { profile_id: string }) =>
        x.profile_id.localeCompare(y.profile_id);
      const byValue = (x: { value: string }, y: { value: string }) => x.value.localeCompare(y.value);
      expect([...all.profiles].sort(byId)).toEqual([...batch.profiles].sort(byId));
      expect([...all.links].sort(byValue)).toEqual([...batch.links].sort(byValue));
      expect(all.counters).toEqual(batch.counters[0]);
      expect(all.kpis).toEqual([...batch.kpis, kpi('brand-a', at(10))]);
      expect(all.openAlerts).toEqual(batch.alerts);
      expect(all.seenSourceIds).toEqual(['track:msg-e1', 'track:msg-e2', 'track:msg-e3', 'shopify:wh-1']);
      expect(all.decisions).toEqual([batch.merges[1]]);

      const recent = await warehouse.loadBrand('brand-a', at(2), at(2));
      expect(recent.profiles).toHaveLength(3);
      expect(recent.kpis.map((k) => k.minute)).toEqual([at(10)]);
      expect(recent.seenSourceIds).toEqual(['track:msg-e2', 'track:msg-e3', 'shopify:wh-1']);
      // Decisions are all time: `since` does not cut them.
      expect((await warehouse.loadBrand('brand-a', at(60), at(60))).decisions).toEqual([batch.merges[1]]);
    });

    it('stores hostile strings verbatim', async () => {
      const warehouse = await setup();
      const hostile = [
        `'; DROP TABLE events; --`,
        `it's "quoted" \\ back\\slashed \\' \\"`,
        'nul\u0000byte',
        'emoji 😀👩‍👩‍👧 and ünïcödé',
        'line\nbreak\ttab\r',
        '$1 ? :name %s {{x}}',
        '',
      ];
      const brand = `brand-'; DROP TABLE profiles; --`;
      await warehouse.commit(
        commit(
          { consumer: `consumer-${hostile[0]}`, partition: 0, next_offset: 3 },
          {
            events: hostile.map((text, i) =>
              event(brand, `e-${i}-${text}`, {
                profile_id: text,
                name: text,
                source_event_id: text,
                category: text,
                properties: { [text]: text, nested: [text, { deep: text }] },
                timestamp: at(i),
              }),
            ),
            profiles: hostile.map((text) =>
              profile(brand, text, {
                identifiers: [{ type: 'email', value: text }],
                categories: { [text]: 1 },
                intent_level: 'high',
                own: parts({ identifiers: [{ type: 'email', value: text }], categories: { [text]: 3 } }),
              }),
            ),
            links: hostile.map((text) => link(brand, text, text)),
            merges: [merge(brand, hostile[0]!, { from_profile_ids: hostile, reason: hostile[1]! })],
            alerts: hostile.map((text, i) =>
              alert(brand, text, { message: text, rule_id: text, subject: text, updated_at: at(i) }),
            ),
            rejected: hostile.map((text, i) =>
              rejection(brand, text, { payload: text, detail: text, reason: text, received_at: at(i) }),
            ),
            counters: [counters(brand)],
            spend: hostile.map((text, i) =>
              spend(brand, text, { campaign_name: text, currency: text, period_start: at(i * 60) }),
            ),
            campaigns: hostile.map((text) => campaignMinute(brand, at(1), text)),
            touches: hostile.map((text) => touch(brand, text, { campaign_id: text })),
            silences: hostile.map((text) =>
              silence(brand, text, { rule_id: text, subject: text, reason: text, created_by: text }),
            ),
          },
        ),
      );
      await warehouse.recordDeliveries(
        hostile.map((text) => delivery(brand, text, { receiver_id: text, error: text, outcome: 'failed' })),
      );
      expect(await warehouse.checkpoint(`consumer-${hostile[0]}`, 0)).toBe(3);
      const bytes = (values: string[]) =>
        values.sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
      expect(
        (await warehouse.adSpend(brand, at(-60), at(600))).map((r) => [r.campaign_id, r.currency]),
      ).toEqual(hostile.map((text) => [text, text]));
      expect(
        (await warehouse.campaignActivity(brand, at(0), at(2), 'hour')).map((c) => c.campaign_id),
      ).toEqual(bytes([...hostile]));
      const loaded = await warehouse.loadBrand(brand, at(-60), at(-60));
      expect(loaded.touches.map((t) => [t.profile_id, t.campaign_id]).sort()).toEqual(
        hostile.map((text) => [text, text]).sort(),
      );
      expect((await warehouse.silences(brand, at(0))).map((x) => x.reason).sort()).toEqual(
        [...hostile].sort(),
      );
      for (const text of hostile) {
        expect(await warehouse.alertDeliveries(brand, text, 5)).toEqual([
          delivery(brand, text, { receiver_id: text, error: text, outcome: 'failed' }),
        ]);
        expect(await warehouse.alert(brand, text)).toMatchObject({
          rule_id: text,
          subject: text,
          message: text,
        });
      }
      for (const text of hostile) {
        expect(await warehouse.lookupProfile(brand, { type: 'email', value: text })).toMatchObject({
          profile_id: text,
          identifiers: [{ type: 'email', value: text }],
          categories: { [text]: 1 },
          own: parts({ identifiers: [{ type: 'email', value: text }], categories: { [text]: 3 } }),
        });
        const [stored] = await warehouse.recentEvents(brand, [text], 1);
        expect(stored).toMatchObject({ name: text, category: text, source_event_id: text });
        expect(stored!.properties).toEqual({ [text]: text, nested: [text, { deep: text }] });
      }
      expect((await warehouse.alerts(brand, 20)).map((a) => a.message).sort()).toEqual([...hostile].sort());
      expect((await warehouse.rejected(brand, 20)).map((r) => r.payload).sort()).toEqual([...hostile].sort());
      const [history] = await warehouse.mergeHistory(brand, [hostile[2]!], 5);
      expect(history).toMatchObject({ merge_id: hostile[0], from_profile_ids: hostile, reason: hostile[1] });
      expect(await warehouse.findMerge(brand, hostile[0]!)).toEqual(history);
      expect((await warehouse.loadBrand(brand, at(-60), at(-60))).seenSourceIds.sort()).toEqual(
        hostile.map((text) => `track:${text}`).sort(),
      );
      // Nothing was executed: the tables are all still there and other brands see nothing.
      expect(await warehouse.counters(brand)).toEqual(counters(brand));
      expectOnlyBrand(await readEverything(warehouse, 'brand-a'), 'brand-a', hostile[0]!);
    });

    it('never shows one brand another brand’s data, even when every id collides', async () => {
      const warehouse = await setup();
      await warehouse.commit(brandData('brand-a', 'marker-a', 10));
      await warehouse.commit(brandData('brand-b', 'marker-b', 20));
      await warehouse.recordDeliveries([
        ...brandDeliveries('brand-a', 'marker-a'),
        ...brandDeliveries('brand-b', 'marker-b'),
      ]);

      const a = await readEverything(warehouse, 'brand-a');
      const b = await readEverything(warehouse, 'brand-b');
      const none = await readEverything(warehouse, 'brand-c');
      expectOnlyBrand(a, 'brand-a', 'marker-b');
      expectOnlyBrand(b, 'brand-b', 'marker-a');
      expectOnlyBrand(none, 'brand-c', 'marker-');

      // Each reader answered with the brand's own rows, not nothing.
      expect(b.lookupProfile).toMatchObject({
        brand_id: 'brand-b',
        profile_id: 'p2',
        categories: { 'marker-b': 1 },
      });
      expect(b.getProfile).toMatchObject({ brand_id: 'brand-b', profile_id: 'p2' });
      expect(b.recentEvents.map((e) => e.name)).toEqual([
        'bought marker-b',
        'added marker-b',
        'viewed marker-b',
      ]);
      expect(b.mergedInto).toEqual(['p1']);
      expect(b.mergeHistory.map((m) => m.reason)).toEqual(['email marker-b']);
      expect(b.findMerge).toMatchObject({ brand_id: 'brand-b', merge_id: 'm1', reason: 'email marker-b' });
      expect(b.getProfile?.own).toMatchObject({ categories: { 'marker-b': 1 } });
      expect(b.loadBrand.decisions.map((m) => m.reason)).toEqual(['review marker-b']);
      expect(b.highIntent.map((p) => p.profile_id)).toEqual(['p2', 'p3']);
      expect(b.kpis.map((k) => k.events)).toEqual([20, 21]);
      expect(b.alerts.map((x) => x.message)).toEqual(['alert marker-b']);
      expect(b.rejected.map((r) => r.detail)).toEqual(['bad marker-b']);
      expect(b.counters.processed).toBe(20);
      expect(b.loadBrand.profiles).toHaveLength(3);
      expect(b.loadBrand.links).toHaveLength(2);
      expect(b.alert?.message).toBe('alert marker-b');
      expect(b.openAlerts.map((x) => x.message)).toEqual(['alert marker-b']);
      expect(b.silences.map((x) => x.reason)).toEqual(['quiet marker-b']);
      expect(b.activeSilences.map((x) => x.reason)).toEqual(['quiet marker-b']);
      expect(b.deliveries.map((d) => d.error)).toEqual([null, 'timeout marker-b']);
      expect(b.alertDeliveries).toEqual(b.deliveries);
      expect(b.adSpend.map((r) => r.campaign_name)).toEqual(['c1 marker-b']);
      for (const rows of [b.campaignMinutes, b.campaignHours, b.campaignDays]) {
        expect(rows.reduce((sum, row) => sum + row.visits, 0)).toBe(10);
      }
      expect(b.sourceActivity.last).toEqual([{ source: 'track', received_at: at(3) }]);
      expect(b.loadBrand.openAlerts.map((x) => x.message)).toEqual(['alert marker-b']);
      expect(b.loadBrand.spend.map((r) => r.campaign_name)).toEqual(['c1 marker-b']);
      expect(b.loadBrand.campaigns).toHaveLength(2);
      expect(b.loadBrand.touches).toHaveLength(1);
      expect(b.loadBrand.silences.map((x) => x.reason)).toEqual(['quiet marker-b']);
      expect(b.loadBrand.sourceLastSeen).toHaveLength(1);

      // brand-c has no rows at all.
      expect(none.lookupProfile).toBeNull();
      expect(none.getProfile).toBeNull();
      expect(none.findMerge).toBeNull();
      expect(none.loadBrand.decisions).toEqual([]);
      expect([none.recentEvents, none.mergedInto, none.mergeHistory, none.highIntent]).toEqual([
        [],
        [],
        [],
        [],
      ]);
      expect([none.kpis, none.alerts, none.rejected]).toEqual([[], [], []]);
      expect(none.alert).toBeNull();
      expect([
        none.openAlerts,
        none.silences,
        none.activeSilences,
        none.deliveries,
        none.alertDeliveries,
      ]).toEqual([[], [], [], [], []]);
      expect([none.adSpend, none.campaignMinutes, none.campaignHours, none.campaignDays]).toEqual([
        [],
        [],
        [],
        [],
      ]);
      expect(none.sourceActivity).toEqual({ hourly: [], last: [] });
      const { openAlerts, spend: spent, campaigns, touches, silences, sourceLastSeen } = none.loadBrand;
      expect([openAlerts, spent, campaigns, touches, silences, sourceLastSeen]).toEqual([
        [],
        [],
        [],
        [],
        [],
        [],
      ]);
      expect(none.counters.processed).toBe(0);
      expect(none.loadBrand.profiles).toEqual([]);

      // brand-b's identifier does not resolve for brand-a, and merge chains stay inside a brand.
      expect(
        await warehouse.lookupProfile('brand-a', { type: 'email', value: 'marker-b@example.com' }),
      ).toBeNull();
      await warehouse.commit(
        commit(
          { consumer: CONSUMER, partition: 0, next_offset: 30 },
          { profiles: [profile('brand-a', 'only-a', { merged_into: 'p3' })] },
        ),
      );
      expect(await warehouse.getProfile('brand-b', 'only-a')).toBeNull();
      expect(await warehouse.mergedInto('brand-b', 'p3')).toEqual([]);
      expect(await warehouse.mergedInto('brand-a', 'p3')).toEqual(['only-a']);
    });

    // Through one handle. ClickHouse has no transactions; another process reading
    // while a commit is in flight may see its first tables before its checkpoint.
    it('never lets a read see half of a commit', async () => {
      const warehouse = await setup();
      const events = Array.from({ length: 500 }, (_, i) => event('brand-a', `e${i}`, { profile_id: 'p1' }));
      const writing = warehouse.commit(
        commit(
          { consumer: CONSUMER, partition: 0, next_offset: 500 },
          { events, profiles: [profile('brand-a', 'p1')] },
        ),
      );
      const [read, checkpoint] = await Promise.all([
        warehouse.recentEvents('brand-a', ['p1'], 1000),
        warehouse.checkpoint(CONSUMER, 0),
        writing,
      ]);
      const complete = read.length === 500 && checkpoint === 500;
      const untouched = read.length === 0 && checkpoint === undefined;
      expect(complete || untouched).toBe(true);
    });

    it('refuses calls after close with WarehouseUnavailableError', async () => {
      const warehouse = await setup();
      await warehouse.close();
      await expect(warehouse.counters('brand-a')).rejects.toBeInstanceOf(WarehouseUnavailableError);
      await expect(
        warehouse.commit(commit({ consumer: CONSUMER, partition: 0, next_offset: 1 })),
      ).rejects.toMatchObject({
        retriable: true,
      });
    });

    it('keeps everything across a reopen', async (context) => {
      const warehouse = await setup();
      if (!fixture?.reopen) return context.skip();
      const batch = brandData('brand-a', 'marker-a', 77);
      await warehouse.commit(batch);
      const before = await readEverything(warehouse, 'brand-a');
      await warehouse.close();
      const reopened = await fixture.reopen();
      await reopened.migrate();
      expect(await reopened.checkpoint(CONSUMER, 0)).toBe(77);
      expect(await readEverything(reopened, 'brand-a')).toEqual(before);
    });
  });
}
