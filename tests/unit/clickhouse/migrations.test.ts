import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { addedColumn, loadMigrations, splitStatements } from '../../../clickhouse/migrations';

describe('splitStatements', () => {
  it('splits at ; at the end of a line and drops comment lines', () => {
    const text = `-- header; with a semicolon\nCREATE TABLE a (x String) ENGINE = MergeTree ORDER BY x;\n\n  -- note\nCREATE TABLE b (y String) ENGINE = MergeTree ORDER BY y;  \n`;
    expect(splitStatements(text)).toEqual([
      'CREATE TABLE a (x String) ENGINE = MergeTree ORDER BY x',
      'CREATE TABLE b (y String) ENGINE = MergeTree ORDER BY y',
    ]);
  });

  it("keeps a ';' inside a line as part of the statement", () => {
    expect(splitStatements(`SELECT 'a;b';`)).toEqual([`SELECT 'a;b'`]);
  });
});

describe('loadMigrations', () => {
  it('loads the shipped migrations in order, each idempotent', async () => {
    const migrations = await loadMigrations();
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
    for (const migration of migrations) {
      for (const statement of migration.statements) {
        // CREATE … IF NOT EXISTS, or one ADD COLUMN the migrator tolerates re-running.
        if (addedColumn(statement.text) !== null) continue;
        expect(statement.text).toMatch(/^CREATE (TABLE|DATABASE) IF NOT EXISTS /);
      }
    }
    const tables = migrations.flatMap((m) =>
      m.statements.map((s) => /IF NOT EXISTS (\w+)/.exec(s.text)?.[1]),
    );
    expect(migrations.flatMap((m) => m.statements.map((s) => addedColumn(s.text)))).toContain('own');
    expect(tables).toEqual(
      expect.arrayContaining(['events', 'profiles', 'identity_links', 'kpi_minute', 'processor_checkpoints']),
    );
  });

  it('refuses a gap, a duplicate number or a badly named file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'signalroom-migrations-'));
    const url = pathToFileURL(`${dir}/`);
    try {
      await writeFile(join(dir, '001_first.sql'), 'SELECT 1;\n');
      await writeFile(join(dir, '003_third.sql'), 'SELECT 3;\n');
      await expect(loadMigrations(url)).rejects.toThrow(/expected number 2/);
      await rm(join(dir, '003_third.sql'));
      await writeFile(join(dir, '001_again.sql'), 'SELECT 1;\n');
      await expect(loadMigrations(url)).rejects.toThrow(/expected number 2/);
      await rm(join(dir, '001_again.sql'));
      await writeFile(join(dir, '2_bad name.sql'), 'SELECT 2;\n');
      await expect(loadMigrations(url)).rejects.toThrow(/NNN_name\.sql/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
