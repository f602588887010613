import { describe, expect, it } from 'vitest';
import { createMessageLog } from '../../../ingest/bus/message-log';

const m = (i: number) => ({ key: `brand-${i % 2}`, value: `v${i}` });

describe('message log', () => {
  it('reads by offset from where it starts, clamped to what it holds', () => {
    const log = createMessageLog(100, [m(0), m(1)]);
    log.append([m(2), m(3)]);
    expect([log.start, log.end]).toEqual([100, 104]);
    expect(log.read(101, 2)).toEqual([
      { offset: 101, message: m(1) },
      { offset: 102, message: m(2) },
    ]);
    expect(log.read(50, 1)).toEqual([{ offset: 100, message: m(0) }]);
    expect(log.read(104, 10)).toEqual([]);
    expect(log.read(103, 0)).toEqual([]);
  });

  it('keeps offsets right through many drops and compactions', () => {
    const log = createMessageLog(0);
    let next = 0;
    for (let round = 0; round < 50; round++) {
      log.append(Array.from({ length: 300 }, () => m(next++)));
      log.dropBefore(log.end - 100);
      const [first] = log.read(0, 1);
      expect(first).toEqual({ offset: log.end - 100, message: m(log.end - 100) });
    }
    expect([log.start, log.end]).toEqual([next - 100, next]);
    // Dropping past the end empties it without moving the end.
    log.dropBefore(next + 50);
    expect([log.start, log.end]).toEqual([next, next]);
    log.append([m(next)]);
    expect(log.read(next, 5)).toEqual([{ offset: next, message: m(next) }]);
  });

  it('ignores a drop below the start', () => {
    const log = createMessageLog(10, [m(10), m(11)]);
    log.dropBefore(5);
    expect([log.start, log.end]).toEqual([10, 12]);
  });
});
