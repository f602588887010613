// Configuration, parsed once at the entry point and passed down. Nothing below
// the composition root reads `process.env`.
import { z } from 'zod';

export const ROLES = ['ingest', 'processor', 'dashboard', 'all'] as const;
export type Role = (typeof ROLES)[number];

const envSchema = z.object({
  // 0 asks the OS for a free port (tests).
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  /** Public base URL printed at start and used in links; defaults to http://localhost:PORT. */
  PUBLIC_URL: z.url().optional(),
  BUS: z.enum(['inprocess']).default('inprocess'),
  WAREHOUSE: z.enum(['duckdb']).default('duckdb'),
  /** Secret that signs dashboard sessions; generated into DATA_DIR when unset. */
  SESSION_SECRET: z.string().min(32, 'SESSION_SECRET must be at least 32 characters').optional(),
  /** Largest number of bus messages the processor handles in one batch. */
  PROCESSOR_BATCH_SIZE: z.coerce.number().int().min(1).max(100_000).default(500),
  /** Events per second in the demo traffic generator, across all brands. */
  DEMO_RATE: z.coerce.number().positive().max(10_000).default(20),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

const argsSchema = z.object({
  role: z.enum(ROLES).default('all'),
  demo: z.boolean().default(false),
});

export type Config = z.infer<typeof envSchema> & z.infer<typeof argsSchema> & { publicUrl: string };

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses `--role <r>`, `--role=<r>` and `--demo`; anything else is an error. */
export function parseArgs(argv: readonly string[]): z.infer<typeof argsSchema> {
  const raw: { role?: string; demo?: boolean } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--demo') raw.demo = true;
    else if (arg === '--role') raw.role = argv[++i];
    else if (arg.startsWith('--role=')) raw.role = arg.slice('--role='.length);
    else throw new ConfigError(`unknown argument "${arg}" (expected --role <${ROLES.join('|')}> or --demo)`);
  }
  const parsed = argsSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(describe(parsed.error, 'argument'));
  return parsed.data;
}

/** Reads the whole configuration; throws a `ConfigError` naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined>, argv: readonly string[]): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(describe(parsed.error, 'environment variable'));
  const args = parseArgs(argv);
  const publicUrl = (parsed.data.PUBLIC_URL ?? `http://localhost:${parsed.data.PORT}`).replace(/\/$/, '');
  return { ...parsed.data, ...args, publicUrl };
}

function describe(error: z.ZodError, what: string): string {
  const lines = error.issues.map(
    (issue) => `  ${what} ${issue.path.join('.') || '(root)'}: ${issue.message}`,
  );
  return `invalid configuration:\n${lines.join('\n')}`;
}
