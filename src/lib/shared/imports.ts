// CSV import: what a brand can import, the fields a file's columns map to, and
// an import job as the API, the live push and the dashboard show it. The
// importer (ingest/import/) and the Imports page both read these.

/** customers, orders and events become events; spend rows become ad spend reports (docs/campaigns.md). */
export const IMPORT_KINDS = ['customers', 'orders', 'events', 'spend'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export interface ImportField {
  /** The field's name in a mapping, e.g. `email`. */
  field: string;
  label: string;
  required: boolean;
  /** What the column must hold, shown beside the mapping. */
  hint: string;
  /** Header names (compared lower-cased, without spaces, dashes or underscores) suggested for it. */
  aliases: readonly string[];
}

const identifierFields: readonly ImportField[] = [
  {
    field: 'user_id',
    label: 'Customer id',
    required: false,
    hint: "the brand's own customer id",
    aliases: ['userid', 'customerid', 'customerref', 'customer', 'clientid', 'customerreference'],
  },
  {
    field: 'email',
    label: 'Email',
    required: false,
    hint: 'an email address',
    aliases: ['email', 'emailaddress', 'customeremail', 'mail', 'billingemail'],
  },
  {
    field: 'phone',
    label: 'Phone',
    required: false,
    hint: "a phone number; without +country, the brand's default country",
    aliases: ['phone', 'phonenumber', 'mobile', 'mobilenumber', 'customerphone', 'billingphone', 'whatsapp'],
  },
  {
    field: 'loyalty_id',
    label: 'Loyalty id',
    required: false,
    hint: 'a loyalty card or member number',
    aliases: ['loyaltyid', 'loyalty', 'loyaltynumber', 'memberid', 'membershipid', 'cardnumber'],
  },
];

const occurredAt = (required: boolean, aliases: readonly string[]): ImportField => ({
  field: 'occurred_at',
  label: 'When',
  required,
  hint: 'ISO-8601 (2025-03-01T10:15:00+05:30), YYYY-MM-DD HH:MM[:SS] (UTC) or YYYY-MM-DD',
  aliases,
});

const channelField: ImportField = {
  field: 'channel',
  label: 'Channel',
  required: false,
  hint: 'web, app, store, whatsapp, email or server',
  aliases: ['channel', 'saleschannel', 'source'],
};

const campaignFields: readonly ImportField[] = [
  {
    field: 'utm_source',
    label: 'UTM source',
    required: false,
    hint: 'e.g. google',
    aliases: ['utmsource'],
  },
  {
    field: 'utm_medium',
    label: 'UTM medium',
    required: false,
    hint: 'e.g. cpc',
    aliases: ['utmmedium'],
  },
  {
    field: 'utm_campaign',
    label: 'UTM campaign',
    required: false,
    hint: 'the campaign name',
    aliases: ['utmcampaign', 'campaign'],
  },
];

/** The fields of each kind, in the order the mapping form shows them. */
export const IMPORT_FIELDS: Readonly<Record<ImportKind, readonly ImportField[]>> = {
  customers: [
    ...identifierFields,
    {
      field: 'first_name',
      label: 'First name',
      required: false,
      hint: '',
      aliases: ['firstname', 'givenname'],
    },
    {
      field: 'last_name',
      label: 'Last name',
      required: false,
      hint: '',
      aliases: ['lastname', 'surname', 'familyname'],
    },
    {
      field: 'name',
      label: 'Full name',
      required: false,
      hint: '',
      aliases: ['name', 'fullname', 'customername'],
    },
    { field: 'city', label: 'City', required: false, hint: '', aliases: ['city', 'town'] },
    { field: 'country', label: 'Country', required: false, hint: '', aliases: ['country', 'countrycode'] },
    occurredAt(false, ['createdat', 'signupdate', 'registeredat', 'joinedat', 'customersince', 'created']),
  ],
  orders: [
    {
      field: 'order_id',
      label: 'Order id',
      required: true,
      hint: 'rows of one order (one per line item) must follow each other',
      aliases: ['orderid', 'ordernumber', 'orderno', 'order', 'billid', 'invoiceid', 'invoicenumber', 'name'],
    },
    occurredAt(true, ['occurredat', 'createdat', 'orderdate', 'date', 'paidat', 'processedat', 'time']),
    {
      field: 'total',
      label: 'Order total',
      required: false,
      hint: "the order's total; without it, the sum of its lines",
      aliases: ['total', 'ordertotal', 'amount', 'grandtotal', 'totalprice', 'revenue'],
    },
    {
      field: 'currency',
      label: 'Currency',
      required: false,
      hint: 'ISO 4217, e.g. INR',
      aliases: ['currency', 'currencycode'],
    },
    ...identifierFields,
    {
      field: 'product_id',
      label: 'Product id',
      required: false,
      hint: 'one line item per row',
      aliases: ['productid', 'sku', 'lineitemsku', 'itemid', 'productsku'],
    },
    {
      field: 'product_name',
      label: 'Product name',
      required: false,
      hint: '',
      aliases: ['productname', 'lineitemname', 'itemname', 'product'],
    },
    {
      field: 'category',
      label: 'Category',
      required: false,
      hint: '',
      aliases: ['category', 'productcategory', 'producttype', 'department'],
    },
    {
      field: 'quantity',
      label: 'Quantity',
      required: false,
      hint: 'a whole number, default 1',
      aliases: ['quantity', 'qty', 'lineitemquantity', 'units'],
    },
    {
      field: 'price',
      label: 'Unit price',
      required: false,
      hint: 'price of one unit',
      aliases: ['price', 'unitprice', 'lineitemprice', 'itemprice'],
    },
    channelField,
    ...campaignFields,
  ],
  events: [
    {
      field: 'event',
      label: 'Event name',
      required: true,
      hint: 'e.g. Product Viewed, Product Added, Checkout Started, Order Completed, or your own',
      aliases: ['event', 'eventname', 'eventtype', 'action', 'type'],
    },
    occurredAt(true, ['occurredat', 'timestamp', 'time', 'date', 'eventtime', 'createdat']),
    ...identifierFields,
    {
      field: 'anonymous_id',
      label: 'Anonymous id',
      required: false,
      hint: 'a cookie or anonymous id',
      aliases: ['anonymousid', 'cookieid', 'visitorid', 'sessionid'],
    },
    { field: 'device_id', label: 'Device id', required: false, hint: '', aliases: ['deviceid', 'device'] },
    { field: 'product_id', label: 'Product id', required: false, hint: '', aliases: ['productid', 'sku'] },
    {
      field: 'category',
      label: 'Category',
      required: false,
      hint: '',
      aliases: ['category', 'productcategory'],
    },
    {
      field: 'revenue',
      label: 'Revenue',
      required: false,
      hint: 'for Order Completed',
      aliases: ['revenue', 'value', 'amount', 'total'],
    },
    { field: 'currency', label: 'Currency', required: false, hint: 'ISO 4217', aliases: ['currency'] },
    { field: 'order_id', label: 'Order id', required: false, hint: '', aliases: ['orderid'] },
    {
      field: 'message_id',
      label: 'Message id',
      required: false,
      hint: 'a unique id per event; without it, the row content identifies the event',
      aliases: ['messageid', 'eventid', 'id'],
    },
    channelField,
    ...campaignFields,
  ],
  // Named as a spend report's fields (src/lib/shared/campaigns.ts); the period comes from period_start.
  spend: [
    {
      field: 'campaign_id',
      label: 'Campaign id',
      required: true,
      hint: 'as your UTM tags name it (utm_id, else utm_campaign), so spend meets revenue',
      aliases: ['campaignid', 'utmid', 'utmcampaign', 'campaign', 'campaigncode'],
    },
    {
      field: 'campaign_name',
      label: 'Campaign name',
      required: false,
      hint: 'a readable name; without it, the id',
      aliases: ['campaignname', 'campaign', 'name'],
    },
    {
      field: 'channel',
      label: 'Channel',
      required: true,
      hint: 'Facebook, Instagram, Google Ads, TikTok, YouTube, email, SMS, WhatsApp, affiliate or other',
      aliases: [
        'channel',
        'platform',
        'adplatform',
        'network',
        'adnetwork',
        'publisher',
        'source',
        'utmsource',
      ],
    },
    {
      field: 'period_start',
      label: 'Day or hour',
      required: true,
      hint: 'YYYY-MM-DD for a day (UTC); a date with a time on the hour (2025-03-01 14:00, UTC or with its zone) for an hour',
      aliases: [
        'date',
        'day',
        'hour',
        'periodstart',
        'reportingstarts',
        'datetime',
        'time',
        'start',
        'timestamp',
      ],
    },
    {
      field: 'impressions',
      label: 'Impressions',
      required: false,
      hint: 'a whole number, default 0',
      aliases: ['impressions', 'impr', 'imps', 'impression'],
    },
    {
      field: 'clicks',
      label: 'Clicks',
      required: false,
      hint: 'a whole number, default 0',
      aliases: ['clicks', 'linkclicks', 'clicksall', 'click'],
    },
    {
      field: 'cost',
      label: 'Cost',
      required: true,
      hint: 'what the period cost, e.g. 1299.50 (not micros)',
      aliases: ['cost', 'spend', 'amountspent', 'spent', 'adspend', 'amount'],
    },
    {
      field: 'currency',
      label: 'Currency',
      required: false,
      hint: 'ISO 4217, e.g. INR',
      aliases: ['currency', 'currencycode'],
    },
  ],
};

/** Field name → column header. Fields without a column are left out. */
export type ImportMapping = Record<string, string>;

export const IMPORT_STATUSES = ['uploaded', 'running', 'done', 'failed', 'skipped', 'cancelled'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

/** One import, as stored, served and pushed live. */
export interface ImportJob {
  brand_id: string;
  import_id: string;
  kind: ImportKind;
  file_name: string;
  bytes: number;
  /** SHA-256 of the file, hex: the same file imported again is recognised by it. */
  sha256: string;
  /** The column separator found in the header line. */
  delimiter: string;
  headers: string[];
  mapping: ImportMapping | null;
  status: ImportStatus;
  /** Data rows read so far (the header is not one). */
  rows_read: number;
  /** Bytes of the file read so far, for the progress bar (bytes when done). */
  bytes_read: number;
  /** Rows that became events (for orders: every row of an accepted order). */
  rows_imported: number;
  /** Events published (an order of many rows is one event; a spend row is one spend report). */
  events_published: number;
  rows_rejected: number;
  /** Why a failed import stopped, or what a skipped one duplicates. */
  message: string | null;
  /** Set when status is `skipped`: the earlier import of the same file with the same mapping. */
  duplicate_of: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  /** The uploader: a dashboard user, or `api` for a write key. */
  created_by: string;
}

/** What an upload answers: the job, the file's first rows and a suggested mapping. */
export interface ImportPreview {
  job: ImportJob;
  /** Up to PREVIEW_ROWS data rows, as read (one string per header). */
  rows: string[][];
  suggested_mapping: ImportMapping;
}

export const PREVIEW_ROWS = 20;

/** One line of the downloadable error report. */
export interface ImportRowError {
  /** The row as a spreadsheet numbers it: the header is row 1. */
  row: number;
  column: string;
  value: string;
  error: string;
}

/** Lower-cased, without spaces, dashes, underscores or dots: how headers match aliases. */
export function headerKey(header: string): string {
  return header.toLowerCase().replace(/[\s_\-.]+/g, '');
}

/** The mapping a file's headers suggest: each field takes the first header matching its name or an alias. */
export function suggestMapping(kind: ImportKind, headers: readonly string[]): ImportMapping {
  const byKey = new Map<string, string>();
  for (const header of headers) if (!byKey.has(headerKey(header))) byKey.set(headerKey(header), header);
  const mapping: ImportMapping = {};
  const taken = new Set<string>();
  for (const field of IMPORT_FIELDS[kind]) {
    for (const alias of [headerKey(field.field), ...field.aliases]) {
      const header = byKey.get(alias);
      if (header !== undefined && !taken.has(header)) {
        mapping[field.field] = header;
        taken.add(header);
        break;
      }
    }
  }
  return mapping;
}

/** What is wrong with a mapping for these headers, one sentence per problem; empty when it can run. */
export function mappingProblems(
  kind: ImportKind,
  headers: readonly string[],
  mapping: ImportMapping,
): string[] {
  const fields = IMPORT_FIELDS[kind];
  const problems: string[] = [];
  for (const [field, column] of Object.entries(mapping)) {
    if (!fields.some((f) => f.field === field)) problems.push(`"${field}" is not a field of ${kind} imports`);
    else if (!headers.includes(column)) problems.push(`${field}: the file has no column "${column}"`);
  }
  for (const field of fields) {
    if (field.required && mapping[field.field] === undefined)
      problems.push(`${field.field} (${field.label}) needs a column`);
  }
  return problems;
}
