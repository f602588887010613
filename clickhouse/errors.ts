// Turns what @clickhouse/client throws into the warehouse's two kinds of
// failure: WarehouseUnavailableError (retriable: the server is down, slow or
// overloaded) and ClickHouseQueryError (a statement the server refused, with
// its numeric code; retrying the same statement cannot help).
//
// The client parses only the current error text ("Code: 62. DB::Exception:
// … (SYNTAX_ERROR)"); 18.16 answers "Code: 62, e.displayText() = DB::Exception:
// …", so the code is read from the message here, for both forms.
import { WarehouseUnavailableError } from '../ingest/warehouse/types';

export class ClickHouseQueryError extends Error {
  override name = 'ClickHouseQueryError';
  readonly retriable = false;
  constructor(
    /** ClickHouse's error code, e.g. 62 for a syntax error, 60 for an unknown table. */
    readonly code: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Server codes that describe the server's state, not the statement:
 * https://github.com/ClickHouse/ClickHouse/blob/master/src/Common/ErrorCodes.cpp
 */
const RETRIABLE_CODES: ReadonlyMap<number, string> = new Map([
  [3, 'UNEXPECTED_END_OF_FILE'],
  [32, 'ATTEMPT_TO_READ_AFTER_EOF'],
  [159, 'TIMEOUT_EXCEEDED'],
  [160, 'TOO_SLOW'],
  [164, 'READONLY'],
  [202, 'TOO_MANY_SIMULTANEOUS_QUERIES'],
  [203, 'NO_FREE_CONNECTION'],
  [209, 'SOCKET_TIMEOUT'],
  [210, 'NETWORK_ERROR'],
  [236, 'ABORTED'],
  [241, 'MEMORY_LIMIT_EXCEEDED'],
  [242, 'TABLE_IS_READ_ONLY'],
  [252, 'TOO_MANY_PARTS'],
  [319, 'UNKNOWN_STATUS_OF_INSERT'],
  [394, 'QUERY_WAS_CANCELLED'],
  [425, 'SYSTEM_ERROR'],
]);

/** Node socket errors that mean the server could not be reached or dropped us. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
]);

const SERVER_CODE = /\bCode: (\d+)[.,]/;

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

/**
 * What a failed client call means. `what` names the operation for the
 * message ("insert into events", "read profiles").
 */
export function classifyError(error: unknown, what: string): Error {
  if (error instanceof WarehouseUnavailableError || error instanceof ClickHouseQueryError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const serverCode = SERVER_CODE.exec(message)?.[1];
  if (serverCode !== undefined) {
    const code = Number(serverCode);
    const retriable = RETRIABLE_CODES.get(code);
    if (retriable !== undefined) {
      return new WarehouseUnavailableError(`ClickHouse ${retriable} during ${what}: ${message}`, {
        cause: error,
      });
    }
    return new ClickHouseQueryError(code, `ClickHouse refused ${what} (code ${code}): ${message}`, {
      cause: error,
    });
  }
  const network = errorCode(error);
  if (network !== undefined && NETWORK_CODES.has(network)) {
    return new WarehouseUnavailableError(`ClickHouse unreachable during ${what}: ${message}`, {
      cause: error,
    });
  }
  if (/timeout|socket hang up|aborted/i.test(message)) {
    return new WarehouseUnavailableError(`ClickHouse timed out during ${what}: ${message}`, { cause: error });
  }
  // The client rejects with a bare Error when an HTTP answer failed without a
  // ClickHouse error body: a proxy's 502/503, an HTML page. Treat it as the
  // server being unavailable; it is not a statement the server understood.
  if (error instanceof Error && !(error instanceof TypeError) && !(error instanceof RangeError)) {
    return new WarehouseUnavailableError(`ClickHouse failed during ${what}: ${message}`, { cause: error });
  }
  return error instanceof Error ? error : new Error(message);
}
