// The high-intent list as the dashboard shows it: the same `HighIntentEntry`
// rows the processor pushes on `live.updates` (same label, same top category,
// ties alphabetical), so a snapshot and the deltas that follow it upsert into
// one list by profile_id without a row changing its face.
import type { WarehouseReader } from '../../../ingest/warehouse/types';
import type { HighIntentEntry } from '../shared/live';
import { highIntentEntry } from '../shared/profile-display';

export async function loadHighIntent(
  warehouse: WarehouseReader,
  brandId: string,
  limit: number,
): Promise<HighIntentEntry[]> {
  const profiles = await warehouse.highIntent(brandId, limit);
  return profiles.map(highIntentEntry);
}
