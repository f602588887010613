// The embedded warehouse: one DuckDB file (or ':memory:') behind the
// Warehouse seam. One connection, used one call at a time (session.ts), so a
// read never sees half of a commit.
import type { Warehouse } from '../types';
import { createStagingTables, writeCommit, writeDeliveries } from './commit';
import { intentList } from './intent-list';
import * as intentModels from './intent-models';
import * as predictions from './predictions';
import * as queries from './queries';
import { migrate } from './schema';
import { openDatabase } from './session';
import { profileTimeline } from './timeline';

export interface DuckDbWarehouseOptions {
  /** A file path, or ':memory:' for a throwaway database. */
  path: string;
}

export async function createDuckDbWarehouse(options: DuckDbWarehouseOptions): Promise<Warehouse> {
  const db = await openDatabase(options.path);
  await db.exclusive(createStagingTables);
  const read = db.exclusive;
  return {
    migrate: () => read((s) => migrate(s)),
    // The results and the offset they came from land together or not at all.
    commit: (...batches) =>
      db.transaction(async (s) => {
        for (const batch of batches) await writeCommit(s, batch);
      }),
    checkpoint: (consumer, partition) => read((s) => queries.checkpoint(s, consumer, partition)),
    // One exclusive call: the snapshot is consistent with a single checkpoint.
    loadBrand: (brandId, since, touchesSince) =>
      read((s) => queries.loadBrand(s, brandId, since, touchesSince)),
    recordDeliveries: (rows) => db.transaction((s) => writeDeliveries(s, rows)),
    saveIntentModels: (records) => db.transaction((s) => intentModels.writeIntentModels(s, records)),
    intentModelState: (brandId) => read((s) => intentModels.intentModelState(s, brandId)),
    intentModel: (brandId) => read((s) => intentModels.intentModelSummary(s, brandId)),
    recentNotifications: (since) => read((s) => queries.recentNotifications(s, since)),
    lookupProfile: (brandId, identifier) => read((s) => queries.lookupProfile(s, brandId, identifier)),
    getProfile: (brandId, profileId) => read((s) => queries.survivorOf(s, brandId, profileId)),
    recentEvents: (brandId, profileIds, limit) =>
      read((s) => queries.recentEvents(s, brandId, profileIds, limit)),
    mergedInto: (brandId, profileId) => read((s) => queries.mergedInto(s, brandId, profileId)),
    mergeLog: (brandId, actions, limit) => read((s) => queries.mergeLog(s, brandId, actions, limit)),
    mergeHistory: (brandId, profileIds, limit) =>
      read((s) => queries.mergeHistory(s, brandId, profileIds, limit)),
    findMerge: (brandId, mergeId) => read((s) => queries.findMerge(s, brandId, mergeId)),
    highIntent: (brandId, limit) => read((s) => queries.highIntent(s, brandId, limit)),
    intentList: (brandId, query) => read((s) => intentList(s, brandId, query)),
    kpis: (brandId, from, to) => read((s) => queries.kpis(s, brandId, from, to)),
    alerts: (brandId, limit, states) => read((s) => queries.alerts(s, brandId, limit, states)),
    alert: (brandId, alertId) => read((s) => queries.alert(s, brandId, alertId)),
    silences: (brandId, activeAt) => read((s) => queries.silences(s, brandId, activeAt)),
    alertDeliveries: (brandId, alertId, limit) =>
      read((s) => queries.alertDeliveries(s, brandId, alertId, limit)),
    adSpend: (brandId, from, to) => read((s) => queries.adSpend(s, brandId, from, to)),
    campaignActivity: (brandId, from, to, bucket) =>
      read((s) => queries.campaignActivity(s, brandId, from, to, bucket)),
    rejected: (brandId, limit) => read((s) => queries.rejected(s, brandId, limit)),
    counters: (brandId) => read((s) => queries.counters(s, brandId)),
    sourceActivity: (brandId, since) => read((s) => queries.sourceActivity(s, brandId, since)),
    profilesPage: (brandId, query) => read((s) => queries.profilesPage(s, brandId, query)),
    profilesExport: (brandId, query) => queries.profilesExport(db, brandId, query),
    profileTimeline: (brandId, profileIds, query) =>
      read((s) => profileTimeline(s, brandId, profileIds, query)),
    predictionSurvivors: (brandId, after, limit) =>
      read((s) => predictions.predictionSurvivors(s, brandId, after, limit)),
    mergedParts: (brandId) => read((s) => predictions.mergedParts(s, brandId)),
    predictionOrders: (brandId, after, limit) =>
      read((s) => predictions.predictionOrders(s, brandId, after, limit)),
    channelActivity: (brandId, since, after, limit) =>
      read((s) => predictions.channelActivity(s, brandId, since, after, limit)),
    customerPrediction: (brandId, profileId) =>
      read((s) => predictions.customerPrediction(s, brandId, profileId)),
    predictionRuns: (brandId, limit) => read((s) => predictions.predictionRuns(s, brandId, limit)),
    segmentMembers: (brandId, query) => read((s) => predictions.segmentMembers(s, brandId, query)),
    savePredictions: (rows) => db.transaction((s) => predictions.writePredictions(s, rows)),
    savePredictionRun: (run) => db.transaction((s) => predictions.writeRun(s, run)),
    close: () => db.close(),
  };
}
