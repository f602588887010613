// A real HTTP receiver for alert notifications (node:http on 127.0.0.1) and
// simulated time for the notifier's schedule/clock seams: shared by the
// notifier's tests and the processor's alert scenarios.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Cancel } from '../../../ingest/alerts/notifier';
import type { AlertNotification, AlertReceiver } from '../../../src/lib/shared/alert-rules';

// ── a real receiver ──────────────────────────────────────────────────────────

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: AlertNotification & Record<string, unknown>;
}
export type Reply = { status: number; headers?: Record<string, string>; body?: string } | 'hang';

/** Answers each request with `reply(path, nth request on that path)`; 'hang' never answers. */
export async function startReceiver(reply: (path: string, nth: number) => Reply) {
  const received: Received[] = [];
  const abandoned: string[] = [];
  const counts = new Map<string, number>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '';
      const nth = (counts.get(path) ?? 0) + 1;
      counts.set(path, nth);
      received.push({ path, headers: request.headers, body: JSON.parse(Buffer.concat(chunks).toString()) });
      const answer = reply(path, nth);
      if (answer === 'hang') {
        response.on('close', () => abandoned.push(path));
        return;
      }
      response.writeHead(answer.status, answer.headers ?? {});
      response.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    receiver: (receiver_id: string, format: AlertReceiver['format'] = 'json'): AlertReceiver => ({
      receiver_id,
      url: `http://127.0.0.1:${port}/${receiver_id}`,
      format,
    }),
    received,
    /** Paths whose hanging request the client gave up on. */
    abandoned,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ── simulated time ───────────────────────────────────────────────────────────

export function simulatedTime(startMs: number) {
  let now = startMs;
  let seq = 0;
  let timers: { due: number; seq: number; fn: () => void }[] = [];
  return {
    clock: () => new Date(now),
    schedule: (ms: number, fn: () => void): Cancel => {
      const timer = { due: now + ms, seq: seq++, fn };
      timers.push(timer);
      return () => {
        timers = timers.filter((other) => other !== timer);
      };
    },
    /** Moves time on by `ms`, running each timer that falls due on the way at its own time. */
    advance(ms: number) {
      const target = now + ms;
      for (;;) {
        const next = timers
          .filter((timer) => timer.due <= target)
          .sort((a, b) => a.due - b.due || a.seq - b.seq)[0];
        if (!next) break;
        timers = timers.filter((timer) => timer !== next);
        now = next.due;
        next.fn();
      }
      now = target;
    },
    /** When the timers still set are due. */
    pending: () => timers.map((timer) => new Date(timer.due).toISOString()).sort(),
  };
}
