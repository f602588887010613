// The identity step alone (resolveIdentity + applyResolution, the processor's
// code) on a brand with a million profiles in memory: events per second on
// one core, and the memory the graph holds per profile.
//
//   node --expose-gc --import tsx bench/identity-step.ts [profiles=1000000] [events=500000]
//
// The graph is built the way a processor builds it from the warehouse
// (createIdentityGraph from profiles and identity links). Each profile has a
// customer id, an email, a phone, a device and two cookies. Events are a mix
// like a shop's: 70 % from known people (one to three of their identifiers,
// sometimes with a new cookie), 20 % from new anonymous visitors, 10 % logins
// that join an anonymous profile to a known person (a merge).
import { performance } from 'node:perf_hooks';
import { IDENTIFIER_TYPES } from '../src/lib/shared/events';
import type { Identifier, Profile } from '../src/lib/shared/model';
import type { IdentityLink } from '../ingest/warehouse/types';
import { brandSettingsSchema } from '../ingest/brands/types';
import { applyResolution } from '../ingest/processor/identity/apply';
import { createIdentityGraph } from '../ingest/processor/identity/graph';
import { resolveIdentity } from '../ingest/processor/identity/resolve';
import { emptyProfile } from '../ingest/processor/profile/aggregates';

const profileCount = Number(process.argv[2] ?? 1_000_000);
const eventCount = Number(process.argv[3] ?? 500_000);
const BRAND = 'bench-brand';
const { identity_limits: LIMITS, shared_identifier_people: SHARED_AFTER } = brandSettingsSchema.parse({});
const AT = '2026-11-01T10:00:00.000Z';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc --import tsx bench/identity-step.ts');

function heapBytes(): number {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
}

function identifiersOf(i: number): Identifier[] {
  return [
    { type: 'user_id', value: `cust-${i}` },
    { type: 'email', value: `shopper${i}@mail.in` },
    { type: 'phone', value: `+9198${String(i).padStart(8, '0')}` },
    { type: 'device_id', value: `dev-${i}` },
    { type: 'anonymous_id', value: `ck-${i}-a` },
    { type: 'anonymous_id', value: `ck-${i}-b` },
  ];
}

/** xorshift: the same events every run. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

function main(): void {
  const before = heapBytes();
  let profiles: Profile[] = [];
  let links: IdentityLink[] = [];
  for (let i = 0; i < profileCount; i++) {
    const profile = emptyProfile(BRAND, `p_${i.toString(16).padStart(16, '0')}`, AT);
    profile.identifiers = identifiersOf(i);
    profile.event_count = 5;
    profile.channels = ['web'];
    profile.categories = { shoes: 2 };
    profiles.push(profile);
    for (const id of profile.identifiers)
      links.push({
        brand_id: BRAND,
        type: id.type,
        value: id.value,
        profile_id: profile.profile_id,
        linked_at: AT,
      });
  }
  // As the warehouse hands them over: every row decoded on its own, so a link's value is not the
  // same string object as the profile's identifier (built by templates here, they would be).
  profiles = profiles.map((p) => JSON.parse(JSON.stringify(p)) as Profile);
  links = links.map((l) => JSON.parse(JSON.stringify(l)) as IdentityLink);
  const graph = createIdentityGraph(profiles, links);
  profiles = [];
  links = [];
  const graphBytes = heapBytes() - before;

  const rand = random(42);
  const events: Identifier[][] = [];
  let anonymous = 0;
  for (let e = 0; e < eventCount; e++) {
    const kind = rand();
    const person = Math.floor(rand() * profileCount);
    const known = identifiersOf(person);
    if (kind < 0.7) {
      const ids = [known[Math.floor(rand() * known.length)]!];
      if (rand() < 0.5) ids.push(known[Math.floor(rand() * 3)]!);
      if (rand() < 0.2) ids.push({ type: 'anonymous_id', value: `ck-new-${e}` });
      events.push(ids);
    } else if (kind < 0.9) {
      anonymous += 1;
      events.push([
        { type: 'anonymous_id', value: `ck-anon-${anonymous}` },
        { type: 'device_id', value: `dev-anon-${anonymous}` },
      ]);
    } else {
      // A login on a cookie seen before anonymously: its profile merges into the person's.
      const cookie = Math.max(1, Math.floor(rand() * anonymous));
      events.push([known[0]!, { type: 'anonymous_id', value: `ck-anon-${cookie}` }]);
    }
  }

  // As normalize hands them over: one identifier per type, in priority order.
  for (const [e, ids] of events.entries()) {
    events[e] = ids
      .filter((id, i) => ids.findIndex((other) => other.type === id.type) === i)
      .sort((a, b) => IDENTIFIER_TYPES.indexOf(a.type) - IDENTIFIER_TYPES.indexOf(b.type));
  }
  const eventIds = events.map((_, e) => `e${e}`);

  const counts = new Map<string, number>();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  for (let e = 0; e < events.length; e++) {
    const resolution = resolveIdentity(graph, {
      brandId: BRAND,
      eventId: eventIds[e]!,
      atIso: AT,
      identifiers: events[e]!,
      limits: LIMITS,
      sharedAfter: SHARED_AFTER,
    });
    applyResolution(graph, resolution, BRAND, AT);
    counts.set(resolution.kind, (counts.get(resolution.kind) ?? 0) + 1);
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const totalProfiles = [...graph.profiles()].length;

  console.log(
    `identity step: ${profileCount.toLocaleString('en')} profiles in memory, ${eventCount.toLocaleString('en')} events`,
  );
  console.log(
    `  graph heap            ${(graphBytes / 1024 / 1024).toFixed(0)} MiB, ${Math.round(graphBytes / profileCount)} bytes per profile (6 identifiers each, with its links)`,
  );
  console.log(`  events/s (wall)       ${Math.round(eventCount / seconds).toLocaleString('en')}`);
  console.log(`  events/s (CPU, 1 core) ${Math.round(eventCount / cpuSeconds).toLocaleString('en')}`);
  console.log(
    `  outcomes              ${JSON.stringify(Object.fromEntries(counts))}, profiles after ${totalProfiles.toLocaleString('en')}`,
  );
}

main();
