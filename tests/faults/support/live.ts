// A Socket.IO client of the dashboard role, as an API client connects
// (auth: { token: <read key> }): it keeps the last `kpi` push per minute,
// which is what a live dashboard shows, and every brand id a push carried.
import { io as connect, type Socket } from 'socket.io-client';
import type { LiveListeners } from '../../../src/lib/shared/live';
import { SOCKET_PATH } from '../../../src/lib/shared/live';
import type { KpiMinute } from '../../../src/lib/shared/model';

export interface LiveKpis {
  /** minute (ISO) → the last push for it. */
  last: Map<string, KpiMinute>;
  pushes(): number;
  /** Brand ids of every push received (a socket must only ever see its own). */
  brandsSeen: Set<string>;
  close(): void;
}

export async function watchKpis(
  dashboardUrl: string,
  readKey: string,
  timeoutMs = 15_000,
): Promise<LiveKpis> {
  const socket: Socket<LiveListeners> = connect(dashboardUrl, {
    path: SOCKET_PATH,
    auth: { token: readKey },
    transports: ['websocket'],
    forceNew: true,
  });
  const last = new Map<string, KpiMinute>();
  const brandsSeen = new Set<string>();
  let pushes = 0;
  socket.on('kpi', (row) => {
    pushes += 1;
    brandsSeen.add(row.brand_id);
    last.set(row.minute, row);
  });
  await new Promise<void>((done, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`no Socket.IO connection within ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.once('connect', () => {
      clearTimeout(timer);
      done();
    });
    socket.once('connect_error', (error) => {
      clearTimeout(timer);
      fail(error);
    });
  });
  return { last, pushes: () => pushes, brandsSeen, close: () => socket.disconnect() };
}
