/** mulberry32: small, fast, seeded; used for reproducible samples, seeds and test data. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The first `size` indices of a seeded Fisher–Yates shuffle of 0..n−1, sorted ascending. */
export function sampleIndices(n: number, size: number, seed: number): number[] {
  const rand = seededRandom(seed);
  const idx = Array.from({ length: n }, (_, i) => i);
  const m = Math.min(size, n);
  for (let i = 0; i < m; i++) {
    const j = i + Math.floor(rand() * (n - i));
    const t = idx[i] as number;
    idx[i] = idx[j] as number;
    idx[j] = t;
  }
  return idx.slice(0, m).sort((a, b) => a - b);
}
