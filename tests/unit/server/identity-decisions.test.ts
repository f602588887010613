// Operators' identity decisions from a form post, checked against the real
// embedded warehouse: only the brand's own records, only the right kind of
// record, only while it still says what the operator saw.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDuckDbWarehouse } from '../../../ingest/warehouse/duckdb/index';
import type { ProcessorCommit, Warehouse } from '../../../ingest/warehouse/types';
import { identityCommandSchema, type IdentityCommandType } from '../../../src/lib/shared/events';
import type { MergeRecord, Profile } from '../../../src/lib/shared/model';
import { prepareDecision, type DecisionResult } from '../../../src/lib/server/identity-decisions';

const NOW = new Date('2026-03-01T10:00:00.000Z');
const at = (minutesAgo: number) => new Date(NOW.getTime() - minutesAgo * 60_000).toISOString();

function profile(brandId: string, profileId: string, mergedInto: string | null = null): Profile {
  return {
    brand_id: brandId,
    profile_id: profileId,
    merged_into: mergedInto,
    identifiers: [{ type: 'email', value: `${profileId}@example.com` }],
    first_seen: at(60),
    last_seen: at(5),
    event_count: 1,
    orders: 0,
    revenue: 0,
    channels: ['web'],
    categories: {},
    intent_score: 0,
    intent_level: 'low',
    intent_updated_at: at(5),
    intent_categories: {},
    intent_reasons: [],
    version: 1,
    own: null,
    intent_forecast: [],
  };
}

function record(
  brandId: string,
  mergeId: string,
  action: MergeRecord['action'],
  into: string,
  from: string[],
  minutesAgo: number,
): MergeRecord {
  return {
    brand_id: brandId,
    merge_id: mergeId,
    action,
    into_profile_id: into,
    from_profile_ids: from,
    reason: `${action} for the test`,
    identifiers: [{ type: 'email', value: `${into}@example.com` }],
    event_id: `event-${mergeId}`,
    at: at(minutesAgo),
  };
}

function commit(
  brandId: string,
  offset: number,
  profiles: Profile[],
  merges: MergeRecord[],
): ProcessorCommit {
  return {
    checkpoint: { consumer: 'test', partition: 0, next_offset: offset },
    events: [],
    profiles,
    links: [],
    merges,
    kpis: [],
    alerts: [],
    rejected: [],
    spend: [],
    campaigns: [],
    touches: [],
    silences: [],
    counters: [{ brand_id: brandId, processed: 0, duplicates: 0, rejected: 0 }],
  };
}

let warehouse: Warehouse;

beforeAll(async () => {
  warehouse = await createDuckDbWarehouse({ path: ':memory:' });
  await warehouse.migrate();
  const a = 'brand-a';
  await warehouse.commit(
    commit(
      a,
      1,
      [
        profile(a, 'old'),
        profile(a, 'young', 'old'), // merged by m-merge, still merged
        profile(a, 'freed'), // merged by m-undone, split again since
        ...['p1', 'p2', 'p3', 'p4', 'q1', 'q2', 'q3', 'q4'].map((id) => profile(a, id)),
      ],
      [
        record(a, 'm-merge', 'merge', 'old', ['young'], 30),
        record(a, 'm-undone', 'merge', 'old', ['freed'], 40),
        record(a, 'm-unmerge', 'unmerge', 'old', ['freed'], 35),
        record(a, 'r-pending', 'review', 'p1', ['p2', 'p3', 'p4'], 20),
        record(a, 'r-decided', 'review', 'q1', ['q2', 'q3', 'q4'], 25),
        // The decision repeats the review's profiles, in any order.
        record(a, 'r-rejected', 'reject', 'q1', ['q4', 'q3', 'q2'], 15),
        record(a, 'm-refuse', 'refuse', 'p1', ['old'], 10),
      ],
    ),
  );
  const b = 'brand-b';
  await warehouse.commit(
    commit(
      b,
      2,
      [profile(b, 'b-old'), profile(b, 'b-young', 'b-old')],
      [record(b, 'b-merge', 'merge', 'b-old', ['b-young'], 5)],
    ),
  );
});

afterAll(async () => {
  await warehouse?.close();
});

let ids = 0;
const decide = (type: IdentityCommandType, mergeId: unknown, brandId = 'brand-a') =>
  prepareDecision(
    { warehouse, clock: () => NOW, newId: () => `command-${++ids}` },
    { brandId, username: 'ops@brand-a', type, mergeId },
  );

function expectProblem(result: DecisionResult, status: number, message: RegExp): void {
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.status).toBe(status);
  expect(result.problem).toMatch(message);
}

describe('prepareDecision', () => {
  it('turns an unmerge of a merge still in effect into a command that repeats the record', async () => {
    const result = await decide('unmerge', ' m-merge ');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(identityCommandSchema.parse(result.command)).toEqual(result.command);
    expect(result.command).toEqual({
      brand_id: 'brand-a',
      command_id: `command-${ids}`,
      type: 'unmerge',
      merge_id: 'm-merge',
      into_profile_id: 'old',
      from_profile_ids: ['young'],
      issued_by: 'ops@brand-a',
      issued_at: NOW.toISOString(),
    });
  });

  it.each(['approve', 'reject'] as const)('%ss a pending review with its profiles', async (type) => {
    const result = await decide(type, 'r-pending');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.command).toMatchObject({
      type,
      merge_id: 'r-pending',
      into_profile_id: 'p1',
      from_profile_ids: ['p2', 'p3', 'p4'],
    });
  });

  it('gives every command its own id', async () => {
    const first = await prepareDecision(
      { warehouse },
      { brandId: 'brand-a', username: 'ops', type: 'reject', mergeId: 'r-pending' },
    );
    const second = await prepareDecision(
      { warehouse },
      { brandId: 'brand-a', username: 'ops', type: 'reject', mergeId: 'r-pending' },
    );
    expect(first.ok && second.ok).toBe(true);
    if (!first.ok || !second.ok) return;
    expect(first.command.command_id).not.toBe(second.command.command_id);
    expect(first.command.command_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each([
    ['nothing', undefined],
    ['null', null],
    ['an empty string', ''],
    ['blanks', '   '],
    ['a number', 42],
    ['a file', new Blob(['m-merge'])],
    ['an array', ['m-merge']],
  ])('answers 400 when merge_id is %s', async (_name, mergeId) => {
    expectProblem(await decide('unmerge', mergeId), 400, /merge_id is missing/);
  });

  it('answers 400 for a merge_id too long to be one', async () => {
    expectProblem(await decide('unmerge', 'm'.repeat(201)), 400, /too long/);
  });

  it.each([
    ['an unknown id', 'm-nope'],
    ['an id with SQL in it', "m-merge' OR '1'='1"],
    ['an id with a wildcard', 'm-%'],
    ['an id with a NUL byte', 'm-merge\u0000'],
    ['a unicode look-alike', 'm‐merge'],
  ])('answers 404 for %s', async (_name, mergeId) => {
    expectProblem(await decide('unmerge', mergeId), 404, /No merge-log record/);
  });

  it('answers 404 for another brand’s record, which that brand itself can decide', async () => {
    for (const type of ['unmerge', 'approve', 'reject'] as const) {
      expectProblem(await decide(type, 'b-merge'), 404, /No merge-log record b-merge/);
    }
    expect((await decide('unmerge', 'b-merge', 'brand-b')).ok).toBe(true);
    // And brand B cannot reach brand A's review.
    expectProblem(await decide('approve', 'r-pending', 'brand-b'), 404, /No merge-log record/);
  });

  it.each([
    ['unmerge', 'r-pending', /r-pending is a review record; only a merge record can be unmerged/],
    ['unmerge', 'm-refuse', /is a refuse record/],
    ['unmerge', 'm-unmerge', /is a unmerge record/],
    ['approve', 'm-merge', /m-merge is a merge record; only a review record can be approved/],
    ['reject', 'm-refuse', /only a review record can be rejected/],
    ['approve', 'r-rejected', /is a reject record/],
  ] as const)('answers 400 for %s of %s: the wrong kind of record', async (type, mergeId, message) => {
    expectProblem(await decide(type, mergeId), 400, message);
  });

  it('answers 409 for a merge undone already', async () => {
    expectProblem(
      await decide('unmerge', 'm-undone'),
      409,
      /not in effect: freed is no longer merged into old/,
    );
  });

  it.each(['approve', 'reject'] as const)('answers 409 to %s a review decided already', async (type) => {
    expectProblem(await decide(type, 'r-decided'), 409, /already rejected/);
  });
});
