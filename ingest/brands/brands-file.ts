// The brands file (DATA_DIR/brands.json): its schema, and reading and writing
// it. Writes are atomic (temp file + rename) so a reader in another process
// sees the old file or the new one, never half of one.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { brandIdSchema, brandSettingsSchema, WEBHOOK_SOURCES } from './types';
import { isPasswordHash } from './password';

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'expected a SHA-256 hex digest');

export const storedBrandSchema = z.object({
  brand_id: brandIdSchema,
  name: z.string().min(1),
  created_at: z.iso.datetime(),
  settings: brandSettingsSchema.default(brandSettingsSchema.parse({})),
  write_key_sha256: sha256Hex,
  read_key_sha256: sha256Hex,
  // Stored in clear on purpose: verifying a webhook means computing an HMAC
  // with the secret itself, so a hash of it would be useless. The file is 0600.
  webhook_secrets: z.object(
    Object.fromEntries(WEBHOOK_SOURCES.map((source) => [source, z.string().min(16)])) as Record<
      (typeof WEBHOOK_SOURCES)[number],
      z.ZodString
    >,
  ),
  users: z
    .array(
      z.object({
        username: z.string().min(1),
        password_scrypt: z.string().refine(isPasswordHash, 'expected scrypt$N=..,r=..,p=..$salt$hash'),
      }),
    )
    .min(1),
});
export type StoredBrand = z.infer<typeof storedBrandSchema>;

export const brandsFileSchema = z
  .object({ version: z.literal(1), brands: z.array(storedBrandSchema) })
  .superRefine((file, ctx) => {
    const ids = new Set<string>();
    const usernames = new Set<string>();
    file.brands.forEach((brand, i) => {
      if (ids.has(brand.brand_id))
        ctx.addIssue({ code: 'custom', path: ['brands', i, 'brand_id'], message: 'duplicate brand id' });
      ids.add(brand.brand_id);
      brand.users.forEach((user, j) => {
        if (usernames.has(user.username))
          ctx.addIssue({
            code: 'custom',
            path: ['brands', i, 'users', j, 'username'],
            message: 'username already used by another user (usernames are unique across brands)',
          });
        usernames.add(user.username);
      });
    });
  });
export type BrandsFile = z.infer<typeof brandsFileSchema>;

export class BrandsFileError extends Error {
  override name = 'BrandsFileError';
}

/** Identity of the file on disk: a rename gives a new inode, an edit a new mtime or size. */
export interface FileStamp {
  ino: number;
  mtimeMs: number;
  size: number;
}

export function stampOf(file: string): FileStamp | undefined {
  if (!existsSync(file)) return undefined;
  const { ino, mtimeMs, size } = statSync(file);
  return { ino, mtimeMs, size };
}

export function sameStamp(a: FileStamp | undefined, b: FileStamp | undefined): boolean {
  return a?.ino === b?.ino && a?.mtimeMs === b?.mtimeMs && a?.size === b?.size;
}

/** Parses the file's text; the error names the file and every bad field. */
export function parseBrandsFile(file: string, text: string): BrandsFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new BrandsFileError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = brandsFileSchema.safeParse(json);
  if (!parsed.success) {
    const fields = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new BrandsFileError(`${file}: invalid brands file: ${fields.join('; ')}`);
  }
  return parsed.data;
}

const EMPTY: BrandsFile = { version: 1, brands: [] };

/** Reads synchronously (the registry re-reads on access, from sync getters). A missing file is empty. */
export function readBrandsFileSync(file: string): BrandsFile {
  if (!existsSync(file)) return EMPTY;
  return parseBrandsFile(file, readFileSync(file, 'utf8'));
}

export async function readBrandsFile(file: string): Promise<BrandsFile> {
  if (!existsSync(file)) return EMPTY;
  return parseBrandsFile(file, await readFile(file, 'utf8'));
}

/** Writes to a temp file beside the target (same file system), fsyncs, then renames over it. */
export async function writeBrandsFile(file: string, contents: BrandsFile): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(JSON.stringify(contents, null, 2) + '\n', 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
