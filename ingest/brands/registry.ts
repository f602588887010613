// The brand registry: brands, their credentials and settings, backed by the
// brands file. Another process (the `brand` CLI while the server runs) may
// rewrite the file; every access checks the file's stamp at most once per
// second and re-reads it when it changed, so new brands work without a restart.
import {
  BrandsFileError,
  readBrandsFile,
  readBrandsFileSync,
  sameStamp,
  stampOf,
  writeBrandsFile,
  type BrandsFile,
  type FileStamp,
  type StoredBrand,
} from './brands-file';
import { alertSettingsSchema } from '../../src/lib/shared/alert-rules';
import { adminUsername, hashKey, newPassword, newReadKey, newWebhookSecrets, newWriteKey } from './keys';
import { hashPassword, verifyPassword } from './password';
import {
  brandIdSchema,
  brandSettingsSchema,
  type Brand,
  type BrandCredentials,
  type BrandRegistry,
  type WebhookSource,
} from './types';

export { hashKey } from './keys';
export { BrandsFileError } from './brands-file';

export class BrandRegistryError extends Error {
  override name = 'BrandRegistryError';
  constructor(
    readonly code: 'invalid_brand_id' | 'duplicate_brand_id' | 'unknown_brand' | 'invalid_alert_settings',
    message: string,
  ) {
    super(message);
  }
}

export interface BrandRegistryOptions {
  file: string;
  /** Stamps `created_at`. The re-check below runs on real elapsed time, so a frozen test clock cannot stop it. */
  clock?: () => Date;
  /** How often, at most, an access checks whether the file changed; default 1000 ms. */
  recheckIntervalMs?: number;
  /**
   * Called when a changed file cannot be read (e.g. hand-edited into invalid
   * JSON). The registry keeps serving the last good contents and tries again
   * on the next check; the default writes the error to stderr.
   */
  onReloadError?: (error: Error) => void;
}

/** Lookup tables built from one version of the file; replaced whole on reload. */
interface Index {
  byId: Map<string, StoredBrand>;
  /** SHA-256 of the key → brand: the hash is the map key, so no key is ever compared in clear. */
  byWriteKeyHash: Map<string, StoredBrand>;
  byReadKeyHash: Map<string, StoredBrand>;
  byUsername: Map<string, { brand: StoredBrand; passwordScrypt: string }>;
}

function indexOf(contents: BrandsFile): Index {
  const index: Index = {
    byId: new Map(),
    byWriteKeyHash: new Map(),
    byReadKeyHash: new Map(),
    byUsername: new Map(),
  };
  for (const brand of contents.brands) {
    index.byId.set(brand.brand_id, brand);
    index.byWriteKeyHash.set(brand.write_key_sha256, brand);
    index.byReadKeyHash.set(brand.read_key_sha256, brand);
    for (const user of brand.users)
      index.byUsername.set(user.username, { brand, passwordScrypt: user.password_scrypt });
  }
  return index;
}

function publicBrand(stored: StoredBrand): Brand {
  return {
    brand_id: stored.brand_id,
    name: stored.name,
    created_at: stored.created_at,
    settings: stored.settings,
  };
}

export async function createBrandRegistry(options: BrandRegistryOptions): Promise<BrandRegistry> {
  const { file } = options;
  const clock = options.clock ?? (() => new Date());
  const onReloadError =
    options.onReloadError ?? ((error: Error) => process.stderr.write(`brand registry: ${error.message}\n`));

  let contents = await readBrandsFile(file);
  let stamp: FileStamp | undefined = stampOf(file);
  let index = indexOf(contents);
  const recheckIntervalMs = options.recheckIntervalMs ?? 1000;
  let lastCheckMs = performance.now();
  // A password check for an unknown user still costs one scrypt, so timing does not reveal which users exist.
  const decoyHash = hashPassword(newPassword());

  function install(next: BrandsFile, nextStamp: FileStamp | undefined): void {
    contents = next;
    stamp = nextStamp;
    index = indexOf(next);
    lastCheckMs = performance.now();
  }

  function refresh(): Index {
    const now = performance.now();
    if (now - lastCheckMs < recheckIntervalMs) return index;
    lastCheckMs = now;
    try {
      const current = stampOf(file);
      if (!sameStamp(current, stamp)) install(readBrandsFileSync(file), current);
    } catch (error) {
      onReloadError(error instanceof Error ? error : new BrandsFileError(String(error)));
    }
    return index;
  }

  return {
    get: (brandId) => {
      const stored = refresh().byId.get(brandId);
      return stored && publicBrand(stored);
    },
    list: () => [...refresh().byId.values()].map(publicBrand),
    byWriteKey: (writeKey) => {
      const stored = refresh().byWriteKeyHash.get(hashKey(writeKey));
      return stored && publicBrand(stored);
    },
    byReadKey: (readKey) => {
      const stored = refresh().byReadKeyHash.get(hashKey(readKey));
      return stored && publicBrand(stored);
    },
    webhookSecret: (brandId, source: WebhookSource) => refresh().byId.get(brandId)?.webhook_secrets[source],
    verifyUser: async (username, password) => {
      const user = refresh().byUsername.get(username);
      if (!user) {
        await verifyPassword(password, await decoyHash);
        return undefined;
      }
      return (await verifyPassword(password, user.passwordScrypt)) ? publicBrand(user.brand) : undefined;
    },
    create: async (brandId, name, settings) => {
      const id = brandIdSchema.safeParse(brandId);
      if (!id.success)
        throw new BrandRegistryError(
          'invalid_brand_id',
          `invalid brand id "${brandId}": ${id.error.issues[0]?.message}`,
        );
      // Re-read first (ignoring the once-a-second throttle) so a brand another process just added is kept.
      // Two processes creating at the same instant could still race; creation is an operator's manual step.
      const latestStamp = stampOf(file);
      install(await readBrandsFile(file), latestStamp);
      if (index.byId.has(brandId))
        throw new BrandRegistryError('duplicate_brand_id', `brand "${brandId}" already exists`);

      const credentials: BrandCredentials = {
        brand_id: brandId,
        write_key: newWriteKey(),
        read_key: newReadKey(),
        webhook_secrets: newWebhookSecrets(),
        dashboard_user: { username: adminUsername(brandId), password: newPassword() },
      };
      const stored: StoredBrand = {
        brand_id: brandId,
        name: name?.trim() || brandId,
        created_at: clock().toISOString(),
        settings: brandSettingsSchema.parse(settings ?? {}),
        write_key_sha256: hashKey(credentials.write_key),
        read_key_sha256: hashKey(credentials.read_key),
        webhook_secrets: credentials.webhook_secrets,
        users: [
          {
            username: credentials.dashboard_user.username,
            password_scrypt: await hashPassword(credentials.dashboard_user.password),
          },
        ],
      };
      const next: BrandsFile = { version: 1, brands: [...contents.brands, stored] };
      await writeBrandsFile(file, next);
      install(next, stampOf(file));
      return credentials;
    },
    updateAlertSettings: async (brandId, settings) => {
      const parsed = alertSettingsSchema.safeParse(settings);
      if (!parsed.success) {
        const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
        throw new BrandRegistryError(
          'invalid_alert_settings',
          `invalid alert settings: ${problems.join('; ')}`,
        );
      }
      // Re-read first, as create does, so what another process just wrote is kept.
      install(await readBrandsFile(file), stampOf(file));
      const current = index.byId.get(brandId);
      if (!current) throw new BrandRegistryError('unknown_brand', `no brand "${brandId}"`);
      const updated: StoredBrand = { ...current, settings: { ...current.settings, alerts: parsed.data } };
      const next: BrandsFile = {
        version: 1,
        brands: contents.brands.map((brand) => (brand.brand_id === brandId ? updated : brand)),
      };
      await writeBrandsFile(file, next);
      install(next, stampOf(file));
    },
  };
}
