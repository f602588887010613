// Reads share, commits are exclusive. ClickHouse has no transactions, so
// within one warehouse handle this is what keeps a read from seeing half of a
// commit: a read waits for the commit in flight, a commit waits for the reads
// already running. (Another process reading the same tables can still see a
// commit's earlier tables before its later ones; see commit.ts.)
export interface ReadWriteLock {
  read<T>(work: () => Promise<T>): Promise<T>;
  write<T>(work: () => Promise<T>): Promise<T>;
}

const settle = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    () => undefined,
  );

export function createReadWriteLock(): ReadWriteLock {
  /** Settles when the last queued write has finished; writes queue behind each other. */
  let writes: Promise<void> = Promise.resolve();
  const reads = new Set<Promise<void>>();

  return {
    read(work) {
      const run = writes.then(work);
      const done = settle(run);
      reads.add(done);
      void done.then(() => reads.delete(done));
      return run;
    },
    write(work) {
      const before = Promise.all([writes, ...reads]);
      const run = before.then(work);
      writes = settle(run);
      return run;
    },
  };
}
