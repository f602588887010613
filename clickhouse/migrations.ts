// Numbered migrations: clickhouse/migrations/NNN_name.sql, applied in order
// and recorded in schema_migrations. Only ever append a new file; never edit
// one that has shipped. Every statement is idempotent (IF NOT EXISTS), so a
// crash between applying a file and recording it, or two processes migrating
// at once, is harmless: the file runs again to the same result.
import { readdir, readFile } from 'node:fs/promises';
import type { Connection } from './connection';
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
      await db.run(statement, `migration ${migration.version}_${migration.name}`);
    }
    await db.run(
      migrationQueries.recordMigration(migration.version, migration.name, now()),
      'record migration',
    );
  }
}
