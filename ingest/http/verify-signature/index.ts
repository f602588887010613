// Webhook signature verification as a middleware factory, shared by every
// signed source (Shopify now; WooCommerce's X-WC-Webhook-Signature has the
// same shape, Meta's X-Hub-Signature-256 adds a "sha256=" prefix).
//
// The HMAC is computed over the RAW body bytes — re-serialized JSON would
// differ — so this middleware reads the body (under a size cap) and hands it
// to the handler as `c.var.rawBody`. Comparison is constant-time on equal-length
// buffers of the encoded digests, so no lenient base64 decoding can widen a match.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { readCappedBody } from '../body/read-capped';
import type { IngestEnv } from '../context';
import { IngestError } from '../errors';

export type SignatureEncoding = 'base64' | 'hex';

export interface VerifySignatureOptions {
  /** Request header carrying the signature, e.g. `x-shopify-hmac-sha256`. */
  header: string;
  encoding: SignatureEncoding;
  /** Text before the digest in the header, e.g. `sha256=`. */
  prefix?: string;
  /** The secret to verify with; undefined means nothing can verify. */
  secret: (c: Context<IngestEnv>) => string | undefined;
  /** Largest body accepted, in bytes. */
  maxBytes: number;
  /** Called with the error and whatever body was read, before the error is thrown (e.g. to record a rejection). */
  onFailure?: (c: Context<IngestEnv>, error: IngestError, payload: Uint8Array) => Promise<void>;
}

/** The signature a sender with `secret` puts on `body`: HMAC-SHA256, encoded. */
export function computeSignature(
  body: Uint8Array | string,
  secret: string,
  encoding: SignatureEncoding,
): string {
  return createHmac('sha256', secret).update(body).digest(encoding);
}

export function signatureMatches(
  received: string,
  body: Uint8Array,
  secret: string,
  encoding: SignatureEncoding,
): boolean {
  const expected = Buffer.from(computeSignature(body, secret, encoding), 'utf8');
  const actual = Buffer.from(received, 'utf8');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

export function verifySignature(options: VerifySignatureOptions): MiddlewareHandler<IngestEnv> {
  const prefix = options.prefix ?? '';
  return async (c, next) => {
    const fail = async (error: IngestError, payload: Uint8Array): Promise<never> => {
      await options.onFailure?.(c, error, payload);
      throw error;
    };

    const body = await readCappedBody(c.req.raw, options.maxBytes);
    if (!body.ok) {
      return fail(
        new IngestError(413, 'payload_too_large', `body exceeds the ${options.maxBytes}-byte limit`),
        body.head,
      );
    }
    const header = c.req.header(options.header);
    const secret = options.secret(c);
    if (!header) {
      return fail(new IngestError(401, 'invalid_signature', `missing ${options.header} header`), body.bytes);
    }
    const digest = header.startsWith(prefix) ? header.slice(prefix.length).trim() : '';
    if (!secret || !signatureMatches(digest, body.bytes, secret, options.encoding)) {
      return fail(
        new IngestError(401, 'invalid_signature', `${options.header} does not match the body`),
        body.bytes,
      );
    }
    c.set('rawBody', body.bytes);
    await next();
  };
}
