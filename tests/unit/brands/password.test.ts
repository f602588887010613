import { describe, expect, it } from 'vitest';
import { hashPassword, isPasswordHash, verifyPassword } from '../../../ingest/brands/password';

describe('scrypt passwords', () => {
  it('verifies the password it hashed and nothing else', async () => {
    const stored = await hashPassword('correct horse');
    expect(isPasswordHash(stored)).toBe(true);
    expect(await verifyPassword('correct horse', stored)).toBe(true);
    expect(await verifyPassword('correct horsE', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('salts every hash, so equal passwords store differently', async () => {
    const [a, b] = await Promise.all([hashPassword('same'), hashPassword('same')]);
    expect(a).not.toBe(b);
    expect(await verifyPassword('same', a)).toBe(true);
    expect(await verifyPassword('same', b)).toBe(true);
  });

  it('reads the cost parameters from the stored string', async () => {
    const stored = await hashPassword('pw');
    const cheaper = stored.replace('N=16384', 'N=1024');
    // Same salt and hash under other parameters derive another key: no match, no crash.
    expect(await verifyPassword('pw', cheaper)).toBe(false);
  });

  it('never matches a malformed or truncated stored hash', async () => {
    const stored = await hashPassword('pw');
    for (const bad of ['', 'pw', 'scrypt$', stored.slice(0, -10), stored.replace('scrypt', 'bcrypt')]) {
      expect(await verifyPassword('pw', bad), bad).toBe(false);
    }
  });
});
