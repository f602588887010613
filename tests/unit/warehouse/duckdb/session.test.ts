// One DuckDB connection, many lookups at once: each call of a shared prepared statement gets its
// own parameters' rows (they once raced between bind and run, and answered with the last call's).
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../../../ingest/warehouse/duckdb/session';
import { varchar } from '../../../../ingest/warehouse/duckdb/sql-params';

let db: Database | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
});

describe('DuckDB session', () => {
  it('answers concurrent calls of the same statement each with its own rows', async () => {
    db = await openDatabase(':memory:');
    const ids = Array.from({ length: 40 }, (_, i) => `id-${i}`);
    const rows = await db.exclusive(async (session) => {
      await session.runScript('CREATE TABLE t (id VARCHAR, n INTEGER)');
      for (const [n, id] of ids.entries())
        await session.run('INSERT INTO t VALUES ($1, $2)', [varchar(id), varchar(String(n))]);
      const select = 'SELECT id, n FROM t WHERE id = $1';
      await session.rows(select, [varchar('warm')]); // prepared once and cached, as in a running warehouse
      return Promise.all(ids.map((id) => session.rows(select, [varchar(id)])));
    });
    expect(rows.map((found) => found.map((row) => row.id))).toEqual(ids.map((id) => [id]));
  });

  it('keeps going after a failed call: the next calls still run, with their own parameters', async () => {
    db = await openDatabase(':memory:');
    const results = await db.exclusive(async (session) => {
      await session.runScript('CREATE TABLE t (id VARCHAR)');
      await session.run('INSERT INTO t VALUES ($1)', [varchar('a')]);
      return Promise.allSettled([
        session.rows('SELECT * FROM missing_table'),
        session.rows('SELECT id FROM t WHERE id = $1', [varchar('a')]),
      ]);
    });
    expect(results[0]!.status).toBe('rejected');
    expect(results[1]).toEqual({ status: 'fulfilled', value: [{ id: 'a' }] });
  });
});
