// The browser's one Socket.IO connection, shared by every live view on a page.
// It opens when the first view starts reading and closes when the last stops;
// the session cookie authenticates it (same origin, same path as the pages).
import { getContext, setContext } from 'svelte';
import { createSubscriber } from 'svelte/reactivity';
import { io, type Socket } from 'socket.io-client';
import { SOCKET_PATH, type LiveListeners } from '$lib/shared/live';

export type LiveSocket = Socket<LiveListeners, Record<string, never>>;
export type ConnectionState = 'connecting' | 'live' | 'offline';

export class LiveConnection {
  #socket: LiveSocket | null = null;
  #users = 0;
  #state: ConnectionState = 'connecting';
  #problem: string | null = null;

  #subscribe = createSubscriber((update) => {
    const socket = this.acquire();
    const set = (state: ConnectionState, problem: string | null) => {
      this.#state = state;
      this.#problem = problem;
      update();
    };
    const onConnect = () => set('live', null);
    const onDisconnect = () => set(socket.active ? 'connecting' : 'offline', null);
    // A refused handshake (expired session) is not retried by socket.io; say why.
    const onError = (error: Error) => set(socket.active ? 'connecting' : 'offline', error.message);
    socket.on('connect', onConnect);
    socket.on('disconnect', onDisconnect);
    socket.on('connect_error', onError);
    set(socket.connected ? 'live' : 'connecting', null);
    return () => {
      socket.off('connect', onConnect);
      socket.off('disconnect', onDisconnect);
      socket.off('connect_error', onError);
      this.release();
    };
  });

  get state(): ConnectionState {
    this.#subscribe();
    return this.#state;
  }

  /** Why the server refused the connection, if it did. */
  get problem(): string | null {
    this.#subscribe();
    return this.#problem;
  }

  /** The socket, opened on first use; pair every call with `release()`. Browser only. */
  acquire(): LiveSocket {
    this.#socket ??= io({ path: SOCKET_PATH });
    this.#users++;
    return this.#socket;
  }

  release(): void {
    this.#users--;
    if (this.#users > 0 || !this.#socket) return;
    this.#socket.disconnect();
    this.#socket = null;
  }
}

const KEY = Symbol('live-connection');

export function provideLiveConnection(): LiveConnection {
  return setContext(KEY, new LiveConnection());
}

export function liveConnection(): LiveConnection {
  const connection = getContext<LiveConnection | undefined>(KEY);
  if (!connection) throw new Error('no live connection: provideLiveConnection() in the layout first');
  return connection;
}
