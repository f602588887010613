// Everything the benchmark starts registers how to stop it here; `stopAll`
// runs the stops newest first, once, whether the run ends, fails or is
// interrupted (SIGINT, SIGTERM). A stop that fails is reported and the rest
// still run.
export interface Cleanup {
  /** Registers a stop; returns a function that runs it early (and unregisters it). */
  add(name: string, stop: () => Promise<void>): () => Promise<void>;
  stopAll(): Promise<void>;
}

export function createCleanup(report: (line: string) => void): Cleanup {
  const stops: { name: string; stop: () => Promise<void> }[] = [];
  let running: Promise<void> | undefined;

  async function runOne(entry: { name: string; stop: () => Promise<void> }): Promise<void> {
    try {
      await entry.stop();
    } catch (error) {
      report(`stopping ${entry.name} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  return {
    add(name, stop) {
      const entry = { name, stop };
      stops.push(entry);
      return async () => {
        const at = stops.indexOf(entry);
        if (at === -1) return;
        stops.splice(at, 1);
        await runOne(entry);
      };
    },
    stopAll() {
      running ??= (async () => {
        while (stops.length > 0) await runOne(stops.pop()!);
      })();
      return running;
    },
  };
}

/** Stops everything on SIGINT/SIGTERM, then exits with 130/143. */
export function stopOnSignals(cleanup: Cleanup, report: (line: string) => void): void {
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.once(signal, () => {
      report(`${signal}: stopping everything the benchmark started`);
      void cleanup.stopAll().finally(() => process.exit(code));
    });
  }
}
