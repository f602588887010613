// The messages of one partition that are still retained, in offset order.
// Offsets are contiguous from `start` to `end` (exclusive); dropping from the
// front is amortised O(1), so trimming after every commit stays cheap.
import type { OutgoingMessage } from './types';

export interface MessageLog {
  /** Offset of the oldest retained message. */
  readonly start: number;
  /** Offset the next appended message gets. */
  readonly end: number;
  append(messages: readonly OutgoingMessage[]): void;
  /** Up to `max` messages from `from` on (clamped to what is retained). */
  read(from: number, max: number): { offset: number; message: OutgoingMessage }[];
  /** Forgets every message before `offset`. */
  dropBefore(offset: number): void;
}

export function createMessageLog(startOffset: number, initial: readonly OutgoingMessage[] = []): MessageLog {
  let items: OutgoingMessage[] = [...initial];
  let head = 0;
  let start = startOffset;

  return {
    get start() {
      return start;
    },
    get end() {
      return start + items.length - head;
    },
    append(messages) {
      for (const message of messages) items.push(message);
    },
    read(from, max) {
      const end = start + items.length - head;
      const first = Math.max(from, start);
      const last = Math.min(end, first + max);
      const out: { offset: number; message: OutgoingMessage }[] = [];
      for (let offset = first; offset < last; offset++) {
        out.push({ offset, message: items[head + offset - start] as OutgoingMessage });
      }
      return out;
    },
    dropBefore(offset) {
      const end = start + items.length - head;
      const drop = Math.min(offset, end) - start;
      if (drop <= 0) return;
      head += drop;
      start += drop;
      // Compact once the dropped prefix dominates, so memory follows retention.
      if (head > 1024 && head * 2 > items.length) {
        items = items.slice(head);
        head = 0;
      }
    },
  };
}
