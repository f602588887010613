// Numbered migrations: clickhouse/migrations/NNN_name.sql, applied in order
// and recorded in schema_migrations. Only ever append a new file; never edit
// one that has shipped. Every statement is idempotent (IF NOT EXISTS), so a
// crash between applying a file and recording it, or two processes migrating
// at once, is harmless: the file runs again to the same result.
//
// One exception to IF NOT EXISTS: 18.16 has no `ADD COLUMN IF NOT EXISTS`
// (a syntax error there). So a statement that adds one column, alone
// (`ALTER TABLE t ADD COLUMN c …`), counts as applied when the server
// answers that the column already exists; see alreadyApplied below.
import { readdir, readFile } from 'node:fs/promises';
import type { Connection } from './connection';
import { ClickHouseQueryError } from './errors';
import { migrationQueries } from './queries';
import { raw, type SqlFragment } from './sql';

export interface Migration {
  version: number;
  name: string;
  statements: SqlFragment[];
}

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);
const FILE_NAME = /^(\d{3})_([a-z0-9_]+)\.sql$/;

/** A file's statements: each ends with ';' at the end of a line; `--` comment lines are dropped. */
export function splitStatements(sqlText: string): string[] {
  const withoutComments = sqlText
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n');
  return withoutComments
    .split(/;[ \t]*(?:\n|$)/)
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0);
}

/** Every migration file, in version order; a gap or a duplicate number is an error. */
export async function loadMigrations(dir: URL = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((file) => file.endsWith('.sql')).sort();
  const migrations: Migration[] = [];
  for (const file of files) {
    const match = FILE_NAME.exec(file);
    if (!match) throw new Error(`migration file name must be NNN_name.sql: ${file}`);
    const version = Number(match[1]);
    if (version !== migrations.length + 1) {
      throw new Error(`migration ${file}: expected number ${migrations.length + 1}`);
    }
    const text = await readFile(new URL(file, dir), 'utf8');
    // Migration files are part of the program, not data: their text is SQL as written.
    migrations.push({ version, name: match[2]!, statements: splitStatements(text).map(raw) });
  }
  return migrations;
}

const ADD_ONE_COLUMN = /^ALTER\s+TABLE\s+[`\w.]+\s+ADD\s+COLUMN\s+`?(\w+)`?\s+[^,;]+$/i;

/** The column a statement adds, when adding that one column is all it does; else null. */
export function addedColumn(statement: string): string | null {
  return ADD_ONE_COLUMN.exec(statement.trim())?.[1] ?? null;
}

/**
 * How a server says column `column` already exists: current releases with
 * code 15 (DUPLICATE_COLUMN), 18.16 with code 44 (ILLEGAL_COLUMN, which also
 * covers unrelated refusals, hence the message too). Both say "Cannot add
 * column c: column with this name already exists", current ones with c
 * backquoted. The pattern is also Python's (tests/sql-compat checks it on
 * current ClickHouse; the ClickHouse contract re-migrates on 18.16).
 */
export function duplicateColumnError(column: string): { codes: readonly number[]; pattern: string } {
  // `column` is a plain word (ADD_ONE_COLUMN): nothing in it needs escaping.
  return {
    codes: [15, 44],
    pattern: `Cannot add column \`?${column}\`?: column with this name already exists`,
  };
}

/**
 * Whether `error` means `statement` had already been applied: a lone ADD
 * COLUMN refused only because that column exists. Anything else (another
 * error, a statement doing more than that) fails the migration as before.
 */
export function alreadyApplied(statement: SqlFragment, error: unknown): boolean {
  const column = addedColumn(statement.text);
  if (column === null || !(error instanceof ClickHouseQueryError)) return false;
  const duplicate = duplicateColumnError(column);
  return duplicate.codes.includes(error.code) && new RegExp(duplicate.pattern).test(error.message);
}

/** Applies the migrations this database has not recorded yet. The database must exist. */
export async function migrate(db: Connection, migrations: readonly Migration[], now: () => string) {
  await db.run(migrationQueries.createMigrationsTable(), 'create schema_migrations');
  const applied = new Set(
    (await db.rows(migrationQueries.appliedMigrations(), 'read schema_migrations')).map((row) =>
      Number(row.version),
    ),
  );
  for (const migration of migrations) {
    if (applied.has(migration.version)) continue;
    for (const statement of migration.statements) {
      try {
        await db.run(statement, `migration ${migration.version}_${migration.name}`);
      } catch (error) {
        if (!alreadyApplied(statement, error)) throw error;
      }
    }
    await db.run(
      migrationQueries.recordMigration(migration.version, migration.name, now()),
      'record migration',
    );
  }
}
