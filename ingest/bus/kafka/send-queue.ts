// Coalesces concurrent publishes into shared produce requests. An idempotent
// kafkajs producer sends one request per broker at a time, so while one is in
// flight the next publishes wait anyway: they go out together in the next
// request (up to `maxBytes`), in the order they were made, which keeps each
// key's order. A publish is one or more items (a large one is split); it
// succeeds when all its items were sent, and fails with the first request
// that failed any of them, and then none of its later items is sent.
export interface QueuedSend {
  /** Settles once every item was sent, or with the first failure. */
  readonly done: Promise<void>;
  /** Sends none of the items not sent yet (the caller has given up). */
  withdraw(): void;
}

export interface SendQueueOptions<T> {
  send: (items: T[]) => Promise<void>;
  bytes: (item: T) => number;
  maxBytes: number;
}

interface Group {
  unsent: number;
  /** No more of this group's items go out: it failed or was withdrawn. */
  closed: boolean;
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface Entry<T> {
  item: T;
  group: Group;
}

export function createSendQueue<T>(options: SendQueueOptions<T>) {
  const waiting: Entry<T>[] = [];
  let sending = false;

  /** The next request: items in order, at least one, at most maxBytes when more than one. */
  function nextRequest(): Entry<T>[] {
    const taken: Entry<T>[] = [];
    let bytes = 0;
    while (waiting.length > 0) {
      const entry = waiting[0]!;
      if (entry.group.closed) {
        waiting.shift();
        continue;
      }
      const size = options.bytes(entry.item);
      if (taken.length > 0 && bytes + size > options.maxBytes) break;
      taken.push(waiting.shift()!);
      bytes += size;
    }
    return taken;
  }

  async function drain(): Promise<void> {
    sending = true;
    try {
      for (let request = nextRequest(); request.length > 0; request = nextRequest()) {
        try {
          await options.send(request.map((entry) => entry.item));
          for (const { group } of request) {
            if (--group.unsent === 0) group.resolve();
          }
        } catch (error) {
          for (const { group } of request) {
            group.closed = true;
            group.reject(error);
          }
        }
      }
    } finally {
      sending = false;
    }
  }

  return {
    push(items: readonly T[]): QueuedSend {
      let group!: Group;
      const done = new Promise<void>((resolve, reject) => {
        group = { unsent: items.length, closed: false, resolve, reject };
      });
      if (items.length === 0) group.resolve();
      for (const item of items) waiting.push({ item, group });
      if (!sending) void drain();
      return {
        done,
        withdraw() {
          group.closed = true;
        },
      };
    },
  };
}
