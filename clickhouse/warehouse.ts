// The production warehouse: ClickHouse over HTTP behind the Warehouse seam.
// Runs on Debian's ClickHouse 18.16 and on current releases (see queries.ts
// and tests/sql-compat for the SQL both accept). Commits are idempotent with
// the checkpoint last instead of transactional, and logged first so a cut one
// is finished before anyone resumes: commit.ts says how.
import { WarehouseUnavailableError, type Warehouse } from '../ingest/warehouse/types';
import * as intentModels from './intent-models';
import { createWriteVersions, finishLoggedCommit, writeCommit, writeDeliveries } from './commit';
import { openConnection, type Connection } from './connection';
import { createReadWriteLock } from './lock';
import { loadMigrations, migrate } from './migrations';
import * as predictions from './predictions';
import { migrationQueries } from './queries';
import * as reads from './reads';
import { identifier } from './sql';

export interface ClickHouseWarehouseOptions {
  /** The server's HTTP interface, e.g. http://127.0.0.1:18123. */
  url: string;
  /** Created by migrate() when missing; a plain identifier ([A-Za-z_][A-Za-z0-9_]*). */
  database: string;
  username?: string;
  password?: string;
  /** Per request (default 30 s); a slower answer is a WarehouseUnavailableError. */
  requestTimeoutMs?: number;
  /** The clock for write versions and migration records (tests pass their own). */
  now?: () => number;
}

export async function createClickHouseWarehouse(options: ClickHouseWarehouseOptions): Promise<Warehouse> {
  identifier(options.database); // a bad name fails here, not at the first query
  const connectionOptions = {
    url: options.url,
    username: options.username,
    password: options.password,
    requestTimeoutMs: options.requestTimeoutMs,
  };
  const db = openConnection({ ...connectionOptions, database: options.database });
  const now = options.now ?? Date.now;
  const nextWriteVersion = createWriteVersions(now);
  const lock = createReadWriteLock();
  let closed = false;

  function open(): Connection {
    if (closed) throw new WarehouseUnavailableError('the ClickHouse warehouse is closed');
    return db;
  }
  const read = <T>(work: (db: Connection) => Promise<T>) => lock.read(async () => work(open()));
  const write = <T>(work: (db: Connection) => Promise<T>) => lock.write(async () => work(open()));

  return {
    migrate: () =>
      write(async (connection) => {
        // The database may not exist yet, and a request naming a missing database fails: create it
        // through a connection to the server's default database.
        const server = openConnection(connectionOptions);
        try {
          await server.run(migrationQueries.createDatabase(options.database), 'create database');
        } finally {
          await server.close();
        }
        await migrate(connection, await loadMigrations(), () => new Date(now()).toISOString());
      }),
    commit: (...batches) => write((connection) => writeCommit(connection, batches, nextWriteVersion())),
    // A write: a commit a crash cut short is finished first (commit.ts), so the checkpoint and every
    // table agree before a processor resumes from it and rebuilds its brands from them.
    checkpoint: (consumer, partition) =>
      write(async (c) => {
        await finishLoggedCommit(c, consumer, partition);
        return reads.checkpoint(c, consumer, partition);
      }),
    // Under the read lock: the snapshot is consistent with one checkpoint of this handle's commits.
    loadBrand: (brandId, since, touchesSince) =>
      read((c) => reads.loadBrand(c, brandId, since, touchesSince)),
    // Outside the commit log: a delivery line is one idempotent upsert (alert_deliveries' key).
    recordDeliveries: (rows) => write((c) => writeDeliveries(c, rows, nextWriteVersion())),
    // Outside the commit log too: a brand's model is one row, and a lost save only costs learning.
    saveIntentModels: (records) =>
      write((c) => intentModels.writeIntentModels(c, records, nextWriteVersion())),
    intentModelState: (brandId) => read((c) => intentModels.intentModelState(c, brandId)),
    intentModel: (brandId) => read((c) => intentModels.intentModelSummary(c, brandId)),
    recentNotifications: (since) => read((c) => reads.recentNotifications(c, since)),
    lookupProfile: (brandId, identifier) => read((c) => reads.lookupProfile(c, brandId, identifier)),
    getProfile: (brandId, profileId) => read((c) => reads.survivorOf(c, brandId, profileId)),
    recentEvents: (brandId, profileIds, limit) =>
      read((c) => reads.recentEvents(c, brandId, profileIds, limit)),
    mergedInto: (brandId, profileId) => read((c) => reads.mergedInto(c, brandId, profileId)),
    mergeLog: (brandId, actions, limit) => read((c) => reads.mergeLog(c, brandId, actions, limit)),
    mergeHistory: (brandId, profileIds, limit) =>
      read((c) => reads.mergeHistory(c, brandId, profileIds, limit)),
    findMerge: (brandId, mergeId) => read((c) => reads.findMerge(c, brandId, mergeId)),
    highIntent: (brandId, limit) => read((c) => reads.highIntent(c, brandId, limit)),
    intentList: (brandId, query) => read((c) => reads.intentList(c, brandId, query)),
    kpis: (brandId, from, to) => read((c) => reads.kpis(c, brandId, from, to)),
    alerts: (brandId, limit, states) => read((c) => reads.alerts(c, brandId, limit, states)),
    alert: (brandId, alertId) => read((c) => reads.alert(c, brandId, alertId)),
    silences: (brandId, activeAt) => read((c) => reads.silences(c, brandId, activeAt)),
    alertDeliveries: (brandId, alertId, limit) =>
      read((c) => reads.alertDeliveries(c, brandId, alertId, limit)),
    adSpend: (brandId, from, to) => read((c) => reads.adSpend(c, brandId, from, to)),
    campaignActivity: (brandId, from, to, bucket) =>
      read((c) => reads.campaignActivity(c, brandId, from, to, bucket)),
    rejected: (brandId, limit) => read((c) => reads.rejected(c, brandId, limit)),
    counters: (brandId) => read((c) => reads.counters(c, brandId)),
    sourceActivity: (brandId, since) => read((c) => reads.sourceActivity(c, brandId, since)),
    profilesPage: (brandId, query) => read((c) => reads.profilesPage(c, brandId, query)),
    profilesExport: (brandId, query) => reads.profilesExport(read, brandId, query),
    profileTimeline: (brandId, profileIds, query) =>
      read((c) => reads.profileTimeline(c, brandId, profileIds, query)),
    predictionSurvivors: (brandId, after, limit) =>
      read((c) => predictions.predictionSurvivors(c, brandId, after, limit)),
    mergedParts: (brandId) => read((c) => predictions.mergedParts(c, brandId)),
    predictionOrders: (brandId, after, limit) =>
      read((c) => predictions.predictionOrders(c, brandId, after, limit)),
    channelActivity: (brandId, since, after, limit) =>
      read((c) => predictions.channelActivity(c, brandId, since, after, limit)),
    customerPrediction: (brandId, profileId) =>
      read((c) => predictions.customerPrediction(c, brandId, profileId)),
    predictionRuns: (brandId, limit) => read((c) => predictions.predictionRuns(c, brandId, limit)),
    segmentMembers: (brandId, query) => read((c) => predictions.segmentMembers(c, brandId, query)),
    // Outside the commit log: rows of one run id are idempotent upserts (migrations/008).
    savePredictions: (rows) => write((c) => predictions.writePredictions(c, rows)),
    savePredictionRun: (run) => write((c) => predictions.writeRun(c, run)),
    async close() {
      await lock.write(async () => {
        if (closed) return;
        closed = true;
        await db.close();
      });
    },
  };
}
