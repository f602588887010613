// Runs one brand's shoppers for a number of calls at a fixed time: the pure
// generator, without timers or a transport.
import type { CatalogName, DemoAction, SegmentMessage } from '../../../ingest/demo';
import { catalogFor, createBrandTraffic, createRandom } from '../../../ingest/demo';

export const FIXED_NOW = new Date('2025-03-01T10:00:00.000Z');

export function generateActions(seed: number, count: number, catalog: CatalogName = 'fashion'): DemoAction[] {
  const traffic = createBrandTraffic({ random: createRandom(seed), catalog: catalogFor(catalog) });
  const actions: DemoAction[] = [];
  while (actions.length < count) actions.push(...traffic.next(FIXED_NOW));
  return actions;
}

export function segmentMessages(actions: readonly DemoAction[]): SegmentMessage[] {
  return actions.flatMap((action) => (action.kind === 'segment' ? [action.message] : []));
}
