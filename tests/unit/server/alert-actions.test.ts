// The Alerts page's form actions over the real DuckDB warehouse and a real
// brand registry: decisions on alerts become commands for the session's brand
// only (brand B cannot acknowledge brand A's alert), silences are bounded, and
// rule and receiver edits are validated whole and saved into the brands file
// with every problem named by its field.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
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
import {
  alertCommandAction,
  alertSettingsAction,
  type CommandOutcome,
} from '../../../src/lib/server/alert-actions';
import type { SettingsOutcome } from '../../../src/lib/server/alert-settings-form';
import { provideDashboardContext } from '../../../src/lib/server/context';
import type { AlertCommand } from '../../../src/lib/shared/alert-rules';
import { alert } from './api/fixtures';

let dir: string;
let warehouse: Warehouse;
let brands: BrandRegistry;
let sent: AlertCommand[];
let send: (command: AlertCommand) => Promise<void>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'alert-actions-'));
  brands = await createBrandRegistry({ file: join(dir, 'brands.json') });
  await brands.create('brand-a', 'Brand A');
  await brands.create('brand-b', 'Brand B');
  warehouse = await createDuckDbWarehouse({ path: ':memory:' });
  await warehouse.migrate();
  const now = Date.now();
  await warehouse.commit({
    checkpoint: { consumer: 'test', partition: 0, next_offset: 1 },
    events: [],
    profiles: [],
    links: [],
    merges: [],
    kpis: [],
    alerts: [
      alert('brand-a', 'a-open'),
      alert('brand-a', 'a-acked', { acknowledged_by: 'bob', acknowledged_at: new Date(now).toISOString() }),
      alert('brand-a', 'a-resolved', { state: 'resolved', resolved_at: new Date(now).toISOString() }),
      alert('brand-b', 'b-open'),
    ],
    rejected: [],
    counters: [],
    spend: [],
    campaigns: [],
    touches: [],
    silences: [
      {
        brand_id: 'brand-a',
        silence_id: 's_a',
        rule_id: null,
        subject: null,
        starts_at: new Date(now - 60_000).toISOString(),
        ends_at: new Date(now + 3_600_000).toISOString(),
        reason: 'maintenance',
        created_by: 'ops',
        cancelled_at: null,
      },
    ],
  });
  provideDashboardContext({
    warehouse,
    brands,
    commands: { send: async () => {} },
    alertCommands: { send: (command) => send(command) },
    importer: createImporter({
      bus: createInProcessBus(),
      root: join(dir, 'imports'),
      pending: async () => 0,
    }),
    sessionSecret: 'alert-actions-test-secret-0123456789',
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

const brand = (id: string): Brand => brands.get(id)!;
const localsOf = (brandId: string, username = `ops@${brandId}`): App.Locals => ({
  session: { brand_id: brandId, username, expires_at: '2099-01-01T00:00:00.000Z' },
  brand: brand(brandId),
});
const request = (fields: Record<string, string>) =>
  new Request('http://localhost/alerts', { method: 'POST', body: new URLSearchParams(fields) });

async function command(brandId: string, type: AlertCommand['type'], fields: Record<string, string>) {
  const result = await alertCommandAction({ locals: localsOf(brandId), request: request(fields) }, type);
  return 'status' in result
    ? { status: result.status, outcome: result.data.command as CommandOutcome }
    : { status: 200, outcome: result.command };
}

async function settings(
  brandId: string,
  kind: Parameters<typeof alertSettingsAction>[1],
  fields: Record<string, string>,
) {
  const result = await alertSettingsAction({ locals: localsOf(brandId), request: request(fields) }, kind);
  return 'status' in result
    ? { status: result.status, outcome: result.data.settings as SettingsOutcome }
    : { status: 200, outcome: result.settings };
}

describe('acknowledge', () => {
  it("sends the command for the session's brand and user", async () => {
    const { status, outcome } = await command('brand-a', 'acknowledge', { alert_id: 'a-open' });
    expect(status).toBe(200);
    expect(outcome).toMatchObject({ type: 'acknowledge', target: 'a-open', sent: true });
    expect(sent).toEqual([
      expect.objectContaining({
        type: 'acknowledge',
        brand_id: 'brand-a',
        alert_id: 'a-open',
        issued_by: 'ops@brand-a',
      }),
    ]);
  });

  it("answers 404 for brand A's alert posted by brand B, and sends nothing", async () => {
    const { status, outcome } = await command('brand-b', 'acknowledge', { alert_id: 'a-open' });
    expect(status).toBe(404);
    expect(outcome.message).toBe('No alert a-open.');
    expect(sent).toEqual([]);
  });

  it.each([
    ['a-resolved', 409, /resolved already/],
    ['a-acked', 409, /already acknowledged by bob/],
    ['', 400, /alert_id is missing/],
    ['x'.repeat(201), 400, /too long/],
    ["a-open' OR '1'='1", 404, /No alert/],
  ])('refuses %j with %i', async (alertId, expected, message) => {
    const { status, outcome } = await command('brand-a', 'acknowledge', { alert_id: alertId });
    expect(status).toBe(expected);
    expect(outcome.message).toMatch(message);
    expect(sent).toEqual([]);
  });

  it('answers 503 when the bus cannot take it', async () => {
    send = async () => {
      throw new BusUnavailableError('down');
    };
    const { status, outcome } = await command('brand-a', 'acknowledge', { alert_id: 'a-open' });
    expect(status).toBe(503);
    expect(outcome.message).toMatch(/bus is unavailable/);
  });
});

describe('silence and unsilence', () => {
  const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

  it('silences a rule for a preset time, with the reason', async () => {
    const before = Date.now();
    const { status } = await command('brand-a', 'silence', {
      rule_id: 'cost-spike',
      subject: '',
      duration: '240',
      reason: 'planned sale',
    });
    expect(status).toBe(200);
    const [silence] = sent;
    expect(silence).toMatchObject({
      type: 'silence',
      rule_id: 'cost-spike',
      subject: null,
      reason: 'planned sale',
    });
    const ends = Date.parse((silence as Extract<AlertCommand, { type: 'silence' }>).ends_at);
    expect(ends - before).toBeGreaterThanOrEqual(240 * 60_000);
    expect(ends - before).toBeLessThan(240 * 60_000 + 5_000);
  });

  it('silences everything until a custom time', async () => {
    const endsAt = inMinutes(90);
    const { status } = await command('brand-a', 'silence', {
      duration: 'custom',
      ends_at: endsAt,
      reason: 'deploy',
    });
    expect(status).toBe(200);
    expect(sent[0]).toMatchObject({ rule_id: null, subject: null, ends_at: endsAt });
  });

  it.each([
    [
      'an end in the past',
      { duration: 'custom', ends_at: inMinutes(-5), reason: 'x' },
      'ends_at',
      /in the past/,
    ],
    [
      'an end beyond 30 days',
      { duration: 'custom', ends_at: inMinutes(31 * 1440), reason: 'x' },
      'ends_at',
      /at most 30 days/,
    ],
    [
      'an end without a zone',
      { duration: 'custom', ends_at: '2099-01-01T10:00', reason: 'x' },
      'ends_at',
      /Choose when/,
    ],
    ['no duration', { reason: 'x' }, 'duration', /how long/],
    ['an unknown preset', { duration: '999999', reason: 'x' }, 'duration', /how long/],
    ['no reason', { duration: '60', reason: '  ' }, 'reason', /needs a reason/],
    ['an unknown rule', { duration: '60', reason: 'x', rule_id: 'nope' }, 'rule_id', /no rule nope/],
  ])('refuses %s (400, next to its field)', async (_name, fields, field, message) => {
    const { status, outcome } = await command('brand-a', 'silence', fields);
    expect(status).toBe(400);
    expect(outcome).toMatchObject({ sent: false, field });
    expect(outcome.message).toMatch(message);
    expect(sent).toEqual([]);
  });

  it("ends an active silence, and 404s another brand's", async () => {
    expect((await command('brand-a', 'unsilence', { silence_id: 's_a' })).status).toBe(200);
    expect(sent).toEqual([
      expect.objectContaining({ type: 'unsilence', silence_id: 's_a', brand_id: 'brand-a' }),
    ]);
    sent = [];
    const other = await command('brand-b', 'unsilence', { silence_id: 's_a' });
    expect(other.status).toBe(404);
    expect(other.outcome.message).toBe('No active silence s_a.');
    expect(sent).toEqual([]);
  });
});

describe('rules and receivers', () => {
  const rule = {
    original: '',
    rule_id: 'shop-silent',
    type: 'source_silent',
    enabled: 'on',
    severity: 'critical',
    threshold: '10',
    recovery: '5',
    window_minutes: '',
    pending_minutes: '0',
    min_sample: '',
    subject: 'shopify',
  };
  const ruleIds = (brandId: string) => brands.get(brandId)!.settings.alerts.rules.map((r) => r.rule_id);

  it('adds a rule to the brands file, defaults filled in', async () => {
    const { status, outcome } = await settings('brand-a', 'save_rule', rule);
    expect(status).toBe(200);
    expect(outcome.saved).toBe(true);
    const saved = brands.get('brand-a')!.settings.alerts.rules.find((r) => r.rule_id === 'shop-silent');
    expect(saved).toEqual({
      rule_id: 'shop-silent',
      type: 'source_silent',
      enabled: true,
      severity: 'critical',
      threshold: 10,
      recovery: 5,
      window_minutes: 15,
      pending_minutes: 0,
      min_sample: 0,
      subject: 'shopify',
    });
    const file = JSON.parse(await readFile(join(dir, 'brands.json'), 'utf8')) as {
      brands: Array<{ brand_id: string; settings: { alerts: { rules: Array<{ rule_id: string }> } } }>;
    };
    const fileA = file.brands.find((b) => b.brand_id === 'brand-a')!;
    expect(fileA.settings.alerts.rules.map((r) => r.rule_id)).toContain('shop-silent');
    // Brand B's rules are untouched.
    expect(ruleIds('brand-b')).not.toContain('shop-silent');
  });

  it('names every problem by its field and saves nothing', async () => {
    const before = await readFile(join(dir, 'brands.json'), 'utf8');
    const { status, outcome } = await settings('brand-a', 'save_rule', {
      ...rule,
      rule_id: 'Bad Id!',
      threshold: 'ten',
      recovery: '20',
      window_minutes: '0',
      subject: '',
    });
    expect(status).toBe(400);
    expect(outcome.saved).toBe(false);
    expect(Object.keys(outcome.errors).sort()).toEqual(['rule_id', 'threshold', 'window_minutes']);
    expect(outcome.errors['threshold']).toEqual(['Enter a number.']);
    expect(outcome.values['rule_id']).toBe('Bad Id!');
    expect(await readFile(join(dir, 'brands.json'), 'utf8')).toBe(before);
    // The rule's cross-field checks run once its fields are sound.
    const next = await settings('brand-a', 'save_rule', { ...rule, rule_id: 'other', subject: '' });
    expect(Object.keys(next.outcome.errors)).toEqual(['subject']);
    expect(next.outcome.errors['subject']![0]).toMatch(/needs the source it watches/);
  });

  it('refuses a recovery on the wrong side of the threshold, next to recovery', async () => {
    const { status, outcome } = await settings('brand-a', 'save_rule', {
      ...rule,
      rule_id: 'other',
      recovery: '20',
    });
    expect(status).toBe(400);
    expect(outcome.errors['recovery']![0]).toMatch(/recovery must be at or below it/);
  });

  it('refuses a second rule with an existing id, next to rule_id', async () => {
    const { status, outcome } = await settings('brand-a', 'save_rule', rule);
    expect(status).toBe(400);
    expect(outcome.errors['rule_id']).toEqual(['rule_id "shop-silent" appears twice']);
  });

  it('edits, disables, re-enables and deletes a rule', async () => {
    const edited = await settings('brand-a', 'save_rule', {
      ...rule,
      original: 'shop-silent',
      threshold: '30',
    });
    expect(edited.status).toBe(200);
    const find = () => brands.get('brand-a')!.settings.alerts.rules.find((r) => r.rule_id === 'shop-silent');
    expect(find()?.threshold).toBe(30);
    await settings('brand-a', 'toggle_rule', { original: 'shop-silent' });
    expect(find()?.enabled).toBe(false);
    await settings('brand-a', 'toggle_rule', { original: 'shop-silent' });
    expect(find()?.enabled).toBe(true);
    expect((await settings('brand-a', 'delete_rule', { original: 'shop-silent' })).status).toBe(200);
    expect(find()).toBeUndefined();
    expect((await settings('brand-a', 'delete_rule', { original: 'shop-silent' })).status).toBe(404);
  });

  it('adds, refuses and deletes receivers', async () => {
    const ok = await settings('brand-a', 'save_receiver', {
      original: '',
      receiver_id: 'oncall',
      url: 'https://hooks.example.com/T1',
      format: 'slack',
    });
    expect(ok.status).toBe(200);
    expect(brands.get('brand-a')!.settings.alerts.receivers).toEqual([
      { receiver_id: 'oncall', url: 'https://hooks.example.com/T1', format: 'slack' },
    ]);
    const bad = await settings('brand-a', 'save_receiver', {
      original: '',
      receiver_id: 'pager',
      url: 'javascript:alert(1)',
      format: 'xml',
    });
    expect(bad.status).toBe(400);
    expect(bad.outcome.errors['url']).toEqual(['url must be an http(s) URL']);
    expect(bad.outcome.errors['format']![0]).toMatch(/Choose one of: slack, json/);
    expect((await settings('brand-a', 'delete_receiver', { original: 'oncall' })).status).toBe(200);
    expect(brands.get('brand-a')!.settings.alerts.receivers).toEqual([]);
  });

  it("cannot touch another brand's rules: the session's brand is the one edited", async () => {
    await settings('brand-b', 'delete_rule', { original: 'cost-spike' });
    expect(ruleIds('brand-b')).not.toContain('cost-spike');
    expect(ruleIds('brand-a')).toContain('cost-spike');
  });
});
