// Errors at the HTTP edge. Handlers throw `IngestError(status, code, message)`;
// the one `onError` below turns it (and Hono's own HTTPException, and the bus
// being down) into `{ "error": { "code", "message" } }`.
import type { Context, ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { BusUnavailableError } from '../bus/types';

/** Seconds a client should wait before retrying when the bus is down. */
export const RETRY_AFTER_SECONDS = 5;

export class IngestError extends HTTPException {
  override name = 'IngestError';
  constructor(
    status: ContentfulStatusCode,
    /** Machine-readable, stable: clients and rejected events carry it. */
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(status, { message });
  }
}

export interface ErrorBody {
  error: { code: string; message: string };
}

export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}

const CODE_BY_STATUS: Partial<Record<number, string>> = {
  400: 'bad_request',
  401: 'unauthorized',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

export function notFound(c: Context): Response {
  return c.json(errorBody('not_found', `no route for ${c.req.method} ${c.req.path}`), 404);
}

/**
 * The one error handler. Anything that is not an HTTP error is a bug: the
 * client gets a 500 without details and `reportError` gets the error.
 */
export function createErrorHandler(reportError: (error: unknown) => void): ErrorHandler {
  return (error, c) => {
    if (error instanceof IngestError) {
      return c.json(errorBody(error.code, error.message), error.status, error.headers);
    }
    if (error instanceof BusUnavailableError) {
      return c.json(
        errorBody('bus_unavailable', `events cannot be stored right now; retry in ${RETRY_AFTER_SECONDS} s`),
        503,
        { 'Retry-After': String(RETRY_AFTER_SECONDS) },
      );
    }
    if (error instanceof HTTPException) {
      return c.json(errorBody(CODE_BY_STATUS[error.status] ?? 'http_error', error.message), error.status);
    }
    reportError(error);
    return c.json(errorBody('internal_error', 'internal error'), 500);
  };
}
