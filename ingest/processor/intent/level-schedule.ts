// When each medium/high profile's decayed score next crosses below its level's
// threshold. A min-heap with lazy deletion: rescheduling a profile just pushes
// a new entry, and stale entries are skipped when they reach the top.
export interface LevelSchedule {
  /** Sets (or clears, with null) when `profileId` must be re-levelled. */
  set(profileId: string, atMs: number | null): void;
  /** Removes and returns every profile due at or before `nowMs`, earliest first. */
  takeDue(nowMs: number): string[];
  size(): number;
}

interface Entry {
  atMs: number;
  profileId: string;
}

export function createLevelSchedule(): LevelSchedule {
  const heap: Entry[] = [];
  const current = new Map<string, number>();

  const less = (a: Entry, b: Entry) => a.atMs < b.atMs || (a.atMs === b.atMs && a.profileId < b.profileId);

  function push(entry: Entry): void {
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  function pop(): Entry | undefined {
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let smallest = i;
        if (l < heap.length && less(heap[l]!, heap[smallest]!)) smallest = l;
        if (r < heap.length && less(heap[r]!, heap[smallest]!)) smallest = r;
        if (smallest === i) break;
        [heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!];
        i = smallest;
      }
    }
    return top;
  }

  return {
    set(profileId, atMs) {
      if (atMs === null) {
        current.delete(profileId);
        return;
      }
      if (current.get(profileId) === atMs) return;
      current.set(profileId, atMs);
      push({ atMs, profileId });
    },
    takeDue(nowMs) {
      const due: string[] = [];
      while (heap.length > 0 && heap[0]!.atMs <= nowMs) {
        const entry = pop()!;
        if (current.get(entry.profileId) !== entry.atMs) continue; // stale
        current.delete(entry.profileId);
        due.push(entry.profileId);
      }
      return due;
    },
    size() {
      return current.size;
    },
  };
}
