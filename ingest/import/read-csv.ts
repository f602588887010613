// A CSV file as a stream of rows, parsed by csv-parse (RFC 4180 quoting,
// quoted newlines, a BOM) with backpressure: memory holds one chunk and one
// record, whatever the file's size. A record larger than MAX_RECORD_BYTES (an
// unclosed quote swallowing the rest of the file) stops the read with an error
// naming its line.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { CsvError, parse } from 'csv-parse';

export const MAX_RECORD_BYTES = 1024 * 1024;
const DELIMITERS = [',', ';', '\t', '|'] as const;

export interface CsvRow {
  /** The line of the file the row ends on; the header is line 1. */
  row: number;
  cells: string[];
  /** Bytes of the file parsed so far. */
  bytes: number;
}

/** The file cannot be read as CSV; `line` is where the parser stopped. */
export class CsvFileError extends Error {
  constructor(
    message: string,
    readonly line: number | null,
  ) {
    super(message);
    this.name = 'CsvFileError';
  }
}

/** The separator of the header line: the candidate found most often outside quotes (comma on a tie). */
export function sniffDelimiter(headerLine: string): string {
  const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const char of headerLine) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && counts.has(char)) counts.set(char, counts.get(char)! + 1);
  }
  let best = ',';
  for (const [delimiter, count] of counts) if (count > counts.get(best)!) best = delimiter;
  return best;
}

/** The file's first line (up to 64 KB), without its line break and BOM. */
export async function readFirstLine(file: string): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const text = buffer
      .subarray(0, bytesRead)
      .toString('utf8')
      .replace(/^\uFEFF/, '');
    const end = text.search(/\r?\n/);
    return end === -1 ? text : text.slice(0, end);
  } finally {
    await handle.close();
  }
}

/** Every record of the file, the header first (row 1). Empty lines are skipped. */
export async function* readCsv(file: string, delimiter: string): AsyncGenerator<CsvRow> {
  const parser = createReadStream(file).pipe(
    parse({
      bom: true,
      delimiter,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      max_record_size: MAX_RECORD_BYTES,
    }),
  );
  try {
    for await (const chunk of parser as AsyncIterable<{
      record: string[];
      info: { lines: number; bytes: number };
    }>) {
      yield { row: chunk.info.lines, cells: chunk.record, bytes: chunk.info.bytes };
    }
  } catch (error) {
    if (error instanceof CsvError) {
      const line = typeof error['lines'] === 'number' ? error['lines'] : null;
      throw new CsvFileError(csvProblem(error, line), line);
    }
    throw error;
  } finally {
    parser.destroy();
  }
}

function csvProblem(error: CsvError, line: number | null): string {
  const at = line === null ? '' : ` at line ${line}`;
  switch (error.code) {
    case 'CSV_MAX_RECORD_SIZE':
      return `a row${at} is larger than ${MAX_RECORD_BYTES / 1024} KB: is a quote left open?`;
    case 'CSV_QUOTE_NOT_CLOSED':
      // csv-parse names the line it stopped on, the file's end, not the one the quote opened on.
      return `a quote is never closed: the file ends inside a quoted cell${at}`;
    case 'CSV_INVALID_CLOSING_QUOTE':
      return `a quoted cell${at} has text after its closing quote (write "" for a quote inside a cell)`;
    default:
      return `the file is not valid CSV${at}: ${error.message}`;
  }
}
