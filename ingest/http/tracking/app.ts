// The Segment-compatible tracking API: POST /v1/{track,identify,page,screen,alias,group,batch},
// and analytics.js's short paths /v1/{t,i,p,s,a,g,b} for the same, with CORS (browser.ts).
// Limits are Segment's: 32 KB per call, 500 KB per batch request.
// Every call is answered only after the bus has it; a refused call from a
// known brand is published as a rejection first, so the brand sees it later.
import { Hono, type Context } from 'hono';
import type { RawEnvelope } from '../../../src/lib/shared/events';
import type { Brand } from '../../brands/types';
import { parseJsonBody, readCappedBody } from '../body/read-capped';
import type { IngestContext, IngestEnv } from '../context';
import { IngestError } from '../errors';
import { admit } from '../rate-limit';
import { eventEnvelope, rejectedEnvelope, truncatePayload } from '../raw-publisher';
import { SHORT_BATCH_PATH, SHORT_PATHS, trackingCors, trackingMediaType } from './browser';
import { mapSegmentCall } from './map-segment';
import { describeIssues } from '../zod-issues';
import {
  parseSegmentCall,
  SEGMENT_CALL_TYPES,
  segmentBatchSchema,
  type SegmentCall,
  type SegmentCallType,
} from './segment-schema';
import { writeKeyFromAuthorization, writeKeyFromBody } from '../../brands/write-key';

export const EVENT_MAX_BYTES = 32 * 1024;
export const BATCH_MAX_BYTES = 500 * 1024;

const WWW_AUTHENTICATE = { 'WWW-Authenticate': 'Basic realm="signalroom tracking API"' };

interface Limit {
  maxBytes: number;
  code: 'event_too_large' | 'batch_too_large';
  what: string;
}
const SINGLE_LIMIT: Limit = { maxBytes: EVENT_MAX_BYTES, code: 'event_too_large', what: 'an event' };
const BATCH_LIMIT: Limit = { maxBytes: BATCH_MAX_BYTES, code: 'batch_too_large', what: 'a batch request' };

interface Received {
  brand: Brand;
  body: unknown;
  bytes: Uint8Array;
  receivedAt: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Authenticates, checks the content type and size, and parses the body.
 * The brand comes from the write key only — a `brand_id` in the body means nothing.
 */
async function receive(c: Context<IngestEnv>, ctx: IngestContext, limit: Limit): Promise<Received> {
  const receivedAt = ctx.clock().toISOString();
  const fromHeader = writeKeyFromAuthorization(c.req.header('authorization'));
  if (fromHeader.kind === 'malformed')
    throw new IngestError(401, 'invalid_write_key', fromHeader.message, WWW_AUTHENTICATE);
  let brand = fromHeader.kind === 'present' ? ctx.brands.byWriteKey(fromHeader.writeKey) : undefined;
  if (fromHeader.kind === 'present' && !brand) {
    throw new IngestError(401, 'invalid_write_key', 'the write key is not known', WWW_AUTHENTICATE);
  }
  // Once the brand is known, refusals are kept for it; before that there is no one to show them to.
  const refuse = async (error: IngestError, payload: Uint8Array): Promise<never> => {
    if (!brand) throw error;
    return ctx.publisher.rejectRequest({
      brandId: brand.brand_id,
      source: 'track',
      receivedAt,
      error,
      payload,
    });
  };

  const mediaType = trackingMediaType(c.req.header('content-type'));
  if (mediaType === 'other') {
    return refuse(
      new IngestError(
        415,
        'unsupported_media_type',
        'Content-Type must be application/json (or text/plain carrying JSON, as analytics.js sends)',
      ),
      new Uint8Array(),
    );
  }
  const read = await readCappedBody(c.req.raw, limit.maxBytes);
  if (!read.ok) {
    return refuse(
      new IngestError(413, limit.code, `${limit.what} may be at most ${limit.maxBytes / 1024} KB`),
      read.head,
    );
  }
  const json = parseJsonBody(read.bytes);
  if (!json.ok) {
    if (!brand) {
      throw new IngestError(
        401,
        'missing_write_key',
        `no write key: send it as the HTTP Basic user (${json.message}, so no writeKey could be read from it)`,
        WWW_AUTHENTICATE,
      );
    }
    const message =
      mediaType === 'text' ? `${json.message} (a text/plain body is read as JSON)` : json.message;
    return refuse(new IngestError(400, 'invalid_json', message), read.bytes);
  }

  const bodyKey = writeKeyFromBody(json.value);
  if (!brand) {
    if (bodyKey === undefined) {
      throw new IngestError(
        401,
        'missing_write_key',
        'no write key: send it as the HTTP Basic user or as "writeKey" in the body',
        WWW_AUTHENTICATE,
      );
    }
    brand = ctx.brands.byWriteKey(bodyKey);
    if (!brand)
      throw new IngestError(401, 'invalid_write_key', 'the write key is not known', WWW_AUTHENTICATE);
  } else if (bodyKey !== undefined && fromHeader.kind === 'present' && bodyKey !== fromHeader.writeKey) {
    throw new IngestError(
      401,
      'invalid_write_key',
      'the writeKey in the body differs from the one in the Authorization header',
      WWW_AUTHENTICATE,
    );
  }
  return { brand, body: json.value, bytes: read.bytes, receivedAt };
}

/** What a batch request would publish: one message per item (event or rejection), or one rejection. */
function batchCost(body: unknown): number {
  const items = isObject(body) ? body.batch : undefined;
  return Array.isArray(items) ? Math.max(1, items.length) : 1;
}

function toEvent(ctx: IngestContext, received: Received, call: SegmentCall) {
  return mapSegmentCall(call, {
    brand_id: received.brand.brand_id,
    event_id: ctx.newId(),
    received_at: received.receivedAt,
    fallback_source_event_id: ctx.newId(),
  });
}

type BatchItemOutcome = { ok: true; call: SegmentCall } | { ok: false; code: string; message: string };

function checkBatchItem(item: unknown, batchContext: Record<string, unknown> | undefined): BatchItemOutcome {
  if (!isObject(item)) return { ok: false, code: 'invalid_event', message: 'expected a JSON object' };
  const size = Buffer.byteLength(JSON.stringify(item), 'utf8');
  if (size > EVENT_MAX_BYTES) {
    return {
      ok: false,
      code: 'event_too_large',
      message: `an event may be at most ${EVENT_MAX_BYTES / 1024} KB`,
    };
  }
  const withContext =
    batchContext && (item.context === undefined || isObject(item.context))
      ? { ...item, context: { ...batchContext, ...(item.context as Record<string, unknown> | undefined) } }
      : item;
  const parsed = parseSegmentCall(withContext);
  return parsed.ok ? parsed : { ok: false, code: 'invalid_event', message: parsed.message };
}

export function createTrackingApp(ctx: IngestContext): Hono<IngestEnv> {
  const app = new Hono<IngestEnv>();
  // Per path, not `/*`: this app is mounted at /v1, where other sources (/v1/pos) live too.
  const browserCors = trackingCors();
  const paths = [
    ...SEGMENT_CALL_TYPES.flatMap((type) => [type, SHORT_PATHS[type]]),
    'batch',
    'import',
    SHORT_BATCH_PATH,
  ];
  for (const path of paths) app.use(`/${path}`, browserCors);

  const single = (type: SegmentCallType) => async (c: Context<IngestEnv>) => {
    const received = await receive(c, ctx, SINGLE_LIMIT);
    admit(ctx.rateLimiter, received.brand, 1);
    const brandId = received.brand.brand_id;
    const refuse = (message: string) =>
      ctx.publisher.rejectRequest({
        brandId,
        source: 'track',
        receivedAt: received.receivedAt,
        error: new IngestError(400, 'invalid_event', message),
        payload: received.bytes,
      });
    if (!isObject(received.body)) return refuse('(root): expected a JSON object');
    // The path says what the call is; a `type` in the body is ignored, as Segment does.
    const parsed = parseSegmentCall({ ...received.body, type });
    if (!parsed.ok) return refuse(parsed.message);
    await ctx.publisher.publish(brandId, [eventEnvelope(toEvent(ctx, received, parsed.call))]);
    return c.json({ success: true });
  };
  for (const type of SEGMENT_CALL_TYPES) {
    app.post(`/${type}`, single(type));
    app.post(`/${SHORT_PATHS[type]}`, single(type));
  }

  const batch = async (c: Context<IngestEnv>) => {
    const received = await receive(c, ctx, BATCH_LIMIT);
    // Checked for the whole batch before anything of it is published: never half a batch.
    admit(ctx.rateLimiter, received.brand, batchCost(received.body));
    const brandId = received.brand.brand_id;
    const parsed = segmentBatchSchema.safeParse(received.body);
    if (!parsed.success) {
      return ctx.publisher.rejectRequest({
        brandId,
        source: 'track',
        receivedAt: received.receivedAt,
        error: new IngestError(400, 'invalid_event', describeIssues(parsed.error)),
        payload: received.bytes,
      });
    }
    // Valid calls are accepted and invalid ones reported one by one; all of
    // them (events and rejections) go to the bus in one publish, in order.
    const envelopes: RawEnvelope[] = [];
    const rejected: { index: number; code: string; message: string }[] = [];
    parsed.data.batch.forEach((item, index) => {
      const outcome = checkBatchItem(item, parsed.data.context ?? undefined);
      if (outcome.ok) {
        envelopes.push(eventEnvelope(toEvent(ctx, received, outcome.call)));
        return;
      }
      rejected.push({ index, code: outcome.code, message: outcome.message });
      envelopes.push(
        rejectedEnvelope({
          brand_id: brandId,
          rejection_id: ctx.newId(),
          source: 'track',
          received_at: received.receivedAt,
          reason: outcome.code,
          detail: `batch[${index}]: ${outcome.message}`,
          payload: truncatePayload(JSON.stringify(item) ?? ''),
        }),
      );
    });
    await ctx.publisher.publish(brandId, envelopes);
    const accepted = parsed.data.batch.length - rejected.length;
    return c.json({ success: accepted > 0, accepted, rejected }, accepted > 0 ? 200 : 400);
  };
  app.post('/batch', batch);
  // Segment's older name for the same endpoint, and analytics.js's short one.
  app.post('/import', batch);
  app.post(`/${SHORT_BATCH_PATH}`, batch);

  return app;
}
