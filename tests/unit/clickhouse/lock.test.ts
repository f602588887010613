import { describe, expect, it } from 'vitest';
import { createReadWriteLock } from '../../../clickhouse/lock';

/** A promise the test resolves by hand, to hold a task open. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('createReadWriteLock', () => {
  it('lets reads run together, and makes a write wait for them and later reads wait for it', async () => {
    const lock = createReadWriteLock();
    const log: string[] = [];
    const first = gate();
    const read1 = lock.read(async () => {
      log.push('read1 start');
      await first.opened;
      log.push('read1 end');
    });
    const read2 = lock.read(async () => log.push('read2'));
    const write = lock.write(async () => log.push('write'));
    const read3 = lock.read(async () => log.push('read3'));
    await read2;
    expect(log).toEqual(['read1 start', 'read2']);
    first.open();
    await Promise.all([read1, write, read3]);
    expect(log).toEqual(['read1 start', 'read2', 'read1 end', 'write', 'read3']);
  });

  it('runs writes one at a time, and a failed task releases the lock', async () => {
    const lock = createReadWriteLock();
    const log: string[] = [];
    const failing = lock.write(async () => {
      log.push('write1');
      throw new Error('boom');
    });
    const second = lock.write(async () => log.push('write2'));
    const read = lock.read(async () => 'read');
    await expect(failing).rejects.toThrow('boom');
    await second;
    expect(await read).toBe('read');
    expect(log).toEqual(['write1', 'write2']);
  });
});
