// Operators' identity decisions through the real processor step and the
// embedded warehouse: unmerge restores both sides exactly (compared with a run
// in which the merge never happened), a split holds, reviews are asked once
// and remembered, and all of it survives a reload from the warehouse.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IdentityCommand, InboundEvent, RawEnvelope } from '../../../../src/lib/shared/events';
import type { MergeRecord, Profile } from '../../../../src/lib/shared/model';
import type { BrandRegistry } from '../../../../ingest/brands/types';
import type { Warehouse } from '../../../../ingest/warehouse/types';
import { createBrandStates, type BrandStates } from '../../../../ingest/processor/brand-state';
import { processBatch } from '../../../../ingest/processor/pipeline';
import { decayed, scoreAt } from '../../../../ingest/processor/intent/score';
import { MINUTE, T0, at, makeEvent } from '../fixtures';
import { batchOf, eventMessages, makeRegistry, openWarehouse, tempDir } from '../harness';

const SETTINGS = { intent: { half_life_minutes: 60, medium_threshold: 10, high_threshold: 25 } };

interface Run {
  warehouse: Warehouse;
  states: BrandStates;
  offset: number;
}

let brands: BrandRegistry;
let now = T0;
const clock = () => new Date(now);
const runs: Run[] = [];

beforeEach(async () => {
  brands = await makeRegistry(await tempDir(), [
    { id: 'acme', settings: SETTINGS },
    { id: 'other', settings: SETTINGS },
  ]);
  now = T0 + 60 * MINUTE;
});

afterEach(async () => {
  for (const run of runs.splice(0)) await run.warehouse.close();
});

async function newRun(): Promise<Run> {
  const warehouse = await openWarehouse();
  const run = { warehouse, states: createBrandStates({ warehouse, brands, clock }), offset: 0 };
  runs.push(run);
  return run;
}

async function send(run: Run, values: { key: string; value: string }[]) {
  const result = await processBatch(batchOf(values, run.offset), {
    states: run.states,
    group: 'processor',
    clock,
  });
  await run.warehouse.commit(result.commit);
  run.offset += values.length;
  return result;
}

const events = (run: Run, list: InboundEvent[]) => send(run, eventMessages(list));

let commands = 0;
function commandFor(record: MergeRecord, type: IdentityCommand['type'], brandId = record.brand_id) {
  commands += 1;
  const command: IdentityCommand = {
    brand_id: brandId,
    command_id: `cmd-${commands}`,
    type,
    merge_id: record.merge_id,
    into_profile_id: record.into_profile_id,
    from_profile_ids: record.from_profile_ids,
    issued_by: 'ops@acme',
    issued_at: new Date(now).toISOString(),
  };
  const envelope: RawEnvelope = { kind: 'command', command };
  return { key: brandId, value: JSON.stringify(envelope) };
}

/** Reloads every brand from the warehouse, as after a restart. */
function restart(run: Run) {
  run.states = createBrandStates({ warehouse: run.warehouse, brands, clock });
}

/** What an unmerge must restore: everything but the bookkeeping (version, merge pointer, own part). */
function aggregates(profile: Profile | null) {
  if (!profile) throw new Error('profile missing');
  return {
    profile_id: profile.profile_id,
    identifiers: [...profile.identifiers].sort((a, b) =>
      `${a.type}:${a.value}` < `${b.type}:${b.value}` ? -1 : 1,
    ),
    first_seen: profile.first_seen,
    last_seen: profile.last_seen,
    event_count: profile.event_count,
    orders: profile.orders,
    revenue: profile.revenue,
    channels: profile.channels,
    categories: profile.categories,
  };
}

const settings = { half_life_minutes: 60, medium_threshold: 10, high_threshold: 25 };
const scoreNow = (profile: Profile | null) => scoreAt(profile!, now, settings);
/** Intent per category decayed to now, and the reasons: an unmerge restores both exactly. */
function intentNow(profile: Profile | null) {
  const fromMs = Date.parse(profile!.intent_updated_at);
  return {
    categories: Object.fromEntries(
      Object.entries(profile!.intent_categories)
        .map(([category, score]) => [category, decayed(score, fromMs, now, 60).toFixed(9)])
        .sort(),
    ),
    reasons: profile!.intent_reasons,
  };
}

async function log(run: Run, brandId: string, action: MergeRecord['action']) {
  return run.warehouse.mergeLog(brandId, [action], 100);
}

// Two people, each with history on their own channels; B is older, so B survives a merge.
const personB = () => [
  makeEvent({ event_id: 'b1', identifiers: { email: 'bina@x.in' }, received_at: at(1 * MINUTE) }),
  makeEvent({
    event_id: 'b2',
    type: 'product_viewed',
    identifiers: { email: 'bina@x.in', anonymous_id: 'cookie-b' },
    commerce: { category: 'Shoes' },
    received_at: at(2 * MINUTE),
  }),
  makeEvent({
    event_id: 'b3',
    type: 'order_completed',
    identifiers: { email: 'bina@x.in' },
    commerce: { revenue: 120.25 },
    received_at: at(3 * MINUTE),
  }),
];
const personA = () => [
  makeEvent({
    event_id: 'a1',
    channel: 'store',
    identifiers: { phone: '+91 98765 43210', loyalty_id: 'L-77' },
    received_at: at(4 * MINUTE),
  }),
  makeEvent({
    event_id: 'a2',
    type: 'order_completed',
    channel: 'store',
    identifiers: { phone: '+91 98765 43210', email: 'asha@y.in' },
    commerce: { revenue: 80.1, category: 'Bags' },
    received_at: at(5 * MINUTE),
  }),
  makeEvent({
    event_id: 'a3',
    type: 'product_added',
    channel: 'whatsapp',
    identifiers: { phone: 'whatsapp:+919876543210' },
    commerce: { category: 'Bags' },
    received_at: at(6 * MINUTE),
  }),
];
/** One event carrying both people's emails: the wrong merge an operator will undo. */
const joining = (withA: boolean) =>
  makeEvent({
    event_id: 'join',
    type: 'product_added',
    identifiers: { email: 'bina@x.in', ...(withA && { phone: '+919876543210' }) },
    commerce: { category: 'Hats' },
    received_at: at(7 * MINUTE),
  });
const afterMerge = () => [
  makeEvent({
    event_id: 'after1',
    type: 'order_completed',
    channel: 'app',
    identifiers: { email: 'bina@x.in' },
    commerce: { revenue: 19.99 },
    received_at: at(8 * MINUTE),
  }),
  // After the merge, an event only the merged person's identifiers name: it is that person's part
  // of the survivor, and goes back with them on an unmerge (with the cookie it brought).
  makeEvent({
    event_id: 'after-a',
    type: 'checkout_started',
    channel: 'whatsapp',
    identifiers: { phone: 'whatsapp:+919876543210', anonymous_id: 'cookie-a2' },
    commerce: { category: 'Bags' },
    received_at: at(8 * MINUTE + 30_000),
  }),
  makeEvent({
    event_id: 'after2',
    type: 'product_viewed',
    identifiers: { email: 'bina@x.in', device_id: 'dev-b' },
    commerce: { category: 'Hats' },
    received_at: at(9 * MINUTE),
  }),
];

describe('unmerge', () => {
  it('restores both profiles exactly as if the merge never happened, and the split holds', async () => {
    // The reference: the same traffic without the wrong merge.
    const reference = await newRun();
    await events(reference, [...personB(), ...personA(), joining(false), ...afterMerge()]);
    const refB = await reference.warehouse.lookupProfile('acme', { type: 'email', value: 'bina@x.in' });
    const refA = await reference.warehouse.lookupProfile('acme', { type: 'phone', value: '+919876543210' });
    expect(refA!.profile_id).not.toBe(refB!.profile_id);

    const run = await newRun();
    await events(run, [...personB(), ...personA(), joining(true), ...afterMerge()]);
    const [merge] = await log(run, 'acme', 'merge');
    expect(merge).toMatchObject({ into_profile_id: refB!.profile_id, from_profile_ids: [refA!.profile_id] });
    const merged = await run.warehouse.getProfile('acme', refA!.profile_id);
    expect(merged!.profile_id).toBe(refB!.profile_id);
    expect(merged!.event_count).toBe(refA!.event_count + refB!.event_count);
    // While merged, the survivor holds both people's categories (B's order after the merge reset
    // only the total and the uncategorised reasons) and the latest reasons of both.
    expect(Object.keys(merged!.intent_categories).sort()).toEqual(['Bags', 'Hats', 'Shoes']);
    expect(merged!.intent_reasons.map((r) => r.category)).toContain('Bags');

    now += 30 * MINUTE;
    const result = await send(run, [commandFor(merge!, 'unmerge')]);
    expect(result.commit.rejected).toEqual([]);

    const check = async () => {
      const a = await run.warehouse.getProfile('acme', refA!.profile_id);
      const b = await run.warehouse.getProfile('acme', refB!.profile_id);
      expect(a!.merged_into).toBeNull();
      expect(aggregates(a)).toEqual(aggregates(refA));
      expect(aggregates(b)).toEqual(aggregates(refB));
      expect(b!.own).toBeNull();
      expect(scoreNow(a)).toBeCloseTo(scoreNow(refA), 9);
      expect(scoreNow(b)).toBeCloseTo(scoreNow(refB), 9);
      expect(intentNow(a)).toEqual(intentNow(refA));
      expect(intentNow(b)).toEqual(intentNow(refB));
      // Not vacuous: both people hold categories and reasons of their own.
      expect(Object.keys(intentNow(a).categories)).toEqual(['Bags']);
      expect(Object.keys(intentNow(b).categories)).toEqual(['Hats', 'Shoes']);
      expect(a!.intent_reasons.length).toBeGreaterThan(0);
      // Each person's identifiers find that person again.
      const byPhone = await run.warehouse.lookupProfile('acme', { type: 'phone', value: '+919876543210' });
      expect(byPhone!.profile_id).toBe(refA!.profile_id);
      const byCookie = await run.warehouse.lookupProfile('acme', {
        type: 'anonymous_id',
        value: 'cookie-a2',
      });
      expect(byCookie!.profile_id).toBe(refA!.profile_id);
      // Each page lists its own events again.
      const eventsOf = async (id: string) =>
        (await run.warehouse.recentEvents('acme', [id, ...(await run.warehouse.mergedInto('acme', id))], 50))
          .map((e) => e.event_id)
          .sort();
      expect(await eventsOf(refA!.profile_id)).toEqual(['a1', 'a2', 'a3', 'after-a']);
      expect(await eventsOf(refB!.profile_id)).toEqual(['after1', 'after2', 'b1', 'b2', 'b3', 'join']);
    };
    await check();
    const [unmerge] = await log(run, 'acme', 'unmerge');
    expect(unmerge).toMatchObject({
      into_profile_id: refB!.profile_id,
      from_profile_ids: [refA!.profile_id],
      event_id: 'cmd-' + commands,
    });
    expect(unmerge!.reason).toContain('ops@acme');

    // The split holds: the same evidence again is refused, both after a restart and before.
    for (const round of [1, 2]) {
      if (round === 2) restart(run);
      const again = await events(run, [
        makeEvent({
          event_id: `again-${round}`,
          identifiers: { email: 'bina@x.in', phone: '+91 98765 43210' },
          received_at: at((40 + round) * MINUTE),
        }),
      ]);
      expect(again.commit.merges.map((m) => m.action)).toEqual(['refuse']);
      expect(again.commit.merges[0]!.reason).toContain('split');
      expect((await run.warehouse.getProfile('acme', refA!.profile_id))!.merged_into).toBeNull();
    }

    // Tenancy: the other brand sees none of it, and cannot undo acme's merge through its own key.
    expect(await run.warehouse.mergeLog('other', undefined, 100)).toEqual([]);
    expect(await run.warehouse.getProfile('other', refA!.profile_id)).toBeNull();
    const foreign = await send(run, [commandFor(merge!, 'unmerge', 'other')]);
    expect(foreign.commit.merges).toEqual([]);
    expect(foreign.commit.rejected).toHaveLength(1);
    expect(foreign.commit.rejected[0]).toMatchObject({ brand_id: 'other', reason: 'command_refused' });
  });

  it('undoes a merge under a later merge, rebuilding every profile up the chain', async () => {
    // C (oldest) absorbs B after B absorbed A; undoing A→B leaves C = C + B alone.
    const personC = makeEvent({
      event_id: 'c1',
      type: 'order_completed',
      identifiers: { user_id: 'cust-c' },
      commerce: { revenue: 7 },
      received_at: at(0),
    });
    const joinC = makeEvent({
      event_id: 'join-c',
      identifiers: { user_id: 'cust-c', email: 'bina@x.in' },
      received_at: at(10 * MINUTE),
    });
    const reference = await newRun();
    await events(reference, [personC, ...personB(), ...personA(), joining(false), ...afterMerge(), joinC]);
    const run = await newRun();
    await events(run, [personC, ...personB(), ...personA(), joining(true), ...afterMerge(), joinC]);
    const merges = await log(run, 'acme', 'merge');
    expect(merges).toHaveLength(2);
    const aIntoB = merges.find((m) => m.event_id === 'join')!;

    await send(run, [commandFor(aIntoB, 'unmerge')]);
    const refC = await reference.warehouse.lookupProfile('acme', { type: 'user_id', value: 'cust-c' });
    const refA = await reference.warehouse.lookupProfile('acme', { type: 'phone', value: '+919876543210' });
    const c = await run.warehouse.lookupProfile('acme', { type: 'email', value: 'bina@x.in' });
    const a = await run.warehouse.lookupProfile('acme', { type: 'phone', value: '+919876543210' });
    expect(c!.profile_id).toBe(refC!.profile_id);
    expect(aggregates(c)).toEqual(aggregates(refC));
    expect(aggregates(a)).toEqual(aggregates(refA));
    expect(intentNow(c)).toEqual(intentNow(refC));
    expect(intentNow(a)).toEqual(intentNow(refA));
    // C still holds B: its own part is kept for the next unmerge.
    expect(c!.own).not.toBeNull();
  });

  it('refuses an unmerge of a merge no longer in effect, once, where the brand sees it', async () => {
    const run = await newRun();
    await events(run, [...personB(), ...personA(), joining(true)]);
    const [merge] = await log(run, 'acme', 'merge');
    await send(run, [commandFor(merge!, 'unmerge')]);
    const twice = await send(run, [commandFor(merge!, 'unmerge')]);
    expect(twice.commit.merges).toEqual([]);
    expect(twice.commit.rejected).toEqual([
      expect.objectContaining({ source: 'dashboard', reason: 'command_refused' }),
    ]);
    expect(twice.commit.rejected[0]!.detail).toContain('not merged into');
    const rejected = await run.warehouse.rejected('acme', 10);
    expect(rejected.map((r) => r.reason)).toEqual(['command_refused']);
    expect(await run.warehouse.rejected('other', 10)).toEqual([]);
  });
});

describe('review queue decisions', () => {
  /**
   * Four people, one identifier type each (so no per-type limit stops them
   * joining), each with an order; then one event naming all four.
   */
  const four = (tag: string, minute: number) => {
    const ids = [
      { email: `${tag}@z.in` },
      { user_id: `u-${tag}` },
      { phone: `+9198${tag === 'r' ? '1' : '2'}1111111` },
      { loyalty_id: `L-${tag}` },
    ];
    return {
      people: ids.map((identifiers, i) =>
        makeEvent({
          event_id: `${tag}-${i + 1}`,
          type: 'order_completed',
          identifiers,
          commerce: { revenue: 10 * (i + 1) },
          received_at: at((minute + i + 1) * MINUTE),
        }),
      ),
      all: (id: string, at_: number) =>
        makeEvent({ event_id: id, identifiers: Object.assign({}, ...ids), received_at: at(at_ * MINUTE) }),
    };
  };

  it('asks once, remembers a rejection across restarts, and merges on approval', async () => {
    const run = await newRun();
    const r = four('r', 0);
    await events(run, r.people);

    const first = await events(run, [r.all('r-all-1', 10)]);
    expect(first.commit.merges.map((m) => m.action)).toEqual(['review']);
    const review = first.commit.merges[0]!;
    expect(new Set([review.into_profile_id, ...review.from_profile_ids]).size).toBe(4);
    // The same evidence again, before any decision: not asked twice.
    const second = await events(run, [r.all('r-all-2', 11)]);
    expect(second.commit.merges).toEqual([]);

    await send(run, [commandFor(review, 'reject')]);
    restart(run);
    const third = await events(run, [r.all('r-all-3', 12)]);
    expect(third.commit.merges).toEqual([]);
    expect((await log(run, 'acme', 'reject')).map((x) => x.from_profile_ids)).toEqual([
      review.from_profile_ids,
    ]);
    // Decided once: a second decision is refused.
    const late = await send(run, [commandFor(review, 'approve')]);
    expect(late.commit.rejected[0]!.detail).toContain('already decided: reject');

    // A second group, approved: the four become one, the oldest surviving, revenue summed exactly.
    const s = four('s', 20);
    await events(run, s.people);
    const asked = await events(run, [s.all('s-all', 30)]);
    const sReview = asked.commit.merges.find((m) => m.action === 'review')!;
    const approved = await send(run, [commandFor(sReview, 'approve')]);
    expect(approved.commit.rejected).toEqual([]);
    expect(approved.commit.merges.map((m) => m.action)).toEqual(['approve', 'merge']);
    const survivor = await run.warehouse.lookupProfile('acme', { type: 'loyalty_id', value: 'L-s' });
    const byEmail = await run.warehouse.lookupProfile('acme', { type: 'email', value: 's@z.in' });
    expect(survivor!.profile_id).toBe(byEmail!.profile_id);
    expect(survivor!.orders).toBe(4);
    expect(survivor!.revenue).toBe(100);
    expect(survivor!.first_seen).toBe(at(21 * MINUTE));

    // The approval's merge can be undone like any other.
    const approvedMerge = approved.commit.merges[1]!;
    await send(run, [commandFor(approvedMerge, 'unmerge')]);
    const third_ = await run.warehouse.lookupProfile('acme', { type: 'phone', value: '+919821111111' });
    expect(third_!.merged_into).toBeNull();
    expect(third_!.revenue).toBe(30);

    // Tenancy: the other brand holds none of these records and cannot decide acme's review.
    expect(await run.warehouse.mergeLog('other', undefined, 100)).toEqual([]);
    const foreign = await send(run, [commandFor(sReview, 'reject', 'other')]);
    expect(foreign.commit.rejected[0]).toMatchObject({ brand_id: 'other', reason: 'command_refused' });
  });
});
