import { describe, expect, it } from 'vitest';
import { createRowMapper, type MapOutput, type MappedRow } from '../../../ingest/import/map-rows';
import { adSpendSchema, type AdSpend } from '../../../src/lib/shared/campaigns';
import { IMPORT_FIELDS, mappingProblems, suggestMapping } from '../../../src/lib/shared/imports';

const NOW = new Date('2026-01-15T12:00:00Z');
/** Field → column as a Facebook Ads export names them. */
const COLUMNS = {
  campaign_id: 'Campaign ID',
  campaign_name: 'Campaign name',
  channel: 'Platform',
  period_start: 'Day',
  impressions: 'Impressions',
  clicks: 'Link clicks',
  cost: 'Amount spent',
  currency: 'Currency',
};

function mapper() {
  return createRowMapper('spend', COLUMNS, {
    brand_id: 'acme',
    import_id: '00000000-0000-4000-8000-000000000001',
    file_name: 'spend.csv',
    newId: () => 'unused',
    now: () => NOW,
  });
}

let line = 1;
function row(overrides: Record<string, string | undefined> = {}): MappedRow {
  line += 1;
  const cells: Record<string, string> = {};
  const given: Record<string, string | undefined> = {
    campaign_id: '120210001',
    campaign_name: 'Winter sale: retargeting',
    channel: 'Facebook',
    period_start: '2026-01-14',
    impressions: '48,200',
    clicks: '1312',
    cost: '₹18,450.75',
    currency: 'inr',
    ...overrides,
  };
  for (const [field, value] of Object.entries(given)) if (value !== undefined) cells[field] = value;
  return { row: line, cells, raw: Object.values(cells) };
}

/** The spend rows of an output, each checked against the bus contract. */
function spendOf(output: MapOutput): AdSpend[] {
  return output.events.map((mapped) => {
    expect(mapped.event).toBeUndefined();
    return adSpendSchema.parse(mapped.spend);
  });
}

function errorOf(output: MapOutput) {
  expect(output.events).toEqual([]);
  expect(output.errors).toHaveLength(1);
  const { column, value, error } = output.errors[0]!;
  return { column, value, error };
}

describe('spend rows', () => {
  it('a date is a day, read strictly, as an AdSpend row from the csv source', () => {
    const out = mapper().push(row());
    expect(out.errors).toEqual([]);
    expect(spendOf(out)).toEqual([
      {
        brand_id: 'acme',
        campaign_id: '120210001',
        campaign_name: 'Winter sale: retargeting',
        channel: 'facebook',
        period: 'day',
        period_start: '2026-01-14T00:00:00.000Z',
        impressions: 48200,
        clicks: 1312,
        cost: 18450.75,
        currency: 'INR',
        source: 'csv',
        received_at: NOW.toISOString(),
      },
    ]);
  });

  it('a date with a time is the hour starting then, in UTC or its own zone', () => {
    const m = mapper();
    const [utc] = spendOf(m.push(row({ period_start: '2026-01-14 09:00' })));
    const [zoned] = spendOf(m.push(row({ period_start: '2026-01-14T15:30:00+05:30' })));
    const [midnight] = spendOf(m.push(row({ period_start: '2026-01-13T00:00:00Z' })));
    expect(utc).toMatchObject({ period: 'hour', period_start: '2026-01-14T09:00:00.000Z' });
    expect(zoned).toMatchObject({ period: 'hour', period_start: '2026-01-14T10:00:00.000Z' });
    expect(midnight).toMatchObject({ period: 'hour', period_start: '2026-01-13T00:00:00.000Z' });
  });

  it('defaults: no name is the id, no counts are 0, no currency is null', () => {
    const [spend] = spendOf(
      mapper().push(
        row({ campaign_name: undefined, impressions: undefined, clicks: undefined, currency: undefined }),
      ),
    );
    expect(spend).toMatchObject({ campaign_name: '120210001', impressions: 0, clicks: 0, currency: null });
  });

  it.each([
    ['Facebook', 'facebook'],
    ['Meta Ads', 'facebook'],
    ['fb', 'facebook'],
    ['Instagram', 'instagram'],
    ['Google Ads', 'google_ads'],
    ['google', 'google_ads'],
    ['google_ads', 'google_ads'],
    ['AdWords', 'google_ads'],
    ['TikTok', 'tiktok'],
    ['TikTok Ads', 'tiktok'],
    ['YouTube', 'youtube'],
    ['E-mail', 'email'],
    ['Newsletter', 'email'],
    ['SMS', 'sms'],
    ['WhatsApp', 'whatsapp'],
    ['Affiliates', 'affiliate'],
    ['other', 'other'],
  ])('channel "%s" is %s', (written, channel) => {
    expect(spendOf(mapper().push(row({ channel: written })))[0]?.channel).toBe(channel);
  });

  it.each([
    // field, value, the error's start
    ['channel', 'MySpace', '"MySpace" is not an ad channel (facebook, instagram, google_ads'],
    ['channel', 'Facebook; DROP TABLE', 'is not an ad channel'],
    ['period_start', '03/04/2025', 'could be day/month or month/day'],
    ['period_start', '2026-01-14 09:30', 'is not the start of an hour in UTC'],
    ['period_start', '2026-01-14T09:00:00+05:30', 'is not the start of an hour in UTC'],
    ['period_start', '2026-02-30', 'is not a real date'],
    ['period_start', '2026-03-01', 'is in the future'],
    ['period_start', '2024-06-01', 'the period ended more than 400 days ago'],
    ['period_start', 'yesterday', 'is not a date or time'],
    ['cost', '-12.00', 'is negative'],
    ['cost', '12,50', 'decimal comma'],
    ['cost', '1e5', 'is not an amount'],
    ['cost', '2000000000000', 'must be at most 1000000000000'],
    ['clicks', '3.5', 'is not a whole number'],
    ['clicks', '-4', 'is not a whole number'],
    ['impressions', '1.2k', 'is not a whole number'],
    ['impressions', '99999999999999999999', 'too large a count'],
    ['currency', 'rupees', 'is not a three-letter currency code'],
    ['campaign_id', 'spring\u0000sale', 'campaign_id has control characters'],
    ['campaign_id', 'x'.repeat(201), 'campaign_id is longer than 200 characters'],
    ['campaign_name', 'Sale\u001b[2J', 'has control characters'],
    ['campaign_name', 'n'.repeat(201), 'Too big'],
  ])('refuses %s "%s", naming the column and value', (field, value, error) => {
    const refused = errorOf(mapper().push(row({ [field]: value })));
    expect(refused).toEqual({
      column: COLUMNS[field as keyof typeof COLUMNS],
      value,
      error: expect.stringContaining(error),
    });
  });

  it.each([
    ['campaign_id', 'the campaign id is empty'],
    ['channel', 'the channel is empty'],
    ['period_start', 'the date is empty'],
    ['cost', 'the cost is empty'],
  ])('refuses a row without %s', (field, error) => {
    expect(errorOf(mapper().push(row({ [field]: undefined })))).toEqual({
      column: COLUMNS[field as keyof typeof COLUMNS],
      value: '',
      error,
    });
  });

  it('reports every bad cell of a row', () => {
    const out = mapper().push(row({ channel: 'Friendster', cost: 'free', clicks: 'many' }));
    expect(out.events).toEqual([]);
    expect(out.errors.map((e) => e.column)).toEqual(['Platform', 'Link clicks', 'Amount spent']);
  });

  it('refuses a second row with the same campaign, channel and period: a breakdown to sum, naming the first', () => {
    const m = mapper();
    const first = row();
    expect(m.push(first).errors).toEqual([]);
    // Another channel, another day or the hour of that day are other keys.
    expect(m.push(row({ channel: 'Instagram' })).errors).toEqual([]);
    expect(m.push(row({ period_start: '2026-01-13' })).errors).toEqual([]);
    expect(m.push(row({ period_start: '2026-01-14 00:00' })).errors).toEqual([]);
    // "fb" is Facebook: the same key, written another way.
    const again = errorOf(m.push(row({ channel: 'fb', cost: '100' })));
    expect(again).toEqual({
      column: 'Campaign ID',
      value: '120210001',
      error: `120210001 on facebook, the day from 2026-01-14T00:00:00.000Z is already row ${first.row}: sum breakdowns (ad sets, ads) into one row per campaign, channel and day`,
    });
  });

  it('remembers the rows a resumed import recalls, and only those that were imported', () => {
    const m = mapper();
    m.recall(row({ cost: '-1' })); // refused then: its key is free
    m.recall(row({ campaign_id: 'c-2' }));
    expect(m.push(row()).errors).toEqual([]);
    expect(m.push(row({ campaign_id: 'c-2' })).errors[0]?.error).toContain('is already row');
  });

  it('has nothing open between rows: a checkpoint may stand anywhere', () => {
    const m = mapper();
    m.push(row());
    expect(m.openFrom()).toBeNull();
    expect(m.end()).toEqual({ events: [], errors: [] });
  });
});

describe('the spend mapping', () => {
  it('is suggested from the headers of Facebook and Google Ads exports', () => {
    expect(
      suggestMapping('spend', [
        'Campaign name',
        'Campaign ID',
        'Platform',
        'Day',
        'Impressions',
        'Link clicks',
        'Amount spent',
        'Currency',
      ]),
    ).toEqual(COLUMNS);
    expect(
      suggestMapping('spend', ['Campaign', 'Day', 'Network', 'Impr.', 'Clicks', 'Cost', 'Currency code']),
    ).toEqual({
      campaign_id: 'Campaign',
      channel: 'Network',
      period_start: 'Day',
      impressions: 'Impr.',
      clicks: 'Clicks',
      cost: 'Cost',
      currency: 'Currency code',
    });
  });

  it('needs a campaign id, channel, date and cost column', () => {
    expect(mappingProblems('spend', ['Campaign', 'Impressions'], { campaign_id: 'Campaign' })).toEqual([
      'channel (Channel) needs a column',
      'period_start (Day or hour) needs a column',
      'cost (Cost) needs a column',
    ]);
    expect(IMPORT_FIELDS.spend.filter((f) => f.required).map((f) => f.field)).toEqual([
      'campaign_id',
      'channel',
      'period_start',
      'cost',
    ]);
  });
});
