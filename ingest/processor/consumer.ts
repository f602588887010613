// The processor role: consume `events.raw`, run each batch through the
// pipeline, commit it to the warehouse (results + checkpoint together), then
// push the live messages. Batches and timer ticks run one at a time, so the
// in-memory state is never changed by two things at once.
//
// Few, large warehouse writes: the bus hands over the batches of all the
// partitions in one fetch at once (maxConcurrentBatches); each is processed in
// turn and joins the open commit, which is written when no delivered batch is
// left to process, or once it holds COMMIT_MAX_EVENTS. Every batch's onBatch
// resolves only after that commit, so the bus still commits an offset only
// after the warehouse has its results, and a rebalance (which waits for the
// batches in flight) never overtakes one.
//
// Where the offset lives: the warehouse checkpoint is the truth; the bus's
// own commit (after onBatch resolves) only saves re-reading. On start each
// partition resumes from the warehouse checkpoint, so a crash between the
// warehouse commit and the bus commit replays nothing.
import type { IntentModelRecord } from '../../src/lib/shared/intent-model';
import type { LiveMessage } from '../../src/lib/shared/live';
import { TOPICS } from '../../src/lib/shared/topics';
import type { BrandRegistry } from '../brands/types';
import type { Bus, ConsumedBatch, Subscription } from '../bus/types';
import type { WarehouseWriter } from '../warehouse/types';
import type { AlertNotice } from './changes';
import { createBrandStates, type BrandState } from './brand-state';
import { learnerRecordDue, markLearnerSaved } from './intent/learn';
import {
  DEFAULT_GROUP,
  PoisonMessageError,
  processBatch,
  processTick,
  type PipelineResult,
} from './pipeline';

export const DEFAULT_TICK_MS = 15_000;
/** Partitions whose batches may be processed towards one commit. */
export const MAX_PARTITIONS_PER_COMMIT = 16;
/** An open commit is written once it holds this many events, even if more batches wait. */
export const COMMIT_MAX_EVENTS = 10_000;
/** A minute is closed by the tick only this long after it ended, for stragglers still in flight. */
export const TICK_GRACE_MS = 5_000;

export interface ProcessorDeps {
  bus: Bus;
  warehouse: WarehouseWriter;
  brands: BrandRegistry;
  clock: () => Date;
  group?: string;
  batchSize: number;
  tickMs?: number;
  /**
   * Hands alert firings and resolves to the notifier once their batch is
   * committed; must not wait on the network or throw (notifier.ts). A crash
   * before it runs is covered by re-notifying at start (ingest/alerts/outbox.ts).
   */
  notify?: (notices: readonly AlertNotice[]) => void;
}

export interface ProcessorStats {
  batches: number;
  messages: number;
  /** Warehouse commits of batches (one may hold several partitions' batches). */
  commits: number;
  tickCommits: number;
  /** Rejected rows written (ingest's rejections, corrupt messages, unknown brands, ...). */
  rejected: number;
  /** Events for a brand the registry does not know (deleted): stored as rejected. */
  unknownBrand: number;
  duplicates: number;
  /** Messages stored as rejected because processing them threw. */
  deadLettered: number;
  /** Batches the bus will deliver again (after an error). */
  retries: number;
  errors: number;
  /** Learned intent models saved (one per brand and save). */
  learnerSaves: number;
  /** Errors by name (WarehouseUnavailableError, PoisonMessageError, ...). */
  errorsByName: Record<string, number>;
  lastError: string | null;
  brandsLoaded: number;
  /** The events.raw partitions this processor owns now (a rebalance moves them between processors). */
  partitions: number[];
}

export interface Processor {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Runs one timer tick now (the timer calls it every `tickMs`). */
  tick(): Promise<void>;
  stats(): ProcessorStats;
}

export function createProcessor(deps: ProcessorDeps): Processor {
  const group = deps.group ?? DEFAULT_GROUP;
  const states = createBrandStates({ warehouse: deps.warehouse, brands: deps.brands, clock: deps.clock });
  /** Per partition: the next offset the warehouse has (after our last commit). */
  const checkpoints = new Map<number, number>();
  /**
   * Partitions whose last commit failed. A failed commit may still have landed
   * (a timeout after the write), so the checkpoint is read again before the
   * redelivered batch: if the warehouse has it, it is not processed twice.
   */
  const uncertain = new Set<number>();
  /** Partitions the bus assigned to this processor and has not revoked since. */
  const owned = new Set<number>();
  /** Per partition: offsets whose processing threw, to store as rejected on the next attempt. */
  const deadLetters = new Map<number, Map<number, string>>();
  const counts = {
    batches: 0,
    messages: 0,
    commits: 0,
    tickCommits: 0,
    rejected: 0,
    unknownBrand: 0,
    duplicates: 0,
    deadLettered: 0,
    retries: 0,
    errors: 0,
    learnerSaves: 0,
  };
  const errorsByName: Record<string, number> = {};
  let lastError: string | null = null;
  let subscription: Subscription | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;
  let queue: Promise<void> = Promise.resolve();

  function countError(error: unknown): void {
    counts.errors += 1;
    const name = error instanceof Error ? error.name : 'Error';
    errorsByName[name] = (errorsByName[name] ?? 0) + 1;
    lastError = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }

  /** Runs `task` after everything queued before it; its failure is returned to the caller only. */
  function serialize<T>(task: () => Promise<T>): Promise<T> {
    const run = queue.then(task);
    queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  async function publishLive(live: LiveMessage[]): Promise<void> {
    if (live.length === 0) return;
    try {
      await deps.bus.publish(
        TOPICS.liveUpdates,
        live.map((message) => ({ key: message.brand_id, value: JSON.stringify(message) })),
      );
    } catch (error) {
      // The warehouse already has the batch: retrying it would count it twice. Dashboards
      // catch up from their next snapshot; the failure is counted.
      countError(error);
    }
  }

  /** Writes results; if that fails, memory ran ahead of the warehouse: forget it, reload on redelivery. */
  async function commit(results: readonly PipelineResult[]): Promise<void> {
    try {
      await deps.warehouse.commit(...results.map((result) => result.commit));
    } catch (error) {
      for (const result of results) {
        for (const brandId of result.brands) states.drop(brandId);
        uncertain.add(result.commit.checkpoint.partition);
      }
      throw error;
    }
  }

  /** Processed batches waiting for their commit; their onBatch calls wait for `written`. */
  interface OpenCommit {
    members: { batch: ConsumedBatch; processed: number; result: PipelineResult }[];
    events: number;
    written: Promise<void>;
    settle: (error?: unknown) => void;
  }
  let open: OpenCommit | undefined;
  /** onBatch calls whose batch is not processed yet: while any is left, the open commit waits for it. */
  let unprocessed = 0;

  function openCommit(): OpenCommit {
    let settle!: (error?: unknown) => void;
    const written = new Promise<void>((resolve, reject) => {
      settle = (error) => (error === undefined ? resolve() : reject(error));
    });
    written.catch(() => {}); // each member's onBatch gets the failure
    return { members: [], events: 0, written, settle };
  }

  /** Writes the open commit, if any. Never throws: a failure rejects its members' onBatch calls. */
  async function flushOpen(): Promise<void> {
    const group = open;
    open = undefined;
    if (!group) return;
    try {
      await commit(group.members.map((member) => member.result));
    } catch (error) {
      group.settle(error);
      return;
    }
    counts.commits += 1;
    for (const { batch, processed, result } of group.members) {
      checkpoints.set(batch.partition, batch.nextOffset);
      const poisoned = deadLetters.get(batch.partition);
      for (const offset of poisoned?.keys() ?? []) if (offset < batch.nextOffset) poisoned!.delete(offset);
      counts.batches += 1;
      counts.messages += processed;
      counts.rejected += result.commit.rejected.length;
      counts.unknownBrand += result.commit.rejected.filter((r) => r.reason === 'unknown_brand').length;
      counts.duplicates += result.duplicates;
    }
    deps.notify?.(group.members.flatMap((member) => member.result.notices));
    await publishLive(group.members.flatMap((member) => member.result.live));
    group.settle();
  }

  /** Runs the pipeline on a batch; undefined when the warehouse has it already. */
  async function process(
    batch: ConsumedBatch,
  ): Promise<{ fresh: ConsumedBatch; result: PipelineResult } | undefined> {
    if (uncertain.has(batch.partition)) {
      checkpoints.set(batch.partition, (await deps.warehouse.checkpoint(group, batch.partition)) ?? 0);
      uncertain.delete(batch.partition);
    }
    const committed = checkpoints.get(batch.partition) ?? 0;
    if (batch.nextOffset <= committed) return undefined; // already in the warehouse
    const fresh: ConsumedBatch = { ...batch, messages: batch.messages.filter((m) => m.offset >= committed) };
    const poisoned = deadLetters.get(batch.partition) ?? new Map<number, string>();
    deadLetters.set(batch.partition, poisoned);
    for (;;) {
      try {
        return {
          fresh,
          result: await processBatch(fresh, { states, group, clock: deps.clock, deadLetters: poisoned }),
        };
      } catch (error) {
        if (!(error instanceof PoisonMessageError) || poisoned.has(error.offset)) throw error;
        // A programming error in one message: store it as rejected and run the batch again.
        countError(error);
        poisoned.set(error.offset, error.message);
        counts.deadLettered += 1;
      }
    }
  }

  /**
   * Processes a batch into the open commit and says what to wait for (wrapped:
   * an async function returning the promise itself would wait for it, inside
   * the serialized queue that the commit needs).
   */
  async function handleBatch(batch: ConsumedBatch): Promise<{ written: Promise<void> }> {
    try {
      // A partition's next batch comes only after its previous one is written, unless the
      // previous one failed and this is its redelivery: then the open commit goes first.
      if (open?.members.some((member) => member.batch.partition === batch.partition)) await flushOpen();
      const processed = await process(batch);
      if (!processed) return { written: Promise.resolve() };
      open ??= openCommit();
      open.members.push({ batch, processed: processed.fresh.messages.length, result: processed.result });
      open.events += processed.fresh.messages.length;
      return { written: open.written };
    } finally {
      unprocessed -= 1;
      if (open && (unprocessed === 0 || open.events >= COMMIT_MAX_EVENTS)) await flushOpen();
    }
  }

  /**
   * A brand is loaded by its first message, so after a start a brand whose
   * sources went quiet would never be judged: one with a source_silent rule is
   * loaded here if this processor owns its partition (and is then ticked like
   * the rest). Other rules need the brand's own messages to change anything.
   */
  async function loadQuietBrands(): Promise<void> {
    const loaded = new Set(states.loaded().map((state) => state.brand.brand_id));
    for (const brand of deps.brands.list()) {
      if (loaded.has(brand.brand_id)) continue;
      if (!brand.settings.alerts.rules.some((rule) => rule.enabled && rule.type === 'source_silent'))
        continue;
      try {
        const partition = await deps.bus.partitionForKey(TOPICS.eventsRaw, brand.brand_id);
        if (!owned.has(partition) || !checkpoints.has(partition)) continue;
        const state = await states.get(brand.brand_id);
        if (state) state.partition = partition;
      } catch (error) {
        countError(error); // the next tick tries again
      }
    }
  }

  async function handleTick(): Promise<void> {
    // Batches still open would be committed by the tick's checkpoint-less write: write them first.
    await flushOpen();
    states.refreshSettings();
    await loadQuietBrands();
    let results: PipelineResult[];
    try {
      results = processTick({ states, group }, deps.clock().getTime(), checkpoints, TICK_GRACE_MS);
    } catch (error) {
      // A tick that threw may have changed any loaded brand: reload them all from the warehouse.
      for (const state of states.loaded()) states.drop(state.brand.brand_id);
      countError(error);
      return;
    }
    if (results.length > 0) {
      try {
        await commit(results);
        counts.tickCommits += 1;
        deps.notify?.(results.flatMap((result) => result.notices));
        await publishLive(results.flatMap((result) => result.live));
      } catch (error) {
        countError(error);
      }
    }
    await saveLearners();
  }

  /**
   * Saves the learned intent models that changed, at most once a minute per brand. After a tick,
   * so every event a model has seen is committed; a brand whose commit failed was dropped (and
   * its model with it), so no model ever holds what the warehouse does not.
   */
  async function saveLearners(): Promise<void> {
    const nowMs = deps.clock().getTime();
    const due = states
      .loaded()
      .map((state) => ({ state, record: learnerRecordDue(state.brand.brand_id, state.learner, nowMs) }))
      .filter((entry): entry is { state: BrandState; record: IntentModelRecord } => entry.record !== null);
    if (due.length === 0) return;
    try {
      await deps.warehouse.saveIntentModels(due.map((entry) => entry.record));
      for (const { state } of due) markLearnerSaved(state.learner, nowMs);
      counts.learnerSaves += due.length;
    } catch (error) {
      countError(error); // kept dirty: the next tick tries again
      return;
    }
    await publishLive(
      due.map(({ record }) => ({
        brand_id: record.brand_id,
        event: 'intent_model',
        payload: record.summary,
      })),
    );
  }

  return {
    async start() {
      if (subscription) return;
      subscription = await deps.bus.subscribe({
        topic: TOPICS.eventsRaw,
        group,
        maxBatchSize: deps.batchSize,
        async resumeFrom(partition) {
          // The warehouse's checkpoint, not the bus's: offsets and state must agree.
          const offset = (await deps.warehouse.checkpoint(group, partition)) ?? 0;
          checkpoints.set(partition, offset);
          return offset;
        },
        // Another processor may own these partitions next and move their brands on: what this
        // one holds of them (states, checkpoints) would be stale if they came back. Dropped after
        // the in-flight batch, so its commit lands first; a brand reloads from the warehouse
        // on its next message, and resumeFrom re-reads the checkpoint on a new assignment.
        onAssigned: async (partitions) => {
          for (const partition of partitions) owned.add(partition);
        },
        // Ownership ends at once (a revoked partition may be assigned again right after);
        // the state it held is dropped after the in-flight batch.
        onRevoked: (partitions) => {
          for (const partition of partitions) owned.delete(partition);
          return serialize(async () => {
            await flushOpen(); // empty unless a bus revokes with batches in flight
            for (const state of states.loaded()) {
              if (state.partition !== undefined && partitions.includes(state.partition))
                states.drop(state.brand.brand_id);
            }
            for (const partition of partitions) {
              checkpoints.delete(partition);
              uncertain.delete(partition);
              deadLetters.delete(partition);
            }
          });
        },
        maxConcurrentBatches: MAX_PARTITIONS_PER_COMMIT,
        onBatch: async (batch) => {
          unprocessed += 1;
          try {
            const { written } = await serialize(() => handleBatch(batch));
            await written;
          } catch (error) {
            // Counted here, rethrown so the bus delivers the batch again after a backoff.
            countError(error);
            throw error;
          }
        },
        onRetry: () => {
          counts.retries += 1;
        },
      });
      timer = setInterval(() => void serialize(handleTick), deps.tickMs ?? DEFAULT_TICK_MS);
      timer.unref?.();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await subscription?.stop();
      subscription = undefined;
      await queue;
    },
    tick: () => serialize(handleTick),
    stats: () => ({
      ...counts,
      errorsByName: { ...errorsByName },
      lastError,
      brandsLoaded: states.loaded().length,
      partitions: [...owned].sort((a, b) => a - b),
    }),
  };
}
