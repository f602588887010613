// Drives a running Signalroom with demo traffic:
//
//   npx tsx ingest/demo/cli.ts --url http://localhost:3000 --brands brands.json --rate 50 --seconds 30 [--seed 7]
//
// brands.json is an array of { brand_id, write_key, shopify_secret, catalog? }; the output of
// `npm run brand -- create` (webhook_secrets.shopify instead of shopify_secret) works as well.
// Prints progress every second and the final counts as JSON; exits 1 if anything was refused or left unsent.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { CATALOG_NAMES } from './catalog';
import type { DemoBrand } from './traffic';
import { createDemoTraffic } from './traffic';

const brandEntrySchema = z
  .object({
    brand_id: z.string(),
    write_key: z.string(),
    shopify_secret: z.string().optional(),
    webhook_secrets: z.object({ shopify: z.string() }).partial().optional(),
    catalog: z.enum(CATALOG_NAMES).optional(),
  })
  .transform((entry, ctx): DemoBrand => {
    const secret = entry.shopify_secret ?? entry.webhook_secrets?.shopify;
    if (secret === undefined) {
      ctx.addIssue({ code: 'custom', message: `brand ${entry.brand_id} has no shopify_secret` });
      return z.NEVER;
    }
    const brand: DemoBrand = { brand_id: entry.brand_id, write_key: entry.write_key, shopify_secret: secret };
    return entry.catalog ? { ...brand, catalog: entry.catalog } : brand;
  });

const argsSchema = z.object({
  url: z.url({ protocol: /^https?$/ }),
  brands: z.string().min(1),
  rate: z.coerce.number().positive(),
  seconds: z.coerce.number().positive(),
  seed: z.coerce.number().int().optional(),
});

const USAGE =
  'usage: cli.ts --url <base url> --brands <json file> --rate <events/s> --seconds <n> [--seed <int>]';

function parseArgs(argv: readonly string[]): z.infer<typeof argsSchema> {
  const raw: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const match = /^--(url|brands|rate|seconds|seed)(?:=(.*))?$/.exec(arg);
    if (!match) throw new Error(`unknown argument "${arg}"\n${USAGE}`);
    const value = match[2] ?? argv[++i];
    if (value === undefined) throw new Error(`--${match[1]} needs a value\n${USAGE}`);
    raw[match[1]!] = value;
  }
  const parsed = argsSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${z.prettifyError(parsed.error)}\n${USAGE}`);
  return parsed.data;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const brands = z
    .array(brandEntrySchema)
    .min(1)
    .parse(JSON.parse(await readFile(args.brands, 'utf8')));
  const demo = createDemoTraffic({
    baseUrl: args.url,
    brands,
    ratePerSecond: args.rate,
    ...(args.seed === undefined ? {} : { seed: args.seed }),
    onError: (error) => console.error(error instanceof Error ? error.message : error),
  });
  console.log(
    `demo traffic: ${brands.length} brand(s), ${args.rate}/s for ${args.seconds}s, seed ${demo.seed}`,
  );

  const progress = setInterval(() => {
    const { sent, accepted, failed, pending } = demo.stats();
    console.log(`sent ${sent}  accepted ${accepted}  failed ${failed}  pending ${pending}`);
  }, 1000);
  demo.start();
  await new Promise<void>((resolve) => {
    const done = setTimeout(resolve, args.seconds * 1000);
    process.once('SIGINT', () => {
      clearTimeout(done);
      resolve();
    });
  });
  clearInterval(progress);
  await demo.stop();

  const stats = demo.stats();
  console.log(JSON.stringify({ seed: demo.seed, ...stats }, null, 2));
  return stats.failed > 0 || stats.pending > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  },
);
