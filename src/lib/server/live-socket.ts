// Live push: Socket.IO on the dashboard's own HTTP server and origin. Each
// socket is authenticated at the handshake and joins exactly one room, its
// brand's; every live.updates message goes to the room its brand_id names, so
// no socket ever receives another brand's update.
import { randomUUID } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { BrandRegistry } from '../../../ingest/brands/types';
import type { Bus, ConsumedMessage } from '../../../ingest/bus/types';
import { SOCKET_PATH, type LiveEventName, type LiveListeners, type LiveMessage } from '../shared/live';
import { TOPICS } from '../shared/topics';
import { identifyCaller } from './caller';
import { createSessionCodec } from './session';

interface SocketData {
  brand_id: string;
  /** When the session that opened the socket ends; null for read keys. */
  expires_at: string | null;
}

export type LiveServer = Server<Record<string, never>, LiveListeners, Record<string, never>, SocketData>;

export interface LiveSocketDeps {
  httpServer: HttpServer;
  bus: Bus;
  sessionSecret: string;
  brands: BrandRegistry;
  /** Accept `auth: { token: <read key> }` from API clients (default true); browsers use the session cookie. */
  readKeyAuth?: boolean;
  clock?: () => Date;
}

export interface LiveSocket {
  io: LiveServer;
  /** live.updates messages skipped because they were malformed or their key and brand disagreed. */
  dropped(): number;
  close(): Promise<void>;
}

export const brandRoom = (brandId: string) => `brand:${brandId}`;

const LIVE_EVENT_NAMES: Record<LiveEventName, true> = {
  intent_model: true,
  kpi: true,
  intent: true,
  alert: true,
  silence: true,
  delivery: true,
  campaign: true,
  spend: true,
  merge: true,
  status: true,
  import: true,
  predictions: true,
};

export async function attachLiveSocket(deps: LiveSocketDeps): Promise<LiveSocket> {
  const clock = deps.clock ?? (() => new Date());
  const sessions = createSessionCodec(deps.sessionSecret, clock);
  const io: LiveServer = new Server(deps.httpServer, { path: SOCKET_PATH, serveClient: false });

  io.use((socket, next) => {
    const token: unknown = socket.handshake.auth['token'];
    const result = identifyCaller(
      {
        readKey: typeof token === 'string' ? token : undefined,
        cookieHeader: socket.handshake.headers.cookie,
      },
      { brands: deps.brands, sessions, allowReadKey: deps.readKeyAuth ?? true },
    );
    if (!result.ok) return next(new Error(result.problem));
    socket.data.brand_id = result.caller.brand.brand_id;
    socket.data.expires_at = result.caller.expires_at;
    next();
  });

  io.on('connection', (socket) => {
    void socket.join(brandRoom(socket.data.brand_id));
    // A session socket ends with its session; the browser must sign in again to reconnect.
    if (socket.data.expires_at) {
      const timer = setTimeout(
        () => socket.disconnect(true),
        Math.max(0, Date.parse(socket.data.expires_at) - clock().getTime()),
      );
      socket.once('disconnect', () => clearTimeout(timer));
    }
  });

  let dropped = 0;
  // A group of its own per process: every dashboard process sees every update,
  // and from the newest on — a browser's snapshot covers what came before.
  const subscription = await deps.bus.subscribe({
    topic: TOPICS.liveUpdates,
    group: `dashboard-${randomUUID()}`,
    maxBatchSize: 500,
    resumeFrom: async () => 'latest',
    onBatch: async (batch) => {
      for (const consumed of batch.messages) {
        const message = readLiveMessage(consumed);
        if (message) pushToBrand(io, message);
        else dropped++;
      }
    },
  });

  return {
    io,
    dropped: () => dropped,
    async close() {
      await subscription.stop();
      // Close the transports, not the sockets: a socket told "server disconnect"
      // would not reconnect, while one whose transport closed reconnects to the
      // next server. (Not io.close() either: the HTTP server belongs to the caller.)
      io.engine.close();
    },
  };
}

function pushToBrand(io: LiveServer, message: LiveMessage): void {
  const room = io.to(brandRoom(message.brand_id));
  switch (message.event) {
    case 'kpi':
      return void room.emit('kpi', message.payload);
    case 'intent':
      return void room.emit('intent', message.payload);
    case 'alert':
      return void room.emit('alert', message.payload);
    case 'silence':
      return void room.emit('silence', message.payload);
    case 'delivery':
      return void room.emit('delivery', message.payload);
    case 'campaign':
      return void room.emit('campaign', message.payload);
    case 'spend':
      return void room.emit('spend', message.payload);
    case 'merge':
      return void room.emit('merge', message.payload);
    case 'status':
      return void room.emit('status', message.payload);
    case 'import':
      return void room.emit('import', message.payload);
    case 'intent_model':
      return void room.emit('intent_model', message.payload);
    case 'predictions':
      return void room.emit('predictions', message.payload);
    default:
      // A live event added to LiveEvents without a case here is a compile error, not a silent drop.
      return message satisfies never;
  }
}

/** The message, if it is one and its bus key, its brand and its payload's brand all agree. */
function readLiveMessage(consumed: ConsumedMessage): LiveMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(consumed.value);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { brand_id, event, payload } = value as Record<string, unknown>;
  if (typeof brand_id !== 'string' || brand_id !== consumed.key) return null;
  if (typeof event !== 'string' || !Object.hasOwn(LIVE_EVENT_NAMES, event)) return null;
  if (typeof payload !== 'object' || payload === null) return null;
  const payloadBrand = (payload as { brand_id?: unknown }).brand_id;
  if (payloadBrand !== undefined && payloadBrand !== brand_id) return null;
  return value as LiveMessage;
}
