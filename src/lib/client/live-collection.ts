// A keyed set of rows kept live: a snapshot over HTTP, then deltas from the
// socket. Deltas are whole-row upserts (or removals), so applying one twice
// changes nothing. On every (re)connect the rows are replaced by a fresh
// snapshot, and the deltas that arrive while it loads are held and applied on
// top of it: nothing missed during a disconnect, nothing counted twice.
import { createSubscriber } from 'svelte/reactivity';
import type { LiveEventName, LiveEvents } from '$lib/shared/live';
import type { LiveConnection, LiveSocket } from './live-connection';

export type Delta<T> = { upsert: T } | { remove: string };

export interface LiveCollectionOptions<E extends LiveEventName, T> {
  connection: LiveConnection;
  event: E;
  /** Rows the page was rendered with. */
  initial: T[];
  key: (row: T) => string;
  /** Loads the current rows; called on every (re)connect. */
  snapshot: () => Promise<T[]>;
  delta: (payload: LiveEvents[E]) => Delta<T>;
}

const SNAPSHOT_RETRY_MS = 2_000;

export class LiveCollection<E extends LiveEventName, T> {
  #rows: Map<string, T>;
  #options: LiveCollectionOptions<E, T>;
  #subscribe: () => void;

  constructor(options: LiveCollectionOptions<E, T>) {
    this.#options = options;
    this.#rows = new Map(options.initial.map((row) => [options.key(row), row]));
    this.#subscribe = createSubscriber((update) => this.#follow(update));
  }

  /** The rows, in no particular order; reading them in a component keeps them live. */
  get rows(): T[] {
    this.#subscribe();
    return [...this.#rows.values()];
  }

  #follow(update: () => void): () => void {
    const { connection, event, snapshot } = this.#options;
    const socket: LiveSocket = connection.acquire();
    let held: LiveEvents[E][] | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;

    const onDelta = (payload: LiveEvents[E]) => {
      if (held) held.push(payload);
      else {
        this.#apply(payload);
        update();
      }
    };

    const resync = async () => {
      clearTimeout(retry);
      const mine: LiveEvents[E][] = [];
      held = mine;
      try {
        const rows = await snapshot();
        if (held !== mine) return; // a newer reconnect took over
        this.#rows = new Map(rows.map((row) => [this.#options.key(row), row]));
      } catch {
        // Keep the rows we have, apply what arrived, and ask again shortly.
        if (socket.connected) retry = setTimeout(() => void resync(), SNAPSHOT_RETRY_MS);
      } finally {
        if (held === mine) {
          held = null;
          for (const payload of mine) this.#apply(payload);
          update();
        }
      }
    };

    const stopListening = listen(socket, event, onDelta);
    socket.on('connect', resync);
    if (socket.connected) void resync();

    return () => {
      clearTimeout(retry);
      held = null; // a snapshot still in flight is dropped
      stopListening();
      socket.off('connect', resync);
      connection.release();
    };
  }

  #apply(payload: LiveEvents[E]): void {
    const change = this.#options.delta(payload);
    if ('remove' in change) this.#rows.delete(change.remove);
    else this.#rows.set(this.#options.key(change.upsert), change.upsert);
  }
}

/** `socket.on(event, listener)` for a generic event name, which socket.io-client's types cannot relate to its listener. */
function listen<E extends LiveEventName>(
  socket: LiveSocket,
  event: E,
  listener: (payload: LiveEvents[E]) => void,
): () => void {
  const untyped = socket as unknown as UntypedEmitter;
  untyped.on(event, listener);
  return () => untyped.off(event, listener);
}

interface UntypedEmitter {
  on(event: string, listener: (payload: never) => void): unknown;
  off(event: string, listener: (payload: never) => void): unknown;
}
