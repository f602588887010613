import { describe, expect, it } from 'vitest';
import { startPosition } from '../../../../ingest/bus/kafka/positions';

const marks = { low: 10, high: 50 };

describe('startPosition', () => {
  it('takes the offset resumeFrom answered', () => {
    expect(startPosition(25, marks, 40)).toBe(25);
  });

  it("'latest' is the end of the log, whatever the group committed", () => {
    expect(startPosition('latest', marks, 20)).toBe(50);
  });

  it("undefined is the group's committed offset, else the oldest message", () => {
    expect(startPosition(undefined, marks, 30)).toBe(30);
    expect(startPosition(undefined, marks, undefined)).toBe(10);
  });

  it('keeps the answer inside the log: before the start is the start, past the end is the end', () => {
    expect(startPosition(0, marks, undefined)).toBe(10);
    expect(startPosition(1_000, marks, undefined)).toBe(50);
    expect(startPosition(undefined, marks, 5)).toBe(10);
    expect(startPosition(-3, { low: 0, high: 0 }, undefined)).toBe(0);
  });
});
