import { describe, expect, it } from 'vitest';
import { createWriteVersions, planCommit, planWrite } from '../../../clickhouse/commit';
import { insertRows, kpis, onePerKey, profiles } from '../../../clickhouse/inserts';
import { alert, at, commit, counters, event, kpi, profile } from '../../contract/warehouse-records';

const checkpoint = { consumer: 'processor', partition: 0, next_offset: 5 };

describe('planCommit', () => {
  it('plans one INSERT per table with rows, the checkpoint last', () => {
    const planned = planCommit(
      [
        commit(checkpoint, {
          events: [event('brand-a', 'e1'), event('brand-a', 'e2')],
          kpis: [kpi('brand-a', at(0)), kpi('brand-a', at(1))],
        }),
      ],
      7,
    );
    expect(planned.map((insert) => insert.table)).toEqual(['events', 'kpi_minute', 'processor_checkpoints']);
    for (const { statement } of planned) expect(statement.text.match(/INSERT INTO/g)).toHaveLength(1);
    // The upsert tables carry the commit's write version, the facts do not.
    expect(planned[1]!.statement.text).toMatch(/`version`\) VALUES/);
    expect(planned[1]!.statement.text).toContain(', 7)');
    expect(planned[0]!.statement.text).not.toContain('`version`');
  });

  it('writes only the checkpoint for an empty batch', () => {
    expect(planCommit([commit(checkpoint)], 1).map((insert) => insert.table)).toEqual([
      'processor_checkpoints',
    ]);
  });

  it('fails before anything is sent when any row has a value its column cannot hold', () => {
    const bad = [
      { events: [event('brand-a', 'e1'), event('brand-a', 'e2', { profile_id: null as unknown as string })] },
      { profiles: [profile('brand-a', 'p1', { revenue: Number.NaN })] },
      { profiles: [profile('brand-a', 'p1', { orders: 1.5 })] },
      { profiles: [profile('brand-a', 'p1', { last_seen: 'yesterday' })] },
      { alerts: [alert('brand-a', 'a1', { resolved_at: 'soon' })] },
      { counters: [counters('brand-a', { processed: -1 })] },
      {
        events: [
          event('brand-a', 'e1', { properties: 'not an object' as unknown as Record<string, unknown> }),
        ],
      },
    ];
    for (const parts of bad) expect(() => planCommit([commit(checkpoint, parts)], 1)).toThrow();
    expect(() => planCommit([commit({ ...checkpoint, next_offset: -1 })], 1)).toThrow(RangeError);
  });

  it("writes several partitions' batches with one INSERT per table, and one redo-log row per partition", () => {
    const first = commit(
      { ...checkpoint, partition: 0, next_offset: 10 },
      { events: [event('brand-a', 'e1')], kpis: [kpi('brand-a', at(0))] },
    );
    const second = commit(
      { ...checkpoint, partition: 3, next_offset: 7 },
      { events: [event('brand-b', 'e1'), event('brand-b', 'e2')] },
    );
    const planned = planWrite([first, second], 9);
    expect(planned.map((insert) => insert.table)).toEqual([
      'commit_log',
      'events',
      'kpi_minute',
      'processor_checkpoints',
    ]);
    const text = (table: string) => planned.find((insert) => insert.table === table)!.statement.text;
    expect(text('events').match(/\('brand-[ab]'/g)).toEqual(["('brand-a'", "('brand-b'", "('brand-b'"]);
    expect(text('processor_checkpoints')).toContain("('processor', 0, 10, 9)");
    expect(text('processor_checkpoints')).toContain("('processor', 3, 7, 9)");
    // Each partition's redo row holds its own batch only: a redo finishes that partition alone.
    const log = text('commit_log');
    expect(log.match(/\('processor', (\d+), (\d+), '/g)).toEqual([
      "('processor', 0, 10, '",
      "('processor', 3, 7, '",
    ]);
    expect(log.split('\n')[1]).not.toContain('brand-b');
  });

  it('refuses two batches of one partition in one commit (the redo log could keep either)', () => {
    expect(() => planWrite([commit(checkpoint), commit({ ...checkpoint, next_offset: 99 })], 1)).toThrow(
      /one batch per partition/,
    );
  });
});

describe('onePerKey', () => {
  it('keeps the highest profile version, the later row on a tie', () => {
    const rows = [
      profile('brand-a', 'p1', { version: 2, orders: 2 }),
      profile('brand-a', 'p1', { version: 5, orders: 5 }),
      profile('brand-a', 'p1', { version: 3, orders: 3 }),
      profile('brand-a', 'p1', { version: 5, orders: 6 }),
      profile('brand-b', 'p1', { version: 1, orders: 1 }),
    ];
    expect(onePerKey(profiles, rows).map((p) => [p.brand_id, p.orders])).toEqual([
      ['brand-a', 6],
      ['brand-b', 1],
    ]);
  });

  it('keeps the last row of an upsert table', () => {
    const rows = [kpi('brand-a', at(0), { events: 1 }), kpi('brand-a', at(0), { events: 2 })];
    expect(onePerKey(kpis, rows).map((k) => k.events)).toEqual([2]);
    expect(insertRows(kpis, [], 1)).toBeNull();
  });
});

describe('createWriteVersions', () => {
  it('is strictly increasing even when the clock stands still or steps back', () => {
    const clock = [1000, 1000, 999, 2000];
    const next = createWriteVersions(() => clock.shift() ?? 0);
    const versions = [next(), next(), next(), next()];
    expect(versions).toEqual([1_000_000, 1_000_001, 1_000_002, 2_000_000]);
  });
});
