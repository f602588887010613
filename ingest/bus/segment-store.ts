// A topic partition's messages on disk: numbered segment files in one folder,
// `<base offset, 20 digits>.log`, each holding consecutive records
// (record-codec.ts). Only the newest segment is written to; older ones are
// deleted whole once every consumer group has committed past them.
import { mkdir, open, readdir, readFile, truncate, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeRecords, encodeRecords } from './record-codec';
import type { OutgoingMessage } from './types';

export interface SegmentStoreOptions {
  dir: string;
  /** Start a new segment once the active one holds this many bytes... */
  segmentBytes: number;
  /** ...or this many messages. */
  segmentMessages: number;
  /** Offset of the first segment when the folder is empty. */
  emptyStart: number;
}

export interface SegmentStore {
  /** Appends after the last stored message; resolves once the bytes are on disk (fdatasync). */
  append(messages: readonly OutgoingMessage[]): Promise<void>;
  /** Deletes the segments that end at or before `offset` (never the active one); returns the new start. */
  deleteBefore(offset: number): Promise<number>;
  close(): Promise<void>;
}

export interface OpenedSegmentStore {
  store: SegmentStore;
  /** Offset of the first recovered message. */
  start: number;
  /** Every message still on disk, in offset order. */
  messages: OutgoingMessage[];
}

interface Segment {
  base: number;
  count: number;
  bytes: number;
}

const SEGMENT_NAME = /^(\d{20})\.log$/;

function segmentPath(dir: string, base: number): string {
  return join(dir, `${String(base).padStart(20, '0')}.log`);
}

/** Makes a created or deleted file name durable, not only the file's bytes. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function writeAll(handle: FileHandle, data: Buffer): Promise<void> {
  let written = 0;
  while (written < data.length) {
    const { bytesWritten } = await handle.write(data, written, data.length - written);
    written += bytesWritten;
  }
}

export async function openSegmentStore(options: SegmentStoreOptions): Promise<OpenedSegmentStore> {
  const { dir } = options;
  await mkdir(dir, { recursive: true });
  const bases = (await readdir(dir))
    .map((name) => SEGMENT_NAME.exec(name)?.[1])
    .filter((base): base is string => base !== undefined)
    .map(Number)
    .sort((a, b) => a - b);

  const segments: Segment[] = [];
  const messages: OutgoingMessage[] = [];
  for (const base of bases) {
    const previous = segments.at(-1);
    if (previous && previous.base + previous.count !== base) {
      throw new Error(
        `bus segment ${segmentPath(dir, base)} starts at offset ${base}, expected ${previous.base + previous.count}`,
      );
    }
    const path = segmentPath(dir, base);
    const data = await readFile(path);
    const decoded = decodeRecords(data);
    // A crash mid-write leaves a torn record at the tail; it was never acknowledged, so cut it off.
    if (decoded.validBytes < data.length) await truncate(path, decoded.validBytes);
    for (const message of decoded.messages) messages.push(message);
    segments.push({ base, count: decoded.messages.length, bytes: decoded.validBytes });
  }
  if (segments.length === 0) {
    segments.push({ base: options.emptyStart, count: 0, bytes: 0 });
  }

  const first = segments[0] as Segment;
  let active = segments.at(-1) as Segment;
  let handle = await open(segmentPath(dir, active.base), 'a');
  if (bases.length === 0) await syncDirectory(dir);
  let deleting: Promise<unknown> = Promise.resolve();
  /** Set when a failed write could not be undone: appending after it would corrupt the segment. */
  let broken: unknown;

  async function roll(): Promise<void> {
    const base = active.base + active.count;
    const next = await open(segmentPath(dir, base), 'a');
    await syncDirectory(dir);
    await handle.close();
    handle = next;
    active = { base, count: 0, bytes: 0 };
    segments.push(active);
  }

  const store: SegmentStore = {
    async append(batch) {
      if (broken !== undefined) throw broken;
      if (batch.length === 0) return;
      const full = active.count >= options.segmentMessages || active.bytes >= options.segmentBytes;
      if (full && active.count > 0) await roll();
      const data = encodeRecords(batch);
      try {
        await writeAll(handle, data);
        await handle.datasync();
      } catch (error) {
        // Cut back to the last acknowledged byte so a retry does not follow a half-written record.
        try {
          await handle.truncate(active.bytes);
        } catch (truncateError) {
          broken = new AggregateError(
            [error, truncateError],
            'bus segment write failed and could not be undone',
          );
          throw broken;
        }
        throw error;
      }
      active.count += batch.length;
      active.bytes += data.length;
    },
    deleteBefore(offset) {
      const run = deleting.then(async () => {
        while (segments.length > 1 && (segments[1] as Segment).base <= offset) {
          await unlink(segmentPath(dir, (segments[0] as Segment).base));
          segments.shift();
        }
        return (segments[0] as Segment).base;
      });
      deleting = run.catch(() => undefined);
      return run;
    },
    async close() {
      await deleting;
      await handle.close();
    },
  };
  return { store, start: first.base, messages };
}
