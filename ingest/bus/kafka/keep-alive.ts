// Heartbeats while the bus waits inside a kafkajs batch (a slow onBatch, a
// retry backoff, a partition being positioned). kafkajs only heartbeats between
// fetches, so without this a batch longer than the session timeout would get
// the member thrown out of its group. The first heartbeat that fails (usually
// "the group is rebalancing") is kept: the caller finishes what it must, then
// rethrows it so kafkajs rejoins the group.
export interface KeepAlive {
  /** The first heartbeat failure, if any. */
  readonly failure: { error: unknown } | undefined;
  stop(): void;
}

export function keepAlive(heartbeat: () => Promise<void>, intervalMs: number): KeepAlive {
  let failure: { error: unknown } | undefined;
  const timer = setInterval(() => {
    heartbeat().catch((error: unknown) => {
      failure ??= { error };
    });
  }, intervalMs);
  return {
    get failure() {
      return failure;
    },
    stop() {
      clearInterval(timer);
    },
  };
}
