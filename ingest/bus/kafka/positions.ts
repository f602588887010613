// Where a member starts reading a partition it was just given.

export interface Watermarks {
  /** Oldest offset still in the log. */
  low: number;
  /** Offset the next message will get (the end). */
  high: number;
}

/**
 * `asked` is what resumeFrom answered: an offset, 'latest' (the end), or
 * undefined (the group's committed offset, else the oldest message). The
 * answer is kept inside the log, as the in-process bus does: before the log
 * start (deleted by retention) means the oldest message still there, past the
 * end means the end.
 */
export function startPosition(
  asked: number | 'latest' | undefined,
  watermarks: Watermarks,
  committed: number | undefined,
): number {
  const wanted = asked === 'latest' ? watermarks.high : (asked ?? committed ?? watermarks.low);
  return Math.min(Math.max(wanted, watermarks.low), watermarks.high);
}
