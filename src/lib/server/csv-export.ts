// What every CSV download of the dashboard shares: rows written with formula-looking
// text neutralized, a stream that reads one warehouse keyset page (csvPageStream) or one
// chunk of a streamed query (csvChunkStream) per pull, and a file name safe in a
// Content-Disposition header.
//
// Cells hold the brand's customers' own text, so a cell that a spreadsheet would run as
// a formula (starting with = + - @, a tab or a carriage return, or their full-width
// forms) is prefixed with a single quote (OWASP "CSV Injection"); csv-stringify's
// `escape_formulas` does it.
import { stringify } from 'csv-stringify/sync';

export type CsvCell = string | number | null;

/** CSV lines (CRLF) for the records in the columns' order; with the header row when asked. */
export function csvLines<C extends string>(
  records: readonly Record<C, CsvCell>[],
  columns: readonly C[],
  header: boolean,
): string {
  return stringify(records as Record<C, CsvCell>[], {
    header,
    columns: [...columns],
    escape_formulas: true,
    record_delimiter: '\r\n',
  });
}

/** One keyset page: its rows and the cursor of the next page, null on the last. */
export interface CsvPage<T> {
  rows: T[];
  next: string | null;
}

/**
 * A byte stream of pages: `read(null)` first, then `read(next)` until a page says it is the
 * last; `write(rows, first)` turns each page into CSV text (the header with the first). The
 * first page is read before the stream is returned, so a warehouse that cannot answer fails
 * the request (an error status) rather than a download cut short; a later failure errors the
 * stream. A download the client abandons stops reading at the next page.
 */
export async function csvPageStream<T>(
  read: (cursor: string | null) => Promise<CsvPage<T>>,
  write: (rows: readonly T[], first: boolean) => string,
): Promise<ReadableStream<Uint8Array>> {
  const encoder = new TextEncoder();
  let page: CsvPage<T> | null = await read(null);
  let first = true;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (page === null) {
          controller.close();
          return;
        }
        const current = page;
        controller.enqueue(encoder.encode(write(current.rows, first)));
        first = false;
        page = current.next === null ? null : await read(current.next);
      },
    },
    // One page at a time: the next is read only once the client has taken this one.
    { highWaterMark: 0 },
  );
}

/**
 * A byte stream of chunks as a warehouse stream yields them: `write(rows, first)` turns each
 * chunk into CSV text (the header with the first). As csvPageStream: the first chunk is read
 * before the stream is returned (a warehouse that cannot answer fails the request), a later
 * failure errors the stream, and the next chunk is read only when the client pulls, so a slow
 * client holds one chunk, not the result. A download the client abandons ends the iteration
 * (`return()`), which stops the warehouse query.
 */
export async function csvChunkStream<T>(
  chunks: AsyncIterable<T[]>,
  write: (rows: readonly T[], first: boolean) => string,
): Promise<ReadableStream<Uint8Array>> {
  const encoder = new TextEncoder();
  const iterator = chunks[Symbol.asyncIterator]();
  const stop = async () => {
    await iterator.return?.();
  };
  let ready: IteratorResult<T[]> | null = await iterator.next();
  let first = true;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let next: IteratorResult<T[]>;
        try {
          next = ready ?? (await iterator.next());
        } catch (error) {
          controller.error(error);
          return;
        }
        ready = null;
        if (next.done) {
          // The header alone when nothing matched.
          if (first) controller.enqueue(encoder.encode(write([], true)));
          controller.close();
          return;
        }
        controller.enqueue(encoder.encode(write(next.value, first)));
        first = false;
      },
      cancel: stop,
    },
    { highWaterMark: 0 },
  );
}

/** "<parts joined by ->-<date>.csv", characters outside [A-Za-z0-9._-] replaced, at most 120 before .csv. */
export function csvFileName(parts: readonly string[], now: Date): string {
  const name = [...parts, now.toISOString().slice(0, 10)]
    .join('-')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .slice(0, 120);
  return `${name}.csv`;
}

/** The headers of a CSV download named `fileName`. */
export function csvHeaders(fileName: string): Record<string, string> {
  return {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="${fileName}"`,
    'cache-control': 'no-store',
  };
}
