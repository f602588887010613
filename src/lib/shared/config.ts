// Configuration, parsed once at the entry point and passed down. Nothing below
// the composition root reads `process.env`.
import { z } from 'zod';

export const ROLES = ['ingest', 'processor', 'dashboard', 'all'] as const;
export type Role = (typeof ROLES)[number];

const baseEnvSchema = z.object({
  // 0 asks the OS for a free port (tests).
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  /** Public base URL printed at start and used in links; defaults to http://localhost:PORT. */
  PUBLIC_URL: z.url().optional(),
  BUS: z.enum(['inprocess', 'kafka']).default('inprocess'),
  /** Comma-separated host:port list; required with BUS=kafka. */
  KAFKA_BROKERS: z
    .string()
    .regex(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, 'KAFKA_BROKERS must be host:port[,host:port...]')
    .optional(),
  /** Partitions of each topic when Signalroom creates it (brands spread across them). */
  KAFKA_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(12),
  KAFKA_CLIENT_ID: z.string().min(1).default('signalroom'),
  /**
   * Prepended to every topic and consumer-group name, so several deployments (or test
   * runs) can share one cluster without meeting. Kafka allows letters, digits, . _ -
   */
  KAFKA_TOPIC_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._-]*$/, 'KAFKA_TOPIC_PREFIX may hold only letters, digits, ".", "_" and "-"')
    .default(''),
  WAREHOUSE: z.enum(['duckdb', 'clickhouse']).default('duckdb'),
  /** ClickHouse HTTP interface, e.g. http://127.0.0.1:8123; required with WAREHOUSE=clickhouse. */
  CLICKHOUSE_URL: z.url().optional(),
  CLICKHOUSE_DATABASE: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'CLICKHOUSE_DATABASE must be a plain identifier')
    .default('signalroom'),
  CLICKHOUSE_USER: z.string().default('default'),
  CLICKHOUSE_PASSWORD: z.string().default(''),
  /** Secret that signs dashboard sessions; generated into DATA_DIR when unset. */
  SESSION_SECRET: z.string().min(32, 'SESSION_SECRET must be at least 32 characters').optional(),
  /** Largest number of bus messages the processor handles in one batch. */
  PROCESSOR_BATCH_SIZE: z.coerce.number().int().min(1).max(100_000).default(500),
  /** Events per second in the demo traffic generator, across all brands. */
  DEMO_RATE: z.coerce.number().positive().max(10_000).default(20),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

// Back-ends name what they need: a choice without its address is an error here,
// at start, not a connection failure later.
const envSchema = baseEnvSchema.superRefine((env, context) => {
  if (env.BUS === 'kafka' && !env.KAFKA_BROKERS)
    context.addIssue({ code: 'custom', path: ['KAFKA_BROKERS'], message: 'BUS=kafka needs KAFKA_BROKERS' });
  if (env.WAREHOUSE === 'clickhouse' && !env.CLICKHOUSE_URL)
    context.addIssue({
      code: 'custom',
      path: ['CLICKHOUSE_URL'],
      message: 'WAREHOUSE=clickhouse needs CLICKHOUSE_URL',
    });
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
  // Roles in separate processes share the bus and the warehouse, which the
  // embedded back-ends (in-process bus, DuckDB file) cannot be.
  if (args.role !== 'all' && parsed.data.BUS !== 'kafka')
    throw new ConfigError(
      `invalid configuration:\n  --role ${args.role} needs BUS=kafka (the in-process bus serves only --role all)`,
    );
  if (args.demo && args.role !== 'all')
    throw new ConfigError(
      'invalid configuration:\n  --demo runs with --role all; drive a split deployment with ingest/demo/cli.ts',
    );
  if ((args.role === 'processor' || args.role === 'dashboard') && parsed.data.WAREHOUSE !== 'clickhouse')
    throw new ConfigError(
      `invalid configuration:\n  --role ${args.role} needs WAREHOUSE=clickhouse (a DuckDB file belongs to one process)`,
    );
  const publicUrl = (parsed.data.PUBLIC_URL ?? `http://localhost:${parsed.data.PORT}`).replace(/\/$/, '');
  return { ...parsed.data, ...args, publicUrl };
}

function describe(error: z.ZodError, what: string): string {
  const lines = error.issues.map(
    (issue) => `  ${what} ${issue.path.join('.') || '(root)'}: ${issue.message}`,
  );
  return `invalid configuration:\n${lines.join('\n')}`;
}
