// The processor's stream step: one bus batch of `events.raw` in, one
// warehouse commit and the live messages it causes out.
//
// Effectively once. Each batch's results and the bus offset after it are
// committed to the warehouse together (ProcessorCommit.checkpoint), and the
// processor resumes from the warehouse's checkpoint, never the bus's own. The
// in-memory state is changed while the batch runs, so it is only right if
// the commit lands: whenever a batch throws or its commit fails, the brands it
// touched are dropped from memory and reloaded from the warehouse — the last
// committed truth, which matches the checkpoint — before the batch is
// delivered again. State and offsets therefore always describe the same
// prefix of the stream, and every event is counted once. Source-id dedupe
// (restored with the state) absorbs sources retrying the same event.
import { z } from 'zod';
import {
  rawEnvelopeSchema,
  SOURCES,
  type IdentityCommand,
  type InboundEvent,
  type RejectedEvent,
  type Source,
} from '../../src/lib/shared/events';
import type { AlertCommand } from '../../src/lib/shared/alert-rules';
import type { AdSpend } from '../../src/lib/shared/campaigns';
import type { LiveMessage } from '../../src/lib/shared/live';
import type { ConsumedBatch, ConsumedMessage } from '../bus/types';
import type { ProcessorCommit } from '../warehouse/types';
import { WarehouseUnavailableError } from '../warehouse/types';
import { advanceTime } from './advance-time';
import { applyAlertCommand } from './apply-alert-command';
import { applyCommand, type CommandResult } from './apply-command';
import { applyEvent } from './apply-event';
import { BrandLoadError, type BrandState, type BrandStates } from './brand-state';
import { createChanges, type AlertNotice, type Changes } from './changes';
import { sourceKey } from './dedupe';
import { shortHash } from './ids';
import { junkListFor, normalizeEvent } from './normalize';

export const DEFAULT_GROUP = 'processor';

/** Kept of an offending payload in a rejected row. */
const MAX_PAYLOAD_CHARS = 4096;

/** The KPI minutes a live dashboard shows (the read API's default range: the last hour). */
const LIVE_KPI_WINDOW_MS = 60 * 60_000;

export interface PipelineDeps {
  states: BrandStates;
  /** Consumer group: the checkpoint's `consumer`. */
  group: string;
  clock: () => Date;
  /**
   * Offsets of this batch whose processing threw a programming error: they are
   * stored as rejected (`processing_error`) instead of processed, so one bad
   * message cannot stop a partition.
   */
  deadLetters?: ReadonlyMap<number, string>;
}

export interface PipelineResult {
  commit: ProcessorCommit;
  live: LiveMessage[];
  /** Brands whose state the batch changed: drop them if the commit fails. */
  brands: string[];
  /** Events ignored as duplicates of an earlier delivery by their source. */
  duplicates: number;
  /** Alerts to tell the brands' receivers about, once `commit` is stored. */
  notices: AlertNotice[];
}

/** Processing one message threw, and retrying cannot help. The consumer dead-letters it. */
export class PoisonMessageError extends Error {
  override name = 'PoisonMessageError';
  readonly retriable = false;
  constructor(
    readonly offset: number,
    options: { cause: unknown },
  ) {
    super(`message at offset ${offset} could not be processed: ${describe(options.cause)}`, options);
  }
}

export async function processBatch(batch: ConsumedBatch, deps: PipelineDeps): Promise<PipelineResult> {
  const changes = createChanges();
  for (const message of batch.messages) {
    try {
      await processMessage(message, deps, changes);
    } catch (error) {
      for (const brandId of changes.brands) deps.states.drop(brandId);
      if (error instanceof WarehouseUnavailableError || error instanceof BrandLoadError) throw error;
      throw new PoisonMessageError(message.offset, { cause: error });
    }
  }
  const { commit, live, notices } = changes.finish({
    consumer: deps.group,
    partition: batch.partition,
    next_offset: batch.nextOffset,
  });
  return { commit, live, notices, brands: [...changes.brands], duplicates: changes.duplicates() };
}

/**
 * Time passing with no new messages: decayed profiles change level, ended
 * minutes close and alerts fire or resolve. One result per partition, each
 * committed with that partition's unchanged checkpoint.
 */
export function processTick(
  deps: Pick<PipelineDeps, 'states' | 'group'>,
  nowMs: number,
  checkpoints: ReadonlyMap<number, number>,
  graceMs: number,
): PipelineResult[] {
  const byPartition = new Map<number, BrandState[]>();
  for (const state of deps.states.loaded()) {
    if (state.partition === undefined || !checkpoints.has(state.partition)) continue;
    const list = byPartition.get(state.partition) ?? [];
    list.push(state);
    byPartition.set(state.partition, list);
  }
  const results: PipelineResult[] = [];
  for (const [partition, states] of byPartition) {
    const changes = createChanges();
    for (const state of states) advanceTime(state, nowMs, changes, { graceMs, tick: true });
    if (changes.brands.size === 0) continue;
    const { commit, live, notices } = changes.finish({
      consumer: deps.group,
      partition,
      next_offset: checkpoints.get(partition)!,
    });
    results.push({ commit, live, notices, brands: [...changes.brands], duplicates: 0 });
  }
  return results;
}

async function processMessage(message: ConsumedMessage, deps: PipelineDeps, changes: Changes): Promise<void> {
  const now = deps.clock().toISOString();
  const stateOf = async (brandId: string) => {
    const state = await deps.states.get(brandId);
    if (state) {
      // From here on this message may change the state: if anything throws, it is dropped.
      changes.brand(state);
      state.partition = message.partition;
      if (state.restored) {
        // Loaded from the warehouse, so a process may have died between a commit and its live
        // push, or the warehouse finished a commit a crash cut short (clickhouse/commit.ts):
        // either way dashboards kept an older row for those minutes. The live window's rows go
        // out again with this batch (whole rows: a dashboard that had them changes nothing).
        // Found by tests/faults (partial-commit): a minute stayed short by the cut batch.
        for (const row of state.kpis.rowsFrom(deps.clock().getTime() - LIVE_KPI_WINDOW_MS)) {
          changes.kpi(state, row);
        }
        state.restored = false;
      }
    }
    return state;
  };
  const deadLetter = deps.deadLetters?.get(message.offset);
  const parsed = parseEnvelope(message.value);
  if (!parsed.ok || deadLetter !== undefined) {
    const reason = deadLetter !== undefined ? 'processing_error' : 'corrupt_message';
    const detail = deadLetter ?? (parsed.ok ? '' : parsed.detail);
    const brandId = parsed.ok ? brandOf(parsed.envelope) : message.key;
    const state = await stateOf(brandId);
    changes.rejected(
      {
        brand_id: brandId,
        rejection_id: `r_${shortHash(message.topic, String(message.partition), String(message.offset))}`,
        source: parsed.ok ? sourceOf(parsed.envelope) : guessSource(message.value),
        received_at: now,
        reason,
        detail,
        payload: message.value.slice(0, MAX_PAYLOAD_CHARS),
      },
      state,
    );
    return;
  }

  const envelope = parsed.envelope;
  if (envelope.kind === 'rejected') {
    const state = await stateOf(envelope.rejected.brand_id);
    changes.rejected(envelope.rejected, state);
    return;
  }

  if (envelope.kind === 'command') {
    await processCommand(envelope.command, message, stateOf, changes, now, (state, atMs) =>
      applyCommand(state, envelope.command, atMs, changes),
    );
    return;
  }
  if (envelope.kind === 'alert_command') {
    await processCommand(envelope.command, message, stateOf, changes, now, (state, atMs) =>
      applyAlertCommand(state, envelope.command, atMs, changes),
    );
    return;
  }
  if (envelope.kind === 'spend') {
    await processSpend(envelope.spend, message, stateOf, changes, now);
    return;
  }

  const event = envelope.event;
  if (event.brand_id !== message.key) {
    // The key decides the partition and so who owns the brand's state: a mismatch is never processed.
    const state = await stateOf(event.brand_id);
    changes.rejected(
      rejectionOf(event, 'brand_mismatch', `message key "${message.key}" is not the event's brand`, now),
      state,
    );
    return;
  }
  const state = await stateOf(event.brand_id);
  if (!state) {
    changes.rejected(
      rejectionOf(event, 'unknown_brand', `brand "${event.brand_id}" does not exist`, now),
      undefined,
    );
    return;
  }

  if (state.dedupe.seenBefore(sourceKey(event), Date.parse(event.received_at) || Date.parse(now))) {
    changes.duplicate(state);
    return;
  }
  const normalized = normalizeEvent(event, {
    defaultCountry: state.brand.settings.default_country,
    junk: junkListFor(state.brand.settings),
  });
  if (!normalized.ok) {
    changes.rejected(rejectionOf(event, normalized.reason, normalized.detail, now), state);
    return;
  }
  advanceTime(state, normalized.value.receivedAtMs, changes, { graceMs: 0, tick: false });
  applyEvent(state, normalized.value, changes);
}

/**
 * A spend report: stored (replacing the report with its key). Time advances
 * to its arrival first, like for an event, so the minutes it closes are
 * judged without it. Reports are not deduplicated by id: the same report
 * again replaces itself with itself.
 */
async function processSpend(
  spend: AdSpend,
  message: ConsumedMessage,
  stateOf: (brandId: string) => Promise<BrandState | undefined>,
  changes: Changes,
  nowIso: string,
): Promise<void> {
  const state = await stateOf(spend.brand_id);
  const refuse = (reason: string, detail: string) =>
    changes.rejected(
      rejectionRecord(
        spend,
        [message.topic, String(message.partition), String(message.offset), reason],
        reason,
        detail,
        nowIso,
      ),
      state,
    );
  if (spend.brand_id !== message.key) {
    refuse('brand_mismatch', `message key "${message.key}" is not the spend report's brand`);
    return;
  }
  if (!state) {
    refuse('unknown_brand', `brand "${spend.brand_id}" does not exist`);
    return;
  }
  const receivedAtMs = Date.parse(spend.received_at);
  if (!Number.isFinite(receivedAtMs) || !Number.isFinite(Date.parse(spend.period_start))) {
    refuse('invalid_spend', 'received_at and period_start must be times');
    return;
  }
  advanceTime(state, receivedAtMs, changes, { graceMs: 0, tick: false });
  changes.spend(state, state.campaigns.spend(spend));
  changes.processed(state);
}

async function processCommand(
  command: IdentityCommand | AlertCommand,
  message: ConsumedMessage,
  stateOf: (brandId: string) => Promise<BrandState | undefined>,
  changes: Changes,
  nowIso: string,
  apply: (state: BrandState, atMs: number) => CommandResult,
): Promise<void> {
  const state = await stateOf(command.brand_id);
  const refuse = (detail: string) =>
    changes.rejected(
      {
        brand_id: command.brand_id,
        rejection_id: `r_${shortHash(command.brand_id, command.command_id, 'command_refused')}`,
        source: 'dashboard',
        received_at: nowIso,
        reason: 'command_refused',
        detail: `${command.type} by ${command.issued_by}: ${detail}`,
        payload: JSON.stringify(command).slice(0, MAX_PAYLOAD_CHARS),
      },
      state,
    );
  if (command.brand_id !== message.key) {
    refuse(`message key "${message.key}" is not the command's brand`);
    return;
  }
  if (!state) {
    refuse(`brand "${command.brand_id}" does not exist`);
    return;
  }
  // The time the operator decided: the same on every replay of the message.
  const atMs = Date.parse(command.issued_at);
  if (!Number.isFinite(atMs)) {
    refuse(`issued_at "${command.issued_at}" is not a time`);
    return;
  }
  const result = apply(state, atMs);
  if (!result.ok) refuse(result.detail);
}

type ParsedEnvelope =
  { ok: true; envelope: z.infer<typeof rawEnvelopeSchema> } | { ok: false; detail: string };

function parseEnvelope(value: string): ParsedEnvelope {
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch (error) {
    return { ok: false, detail: `not JSON: ${describe(error)}` };
  }
  const result = rawEnvelopeSchema.safeParse(json);
  if (!result.success) {
    const issues = result.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    return { ok: false, detail: `not a RawEnvelope: ${issues.join('; ')}` };
  }
  return { ok: true, envelope: result.data };
}

function rejectionOf(event: InboundEvent, reason: string, detail: string, nowIso: string): RejectedEvent {
  return rejectionRecord(event, [event.brand_id, event.event_id, reason], reason, detail, nowIso);
}

/**
 * A refused event or report as kept: its id a hash of `idParts` (the same refusal of the same
 * message again is the same row), its own received_at when that is a time.
 */
function rejectionRecord(
  refused: { brand_id: string; source: Source; received_at: string },
  idParts: readonly string[],
  reason: string,
  detail: string,
  nowIso: string,
): RejectedEvent {
  return {
    brand_id: refused.brand_id,
    rejection_id: `r_${shortHash(...idParts)}`,
    source: refused.source,
    received_at: Number.isFinite(Date.parse(refused.received_at)) ? refused.received_at : nowIso,
    reason,
    detail,
    payload: JSON.stringify(refused).slice(0, MAX_PAYLOAD_CHARS),
  };
}

function sourceOf(envelope: z.infer<typeof rawEnvelopeSchema>): Source {
  switch (envelope.kind) {
    case 'event':
      return envelope.event.source;
    case 'rejected':
      return envelope.rejected.source;
    case 'command':
    case 'alert_command':
      return 'dashboard';
    case 'spend':
      return envelope.spend.source;
  }
}

function brandOf(envelope: z.infer<typeof rawEnvelopeSchema>): string {
  switch (envelope.kind) {
    case 'event':
      return envelope.event.brand_id;
    case 'rejected':
      return envelope.rejected.brand_id;
    case 'command':
    case 'alert_command':
      return envelope.command.brand_id;
    case 'spend':
      return envelope.spend.brand_id;
  }
}

/** A corrupt message still names its source when enough of it parses; else `track`. */
function guessSource(value: string): Source {
  const match = /"source"\s*:\s*"([a-z]+)"/.exec(value);
  const source = match?.[1];
  return SOURCES.find((s) => s === source) ?? 'track';
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
