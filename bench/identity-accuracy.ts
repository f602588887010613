// B-cubed precision and recall of identity resolution on labelled traffic
// (tests/identity/labelled-traffic.ts), for several seeds.
//
//   npx tsx bench/identity-accuracy.ts [persons=2000] [seeds=1,2,3]
import { bcubed } from '../tests/identity/bcubed';
import { labelledTraffic } from '../tests/identity/labelled-traffic';
import { resolveTraffic } from '../tests/identity/resolve-traffic';

const persons = Number(process.argv[2] ?? 2000);
const seeds = (process.argv[3] ?? '1,2,3').split(',').map(Number);
const endMs = Date.parse('2026-11-01T00:00:00.000Z');

for (const seed of seeds) {
  const { events, stats } = labelledTraffic({ seed, persons, brandId: 'identity-bench', endMs });
  const resolved = await resolveTraffic(events, 'identity-bench', endMs);
  const score = bcubed(resolved.clustered);
  const actions = new Map<string, number>();
  for (const record of resolved.records) actions.set(record.action, (actions.get(record.action) ?? 0) + 1);
  console.log(
    `seed ${seed}: ${stats.events} events of ${stats.persons} persons (${stats.households} households, ` +
      `${stats.kiosks} kiosks, ${stats.junk} junk ids, ${stats.anonymousEvents} anonymous events)`,
  );
  console.log(
    `  precision ${score.precision.toFixed(4)}  recall ${score.recall.toFixed(4)}  F1 ${score.f1.toFixed(4)}  ` +
      `profiles ${new Set(resolved.clustered.map((c) => c.predicted)).size}  missing ${resolved.missing}  ` +
      `records ${JSON.stringify(Object.fromEntries(actions))}`,
  );
}
