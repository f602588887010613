// Import jobs on disk, one folder each: DATA_DIR/imports/<brand>/<import id>/
//   source.csv   the uploaded file, as received
//   job.json     the job and its checkpoint, replaced atomically (write, fsync, rename)
//   errors.csv   the error report, appended as rows are refused
// The folder is per brand, and a brand's lookups never leave its own folder.
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImportJob } from '../../src/lib/shared/imports';

/** Where a running import can resume: everything up to `row` is done and in the report. */
export interface ImportCheckpoint {
  /** The last file line whose outcome (event published or row refused) is settled. */
  row: number;
  /** The report's length at that point; bytes after it are from rows that will be read again. */
  errors_bytes: number;
  /** The job's counters at that point. */
  rows_read: number;
  rows_imported: number;
  events_published: number;
  rows_rejected: number;
}

export interface StoredJob extends ImportJob {
  checkpoint: ImportCheckpoint;
}

const IMPORT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isImportId(value: string): boolean {
  return IMPORT_ID.test(value);
}

export interface JobStore {
  folder(brandId: string, importId: string): string;
  sourceFile(brandId: string, importId: string): string;
  errorsFile(brandId: string, importId: string): string;
  create(brandId: string, importId: string): Promise<void>;
  remove(brandId: string, importId: string): Promise<void>;
  save(job: StoredJob): Promise<void>;
  load(brandId: string, importId: string): Promise<StoredJob | undefined>;
  /** The brand's imports, newest first. */
  list(brandId: string): Promise<StoredJob[]>;
  /** Every brand's imports (to resume the running ones at start). */
  all(): Promise<StoredJob[]>;
}

export function createJobStore(root: string): JobStore {
  let saves = 0;
  const folder = (brandId: string, importId: string) => {
    // Brand ids are checked where brands are created; import ids here, since they come from URLs.
    if (!isImportId(importId)) throw new Error(`not an import id: ${importId}`);
    return join(root, brandId, importId);
  };
  const jobFile = (brandId: string, importId: string) => join(folder(brandId, importId), 'job.json');

  async function load(brandId: string, importId: string): Promise<StoredJob | undefined> {
    if (!isImportId(importId)) return undefined;
    try {
      return JSON.parse(await readFile(jobFile(brandId, importId), 'utf8')) as StoredJob;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async function list(brandId: string): Promise<StoredJob[]> {
    let names: string[];
    try {
      names = await readdir(join(root, brandId));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const jobs = await Promise.all(names.filter(isImportId).map((id) => load(brandId, id)));
    return jobs
      .filter((job): job is StoredJob => job !== undefined)
      .sort((a, b) => b.created_at.localeCompare(a.created_at));
  }

  return {
    folder,
    sourceFile: (brandId, importId) => join(folder(brandId, importId), 'source.csv'),
    errorsFile: (brandId, importId) => join(folder(brandId, importId), 'errors.csv'),
    async create(brandId, importId) {
      await mkdir(folder(brandId, importId), { recursive: true });
    },
    async remove(brandId, importId) {
      await rm(folder(brandId, importId), { recursive: true, force: true });
    },
    async save(job) {
      const file = jobFile(job.brand_id, job.import_id);
      // A temp name of its own, so two saves can never rename each other's file away.
      const temp = `${file}.${process.pid}.${++saves}.tmp`;
      const handle = await open(temp, 'w');
      try {
        await handle.writeFile(JSON.stringify(job));
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, file);
    },
    load,
    list,
    async all() {
      let brands: string[];
      try {
        brands = await readdir(root);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw error;
      }
      return (await Promise.all(brands.map(list))).flat();
    },
  };
}
