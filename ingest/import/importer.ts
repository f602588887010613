// CSV import: upload → preview and suggested mapping → start → rows become
// events (or, for the `spend` kind, ad spend reports) on events.raw, like any source's. One import at a time per job, in
// the process that took the upload; a restart resumes running imports.
//
// Effectively once: each batch goes (1) report lines appended, (2) events
// published, (3) checkpoint saved. A crash between (2) and (3) publishes the
// batch again on resume with the same source_event_ids, which the processor
// drops (spend reports replace their key, so a repeat changes nothing); the
// report is cut back to the checkpoint's length before going on.
// The same file imported again with the same mapping is recognised by its
// SHA-256 and adds nothing (status `skipped`), however long after.
//
// Pacing: an import waits while the brand has more than `maxAhead` events
// accepted but not yet processed, so a million rows never queue in front of
// the brand's live traffic for longer than that many events take.
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, stat, truncate } from 'node:fs/promises';
import { stringify } from 'csv-stringify/sync';
import type { RawEnvelope } from '../../src/lib/shared/events';
import {
  IMPORT_KINDS,
  PREVIEW_ROWS,
  mappingProblems,
  suggestMapping,
  type ImportJob,
  type ImportKind,
  type ImportMapping,
  type ImportPreview,
} from '../../src/lib/shared/imports';
import type { LiveMessage } from '../../src/lib/shared/live';
import { TOPICS } from '../../src/lib/shared/topics';
import { BusUnavailableError, type Bus } from '../bus/types';
import { createJobStore, type ImportCheckpoint, type StoredJob } from './job-store';
import { createRowMapper, type MappedEvent, type MappedRow, type RowError } from './map-rows';
import { CsvFileError, readCsv, readFirstLine, sniffDelimiter } from './read-csv';

/** Why an import request was refused; the API answers `status` with `code` and the message. */
export class ImportRequestError extends Error {
  constructor(
    readonly code:
      'not_found' | 'invalid_request' | 'invalid_csv' | 'invalid_mapping' | 'file_too_large' | 'conflict',
    message: string,
  ) {
    super(message);
    this.name = 'ImportRequestError';
  }
}

export interface ImporterDeps {
  bus: Bus;
  /** DATA_DIR/imports. */
  root: string;
  /** Events accepted for the brand that the processor has not finished. */
  pending: (brandId: string) => Promise<number>;
  clock?: () => Date;
  newId?: () => string;
  /** Largest upload, in bytes. */
  maxBytes?: number;
  /** Events per published batch (and per checkpoint). */
  batchSize?: number;
  /** The most events an import keeps ahead of the processor. */
  maxAhead?: number;
  /** Told about an import that failed for a reason of ours (disk, a bug), to log and count. */
  onFailure?: (job: ImportJob, error: unknown) => void;
  /** How long to wait between checks of the processor's lag or the bus's health. */
  pollMs?: number;
}

export interface UploadRequest {
  brandId: string;
  kind: string;
  fileName: string;
  body: AsyncIterable<Uint8Array>;
  createdBy: string;
}

export interface Importer {
  upload(request: UploadRequest): Promise<ImportPreview>;
  start(brandId: string, importId: string, mapping: ImportMapping): Promise<ImportJob>;
  get(brandId: string, importId: string): Promise<ImportJob | undefined>;
  list(brandId: string): Promise<ImportJob[]>;
  /** The file rows of an upload, for a preview after the fact. */
  preview(brandId: string, importId: string): Promise<ImportPreview | undefined>;
  /** The error report's path, once the import has started. */
  errorReport(brandId: string, importId: string): Promise<string | undefined>;
  /**
   * Stops an import: an upload is dropped; a running import stops at its next row, keeping
   * what it published up to its last checkpoint (events cannot be taken back). Resolves with
   * the job once it is cancelled.
   */
  cancel(brandId: string, importId: string, by: string): Promise<ImportJob>;
  /** Resumes the imports a stop or crash left running. */
  resume(): Promise<void>;
  /** Resolves when the job's run ends (tests and the CLI wait on it). */
  settled(brandId: string, importId: string): Promise<void>;
  /** Stops running imports at their next row; they resume on the next start. */
  close(): Promise<void>;
}

export const DEFAULT_MAX_BYTES = 2 * 1024 ** 3;

/** What an API or page shows: the job without its checkpoint. */
export function publicJob(job: StoredJob): ImportJob {
  const { checkpoint: _checkpoint, ...shown } = job;
  return shown;
}

/** A run asked to stop (by `by`). */
class Cancelled extends Error {
  constructor(readonly by: string) {
    super('import cancelled');
  }
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

export function createImporter(deps: ImporterDeps): Importer {
  const store = createJobStore(deps.root);
  const clock = deps.clock ?? (() => new Date());
  const newId = deps.newId ?? randomUUID;
  const maxBytes = deps.maxBytes ?? DEFAULT_MAX_BYTES;
  const batchSize = deps.batchSize ?? 500;
  const maxAhead = deps.maxAhead ?? 5000;
  const pollMs = deps.pollMs ?? 100;
  const running = new Map<string, Promise<void>>();
  /** Running imports asked to stop, by whom. */
  const cancels = new Map<string, string>();
  let closing = false;

  const runKey = (brandId: string, importId: string) => `${brandId}/${importId}`;
  const nowIso = () => clock().toISOString();

  async function pushLive(job: StoredJob): Promise<void> {
    const message: LiveMessage = { brand_id: job.brand_id, event: 'import', payload: publicJob(job) };
    try {
      await deps.bus.publish(TOPICS.liveUpdates, [{ key: job.brand_id, value: JSON.stringify(message) }]);
    } catch (error) {
      // Progress is shown again with the next batch; the import itself must not stop for it.
      if (!(error instanceof BusUnavailableError)) throw error;
    }
  }

  async function save(job: StoredJob, live = true): Promise<void> {
    await store.save(job);
    if (live) await pushLive(job);
  }

  async function mustLoad(brandId: string, importId: string): Promise<StoredJob> {
    const job = await store.load(brandId, importId);
    if (!job) throw new ImportRequestError('not_found', `no import ${importId} for this brand`);
    return job;
  }

  /** The file's header and first rows; refuses a file that is not usable CSV. */
  async function inspect(file: string): Promise<{ delimiter: string; headers: string[]; rows: string[][] }> {
    const delimiter = sniffDelimiter(await readFirstLine(file));
    let headers: string[] | undefined;
    const rows: string[][] = [];
    for await (const { cells } of readCsv(file, delimiter)) {
      if (!headers) headers = cells.map((header) => header.trim());
      else rows.push(cells);
      if (rows.length >= PREVIEW_ROWS) break;
    }
    if (!headers) throw new ImportRequestError('invalid_csv', 'the file has no header row');
    if (headers.some((header) => header.includes('\uFFFD')))
      throw new ImportRequestError('invalid_csv', 'the header is not UTF-8 text: save the file as CSV UTF-8');
    const blank = headers.findIndex((header) => header === '');
    if (blank !== -1)
      throw new ImportRequestError('invalid_csv', `column ${blank + 1} of the header has no name`);
    const seen = new Set<string>();
    for (const header of headers) {
      if (seen.has(header)) throw new ImportRequestError('invalid_csv', `two columns are named "${header}"`);
      seen.add(header);
    }
    return { delimiter, headers, rows };
  }

  async function upload(request: UploadRequest): Promise<ImportPreview> {
    if (!(IMPORT_KINDS as readonly string[]).includes(request.kind))
      throw new ImportRequestError('invalid_request', `kind must be one of ${IMPORT_KINDS.join(', ')}`);
    const kind = request.kind as ImportKind;
    const importId = newId();
    const { brandId } = request;
    await store.create(brandId, importId);
    const file = store.sourceFile(brandId, importId);
    try {
      const sha = createHash('sha256');
      let bytes = 0;
      const out = createWriteStream(file);
      try {
        for await (const chunk of request.body) {
          bytes += chunk.byteLength;
          if (bytes > maxBytes)
            throw new ImportRequestError('file_too_large', `the file is larger than ${maxBytes} bytes`);
          sha.update(chunk);
          if (!out.write(chunk)) await new Promise<void>((done) => out.once('drain', () => done()));
        }
      } finally {
        await new Promise<void>((done, fail) =>
          out.end((error?: Error | null) => (error ? fail(error) : done())),
        );
      }
      if (bytes === 0) throw new ImportRequestError('invalid_csv', 'the file is empty');
      let inspected;
      try {
        inspected = await inspect(file);
      } catch (error) {
        if (error instanceof CsvFileError) throw new ImportRequestError('invalid_csv', error.message);
        throw error;
      }
      const job: StoredJob = {
        brand_id: brandId,
        import_id: importId,
        kind,
        file_name: cleanFileName(request.fileName),
        bytes,
        sha256: sha.digest('hex'),
        delimiter: inspected.delimiter,
        headers: inspected.headers,
        mapping: null,
        status: 'uploaded',
        rows_read: 0,
        bytes_read: 0,
        rows_imported: 0,
        events_published: 0,
        rows_rejected: 0,
        message: null,
        duplicate_of: null,
        created_at: nowIso(),
        started_at: null,
        finished_at: null,
        created_by: request.createdBy,
        checkpoint: emptyCheckpoint(),
      };
      await save(job);
      return {
        job: publicJob(job),
        rows: inspected.rows,
        suggested_mapping: suggestMapping(kind, inspected.headers),
      };
    } catch (error) {
      await store.remove(brandId, importId);
      throw error;
    }
  }

  // Starts run one at a time: two requests starting one job, or two copies of one file,
  // must not both find nothing running and both run.
  let starting: Promise<unknown> = Promise.resolve();
  function startOneAtATime(brandId: string, importId: string, mapping: ImportMapping): Promise<ImportJob> {
    const result = starting.then(() => start(brandId, importId, mapping));
    starting = result.catch(() => undefined);
    return result;
  }

  async function start(brandId: string, importId: string, mapping: ImportMapping): Promise<ImportJob> {
    const job = await mustLoad(brandId, importId);
    if (job.status !== 'uploaded')
      throw new ImportRequestError(
        'conflict',
        `import ${importId} was already started (it is ${job.status})`,
      );
    const problems = mappingProblems(job.kind, job.headers, mapping);
    if (problems.length > 0) throw new ImportRequestError('invalid_mapping', problems.join('; '));
    job.mapping = canonicalMapping(mapping);
    job.started_at = nowIso();
    const earlier = (await store.list(brandId)).find(
      (other) =>
        other.import_id !== importId &&
        other.sha256 === job.sha256 &&
        other.kind === job.kind &&
        (other.status === 'running' || other.status === 'done') &&
        JSON.stringify(other.mapping) === JSON.stringify(job.mapping),
    );
    if (earlier) {
      job.status = 'skipped';
      job.duplicate_of = earlier.import_id;
      job.finished_at = job.started_at;
      job.message = `this file was imported with the same mapping on ${earlier.started_at ?? earlier.created_at} (import ${earlier.import_id}); nothing was added again`;
      await save(job);
      return publicJob(job);
    }
    job.status = 'running';
    await save(job);
    launch(job);
    return publicJob(job);
  }

  function launch(job: StoredJob): void {
    const key = runKey(job.brand_id, job.import_id);
    const run = runJob(job)
      .catch(async (error: unknown) => {
        if (error instanceof Cancelled) return cancelled(job, error.by);
        job.status = 'failed';
        job.finished_at = nowIso();
        job.message =
          error instanceof CsvFileError
            ? error.message
            : 'the import stopped on an internal error; it was logged';
        if (!(error instanceof CsvFileError)) deps.onFailure?.(publicJob(job), error);
        await save(job).catch((saveError: unknown) => deps.onFailure?.(publicJob(job), saveError));
      })
      .finally(() => {
        running.delete(key);
        cancels.delete(key);
      });
    running.set(key, run);
  }

  /**
   * Ends a cancelled run where its last checkpoint stands: what was published by then stays,
   * the batch in hand is dropped, and the report is cut back to match.
   */
  async function cancelled(job: StoredJob, by: string): Promise<void> {
    const { checkpoint } = job;
    await truncate(store.errorsFile(job.brand_id, job.import_id), checkpoint.errors_bytes).catch(
      () => undefined,
    );
    Object.assign(job, {
      rows_read: checkpoint.rows_read,
      rows_imported: checkpoint.rows_imported,
      events_published: checkpoint.events_published,
      rows_rejected: checkpoint.rows_rejected,
      status: 'cancelled',
      finished_at: nowIso(),
      message: `cancelled by ${by}; the ${checkpoint.rows_imported} rows imported before stay imported`,
    } satisfies Partial<StoredJob>);
    await save(job);
  }

  /** Throws Cancelled when the run was asked to stop; false when the process is closing. */
  function goOn(job: StoredJob): boolean {
    const by = cancels.get(runKey(job.brand_id, job.import_id));
    if (by !== undefined) throw new Cancelled(by);
    return !closing;
  }

  /** Publishes, waiting out a bus that is down and a processor that is too far behind. */
  async function publishPaced(job: StoredJob, envelopes: RawEnvelope[]): Promise<boolean> {
    const brandId = job.brand_id;
    for (;;) {
      if (!goOn(job)) return false;
      try {
        if ((await deps.pending(brandId)) <= maxAhead) {
          await deps.bus.publish(
            TOPICS.eventsRaw,
            envelopes.map((envelope) => ({ key: brandId, value: JSON.stringify(envelope) })),
          );
          return true;
        }
      } catch (error) {
        if (!(error instanceof BusUnavailableError)) throw error;
      }
      await sleep(pollMs);
    }
  }

  async function runJob(job: StoredJob): Promise<void> {
    const { brand_id: brandId, import_id: importId } = job;
    const mapping = job.mapping!;
    const errorsFile = store.errorsFile(brandId, importId);
    const resumed = job.checkpoint;
    // Lines past the checkpoint are from rows that will be read again.
    if (resumed.errors_bytes > 0) await truncate(errorsFile, resumed.errors_bytes);
    const report = await open(errorsFile, resumed.errors_bytes > 0 ? 'a' : 'w');
    try {
      let written = resumed.errors_bytes;
      if (written === 0) {
        const header = Buffer.from(stringify([['row', 'column', 'value', 'error', ...job.headers]]));
        await report.write(header);
        written = header.byteLength;
        job.checkpoint = { ...job.checkpoint, errors_bytes: written };
      }
      const counters = {
        rows_read: resumed.rows_read,
        rows_imported: resumed.rows_imported,
        events_published: resumed.events_published,
        rows_rejected: resumed.rows_rejected,
      };
      const columnOf = new Map<string, number>(
        Object.entries(mapping).map(([field, column]) => [field, job.headers.indexOf(column)]),
      );
      const mapper = createRowMapper(job.kind, mapping, {
        brand_id: brandId,
        import_id: importId,
        file_name: job.file_name,
        newId,
        now: clock,
      });

      /** The row's mapped fields' cells, trimmed, empty ones left out. */
      const mappedRow = (row: number, cells: string[]): MappedRow => {
        const mapped: Record<string, string> = {};
        for (const [field, index] of columnOf) {
          const value = cells[index]!.trim();
          if (value !== '') mapped[field] = value;
        }
        return { row, cells: mapped, raw: cells };
      };

      let events: MappedEvent[] = [];
      let reportLines: Buffer[] = [];
      let bufferedBytes = 0;
      let lastRow = resumed.row;
      // Where a checkpoint may stand while an order is open: just before its first row.
      let settledAtOpen: ImportCheckpoint | null = null;
      let lastLive = 0;

      const take = (output: { events: MappedEvent[]; errors: RowError[] }) => {
        for (const mapped of output.events) {
          events.push(mapped);
          counters.rows_imported += mapped.rows;
          counters.events_published += 1;
        }
        const rejectedRows = new Set<number>();
        for (const error of output.errors) {
          const line = Buffer.from(
            stringify([[error.row, error.column, error.value, error.error, ...error.raw]]),
          );
          reportLines.push(line);
          bufferedBytes += line.byteLength;
          rejectedRows.add(error.row);
        }
        counters.rows_rejected += rejectedRows.size;
      };

      const settledPoint = (): ImportCheckpoint =>
        settledAtOpen ?? { row: lastRow, errors_bytes: written + bufferedBytes, ...counters };

      const flush = async (): Promise<boolean> => {
        if (reportLines.length > 0) {
          await report.write(Buffer.concat(reportLines));
          await report.datasync();
          written += bufferedBytes;
          reportLines = [];
          bufferedBytes = 0;
        }
        if (events.length > 0) {
          const envelopes = events.map((mapped): RawEnvelope =>
            mapped.spend ? { kind: 'spend', spend: mapped.spend } : { kind: 'event', event: mapped.event },
          );
          if (!(await publishPaced(job, envelopes))) return false;
          events = [];
        }
        Object.assign(job, counters);
        job.checkpoint = settledPoint();
        const now = Date.now();
        const live = now - lastLive >= 500;
        if (live) lastLive = now;
        await save(job, live);
        return true;
      };

      let header = true;
      const rows = readCsv(store.sourceFile(brandId, importId), job.delimiter);
      const next = async () => {
        try {
          return await rows.next();
        } catch (error) {
          // The file breaks off here: what was read before it is kept (an open order is not,
          // since its end is unknown), and the job says where it stopped.
          if (error instanceof CsvFileError) await flush();
          throw error;
        }
      };
      for (let item = await next(); !item.done; item = await next()) {
        const { row, cells, bytes } = item.value;
        job.bytes_read = bytes;
        if (header) {
          header = false;
          if (cells.map((cell) => cell.trim()).join('\u0000') !== job.headers.join('\u0000'))
            throw new CsvFileError('the stored file no longer has the header it was uploaded with', 1);
          continue;
        }
        if (row <= resumed.row) {
          if (cells.length === job.headers.length) mapper.recall(mappedRow(row, cells));
          continue;
        }
        if (!goOn(job)) return;
        counters.rows_read += 1;
        lastRow = row;
        if (cells.length !== job.headers.length) {
          take({
            events: [],
            errors: [
              {
                row,
                column: '',
                value: '',
                error: `the row has ${cells.length} cells; the header has ${job.headers.length}`,
                raw: cells,
              },
            ],
          });
        } else {
          take(mapper.push(mappedRow(row, cells)));
        }
        const openFrom = mapper.openFrom();
        if (openFrom === null) settledAtOpen = null;
        else if (openFrom === row) {
          // An order opened at this row: a checkpoint may stand just before it.
          settledAtOpen = {
            row: row - 1,
            errors_bytes: written + bufferedBytes,
            ...counters,
            rows_read: counters.rows_read - 1,
          };
        }
        if (events.length >= batchSize || reportLines.length >= batchSize) {
          if (!(await flush())) return;
        }
      }
      take(mapper.end());
      settledAtOpen = null;
      if (!(await flush())) return;
      job.status = 'done';
      job.bytes_read = job.bytes;
      job.finished_at = nowIso();
      job.message =
        counters.rows_rejected > 0
          ? `${counters.rows_rejected} ${counters.rows_rejected === 1 ? 'row was' : 'rows were'} not imported; the error report lists ${counters.rows_rejected === 1 ? 'it' : 'each'} with its reason`
          : null;
      await save(job);
    } finally {
      await report.close();
    }
  }

  return {
    upload,
    start: startOneAtATime,
    async get(brandId, importId) {
      const job = await store.load(brandId, importId);
      return job && publicJob(job);
    },
    async list(brandId) {
      return (await store.list(brandId)).map(publicJob);
    },
    async preview(brandId, importId) {
      const job = await store.load(brandId, importId);
      if (!job) return undefined;
      const { rows } = await inspect(store.sourceFile(brandId, importId));
      return { job: publicJob(job), rows, suggested_mapping: suggestMapping(job.kind, job.headers) };
    },
    async errorReport(brandId, importId) {
      const job = await store.load(brandId, importId);
      if (!job || job.status === 'uploaded' || job.status === 'skipped') return undefined;
      const file = store.errorsFile(brandId, importId);
      try {
        await stat(file);
        return file;
      } catch {
        return undefined;
      }
    },
    async cancel(brandId, importId, by) {
      const job = await mustLoad(brandId, importId);
      const key = runKey(brandId, importId);
      if (job.status === 'uploaded') {
        Object.assign(job, {
          status: 'cancelled',
          finished_at: nowIso(),
          message: `cancelled by ${by} before it started`,
        });
        await save(job);
        return publicJob(job);
      }
      const run = running.get(key);
      if (job.status !== 'running' || !run)
        throw new ImportRequestError(
          'conflict',
          `import ${importId} is ${job.status}: there is nothing to cancel`,
        );
      cancels.set(key, by);
      await run;
      return publicJob(await mustLoad(brandId, importId));
    },
    async resume() {
      for (const job of await store.all()) {
        if (job.status === 'running' && !running.has(runKey(job.brand_id, job.import_id))) launch(job);
      }
    },
    async settled(brandId, importId) {
      await running.get(runKey(brandId, importId));
    },
    async close() {
      closing = true;
      await Promise.all(running.values());
    },
  };
}

function emptyCheckpoint(): ImportCheckpoint {
  return { row: 1, errors_bytes: 0, rows_read: 0, rows_imported: 0, events_published: 0, rows_rejected: 0 };
}

/** Fields in a fixed order, so two mappings that say the same thing compare equal. */
function canonicalMapping(mapping: ImportMapping): ImportMapping {
  return Object.fromEntries(Object.entries(mapping).sort(([a], [b]) => a.localeCompare(b)));
}

/** The name as shown: no folders, no control characters, at most 200 characters. */
function cleanFileName(name: string): string {
  const base = name.split(/[/\\]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 200);
  return clean === '' ? 'upload.csv' : clean;
}
