import { describe, expect, it } from 'vitest';
import { partitionForKey } from '../../../../ingest/bus/kafka/partition-for-key';

// Partitions the Java client picks (Utils.toPositive(Utils.murmur2(utf8 key)) % n),
// computed with kafka-clients 3.9.2 from .cache/kafka/lib: a brand lands on the same
// partition whichever client published it (Redpanda's and Kafka's tools included).
const JAVA: [key: string, of4: number, of12: number][] = [
  ['brand-a', 2, 2],
  ['brand-b', 0, 4],
  ['brand-c', 3, 11],
  ['acme', 0, 0],
  ['b', 0, 8],
  ['', 1, 9],
  ['brand-😀', 3, 3],
  ["brand-'; DROP TABLE events; --", 0, 8],
  ['a-much-longer-brand-identifier-0123456789', 0, 4],
];

describe('partitionForKey', () => {
  it.each(JAVA)('puts %j where the Java client does', (key, of4, of12) => {
    expect(partitionForKey(key, 4)).toBe(of4);
    expect(partitionForKey(key, 12)).toBe(of12);
    expect(partitionForKey(key, 1)).toBe(0);
  });

  it('is stable and within range for many keys', () => {
    for (let i = 0; i < 1_000; i++) {
      const key = `brand-${i}`;
      const partition = partitionForKey(key, 7);
      expect(partition).toBeGreaterThanOrEqual(0);
      expect(partition).toBeLessThan(7);
      expect(partitionForKey(key, 7)).toBe(partition);
    }
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses a partition count of %s', (count) => {
    expect(() => partitionForKey('brand-a', count)).toThrow(RangeError);
  });
});
