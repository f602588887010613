// The demo brands a fresh install starts with, so a newcomer can log in at once.
// Their credentials are created through the registry like any brand's, and the
// clear-text copy is kept in DATA_DIR/demo-credentials.json (mode 0600) only so
// that every start can print the demo login again.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { BrandCredentials, BrandRegistry } from './brands/types';

// The generator's shoppers are in India and often write their phones in local
// form ("098765 43210"), so the brands' default country is IN.
export const DEMO_BRANDS = [
  { brand_id: 'demo-fashion', name: 'Demo Fashion Co.', catalog: 'fashion', country: 'IN' },
  { brand_id: 'demo-electronics', name: 'Demo Electronics', catalog: 'electronics', country: 'IN' },
] as const;

const credentialsFileSchema = z.array(
  z.object({
    brand_id: z.string(),
    write_key: z.string(),
    read_key: z.string(),
    webhook_secrets: z.object({ shopify: z.string(), woocommerce: z.string(), whatsapp: z.string() }),
    dashboard_user: z.object({ username: z.string(), password: z.string() }),
  }),
);

/**
 * Returns the demo brands' credentials, creating the brands on first use.
 * Returns [] when the operator already has brands of their own and no demo ones.
 */
export async function ensureDemoBrands(
  brands: BrandRegistry,
  dataDir: string,
  options: { createIfOthersExist: boolean },
): Promise<BrandCredentials[]> {
  const file = join(dataDir, 'demo-credentials.json');
  const saved = await readSaved(file);
  const missing = DEMO_BRANDS.filter(
    (demo) => !saved.some((entry) => entry.brand_id === demo.brand_id) && !brands.get(demo.brand_id),
  );
  const hasOwnBrands = brands
    .list()
    .some((brand) => !DEMO_BRANDS.some((demo) => demo.brand_id === brand.brand_id));
  if (missing.length === 0 || (hasOwnBrands && !options.createIfOthersExist)) {
    return saved.filter((entry) => brands.get(entry.brand_id));
  }
  const created: BrandCredentials[] = [];
  for (const demo of missing)
    created.push(await brands.create(demo.brand_id, demo.name, { default_country: demo.country }));
  const all = [...saved, ...created];
  await writeFile(file, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
  return all.filter((entry) => brands.get(entry.brand_id));
}

async function readSaved(file: string): Promise<BrandCredentials[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const parsed = credentialsFileSchema.safeParse(JSON.parse(text));
  if (!parsed.success)
    throw new Error(`${file} is not a valid demo credentials file: ${parsed.error.message}`);
  return parsed.data;
}
