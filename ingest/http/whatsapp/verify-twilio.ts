// X-Twilio-Signature verification as a middleware factory. Unlike the HMAC
// over the raw body (verify-signature/), Twilio signs the URL it was
// configured with plus the decoded form parameters, so this middleware reads
// the body under a cap, insists on a form, parses it strictly, and hands the
// handler both the raw bytes (`rawBody`) and the verified parameters
// (`twilioParams`). Every refusal goes to `onFailure` first, with what was read.
import type { Context, MiddlewareHandler } from 'hono';
import { readCappedBody } from '../body/read-capped';
import type { IngestEnv } from '../context';
import { IngestError } from '../errors';
import { parseFormBody, type FormParams } from './form';
import { twilioSignatureMatches } from './twilio-signature';

export interface WhatsAppEnv extends IngestEnv {
  Variables: IngestEnv['Variables'] & {
    /** The form parameters the signature covers. */
    twilioParams: FormParams;
  };
}

export interface VerifyTwilioOptions {
  /** Largest body accepted, in bytes. */
  maxBytes: number;
  /** The brand's Twilio auth token; undefined means nothing can verify. */
  authToken: (c: Context<WhatsAppEnv>) => string | undefined;
  /** The URL Twilio was configured with for this request: Twilio signs that, not the URL this server sees. */
  signedUrl: (c: Context<WhatsAppEnv>) => string;
  /** Called with the error and whatever body was read, before the error is thrown (e.g. to record a rejection). */
  onFailure?: (c: Context<WhatsAppEnv>, error: IngestError, payload: Uint8Array) => Promise<void>;
}

const FORM = 'application/x-www-form-urlencoded';

function isForm(contentType: string | undefined): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === FORM;
}

export function verifyTwilioSignature(options: VerifyTwilioOptions): MiddlewareHandler<WhatsAppEnv> {
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
    const contentType = c.req.header('content-type');
    if (!isForm(contentType)) {
      return fail(
        new IngestError(
          415,
          'unsupported_media_type',
          `expected ${FORM}, got ${contentType || 'no content type'}`,
        ),
        body.bytes,
      );
    }
    const form = parseFormBody(body.bytes);
    if (!form.ok) return fail(new IngestError(400, 'invalid_form', form.message), body.bytes);

    const header = c.req.header('x-twilio-signature');
    if (!header) {
      return fail(new IngestError(401, 'invalid_signature', 'missing X-Twilio-Signature header'), body.bytes);
    }
    const token = options.authToken(c);
    const url = options.signedUrl(c);
    if (!token || !twilioSignatureMatches(header.trim(), token, url, form.params)) {
      // The URL is named: behind a proxy, a PUBLIC_URL that differs from the one set in Twilio is the usual cause.
      return fail(
        new IngestError(
          401,
          'invalid_signature',
          `X-Twilio-Signature does not match the parameters signed for ${url}`,
        ),
        body.bytes,
      );
    }
    c.set('rawBody', body.bytes);
    c.set('twilioParams', form.params);
    await next();
  };
}
