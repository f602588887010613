// Waiting between attempts inside one subscription: sleeps that stop() can cut
// short, and a loop that retries a step until it succeeds or the subscription
// stops. The delays are the in-process bus's (50 ms doubling up to 5 s).
import { retryDelayMs } from '../consumer';

/** Thrown by `retrying` once the subscription is stopping: the caller gives up quietly. */
export class Stopped extends Error {
  override name = 'Stopped';
}

export function createBackoff(options: {
  isStopping: () => boolean;
  onRetry?: (error: unknown, attempt: number) => void;
}) {
  const wakers = new Set<() => void>();

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (options.isStopping()) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakers.delete(done);
        resolve();
      }
      wakers.add(done);
    });
  }

  return {
    /** Waits before attempt `attempt + 1`. */
    backoff: (attempt: number) => sleep(retryDelayMs(attempt)),
    /** Ends every sleep now (stop() calls it). */
    wakeAll() {
      for (const wake of [...wakers]) wake();
    },
    /** Runs `step` until it succeeds; each failure is reported through onRetry. */
    async retrying<T>(step: () => Promise<T>): Promise<T> {
      for (let attempt = 1; ; attempt++) {
        if (options.isStopping()) throw new Stopped();
        try {
          return await step();
        } catch (error) {
          if (options.isStopping()) throw new Stopped();
          options.onRetry?.(error, attempt);
          await sleep(retryDelayMs(attempt));
        }
      }
    },
  };
}
