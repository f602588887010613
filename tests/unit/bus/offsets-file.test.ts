import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOffsetsWriter, readOffsets, writeOffsets } from '../../../ingest/bus/offsets-file';

describe('offsets file', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'signalroom-offsets-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips group offsets and reads a missing file as none', async () => {
    const path = join(dir, 'offsets.json');
    expect(await readOffsets(path)).toEqual(new Map());
    const offsets = new Map([
      ['processor', 42],
      ["group-'; --", 0],
    ]);
    await writeOffsets(path, offsets);
    expect(await readOffsets(path)).toEqual(offsets);
    // Written via a temporary file that is renamed away.
    expect(await readdir(dir)).toEqual(['offsets.json']);
  });

  it('refuses a file with offsets that are not whole non-negative numbers', async () => {
    const path = join(dir, 'offsets.json');
    await writeFile(path, JSON.stringify({ processor: -1 }));
    await expect(readOffsets(path)).rejects.toThrow(/bad offset for group processor/);
    await writeFile(path, JSON.stringify({ processor: '7' }));
    await expect(readOffsets(path)).rejects.toThrow(/bad offset/);
    await writeFile(path, '[1, 2]');
    await expect(readOffsets(path)).rejects.toThrow(/not a JSON object/);
    await writeFile(path, 'null');
    await expect(readOffsets(path)).rejects.toThrow(/not a JSON object/);
  });

  it('ends with the latest offsets when many commits write at once', async () => {
    const path = join(dir, 'offsets.json');
    const offsets = new Map<string, number>();
    const persist = createOffsetsWriter(path, offsets);
    const writes: Promise<void>[] = [];
    for (let offset = 1; offset <= 100; offset++) {
      offsets.set('processor', offset);
      writes.push(persist());
    }
    await Promise.all(writes);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ processor: 100 });
  });

  it('rejects the caller whose write failed and recovers on the next call', async () => {
    const path = join(dir, 'missing-folder', 'offsets.json');
    const offsets = new Map([['processor', 1]]);
    const persist = createOffsetsWriter(path, offsets);
    await expect(persist()).rejects.toMatchObject({ code: 'ENOENT' });
    const working = createOffsetsWriter(join(dir, 'offsets.json'), offsets);
    await working();
    expect(await readOffsets(join(dir, 'offsets.json'))).toEqual(offsets);
  });
});
