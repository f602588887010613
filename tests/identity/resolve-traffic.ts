// Runs labelled traffic through the processor's own stream step (normalize,
// identity, profiles; the same code the processor role runs) and says which
// profile each event ended in: the survivor of the profile it was stored
// under, after every merge the traffic caused.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MergeRecord } from '../../src/lib/shared/model';
import { TOPICS } from '../../src/lib/shared/topics';
import { createBrandRegistry } from '../../ingest/brands/registry';
import type { ConsumedBatch } from '../../ingest/bus/types';
import { eventEnvelope } from '../../ingest/http/raw-publisher';
import { createBrandStates } from '../../ingest/processor/brand-state';
import { processBatch } from '../../ingest/processor/pipeline';
import { createDuckDbWarehouse } from '../../ingest/warehouse/duckdb/index';
import type { Clustered } from './bcubed';
import type { LabelledEvent } from './labelled-traffic';

export interface ResolvedTraffic {
  clustered: Clustered[];
  /** Every merge, refusal and review the traffic caused. */
  records: MergeRecord[];
  /** Events the processor did not store (rejected or deduplicated): must be none. */
  missing: number;
}

const BATCH = 500;

export async function resolveTraffic(
  traffic: readonly LabelledEvent[],
  brandId: string,
  nowMs: number,
): Promise<ResolvedTraffic> {
  const dir = await mkdtemp(join(tmpdir(), 'signalroom-identity-'));
  const warehouse = await createDuckDbWarehouse({ path: ':memory:' });
  try {
    await warehouse.migrate();
    const brands = await createBrandRegistry({ file: join(dir, 'brands.json') });
    await brands.create(brandId, brandId, { default_country: 'IN' });
    const clock = () => new Date(nowMs);
    const states = createBrandStates({ warehouse, brands, clock });
    const storedUnder = new Map<string, string>();
    const records: MergeRecord[] = [];
    for (let start = 0; start < traffic.length; start += BATCH) {
      const slice = traffic.slice(start, start + BATCH);
      const batch: ConsumedBatch = {
        topic: TOPICS.eventsRaw,
        partition: 0,
        messages: slice.map(({ event }, i) => ({
          topic: TOPICS.eventsRaw,
          partition: 0,
          offset: start + i,
          key: brandId,
          value: JSON.stringify(eventEnvelope(event)),
        })),
        nextOffset: start + slice.length,
      };
      const result = await processBatch(batch, { states, group: 'identity-test', clock });
      for (const row of result.commit.events) storedUnder.set(row.event_id, row.profile_id);
      records.push(...result.commit.merges);
    }
    const state = await states.get(brandId);
    if (!state) throw new Error(`brand ${brandId} has no state`);
    const clustered: Clustered[] = [];
    let missing = 0;
    for (const { event, person } of traffic) {
      const profileId = storedUnder.get(event.event_id);
      if (profileId === undefined) {
        missing += 1;
        continue;
      }
      const survivor = state.graph.survivor(profileId);
      clustered.push({ predicted: survivor?.profile_id ?? profileId, truth: person });
    }
    return { clustered, records, missing };
  } finally {
    await warehouse.close();
    await rm(dir, { recursive: true, force: true });
  }
}
