import { describe, expect, it } from 'vitest';
import { byRequestSize } from '../../../../ingest/bus/kafka/publisher';

describe('byRequestSize', () => {
  it('keeps order and splits where the next message would pass the limit', () => {
    const messages = ['a', 'b', 'c', 'd', 'e'].map((v) => ({ key: 'k', value: v.repeat(4) }));
    // 5 bytes each: two fit in 10.
    expect(byRequestSize(messages, 10).map((chunk) => chunk.map((m) => m.value[0]).join(''))).toEqual([
      'ab',
      'cd',
      'e',
    ]);
  });

  it('counts bytes, not characters', () => {
    const emoji = { key: 'k', value: '😀' }; // 1 + 4 bytes
    expect(byRequestSize([emoji, emoji], 9)).toHaveLength(2);
    expect(byRequestSize([emoji, emoji], 10)).toHaveLength(1);
  });

  it('sends a message larger than the limit on its own rather than dropping it', () => {
    const big = { key: 'k', value: 'x'.repeat(100) };
    const small = { key: 'k', value: 'y' };
    expect(byRequestSize([small, big, small], 10)).toEqual([[small], [big], [small]]);
  });

  it('has nothing to send for nothing', () => {
    expect(byRequestSize([], 10)).toEqual([]);
  });
});
