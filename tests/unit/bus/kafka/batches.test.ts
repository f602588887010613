import { describe, expect, it } from 'vitest';
import { toConsumedBatches, type FetchedMessage } from '../../../../ingest/bus/kafka/batches';
import { TOPICS } from '../../../../src/lib/shared/topics';

const RAW = TOPICS.eventsRaw;

function fetched(offset: number, key: string | null, value: string | null): FetchedMessage {
  return {
    offset: String(offset),
    key: key === null ? null : Buffer.from(key, 'utf8'),
    value: value === null ? null : Buffer.from(value, 'utf8'),
  };
}

describe('toConsumedBatches', () => {
  it('slices into batches of at most maxBatchSize, each with nextOffset after its last message', () => {
    const messages = Array.from({ length: 7 }, (_, i) => fetched(100 + i, 'brand-a', `m${i}`));
    const batches = toConsumedBatches(RAW, 3, messages, 100, 3);
    expect(batches.map((b) => b.messages.map((m) => m.offset))).toEqual([
      [100, 101, 102],
      [103, 104, 105],
      [106],
    ]);
    expect(batches.map((b) => b.nextOffset)).toEqual([103, 106, 107]);
    expect(batches.every((b) => b.topic === RAW && b.partition === 3)).toBe(true);
    expect(batches[0]!.messages[0]).toEqual({
      topic: RAW,
      partition: 3,
      offset: 100,
      key: 'brand-a',
      value: 'm0',
    });
  });

  it('drops what lies before the position this member is at', () => {
    const messages = Array.from({ length: 5 }, (_, i) => fetched(10 + i, 'brand-a', `m${i}`));
    const [batch, ...rest] = toConsumedBatches(RAW, 0, messages, 13, 10);
    expect(batch!.messages.map((m) => m.value)).toEqual(['m3', 'm4']);
    expect(batch!.nextOffset).toBe(15);
    expect(rest).toEqual([]);
    expect(toConsumedBatches(RAW, 0, messages, 15, 10)).toEqual([]);
  });

  it('keeps a gap in offsets (records removed by retention or compaction) as it is', () => {
    const batches = toConsumedBatches(RAW, 0, [fetched(5, 'k', 'a'), fetched(9, 'k', 'b')], 3, 10);
    expect(batches[0]!.messages.map((m) => m.offset)).toEqual([5, 9]);
    expect(batches[0]!.nextOffset).toBe(10);
  });

  it('decodes hostile UTF-8 byte for byte, and reads a null key or value as empty', () => {
    const hostile = 'nul\u0000inside 😀 "quotes" \\ \n';
    const [batch] = toConsumedBatches(
      RAW,
      0,
      [fetched(0, "brand-'; DROP TABLE x; --", hostile), fetched(1, null, null)],
      0,
      10,
    );
    expect(batch!.messages.map((m) => [m.key, m.value])).toEqual([
      ["brand-'; DROP TABLE x; --", hostile],
      ['', ''],
    ]);
  });
});
