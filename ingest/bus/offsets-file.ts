// Consumer groups' committed offsets of one topic, kept in `offsets.json`.
// Written to a temporary file, fsynced, then renamed over the old one, so a
// crash leaves either the old or the new offsets, never half of them.
import { open, readFile, rename } from 'node:fs/promises';

export async function readOffsets(path: string): Promise<Map<string, number>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw error;
  }
  const parsed: unknown = JSON.parse(text);
  const offsets = new Map<string, number>();
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`${path} is not a JSON object`);
  }
  for (const [group, offset] of Object.entries(parsed)) {
    if (!Number.isSafeInteger(offset) || offset < 0) {
      throw new Error(`${path}: bad offset for group ${group}`);
    }
    offsets.set(group, offset);
  }
  return offsets;
}

export async function writeOffsets(path: string, offsets: ReadonlyMap<string, number>): Promise<void> {
  const temporary = `${path}.tmp`;
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(JSON.stringify(Object.fromEntries(offsets)));
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, path);
}

/**
 * Serialises writes of a changing offsets map. Each call resolves once a write
 * that includes its change has finished; calls that pile up during a write
 * share the next one.
 */
export function createOffsetsWriter(path: string, offsets: ReadonlyMap<string, number>): () => Promise<void> {
  let requested = 0;
  let written = 0;
  let chain: Promise<void> = Promise.resolve();
  return () => {
    const ticket = ++requested;
    const run = chain.then(async () => {
      if (written >= ticket) return;
      const covers = requested;
      await writeOffsets(path, offsets);
      written = covers;
    });
    chain = run.catch(() => undefined);
    return run;
  };
}
