// Ad spend: POST /v1/spend, one report (a report object) or a batch
// ({ "reports": [...] }, 1 to MAX_REPORTS_PER_REQUEST). Authenticated like POS
// bills: HTTP Basic with the brand's write key as the user; the brand comes
// from the key only.
//
// All or nothing: one bad report refuses the whole request with a 400 naming
// each bad report by index and field (`reports[3].period_start: ...`), kept as
// one rejection the brand can see, and nothing of it is stored. The sender
// fixes the file and sends it all again, which is harmless: a report replaces
// the one with the same campaign, channel, period and period_start
// (spendKey), so resending changes nothing. For the same reason one request
// may not hold one key twice: which copy would win is not the sender's intent.
//
// A report costs 1 against the brand's rate limit, charged for the whole
// request before anything is checked; a request refused before its reports
// are counted (415, 413, broken JSON) costs 1, as it publishes one rejection.
import { Hono } from 'hono';
import { spendKey } from '../../../src/lib/shared/campaigns';
import type { RawEnvelope } from '../../../src/lib/shared/events';
import { parseJsonBody, readCappedBody } from '../body/read-capped';
import type { IngestContext, IngestEnv } from '../context';
import { IngestError } from '../errors';
import { admit } from '../rate-limit';
import { authenticateWriteKey, isJsonContentType } from '../write-key-auth';
import { describeProblem, parseSpendReport } from './spend-report';

export const SPEND_MAX_BYTES = 1024 * 1024;
/** Fits the default rate-limit burst (1000), so a full request is admitted at once. */
export const MAX_REPORTS_PER_REQUEST = 1000;
/** Problems listed in one 400; the rest are counted. */
const MAX_PROBLEMS_SHOWN = 10;

const SHAPE = '(root): expected a spend report or { "reports": [...] }';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function listed(problems: readonly string[]): string {
  const shown = problems.slice(0, MAX_PROBLEMS_SHOWN).join('; ');
  const more = problems.length - MAX_PROBLEMS_SHOWN;
  return more > 0 ? `${shown}; and ${more} more` : shown;
}

export function createSpendApp(ctx: IngestContext): Hono<IngestEnv> {
  const app = new Hono<IngestEnv>();

  app.post('/', async (c) => {
    const receivedAt = ctx.clock().toISOString();
    const brand = authenticateWriteKey(c, ctx, 'signalroom spend API');
    const brandId = brand.brand_id;
    const reject = (error: IngestError, payload: Uint8Array | string): Promise<never> =>
      ctx.publisher.rejectRequest({ brandId, source: 'track', receivedAt, error, payload });
    const refuse = (error: IngestError, payload: Uint8Array | string): Promise<never> => {
      admit(ctx.rateLimiter, brand, 1);
      return reject(error, payload);
    };

    if (!isJsonContentType(c.req.header('content-type'))) {
      return refuse(
        new IngestError(415, 'unsupported_media_type', 'Content-Type must be application/json'),
        new Uint8Array(),
      );
    }
    const read = await readCappedBody(c.req.raw, SPEND_MAX_BYTES);
    if (!read.ok) {
      return refuse(
        new IngestError(413, 'request_too_large', `a request may be at most ${SPEND_MAX_BYTES / 1024} KB`),
        read.head,
      );
    }
    const json = parseJsonBody(read.bytes);
    if (!json.ok) return refuse(new IngestError(400, 'invalid_json', json.message), read.bytes);
    const body = json.value;
    if (!isObject(body)) return refuse(new IngestError(400, 'invalid_spend', SHAPE), read.bytes);

    const batch = 'reports' in body;
    const reports: unknown[] = batch ? (Array.isArray(body.reports) ? body.reports : []) : [body];
    if (batch && !Array.isArray(body.reports)) {
      return refuse(
        new IngestError(400, 'invalid_spend', 'reports: expected an array of spend reports'),
        read.bytes,
      );
    }
    if (reports.length === 0) {
      return refuse(new IngestError(400, 'invalid_spend', 'reports: holds no report'), read.bytes);
    }
    if (reports.length > MAX_REPORTS_PER_REQUEST) {
      return refuse(
        new IngestError(
          413,
          'too_many_reports',
          `at most ${MAX_REPORTS_PER_REQUEST} reports per request, got ${reports.length}`,
        ),
        read.bytes,
      );
    }
    // The whole request is charged before anything of it is published: never half of it.
    admit(ctx.rateLimiter, brand, reports.length);

    const meta = { brand_id: brandId, source: 'track' as const, received_at: receivedAt };
    const envelopes: RawEnvelope[] = [];
    const problems: string[] = [];
    const firstIndexByKey = new Map<string, number>();
    reports.forEach((item, index) => {
      const parsed = parseSpendReport(item, meta);
      if (!parsed.ok) {
        const at = batch ? `reports[${index}]` : '';
        for (const problem of parsed.problems) problems.push(describeProblem(problem, at));
        return;
      }
      const key = spendKey(parsed.spend);
      const first = firstIndexByKey.get(key);
      if (first !== undefined) {
        // Only a batch can hold two reports.
        problems.push(
          `reports[${index}]: the same campaign_id, channel, period and period_start as reports[${first}]`,
        );
        return;
      }
      firstIndexByKey.set(key, index);
      envelopes.push({ kind: 'spend', spend: parsed.spend });
    });
    if (problems.length > 0) {
      return reject(new IngestError(400, 'invalid_spend', listed(problems)), read.bytes);
    }
    await ctx.publisher.publish(brandId, envelopes);
    return c.json({ success: true, accepted: envelopes.length });
  });

  return app;
}
