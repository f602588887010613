// Phase marks for a fault test's log: where its minutes go (printed, never asserted).
export function timeline(test: string): (phase: string) => void {
  const started = performance.now();
  return (phase) => {
    const seconds = ((performance.now() - started) / 1000).toFixed(1).padStart(6);
    process.stdout.write(`[faults ${test}] +${seconds}s ${phase}\n`);
  };
}
