// What one random lookup into a million-profile working set costs on this
// machine, whatever the data structure: the floor under the identity step
// (bench/identity-step.ts), which makes about two lookups, touches one profile
// and sometimes inserts a link per event.
//
//   node --max-old-space-size=8000 --import tsx bench/lookup-latency.ts [keys per table=1000000]
//
// Six tables of N identifier strings (one per identifier type, as the link
// index has), queried with 1,000,000 random keys parsed from JSON (fresh
// strings, as events bring them). Two structures:
//   Map        V8's Map<string, object>, as ingest/processor/identity/graph.ts uses
//   table      one open-addressing table in an Int32Array (hash → fingerprint,
//              index), verifying the key string: what a "compact graph" would do
import { performance } from 'node:perf_hooks';
import { seededRandom } from '../tests/support/random';

const perTable = Number(process.argv[2] ?? 1_000_000);
const TYPES = 6;
const QUERIES = 1_000_000;

const fresh = (s: string) => JSON.parse(JSON.stringify(s)) as string;
const keyOf = (type: number, i: number) => `t${type}-shopper${i}@mail.in`;

function fnv(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
function murmurish(s: string): number {
  let h = 0x9747b28c;
  for (let i = 0; i < s.length; i++) {
    h = Math.imul(h ^ s.charCodeAt(i), 0x5bd1e995);
    h ^= h >>> 15;
  }
  return h | 1;
}

function createTable(capacityBits: number) {
  const mask = (1 << capacityBits) - 1;
  const slots = new Int32Array((mask + 1) * 2); // [fingerprint, index + 1]
  const keys: string[] = [];
  const values: object[] = [];
  const find = (key: string): number => {
    const fingerprint = murmurish(key);
    for (let slot = fnv(key) & mask; ; slot = (slot + 1) & mask) {
      const index = slots[slot * 2 + 1]!;
      if (index === 0) return -(slot + 1);
      if (slots[slot * 2] === fingerprint && keys[index - 1] === key) return index - 1;
    }
  };
  return {
    set(key: string, value: object) {
      const found = find(key);
      if (found >= 0) {
        values[found] = value;
        return;
      }
      const slot = -found - 1;
      keys.push(key);
      values.push(value);
      slots[slot * 2] = murmurish(key);
      slots[slot * 2 + 1] = keys.length;
    },
    get(key: string): object | undefined {
      const found = find(key);
      return found >= 0 ? values[found] : undefined;
    },
  };
}

function main(): void {
  const maps = Array.from({ length: TYPES }, () => new Map<string, object>());
  const table = createTable(Math.ceil(Math.log2(perTable * TYPES * 2)));
  for (let type = 0; type < TYPES; type++) {
    for (let i = 0; i < perTable; i++) {
      const value = { i };
      maps[type]!.set(fresh(keyOf(type, i)), value);
      table.set(fresh(keyOf(type, i)), value);
    }
  }
  const rand = seededRandom(7);
  const queries: [number, string][] = [];
  for (let q = 0; q < QUERIES; q++) {
    const type = Math.floor(rand() * TYPES);
    queries.push([type, fresh(keyOf(type, Math.floor(rand() * perTable)))]);
  }
  console.log(
    `${TYPES} tables × ${perTable.toLocaleString('en')} keys, ${QUERIES.toLocaleString('en')} random lookups`,
  );
  for (const round of [1, 2]) {
    let hits = 0;
    let started = performance.now();
    for (const [type, key] of queries) if (maps[type]!.get(key)) hits += 1;
    const mapNs = ((performance.now() - started) * 1e6) / QUERIES;
    started = performance.now();
    for (const [, key] of queries) if (table.get(key)) hits += 1;
    const tableNs = ((performance.now() - started) * 1e6) / QUERIES;
    if (hits !== 2 * QUERIES) throw new Error('a key went missing');
    console.log(`  round ${round}: Map ${mapNs.toFixed(0)} ns/lookup, table ${tableNs.toFixed(0)} ns/lookup`);
  }
  // The same lookups on a small working set: what the code costs when memory is not the limit.
  const small = new Map<string, object>();
  for (let i = 0; i < 10_000; i++) small.set(fresh(keyOf(0, i)), { i });
  const smallQueries = queries.map((_, q) => fresh(keyOf(0, q % 10_000)));
  const started = performance.now();
  let hits = 0;
  for (const key of smallQueries) if (small.get(key)) hits += 1;
  console.log(
    `  10,000 keys (fits in cache): Map ${(((performance.now() - started) * 1e6) / QUERIES).toFixed(0)} ns/lookup (${hits} hits)`,
  );
}

main();
