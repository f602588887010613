// The Campaigns table's columns, sorting and totals. Ratios without a
// denominator (null) sort last either way. Relative, not $lib: unit-tested
// outside SvelteKit.
import type { CampaignMetrics, CampaignRow } from '../shared/campaigns';
import { formatCount, formatMoney, formatPercent } from './format';

export type SortKey = keyof Pick<
  CampaignRow,
  | 'campaign_name'
  | 'channel'
  | 'cost'
  | 'impressions'
  | 'clicks'
  | 'ctr'
  | 'visits'
  | 'orders'
  | 'revenue'
  | 'roas'
  | 'roi'
  | 'cpa'
  | 'conversion_rate'
>;

const ratio = (value: number | null) => (value === null ? '—' : `${value.toFixed(2)}×`);
const percentOrDash = (value: number | null) => (value === null ? '—' : formatPercent(value));
const moneyOrDash = (value: number | null) => (value === null ? '—' : formatMoney(value));

export const COLUMNS: ReadonlyArray<{
  key: SortKey;
  label: string;
  numeric: boolean;
  /** Numbers only: they read the metrics, which the totals row has too. */
  format?: (row: CampaignMetrics) => string;
}> = [
  { key: 'campaign_name', label: 'Campaign', numeric: false },
  { key: 'channel', label: 'Channel', numeric: false },
  { key: 'cost', label: 'Spend', numeric: true, format: (row) => formatMoney(row.cost) },
  { key: 'impressions', label: 'Impressions', numeric: true, format: (row) => formatCount(row.impressions) },
  { key: 'clicks', label: 'Clicks', numeric: true, format: (row) => formatCount(row.clicks) },
  { key: 'ctr', label: 'CTR', numeric: true, format: (row) => percentOrDash(row.ctr) },
  { key: 'visits', label: 'Visits', numeric: true, format: (row) => formatCount(row.visits) },
  { key: 'orders', label: 'Orders', numeric: true, format: (row) => formatCount(row.orders) },
  { key: 'revenue', label: 'Revenue', numeric: true, format: (row) => formatMoney(row.revenue) },
  { key: 'roas', label: 'ROAS', numeric: true, format: (row) => ratio(row.roas) },
  { key: 'roi', label: 'ROI', numeric: true, format: (row) => percentOrDash(row.roi) },
  { key: 'cpa', label: 'CPA', numeric: true, format: (row) => moneyOrDash(row.cpa) },
  {
    key: 'conversion_rate',
    label: 'Conv. rate',
    numeric: true,
    format: (row) => percentOrDash(row.conversion_rate),
  },
];

export function sortRows(rows: readonly CampaignRow[], key: SortKey, descending: boolean): CampaignRow[] {
  const sign = descending ? -1 : 1;
  return [...rows].sort((a, b) => {
    const x = a[key];
    const y = b[key];
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    const order = typeof x === 'string' ? x.localeCompare(String(y)) : x - (y as number);
    return sign * order || a.campaign_id.localeCompare(b.campaign_id) || a.channel.localeCompare(b.channel);
  });
}
