import { describe, expect, it } from 'vitest';
import { createWriteVersions, planCommit, planWrite, upgradeLoggedCommit } from '../../../clickhouse/commit';
import {
  alerts,
  deliveries,
  insertRows,
  kpis,
  onePerKey,
  profiles,
  spend as spendTable,
} from '../../../clickhouse/inserts';
import type { ProcessorCommit } from '../../../ingest/warehouse/types';
import {
  alert,
  at,
  campaignMinute,
  commit,
  counters,
  delivery,
  event,
  kpi,
  profile,
  silence,
  spend,
  touch,
} from '../../contract/warehouse-records';

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
      { alerts: [alert('brand-a', 'a1', { notified: 1 as unknown as boolean })] },
      { spend: [spend('brand-a', 'c1', { impressions: 2.5 })] },
      { campaigns: [campaignMinute('brand-a', at(0), 'c1', { revenue: Number.POSITIVE_INFINITY })] },
      { touches: [touch('brand-a', 'p1', { touched_at: 'never' })] },
      { silences: [silence('brand-a', 's1', { reason: null as unknown as string })] },
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

describe('campaign and alert rows', () => {
  it('plans their INSERTs after the counters and before the checkpoint', () => {
    const planned = planCommit(
      [
        commit(checkpoint, {
          spend: [spend('brand-a', 'c1')],
          campaigns: [campaignMinute('brand-a', at(0), 'c1')],
          touches: [touch('brand-a', 'p1')],
          silences: [silence('brand-a', 's1')],
          counters: [counters('brand-a')],
        }),
      ],
      3,
    );
    expect(planned.map((insert) => insert.table)).toEqual([
      'brand_counters',
      'ad_spend',
      'campaign_minute',
      'campaign_touches',
      'alert_silences',
      'processor_checkpoints',
    ]);
  });

  it('keeps the last spend report of a key in a batch (a restatement)', () => {
    const rows = [
      spend('brand-a', 'c1', { cost: 1 }),
      spend('brand-a', 'c1', { cost: 2 }),
      spend('brand-a', 'c2'),
    ];
    expect(onePerKey(spendTable, rows).map((r) => [r.campaign_id, r.cost])).toEqual([
      ['c1', 2],
      ['c2', 12.5],
    ]);
  });

  it('writes notified as 0/1, rule_id into rule and threshold into baseline too', () => {
    const text = insertRows(alerts, [alert('brand-a', 'a1', { notified: true, threshold: 0.5 })], 1)!.text;
    expect(text).toMatch(/`rule`, `rule_type`, `subject`/);
    expect(text).toContain("'low-conversion', 'low_conversion', 'brand'");
    expect(text).toContain('0.5, 0.5');
    expect(text).toMatch(/, 1, NULL, NULL, 1\)$/);
  });

  it('writes a delivery without an HTTP status as NULL', () => {
    const text = insertRows(deliveries, [delivery('brand-a', 'a1', { status: null })], 1)!.text;
    expect(text).toContain("'delivered', NULL, NULL, NULL, NULL, 1)");
  });

  it('redoes a commit logged by an older release as that release would have written it', () => {
    const legacy = {
      ...commit(checkpoint),
      spend: undefined,
      campaigns: undefined,
      touches: undefined,
      silences: undefined,
      alerts: [
        {
          brand_id: 'brand-a',
          alert_id: 'a1',
          rule: 'conversion_drop',
          state: 'firing',
          severity: 'warning',
          message: 'fell',
          value: 0.01,
          baseline: 0.04,
          started_at: at(1),
          updated_at: at(2),
          resolved_at: null,
        },
      ],
    } as unknown as ProcessorCommit;
    const upgraded = upgradeLoggedCommit(legacy);
    expect(upgraded.alerts).toEqual([
      alert('brand-a', 'a1', {
        rule_id: 'conversion_drop',
        message: 'fell',
        threshold: 0.04,
        started_at: at(1),
        fired_at: at(1),
        updated_at: at(2),
      }),
    ]);
    expect([upgraded.spend, upgraded.campaigns, upgraded.touches, upgraded.silences]).toEqual([
      [],
      [],
      [],
      [],
    ]);
    expect(planCommit([upgraded], 1).map((insert) => insert.table)).toEqual([
      'alerts',
      'processor_checkpoints',
    ]);
    // Today's commits pass through unchanged.
    const current = commit(checkpoint, { alerts: [alert('brand-a', 'a2')] });
    expect(upgradeLoggedCommit(current)).toEqual(current);
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
