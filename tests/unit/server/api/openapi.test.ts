// Every route the read API serves is described in its OpenAPI document, and
// every read path the document promises is served.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrandRegistry } from '../../../../ingest/brands/registry';
import { createInProcessBus } from '../../../../ingest/bus/in-process';
import { createIngestApp } from '../../../../ingest/http/app';
import { createImporter } from '../../../../ingest/import/importer';
import { createDuckDbWarehouse } from '../../../../ingest/warehouse/duckdb/index';
import type { Warehouse } from '../../../../ingest/warehouse/types';
import { createReadApi } from '../../../../src/lib/server/api/app';
import { openApiDocument } from '../../../../src/lib/server/api/openapi';

let dir: string;
let warehouse: Warehouse;
let edge: Hono;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'openapi-'));
  warehouse = await createDuckDbWarehouse({ path: ':memory:' });
  edge = new Hono();
  edge.route(
    '/api',
    createReadApi({
      warehouse,
      brands: await createBrandRegistry({ file: join(dir, 'brands.json') }),
      sessionSecret: 'openapi-test-secret-0123456789abcdef',
      pending: async () => 0,
      importer: createImporter({
        bus: createInProcessBus(),
        root: join(dir, 'imports'),
        pending: async () => 0,
      }),
    }),
  );
});

afterAll(async () => {
  await warehouse.close();
  await rm(dir, { recursive: true, force: true });
});

/** Hono's `/api/v1/profiles/:profile_id` in OpenAPI's spelling. */
const openApiPath = (path: string) => path.replace(/:([A-Za-z_]+)/g, '{$1}');

describe('OpenAPI document', () => {
  it('describes every route the read API serves', () => {
    const served = edge.routes
      .filter((route) => route.method !== 'ALL') // middleware and the JSON 404
      .map((route) => `${route.method} ${openApiPath(route.path)}`);
    expect(served.length).toBeGreaterThanOrEqual(13);
    expect(served).toContain('POST /api/v1/imports/{import_id}/start');
    const described = Object.entries(openApiDocument.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    for (const route of served) expect(described).toContain(route);
  });

  it('describes every route ingest serves', async () => {
    const ingest = createIngestApp({
      bus: createInProcessBus(),
      brands: await createBrandRegistry({ file: join(dir, 'ingest-brands.json') }),
      publicUrl: 'http://localhost:3000',
      reportError: () => {},
    });
    const served = ingest.routes
      .filter((route) => route.method !== 'ALL')
      .map((route) => `${route.method} ${openApiPath(route.path)}`);
    expect(served).toContain('POST /v1/screen');
    expect(served).toContain('POST /webhooks/shopify/{brand_id}');
    const described = Object.entries(openApiDocument.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    for (const route of served) expect(described).toContain(route);
  });

  it('describes the WooCommerce, WhatsApp and POS ingest sources', () => {
    const expected = {
      '/webhooks/woocommerce/{brand_id}': 'wooCommerceWebhook',
      '/webhooks/whatsapp/{brand_id}': 'whatsAppWebhook',
      '/v1/pos/bills': 'posBills',
      '/v1/spend': 'spendReports',
    };
    for (const [path, operationId] of Object.entries(expected)) {
      expect(openApiDocument.paths[path]?.post?.operationId, path).toBe(operationId);
    }
    const { securitySchemes } = openApiDocument.components;
    expect(securitySchemes.wooCommerceHmac?.name).toBe('X-WC-Webhook-Signature');
    expect(securitySchemes.twilioSignature?.name).toBe('X-Twilio-Signature');

    const whatsApp = openApiDocument.paths['/webhooks/whatsapp/{brand_id}']!.post!;
    expect(Object.keys(whatsApp.requestBody!.content)).toEqual(['application/x-www-form-urlencoded']);
    expect(Object.keys(whatsApp.responses['200']!.content!)).toEqual(['text/xml']);
    const wooCommerce = openApiDocument.paths['/webhooks/woocommerce/{brand_id}']!.post!;
    expect(Object.keys(wooCommerce.requestBody!.content).sort()).toEqual([
      'application/json',
      'application/x-www-form-urlencoded', // the unsigned ping
    ]);
    expect(openApiDocument.paths['/v1/pos/bills']!.post!.security).toEqual([{ writeKey: [] }]);
    expect(openApiDocument.paths['/v1/spend']!.post!.security).toEqual([{ writeKey: [] }]);
  });

  it('names the operationIds once each', () => {
    const ids = Object.values(openApiDocument.paths).flatMap((item) =>
      Object.values(item).map((operation) => operation.operationId),
    );
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('serves every /api path it describes (none answers the JSON 404)', async () => {
    for (const path of Object.keys(openApiDocument.paths).filter((p) => p.startsWith('/api/'))) {
      const response = await edge.request(path.replace('{profile_id}', 'p-1'));
      expect(response.status, path).not.toBe(404);
    }
  });

  it('resolves every $ref to a schema it defines', () => {
    const refs = JSON.stringify(openApiDocument).match(/#\/components\/schemas\/\w+/g) ?? [];
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of new Set(refs)) {
      expect(openApiDocument.components.schemas, ref).toHaveProperty(ref.split('/').at(-1)!);
    }
  });
});
