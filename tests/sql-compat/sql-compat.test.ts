// SQL compatibility: every migration and query of clickhouse/ must run on
// both ClickHouse versions we support. The contract test covers Debian's
// 18.16 server; this runs the same statements (exported by export-sql.ts)
// on current ClickHouse through chdb (PyPI), installed by setup.sh into
// .cache/venv on first use.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompatStatement } from './statements';

const root = resolve(import.meta.dirname, '../..');
const here = resolve(root, 'tests/sql-compat');

function run(command: string, args: string[], timeoutMs: number) {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', timeout: timeoutMs });
  const output = `$ ${command} ${args.join(' ')}\n${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}`;
  return { status: result.status, stdout: result.stdout ?? '', output };
}

/** SQL outside its string literals (sample values may contain anything). */
function withoutLiterals(sql: string): string {
  return sql.replace(/'(?:\\[\s\S]|[^'\\])*'/g, "''");
}

/** What 18.16 lacks or what we chose not to depend on (DESIGN.md, "Warehouse tables"). */
const FORBIDDEN: readonly [RegExp, string][] = [
  [/\bLowCardinality\b/i, 'LowCardinality'],
  [/\bDateTime64\b/i, 'DateTime64'],
  [/\{\s*\w+\s*:\s*\w+/, 'server-side query parameter {name:Type}'],
  [/\bOVER\s*\(/i, 'window function'],
  [/\bWITH\s+RECURSIVE\b/i, 'recursive CTE'],
  [/\bMergeTree\s*\(\s*\w+\s*,/i, 'old MergeTree(date, key, granularity) syntax'],
  [/\bPREWHERE\b/i, 'PREWHERE (applies before FINAL)'],
];

describe('ClickHouse SQL compatibility (current ClickHouse via chdb)', () => {
  let dir: string;
  let file: string;
  let statements: CompatStatement[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'signalroom-sql-compat-'));
    file = join(dir, 'statements.json');
    const exported = run('npx', ['tsx', join(here, 'export-sql.ts'), file], 120_000);
    expect(exported.status, exported.output).toBe(0);
    statements = (JSON.parse(await readFile(file, 'utf8')) as { statements: CompatStatement[] }).statements;
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('exports migrations, inserts and queries', () => {
    const names = statements.map((s) => s.name);
    expect(names.some((n) => n.startsWith('migration 1_'))).toBe(true);
    expect(names.some((n) => n.includes('insert into processor_checkpoints'))).toBe(true);
    expect(names.some((n) => n.startsWith('query recentEvents'))).toBe(true);
  });

  it('uses nothing Debian’s ClickHouse 18.16 lacks', () => {
    const offending = statements.flatMap((s) =>
      FORBIDDEN.filter(([pattern]) => pattern.test(withoutLiterals(s.sql))).map(
        ([, what]) => `${s.name}: ${what}`,
      ),
    );
    expect(offending).toEqual([]);
  });

  it('runs every statement on current ClickHouse, with the expected rows', () => {
    const setup = run('bash', [join(here, 'setup.sh')], 900_000);
    expect(setup.status, `chdb setup failed:\n${setup.output}`).toBe(0);
    const python = setup.stdout.trim().split('\n').at(-1)!;
    const check = run(python, [join(here, 'check.py'), file], 300_000);
    // On failure the output names the statement, its SQL and ClickHouse's error.
    expect(check.status, check.output).toBe(0);
    expect(check.stdout).toMatch(new RegExp(`checked ${statements.length} statements on ClickHouse \\d+\\.`));
    // Each re-run ADD COLUMN failed as the migrator expects, so its pattern matches what this server says.
    const reAdded = statements.filter((s) => s.already_applied_error).length;
    expect(reAdded).toBeGreaterThan(0);
    expect(check.stdout).toContain(`(${reAdded} already applied)`);
  }, 1_200_000);
});
