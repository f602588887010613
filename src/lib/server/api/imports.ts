// CSV import over HTTP, under /api/v1/imports: what the dashboard's Imports
// page and `npm run import` call. Uploading or starting needs the brand's
// write key (HTTP Basic, as for the tracking API) or a dashboard session; a
// read key may only look. The brand always comes from the credential.
//
//   POST /v1/imports?kind=orders&file_name=x.csv   the file as the body (text/csv) → 201 preview
//   GET  /v1/imports                               the brand's imports, newest first
//   GET  /v1/imports/:import_id                    one import, with its first rows
//   POST /v1/imports/:import_id/start              { "mapping": { field: column } } → 202 job
//   POST /v1/imports/:import_id/cancel             stop it (what it published stays) → the job
//   GET  /v1/imports/:import_id/errors.csv         the error report
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import type { BrandRegistry } from '../../../../ingest/brands/types';
import { writeKeyFromAuthorization } from '../../../../ingest/brands/write-key';
import type { ImportRequestError, Importer } from '../../../../ingest/import/importer';
import type { ImportJob, ImportPreview } from '../../shared/imports';
import { identifyCaller } from '../caller';
import type { SessionCodec } from '../session';

export interface ImportsApiDeps {
  importer: Importer;
  brands: BrandRegistry;
  sessions: SessionCodec;
}

interface Importing {
  brandId: string;
  /** Who uploads: the dashboard user, or `api` for a write key. */
  by: string;
  /** False for read keys. */
  canWrite: boolean;
}

type ImportsEnv = { Variables: { importing: Importing } };

/**
 * Spreadsheet programs and browsers label CSV files either way. Not text/plain: a
 * form on another site can send that without a preflight, and with a session it
 * must not be able to upload.
 */
const CSV_TYPES = ['text/csv', 'application/csv', 'application/vnd.ms-excel'];

const startBody = z.object({ mapping: z.record(z.string(), z.string().min(1)) });

/** The status the read API answers an importer's refusal with. */
export const IMPORT_ERROR_STATUS: Record<ImportRequestError['code'], 400 | 404 | 409 | 413> = {
  not_found: 404,
  invalid_request: 400,
  invalid_csv: 400,
  invalid_mapping: 400,
  file_too_large: 413,
  conflict: 409,
};

export function createImportsApi(deps: ImportsApiDeps): Hono<ImportsEnv> {
  const { importer } = deps;
  const app = new Hono<ImportsEnv>();

  app.use('*', async (c, next) => {
    c.set('importing', authenticate(c, deps));
    await next();
  });

  const writer = (c: Context<ImportsEnv>): Importing => {
    const importing = c.get('importing');
    if (!importing.canWrite)
      throw new HTTPException(403, { message: 'a read key cannot import: use the write key or sign in' });
    return importing;
  };

  app.post('/', async (c) => {
    const { brandId, by } = writer(c);
    const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (!CSV_TYPES.includes(type))
      throw new HTTPException(415, {
        message: `send the file as the body with Content-Type: text/csv (got "${type}")`,
      });
    const body = c.req.raw.body;
    if (!body) throw new HTTPException(400, { message: 'the request has no body: send the CSV file as it' });
    const preview = await importer.upload({
      brandId,
      kind: c.req.query('kind') ?? '',
      fileName: c.req.query('file_name') ?? 'upload.csv',
      body: Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>),
      createdBy: by,
    });
    return c.json<ImportPreview>(preview, 201);
  });

  app.get('/', async (c) => {
    const { brandId } = c.get('importing');
    return c.json<{ imports: ImportJob[] }>({ imports: await importer.list(brandId) });
  });

  app.get('/:import_id', async (c) => {
    const { brandId } = c.get('importing');
    const preview = await importer.preview(brandId, c.req.param('import_id'));
    if (!preview)
      throw new HTTPException(404, { message: `no import ${c.req.param('import_id')} for this brand` });
    return c.json<ImportPreview>(preview);
  });

  app.post('/:import_id/start', async (c) => {
    const { brandId } = writer(c);
    // JSON only, which no cross-site form can send without a preflight.
    if (!/^application\/json\b/i.test(c.req.header('content-type') ?? ''))
      throw new HTTPException(415, { message: 'send the mapping as application/json' });
    const body = startBody.safeParse(await c.req.json().catch(() => undefined));
    if (!body.success)
      throw new HTTPException(400, {
        message: 'the body must be JSON: { "mapping": { "<field>": "<column>" } }',
      });
    return c.json<ImportJob>(await importer.start(brandId, c.req.param('import_id'), body.data.mapping), 202);
  });

  app.post('/:import_id/cancel', async (c) => {
    const { brandId, by } = writer(c);
    return c.json<ImportJob>(await importer.cancel(brandId, c.req.param('import_id'), by));
  });

  app.get('/:import_id/errors.csv', async (c) => {
    const { brandId } = c.get('importing');
    const file = await importer.errorReport(brandId, c.req.param('import_id'));
    if (!file)
      throw new HTTPException(404, { message: `import ${c.req.param('import_id')} has no error report` });
    const stream = Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>;
    return c.body(stream, 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="import-${c.req.param('import_id')}-errors.csv"`,
    });
  });

  return app;
}

function authenticate(c: Context<ImportsEnv>, deps: ImportsApiDeps): Importing {
  const authorization = c.req.header('authorization');
  if (authorization !== undefined && /^basic\s/i.test(authorization.trim())) {
    const key = writeKeyFromAuthorization(authorization);
    const brand = key.kind === 'present' ? deps.brands.byWriteKey(key.writeKey) : undefined;
    if (!brand) throw unauthorized('unknown write key');
    return { brandId: brand.brand_id, by: 'api', canWrite: true };
  }
  const bearer = authorization?.match(/^Bearer\s+(\S+)$/i);
  if (authorization !== undefined && !bearer)
    throw unauthorized('Authorization must be "Basic <write key as user>" or "Bearer <read key>"');
  const result = identifyCaller(
    { readKey: bearer?.[1], cookieHeader: c.req.header('cookie') },
    { brands: deps.brands, sessions: deps.sessions },
  );
  if (!result.ok) throw unauthorized(result.problem);
  const { caller } = result;
  return { brandId: caller.brand.brand_id, by: caller.username ?? 'api', canWrite: caller.via === 'session' };
}

function unauthorized(message: string) {
  return new HTTPException(401, {
    message,
    res: new Response(null, { headers: { 'www-authenticate': 'Basic realm="signalroom"' } }),
  });
}
