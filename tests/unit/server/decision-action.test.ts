// The form action behind Unmerge, Approve and Reject: the session decides the
// brand and the issuer, nothing is sent unless the record checks out, and a
// bus that cannot take the command is a 503 the operator can retry.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createBrandRegistry } from '../../../ingest/brands/registry';
import type { Brand, BrandRegistry } from '../../../ingest/brands/types';
import { createInProcessBus } from '../../../ingest/bus/in-process';
import { BusUnavailableError } from '../../../ingest/bus/types';
import { createImporter } from '../../../ingest/import/importer';
import { createDuckDbWarehouse } from '../../../ingest/warehouse/duckdb/index';
import type { Warehouse } from '../../../ingest/warehouse/types';
import { provideDashboardContext } from '../../../src/lib/server/context';
import { decisionAction, type DecisionOutcome } from '../../../src/lib/server/decision-action';
import type { IdentityCommand } from '../../../src/lib/shared/events';
import type { MergeRecord, Profile } from '../../../src/lib/shared/model';

let dir: string;
let warehouse: Warehouse;
let brands: BrandRegistry;
let brandA: Brand;
let brandB: Brand;
let sent: IdentityCommand[];
let send: (command: IdentityCommand) => Promise<void>;

const profile = (brandId: string, profileId: string, mergedInto: string | null): Profile => ({
  brand_id: brandId,
  profile_id: profileId,
  merged_into: mergedInto,
  identifiers: [],
  first_seen: '2026-03-01T09:00:00.000Z',
  last_seen: '2026-03-01T09:30:00.000Z',
  event_count: 1,
  orders: 0,
  revenue: 0,
  channels: ['web'],
  categories: {},
  intent_score: 0,
  intent_level: 'low',
  intent_updated_at: '2026-03-01T09:30:00.000Z',
  intent_categories: {},
  intent_reasons: [],
  version: 1,
  own: null,
  intent_forecast: [],
});

const merge = (brandId: string, mergeId: string): MergeRecord => ({
  brand_id: brandId,
  merge_id: mergeId,
  action: 'merge',
  into_profile_id: `${brandId}-old`,
  from_profile_ids: [`${brandId}-young`],
  reason: 'one event carries identifiers of 2 profiles',
  identifiers: [],
  event_id: `event-${mergeId}`,
  at: '2026-03-01T09:30:00.000Z',
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'decision-action-'));
  brands = await createBrandRegistry({ file: join(dir, 'brands.json') });
  await brands.create('brand-a', 'Brand A');
  await brands.create('brand-b', 'Brand B');
  brandA = brands.get('brand-a')!;
  brandB = brands.get('brand-b')!;
  warehouse = await createDuckDbWarehouse({ path: ':memory:' });
  await warehouse.migrate();
  for (const [offset, brandId] of ['brand-a', 'brand-b'].entries()) {
    await warehouse.commit({
      checkpoint: { consumer: 'test', partition: 0, next_offset: offset + 1 },
      events: [],
      profiles: [
        profile(brandId, `${brandId}-old`, null),
        profile(brandId, `${brandId}-young`, `${brandId}-old`),
      ],
      links: [],
      merges: [merge(brandId, `${brandId}-merge`)],
      kpis: [],
      alerts: [],
      rejected: [],
      spend: [],
      campaigns: [],
      touches: [],
      silences: [],
      counters: [{ brand_id: brandId, processed: 0, duplicates: 0, rejected: 0 }],
    });
  }
  provideDashboardContext({
    warehouse,
    brands,
    commands: { send: (command) => send(command) },
    alertCommands: { send: async () => {} },
    // Not used by decisions; a real one, so the context is whole.
    importer: createImporter({
      bus: createInProcessBus(),
      root: join(dir, 'imports'),
      pending: async () => 0,
    }),
    sessionSecret: 'decision-action-test-secret-0123456789',
    publicUrl: 'http://localhost:3000',
    secureCookies: false,
  });
});

beforeEach(() => {
  sent = [];
  send = async (command) => {
    sent.push(command);
  };
});

afterAll(async () => {
  await warehouse?.close();
  await rm(dir, { recursive: true, force: true });
});

function post(brand: Brand, body: BodyInit | null, username = `ops@${brand.brand_id}`) {
  const locals: App.Locals = {
    session: { brand_id: brand.brand_id, username, expires_at: '2099-01-01T00:00:00.000Z' },
    brand,
  };
  return decisionAction(
    { locals, request: new Request('http://localhost/merges?/unmerge', { method: 'POST', body }) },
    'unmerge',
  );
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields);

/** The outcome and status of an action's answer, sent or failed. */
function outcome(result: Awaited<ReturnType<typeof decisionAction>>): {
  status: number;
  decision: DecisionOutcome;
} {
  return 'status' in result
    ? { status: result.status, decision: result.data.decision }
    : { status: 200, decision: result.decision };
}

describe('decisionAction', () => {
  it('sends the command, issued by the session’s user for the session’s brand', async () => {
    const { status, decision } = outcome(await post(brandA, form({ merge_id: 'brand-a-merge' }), 'ana'));
    expect(status).toBe(200);
    expect(decision).toMatchObject({ type: 'unmerge', merge_id: 'brand-a-merge', sent: true });
    expect(decision.message).toMatch(/Unmerge sent/);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      brand_id: 'brand-a',
      type: 'unmerge',
      merge_id: 'brand-a-merge',
      into_profile_id: 'brand-a-old',
      from_profile_ids: ['brand-a-young'],
      issued_by: 'ana',
    });
  });

  it('answers 404 for another brand’s merge id and sends nothing', async () => {
    const { status, decision } = outcome(await post(brandB, form({ merge_id: 'brand-a-merge' })));
    expect(status).toBe(404);
    expect(decision.sent).toBe(false);
    expect(sent).toEqual([]);
  });

  it.each([
    ['no merge_id', form({ other: 'x' })],
    ['no body', null],
    ['a body that is not a form', '{"merge_id":"brand-a-merge"}'],
  ])('answers 400 for %s and sends nothing', async (_name, body) => {
    const { status, decision } = outcome(await post(brandA, body));
    expect(status).toBe(400);
    expect(decision.message).toMatch(/merge_id is missing/);
    expect(sent).toEqual([]);
  });

  it('answers 503 when the bus cannot take the command, so the operator can try again', async () => {
    send = async () => {
      throw new BusUnavailableError('broker down');
    };
    const { status, decision } = outcome(await post(brandA, form({ merge_id: 'brand-a-merge' })));
    expect(status).toBe(503);
    expect(decision).toMatchObject({ sent: false });
    expect(decision.message).toMatch(/could not be sent/);
  });

  it('lets a programming error through (a 500), not dressed up as a bus outage', async () => {
    send = async () => {
      throw new TypeError('bug');
    };
    await expect(post(brandA, form({ merge_id: 'brand-a-merge' }))).rejects.toThrow('bug');
  });

  it('sends a signed-out caller to the login page', async () => {
    const locals: App.Locals = { session: null, brand: null };
    const request = new Request('http://localhost/merges?/unmerge', {
      method: 'POST',
      body: form({ merge_id: 'brand-a-merge' }),
    });
    await expect(decisionAction({ locals, request }, 'unmerge')).rejects.toMatchObject({
      status: 303,
      location: '/login',
    });
    expect(sent).toEqual([]);
  });
});
