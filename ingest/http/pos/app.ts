// POS bills: POST /v1/pos/bills, one bill (a bill object) or a batch ({ "bills": [...] }).
// Authenticated like the tracking API: HTTP Basic with the brand's write key as
// the user. The brand comes from the key only; nothing in the body can name another.
//
// Limits: 1 MB and 500 bills per request (MAX_BILLS_PER_REQUEST), 500 lines per bill.
// A bill costs 1 against the brand's rate limit, like an event; so does a
// refused request (it publishes one rejection).
//
// A batch is checked bill by bill, as the tracking API's /v1/batch is: valid
// bills are accepted, each bad one is reported by index and kept as a
// rejection the brand can see, all in one publish. Answered 200 when at least
// one bill was accepted, else 400. Re-sending the whole batch after fixing the
// bad bills is safe: bills are idempotent by (store id, bill id). Within one
// request a bill key may appear once; later copies are refused (`duplicate_bill`).
import { Hono } from 'hono';
import type { RawEnvelope } from '../../../src/lib/shared/events';
import { parseJsonBody, readCappedBody } from '../body/read-capped';
import type { IngestContext, IngestEnv } from '../context';
import { IngestError } from '../errors';
import { admit } from '../rate-limit';
import { eventEnvelope, rejectedEnvelope, truncatePayload } from '../raw-publisher';
import { describeIssues } from '../zod-issues';
import { authenticateWriteKey, isJsonContentType } from '../write-key-auth';
import { billBatchSchema, MAX_BILLS_PER_REQUEST, parseBill, type Bill } from './bill-schema';
import { billKey, mapBill } from './map-bill';

export const POS_MAX_BYTES = 1024 * 1024;

export interface BillRejection {
  index: number;
  bill_id?: string;
  code: string;
  message: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The bill id as sent, for a rejection of a bill that did not parse. */
function billIdOf(item: unknown): string | undefined {
  const id = isObject(item) ? item.bill_id : undefined;
  return typeof id === 'string' || typeof id === 'number' ? String(id).slice(0, 200) : undefined;
}

export function createPosApp(ctx: IngestContext): Hono<IngestEnv> {
  const app = new Hono<IngestEnv>();

  app.post('/bills', async (c) => {
    const receivedAt = ctx.clock().toISOString();
    const brand = authenticateWriteKey(c, ctx, 'signalroom POS API');
    const brandId = brand.brand_id;
    // A refused request publishes one rejection, so it costs 1 like a bill.
    const refuse = (error: IngestError, payload: Uint8Array | string): Promise<never> => {
      admit(ctx.rateLimiter, brand, 1);
      return ctx.publisher.rejectRequest({ brandId, source: 'pos', receivedAt, error, payload });
    };

    if (!isJsonContentType(c.req.header('content-type'))) {
      return refuse(
        new IngestError(415, 'unsupported_media_type', 'Content-Type must be application/json'),
        new Uint8Array(),
      );
    }
    const read = await readCappedBody(c.req.raw, POS_MAX_BYTES);
    if (!read.ok) {
      return refuse(
        new IngestError(413, 'request_too_large', `a request may be at most ${POS_MAX_BYTES / 1024} KB`),
        read.head,
      );
    }
    // Bill ids beyond 2^53 stay exact: rounded, two bills would share one id and one be dropped.
    const json = parseJsonBody(read.bytes, { largeIntegersAsStrings: true });
    if (!json.ok) return refuse(new IngestError(400, 'invalid_json', json.message), read.bytes);
    const body = json.value;
    if (!isObject(body)) {
      return refuse(
        new IngestError(400, 'invalid_bill', '(root): expected a bill object or { "bills": [...] }'),
        read.bytes,
      );
    }

    if (!('bills' in body)) {
      admit(ctx.rateLimiter, brand, 1);
      const parsed = parseBill(body);
      if (!parsed.ok) {
        return ctx.publisher.rejectRequest({
          brandId,
          source: 'pos',
          receivedAt,
          error: new IngestError(400, 'invalid_bill', parsed.message),
          payload: read.bytes,
        });
      }
      await ctx.publisher.publish(brandId, [
        eventEnvelope(
          mapBill(parsed.bill, { brand_id: brandId, event_id: ctx.newId(), received_at: receivedAt }),
        ),
      ]);
      return c.json({ success: true, accepted: 1, rejected: [] });
    }

    if (Array.isArray(body.bills) && body.bills.length > MAX_BILLS_PER_REQUEST) {
      return refuse(
        new IngestError(
          413,
          'too_many_bills',
          `at most ${MAX_BILLS_PER_REQUEST} bills per request, got ${body.bills.length}`,
        ),
        read.bytes,
      );
    }
    const batch = billBatchSchema.safeParse(body);
    if (!batch.success) {
      return refuse(new IngestError(400, 'invalid_bill', describeIssues(batch.error)), read.bytes);
    }
    // Checked for the whole batch before anything of it is published: never half a batch.
    admit(ctx.rateLimiter, brand, batch.data.bills.length);

    const envelopes: RawEnvelope[] = [];
    const rejected: BillRejection[] = [];
    const firstIndexByKey = new Map<string, number>();
    const reject = (index: number, item: unknown, code: string, message: string) => {
      const billId = billIdOf(item);
      rejected.push({ index, ...(billId === undefined ? {} : { bill_id: billId }), code, message });
      envelopes.push(
        rejectedEnvelope({
          brand_id: brandId,
          rejection_id: ctx.newId(),
          source: 'pos',
          received_at: receivedAt,
          reason: code,
          detail: `bills[${index}]: ${message}`,
          payload: truncatePayload(JSON.stringify(item) ?? ''),
        }),
      );
    };
    const accept = (bill: Bill) =>
      envelopes.push(
        eventEnvelope(mapBill(bill, { brand_id: brandId, event_id: ctx.newId(), received_at: receivedAt })),
      );

    batch.data.bills.forEach((item, index) => {
      const parsed = parseBill(item);
      if (!parsed.ok) return reject(index, item, 'invalid_bill', parsed.message);
      const key = billKey(parsed.bill);
      const first = firstIndexByKey.get(key);
      if (first !== undefined) {
        return reject(
          index,
          item,
          'duplicate_bill',
          `bill ${parsed.bill.bill_id} of store ${parsed.bill.store_id} is already bills[${first}] of this request`,
        );
      }
      firstIndexByKey.set(key, index);
      accept(parsed.bill);
    });
    await ctx.publisher.publish(brandId, envelopes);
    const accepted = batch.data.bills.length - rejected.length;
    return c.json({ success: accepted > 0, accepted, rejected }, accepted > 0 ? 200 : 400);
  });

  return app;
}
