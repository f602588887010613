// The read API: what a brand's own tools (and the dashboard's browser code) read.
// Mounted by the composition root with `edge.route('/api', readApi)`, so the
// paths below are relative to /api. Every route but /openapi.json needs a read
// key or a session, and the brand always comes from that credential.
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { BrandRegistry } from '../../../../ingest/brands/types';
import { ImportRequestError, type Importer } from '../../../../ingest/import/importer';
import { WarehouseUnavailableError, type WarehouseReader } from '../../../../ingest/warehouse/types';
import { parseAlertStates, parseSilenceFilter } from '../alert-query';
import { loadCampaignSeries, loadCampaignSummary } from '../campaign-data';
import { parseBucket, parseCampaignId, parseCampaignRange, parseChannel } from '../campaign-query';
import { identifyCaller, type Caller } from '../caller';
import { loadHighIntent } from '../high-intent';
import { parseIdentifierQuery } from '../identifier-query';
import { parseKpiRange } from '../kpi-range';
import { parseMergeActions } from '../merge-actions-query';
import { loadProfileView } from '../profile-view';
import { csvHeaders } from '../csv-export';
import { exportProfilesCsv, profilesExportFileName } from '../profiles-export';
import { loadProfilesListPage, parseProfilesApiQuery } from '../profiles-list';
import { exportSegmentCsv, resolveSegmentExport, segmentExportFileName } from '../segments-export';
import { createSessionCodec } from '../session';
import { createImportsApi, IMPORT_ERROR_STATUS } from './imports';
import { LIMITS } from './limits';
import { openApiDocument } from './openapi';
import type {
  AlertDeliveriesBody,
  AlertsBody,
  IntentModelBody,
  CampaignSeriesBody,
  CampaignsBody,
  ErrorBody,
  HighIntentBody,
  KpisBody,
  MergesBody,
  ProfilesListBody,
  RejectedBody,
  SegmentRunsBody,
  SilencesBody,
  StatusBody,
} from './responses';

export interface ReadApiDeps {
  warehouse: WarehouseReader;
  brands: BrandRegistry;
  sessionSecret: string;
  /** Events accepted for the brand that the processor has not finished yet. */
  pending: (brandId: string) => Promise<number>;
  clock?: () => Date;
  /** CSV import (/v1/imports); absent, those paths answer 404. */
  importer?: Importer;
  /** Told about every unexpected error (answered 500), e.g. to log and count it. */
  onUnexpectedError?: (error: unknown) => void;
}

type ReadApiEnv = { Variables: { caller: Caller } };

export function createReadApi(deps: ReadApiDeps): Hono<ReadApiEnv> {
  const { warehouse, brands } = deps;
  const clock = deps.clock ?? (() => new Date());
  const sessions = createSessionCodec(deps.sessionSecret, clock);
  const app = new Hono<ReadApiEnv>();

  app.onError((error, c) => {
    if (error instanceof HTTPException) {
      return c.json<ErrorBody>({ error: error.message }, error.status, headersOf(error));
    }
    if (error instanceof ImportRequestError) {
      return c.json<ErrorBody>({ error: error.message }, IMPORT_ERROR_STATUS[error.code]);
    }
    deps.onUnexpectedError?.(error);
    if (error instanceof WarehouseUnavailableError) {
      return c.json<ErrorBody>({ error: 'the warehouse is unavailable; retry shortly' }, 503, {
        'retry-after': '5',
      });
    }
    return c.json<ErrorBody>({ error: 'internal error' }, 500);
  });

  app.get('/openapi.json', (c) => c.json(openApiDocument));

  // Mounted before the /v1/* read-key check, which therefore never runs for it: imports
  // authenticate themselves (the write key may upload, a read key only look).
  if (deps.importer)
    app.route('/v1/imports', createImportsApi({ importer: deps.importer, brands, sessions }));

  app.use('/v1/*', async (c, next) => {
    const authorization = c.req.header('authorization');
    const bearer = authorization?.match(/^Bearer\s+(\S+)$/i);
    if (authorization !== undefined && !bearer) {
      throw unauthorized('Authorization must be "Bearer <read key>"');
    }
    const result = identifyCaller(
      { readKey: bearer?.[1], cookieHeader: c.req.header('cookie') },
      { brands, sessions },
    );
    if (!result.ok) throw unauthorized(result.problem);
    c.set('caller', result.caller);
    await next();
  });

  // Static paths before /v1/profiles/:profile_id, which would otherwise match them.
  app.get('/v1/profiles/lookup', async (c) => {
    const { brand } = c.get('caller');
    const query = parseIdentifierQuery(c.req.query('identifier'), brand.settings.default_country);
    if (!query.ok) throw badRequest(query.problem);
    const profile = await warehouse.lookupProfile(brand.brand_id, query.identifier);
    const view =
      profile &&
      (await loadView(brand.brand_id, brand.settings.intent.half_life_minutes, profile.profile_id));
    if (!view) throw notFound(`no profile has ${query.identifier.type} ${query.identifier.value}`);
    return c.json(view);
  });

  app.get('/v1/profiles/high-intent', async (c) => {
    const { brand } = c.get('caller');
    const limit = parseLimit(c.req.query('limit'), LIMITS.highIntent);
    return c.json<HighIntentBody>({ profiles: await loadHighIntent(warehouse, brand.brand_id, limit) });
  });

  // The Profiles list, a keyset page at a time: `next` is the following page's cursor.
  app.get('/v1/profiles', async (c) => {
    const { brand } = c.get('caller');
    const query = parseProfilesApiQuery(c.req.query());
    if (!query.ok) throw badRequest(query.problem);
    const page = await loadProfilesListPage(warehouse, brand.brand_id, {
      ...query.value,
      country: brand.settings.default_country,
    });
    if (!page.ok) throw badRequest(page.problem);
    return c.json<ProfilesListBody>({ profiles: page.value.rows, next: page.value.next });
  });

  // Every profile the search matches, in the sort, as CSV streamed page by page.
  app.get('/v1/profiles/export', async (c) => {
    const { brand } = c.get('caller');
    const query = parseProfilesApiQuery({ sort: c.req.query('sort'), search: c.req.query('search') });
    if (!query.ok) throw badRequest(query.problem);
    const wanted = {
      sort: query.value.sort,
      search: query.value.search,
      country: brand.settings.default_country,
    };
    const body = await exportProfilesCsv(warehouse, brand.brand_id, wanted);
    return new Response(body, {
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${profilesExportFileName(brand.brand_id, wanted, clock())}"`,
        'cache-control': 'no-store',
      },
    });
  });

  app.get('/v1/profiles/:profile_id', async (c) => {
    const { brand } = c.get('caller');
    const profileId = c.req.param('profile_id');
    const view = await loadView(brand.brand_id, brand.settings.intent.half_life_minutes, profileId);
    if (!view) throw notFound(`no profile ${profileId}`);
    return c.json(view);
  });

  app.get('/v1/kpis', async (c) => {
    const { brand } = c.get('caller');
    const query = parseKpiRange(c.req.query('from'), c.req.query('to'), clock());
    if (!query.ok) throw badRequest(query.problem);
    const { from, to } = query.range;
    return c.json<KpisBody>({ from, to, minutes: await warehouse.kpis(brand.brand_id, from, to) });
  });

  app.get('/v1/alerts', async (c) => {
    const { brand } = c.get('caller');
    const limit = parseLimit(c.req.query('limit'), LIMITS.alerts);
    const query = parseAlertStates(c.req.query('state'));
    if (!query.ok) throw badRequest(query.problem);
    return c.json<AlertsBody>({ alerts: await warehouse.alerts(brand.brand_id, limit, query.states) });
  });

  app.get('/v1/alerts/:alert_id', async (c) => {
    const { brand } = c.get('caller');
    const alert = await findAlert(brand.brand_id, c.req.param('alert_id'));
    return c.json(alert);
  });

  app.get('/v1/alerts/:alert_id/deliveries', async (c) => {
    const { brand } = c.get('caller');
    const limit = parseLimit(c.req.query('limit'), LIMITS.deliveries);
    const alert = await findAlert(brand.brand_id, c.req.param('alert_id'));
    return c.json<AlertDeliveriesBody>({
      alert_id: alert.alert_id,
      deliveries: await warehouse.alertDeliveries(brand.brand_id, alert.alert_id, limit),
    });
  });

  app.get('/v1/models/intent', async (c) => {
    const { brand } = c.get('caller');
    return c.json<IntentModelBody>({ model: await warehouse.intentModel(brand.brand_id) });
  });

  app.get('/v1/silences', async (c) => {
    const { brand } = c.get('caller');
    const query = parseSilenceFilter(c.req.query('state'));
    if (!query.ok) throw badRequest(query.problem);
    const activeAt = query.filter === 'active' ? clock().toISOString() : undefined;
    return c.json<SilencesBody>({ silences: await warehouse.silences(brand.brand_id, activeAt) });
  });

  app.get('/v1/campaigns', async (c) => {
    const { brand } = c.get('caller');
    const range = parseCampaignRange(c.req.query('from'), c.req.query('to'), clock());
    if (!range.ok) throw badRequest(range.problem);
    const summary = await loadCampaignSummary(warehouse, brand.brand_id, range.value);
    return c.json<CampaignsBody>({ ...range.value, ...summary });
  });

  app.get('/v1/campaigns/series', async (c) => {
    const { brand } = c.get('caller');
    const range = parseCampaignRange(c.req.query('from'), c.req.query('to'), clock());
    if (!range.ok) throw badRequest(range.problem);
    const bucket = parseBucket(c.req.query('bucket'), range.value);
    if (!bucket.ok) throw badRequest(bucket.problem);
    const campaignId = parseCampaignId(c.req.query('campaign_id'));
    if (!campaignId.ok) throw badRequest(campaignId.problem);
    const channel = parseChannel(c.req.query('channel'));
    if (!channel.ok) throw badRequest(channel.problem);
    const series = await loadCampaignSeries(warehouse, brand.brand_id, range.value, bucket.value, {
      campaignId: campaignId.value,
      channel: channel.value,
    });
    return c.json<CampaignSeriesBody>({
      ...series,
      bucket: bucket.value,
      campaign_id: campaignId.value ?? null,
      channel: channel.value ?? null,
    });
  });

  app.get('/v1/merges', async (c) => {
    const { brand } = c.get('caller');
    const limit = parseLimit(c.req.query('limit'), LIMITS.merges);
    const query = parseMergeActions(c.req.query('action'));
    if (!query.ok) throw badRequest(query.problem);
    return c.json<MergesBody>({ merges: await warehouse.mergeLog(brand.brand_id, query.actions, limit) });
  });

  // The brand's prediction runs: segments, sizes, drift, fit figures (docs/segments.md).
  app.get('/v1/segments', async (c) => {
    const { brand } = c.get('caller');
    const limit = parseLimit(c.req.query('limit'), LIMITS.segmentRuns);
    return c.json<SegmentRunsBody>({ runs: await warehouse.predictionRuns(brand.brand_id, limit) });
  });

  // One segment (or every member) of the newest run with segments, as CSV streamed page by page.
  app.get('/v1/segments/export', async (c) => {
    const { brand } = c.get('caller');
    const wanted = await resolveSegmentExport(warehouse, brand.brand_id, c.req.query('segment'));
    if (!wanted.ok) throw new HTTPException(wanted.status, { message: wanted.problem });
    const body = await exportSegmentCsv(warehouse, brand.brand_id, wanted.value);
    return new Response(body, {
      headers: csvHeaders(segmentExportFileName(brand.brand_id, wanted.value, clock())),
    });
  });

  app.get('/v1/rejected', async (c) => {
    const { brand } = c.get('caller');
    const limit = parseLimit(c.req.query('limit'), LIMITS.rejected);
    return c.json<RejectedBody>({ rejected: await warehouse.rejected(brand.brand_id, limit) });
  });

  app.get('/v1/status', async (c) => {
    const { brand } = c.get('caller');
    const [counters, pending] = await Promise.all([
      warehouse.counters(brand.brand_id),
      deps.pending(brand.brand_id),
    ]);
    return c.json<StatusBody>({
      accepted: counters.processed + counters.duplicates + pending,
      processed: counters.processed,
      rejected: counters.rejected,
      duplicates: counters.duplicates,
      pending,
    });
  });

  // Anything else under /api is a JSON 404, not the dashboard's HTML one.
  app.all('*', (c) => {
    throw notFound(`no route ${c.req.method} ${c.req.path}`);
  });

  /** The brand's alert, or a 404 (also for another brand's id). */
  async function findAlert(brandId: string, alertId: string) {
    const alert = alertId.length <= 200 ? await warehouse.alert(brandId, alertId) : null;
    if (!alert) throw notFound(`no alert ${alertId.slice(0, 200)}`);
    return alert;
  }

  function loadView(brandId: string, halfLifeMinutes: number, profileId: string) {
    return loadProfileView({ warehouse, halfLifeMinutes, now: clock() }, brandId, profileId);
  }

  return app;
}

function parseLimit(raw: string | undefined, bounds: { default: number; max: number }): number {
  if (raw === undefined) return bounds.default;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > bounds.max) {
    throw badRequest(`limit must be a whole number from 1 to ${bounds.max}`);
  }
  return Number(raw);
}

function badRequest(message: string) {
  return new HTTPException(400, { message });
}

function notFound(message: string) {
  return new HTTPException(404, { message });
}

function unauthorized(message: string) {
  return new HTTPException(401, {
    message,
    res: new Response(null, { headers: { 'www-authenticate': 'Bearer' } }),
  });
}

function headersOf(error: HTTPException): Record<string, string> {
  return Object.fromEntries(error.res?.headers.entries() ?? []);
}
