// One HTTP client to one database. Statements are built with clickhouse/sql.ts
// and sent as text; results come back as JSONEachRow (a format 18.16 and
// current servers both speak). The client adds no settings of its own to a
// request beyond query_id and database, which 18.16 accepts; compression is
// left off, so no `enable_http_compression` either.
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { classifyError } from './errors';
import type { SqlFragment } from './sql';

export type Row = Record<string, unknown>;

export interface ConnectionOptions {
  url: string;
  /** Omitted: the server's default database. */
  database?: string;
  username?: string;
  password?: string;
  /** Per request; a slower answer is a WarehouseUnavailableError. */
  requestTimeoutMs?: number;
}

export interface Connection {
  /** A statement without a result (DDL, INSERT … VALUES). */
  run(statement: SqlFragment, what: string): Promise<void>;
  /** A SELECT; `FORMAT JSONEachRow` is appended by the client. */
  rows(query: SqlFragment, what: string): Promise<Row[]>;
  /**
   * A SELECT whose rows are read as the server sends them: resolves once the
   * answer has begun (the server has chosen its parts), then yields the rows
   * in the batches they arrive in. The socket is read only as fast as the
   * batches are taken; close() (or leaving the iteration) drops it, which
   * stops the query.
   */
  stream(query: SqlFragment, what: string): Promise<RowStream>;
  close(): Promise<void>;
}

export interface RowStream {
  rows: AsyncIterable<Row[]>;
  close(): void;
}

export function openConnection(options: ConnectionOptions): Connection {
  const client: ClickHouseClient = createClient({
    url: options.url,
    ...(options.database === undefined ? {} : { database: options.database }),
    username: options.username ?? 'default',
    password: options.password ?? '',
    request_timeout: options.requestTimeoutMs ?? 30_000,
    compression: { request: false, response: false },
    // Failures reach the caller as typed errors; the client's own console logging would only repeat them.
    log: { level: ClickHouseLogLevel.OFF },
  });

  return {
    async run(statement, what) {
      try {
        await client.command({ query: statement.text });
      } catch (error) {
        throw classifyError(error, what);
      }
    },
    async rows(query, what) {
      try {
        const result = await client.query({ query: query.text, format: 'JSONEachRow' });
        return await result.json<Row>();
      } catch (error) {
        throw classifyError(error, what);
      }
    },
    async stream(query, what) {
      let result;
      try {
        result = await client.query({ query: query.text, format: 'JSONEachRow' });
      } catch (error) {
        throw classifyError(error, what);
      }
      const source = result.stream<Row>();
      async function* rows(): AsyncGenerator<Row[], void> {
        try {
          for await (const batch of source) yield batch.map((row) => row.json());
        } catch (error) {
          throw classifyError(error, what);
        } finally {
          source.destroy();
        }
      }
      return { rows: rows(), close: () => source.destroy() };
    },
    close: () => client.close(),
  };
}
