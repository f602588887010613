// One DuckDB connection used one task at a time. DuckDB connections are not
// meant for interleaved statements, and a reader must never see half a
// commit, so every call queues behind the previous one.
import {
  DuckDBDataChunkWriter,
  DuckDBInstance,
  type DuckDBConnection,
  type DuckDBPreparedStatement,
  type DuckDBValue,
  type JS,
} from '@duckdb/node-api';
import { WarehouseUnavailableError } from '../types';
import type { SqlParam } from './sql-params';

export type Row = Record<string, JS>;

export interface Session {
  run(sql: string, params?: readonly SqlParam[]): Promise<void>;
  rows(sql: string, params?: readonly SqlParam[]): Promise<Row[]>;
  /** Runs several statements without parameters (SQL constants only) in one call. */
  runScript(sql: string): Promise<void>;
  /** Bulk-appends rows (values in column order) to a temporary table of this connection. */
  appendToTemp(table: string, rows: readonly DuckDBValue[][]): Promise<void>;
}

export interface Database {
  /** Runs `work` with the connection to itself. */
  exclusive<T>(work: (session: Session) => Promise<T>): Promise<T>;
  /** Like `exclusive`, inside one transaction: all of it or, on any error, none. */
  transaction<T>(work: (session: Session) => Promise<T>): Promise<T>;
  /**
   * A SELECT streamed on a connection of its own (DuckDB's streaming result:
   * one data chunk fetched per batch taken), so a long read neither holds the
   * shared connection nor sees later commits. close() (or leaving the
   * iteration) ends it and the connection; close() of the database ends all.
   */
  stream(sql: string, params: readonly SqlParam[]): Promise<RowStream>;
  close(): Promise<void>;
}

export interface RowStream {
  rows: AsyncIterable<Row[]>;
  close(): void;
}

// DuckDB's error classes that mean the database, not the statement, is the problem.
const UNAVAILABLE =
  /^(IO Error|Connection Error|FATAL Error|Out of Memory Error|Interrupt Error)|connection disconnected|database has been invalidated/i;

function unavailable(error: unknown): WarehouseUnavailableError | undefined {
  if (error instanceof WarehouseUnavailableError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (!UNAVAILABLE.test(message)) return undefined;
  return new WarehouseUnavailableError(`DuckDB: ${message}`, { cause: error });
}

export async function openDatabase(path: string): Promise<Database> {
  let instance: DuckDBInstance;
  let connection: DuckDBConnection;
  try {
    instance = await DuckDBInstance.create(path);
    connection = await instance.connect();
  } catch (error) {
    throw (
      unavailable(error) ?? new WarehouseUnavailableError(`cannot open DuckDB at ${path}`, { cause: error })
    );
  }

  const prepared = new Map<string, DuckDBPreparedStatement>();
  // A prepared statement holds one set of bindings: two calls of the same SQL at once (Promise.all
  // over lookups) would each bind over the other between bind and run, and both read the later
  // call's rows. Binding and running are therefore one step, one call at a time per connection
  // (which runs one statement at a time anyway).
  let statementTail: Promise<unknown> = Promise.resolve();
  function serial<T>(work: () => Promise<T>): Promise<T> {
    const next = statementTail.then(work, work);
    statementTail = next.catch(() => undefined);
    return next;
  }
  async function statement(sql: string, params: readonly SqlParam[]): Promise<DuckDBPreparedStatement> {
    let ready = prepared.get(sql);
    if (!ready) {
      ready = await connection.prepare(sql);
      prepared.set(sql, ready);
    }
    ready.clearBindings();
    params.forEach((param, index) => ready.bindValue(index + 1, param.value, param.type));
    return ready;
  }

  const session: Session = {
    async run(sql, params = []) {
      await serial(async () => (await statement(sql, params)).run());
    },
    async rows(sql, params = []) {
      const reader = await serial(async () => (await statement(sql, params)).runAndReadAll());
      return reader.getRowObjectsJS();
    },
    async runScript(sql) {
      await connection.run(sql);
    },
    async appendToTemp(table, rows) {
      // The appender writes inside the connection's open transaction: a ROLLBACK drops these rows too.
      const appender = await connection.createAppender(table, 'main', 'temp');
      try {
        const writer = DuckDBDataChunkWriter.forAppender(appender);
        for (const row of rows) writer.appendRow(row);
        writer.flush();
      } finally {
        appender.closeSync();
      }
    },
  };

  let tail: Promise<unknown> = Promise.resolve();
  let closed = false;
  const streams = new Set<() => void>();

  async function stream(sql: string, params: readonly SqlParam[]): Promise<RowStream> {
    if (closed) throw new WarehouseUnavailableError('the warehouse is closed');
    let own: DuckDBConnection | undefined;
    let ready: DuckDBPreparedStatement | undefined;
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      streams.delete(end);
      ready?.destroySync();
      own?.closeSync();
    };
    streams.add(end);
    let chunks: AsyncIterableIterator<Row[]>;
    try {
      own = await instance.connect();
      ready = await own.prepare(sql);
      params.forEach((param, index) => ready?.bindValue(index + 1, param.value, param.type));
      chunks = (await ready.stream()).yieldRowObjectJs();
    } catch (error) {
      end();
      throw unavailable(error) ?? error;
    }
    async function* rows(): AsyncGenerator<Row[], void> {
      try {
        for (;;) {
          if (ended) throw new WarehouseUnavailableError('the warehouse closed during the read');
          let next: IteratorResult<Row[]>;
          try {
            next = await chunks.next();
          } catch (error) {
            throw unavailable(error) ?? error;
          }
          if (next.done) return;
          yield next.value;
        }
      } finally {
        end();
      }
    }
    return { rows: rows(), close: end };
  }

  function exclusive<T>(work: (session: Session) => Promise<T>): Promise<T> {
    const run = tail.then(async () => {
      if (closed) throw new WarehouseUnavailableError('the warehouse is closed');
      try {
        return await work(session);
      } catch (error) {
        throw unavailable(error) ?? error;
      }
    });
    tail = run.catch(() => undefined);
    return run;
  }

  return {
    exclusive,
    stream,
    transaction(work) {
      return exclusive(async (inner) => {
        await inner.run('BEGIN TRANSACTION');
        try {
          const result = await work(inner);
          await inner.run('COMMIT');
          return result;
        } catch (error) {
          // The original error says what went wrong; if ROLLBACK fails too, the
          // transaction is already gone (DuckDB aborts it on a failed COMMIT).
          await inner.run('ROLLBACK').catch(() => undefined);
          throw error;
        }
      });
    },
    async close() {
      if (closed) return;
      await exclusive(async () => {
        closed = true;
        for (const end of [...streams]) end();
        for (const ready of prepared.values()) ready.destroySync();
        prepared.clear();
        connection.closeSync();
        instance.closeSync();
      });
    },
  };
}
