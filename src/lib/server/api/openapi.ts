// The OpenAPI 3.1 description of everything a brand's tools call: the tracking
// API, POS bills, ad spend and the Shopify, WooCommerce and WhatsApp (Twilio) webhooks
// (served by ingest) and the read API (./app.ts).
// tests/unit/server/api/openapi.test.ts checks every route the read API serves is here.
import { AD_CHANNELS, SPEND_PERIODS } from '../../shared/campaigns';
import { EVENT_TYPES, IDENTIFIER_TYPES, SOURCES } from '../../shared/events';
import { IMPORT_FIELDS, IMPORT_KINDS, IMPORT_STATUSES } from '../../shared/imports';
import { ALERT_RULE_TYPES } from '../../shared/alert-rules';
import { ALERT_SEVERITIES, ALERT_STATES, INTENT_LEVELS, MERGE_ACTIONS } from '../../shared/model';
import { PREDICTION_RUN_STATUSES } from '../../shared/predictions';
import { CAMPAIGN_BUCKETS, MAX_BUCKET_RANGE_DAYS, MAX_CAMPAIGN_RANGE_DAYS } from '../campaign-query';
import { PROFILES_LIST_MAX_LIMIT } from '../../../../ingest/warehouse/types';
import { PROFILE_EXPORT_COLUMNS } from '../profiles-export';
import { SEGMENT_EXPORT_COLUMNS } from '../segments-export';
import { DEFAULT_PAGE_SIZE } from '../profiles-list';
import { LIMITS } from './limits';

type JsonType = 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null';

/** The subset of JSON Schema 2020-12 this document uses. */
export interface JsonSchema {
  type?: JsonType | JsonType[];
  description?: string;
  format?: string;
  pattern?: string;
  enum?: readonly string[];
  const?: string | boolean;
  properties?: Record<string, JsonSchema>;
  required?: readonly string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  $ref?: string;
  allOf?: JsonSchema[];
  oneOf?: JsonSchema[];
}

interface Parameter {
  name: string;
  in: 'query' | 'path' | 'header';
  required?: boolean;
  description: string;
  schema: JsonSchema;
}

interface Response {
  description: string;
  headers?: Record<string, { description: string; schema: JsonSchema }>;
  content?: Record<string, { schema: JsonSchema }>;
}

interface Operation {
  operationId: string;
  summary: string;
  tags: string[];
  security?: Array<Record<string, string[]>>;
  parameters?: Parameter[];
  requestBody?: { required: boolean; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, Response>;
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  paths: Record<string, { get?: Operation; post?: Operation }>;
  components: {
    schemas: Record<string, JsonSchema>;
    securitySchemes: Record<
      string,
      { type: string; scheme?: string; in?: string; name?: string; description: string }
    >;
  };
}

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
const str: JsonSchema = { type: 'string' };
const num: JsonSchema = { type: 'number' };
const int: JsonSchema = { type: 'integer', minimum: 0 };
const time: JsonSchema = { type: 'string', format: 'date-time' };
const arrayOf = (items: JsonSchema): JsonSchema => ({ type: 'array', items });
const record = (values: JsonSchema): JsonSchema => ({ type: 'object', additionalProperties: values });
const object = (properties: Record<string, JsonSchema>, optional: string[] = []): JsonSchema => ({
  type: 'object',
  properties,
  required: Object.keys(properties).filter((key) => !optional.includes(key)),
});
const json = (description: string, schema: JsonSchema): Response => ({
  description,
  content: { 'application/json': { schema } },
});

const errors = {
  '400': json('The request names a problem: a bad parameter, type or format.', ref('Error')),
  '401': json('No valid read key or session.', ref('Error')),
};
const readSecurity: Array<Record<string, string[]>> = [{ readKey: [] }, { session: [] }];
const importSecurity: Array<Record<string, string[]>> = [{ writeKey: [] }, { readKey: [] }, { session: [] }];
const importWriteSecurity: Array<Record<string, string[]>> = [{ writeKey: [] }, { session: [] }];
const importId: Parameter = {
  name: 'import_id',
  in: 'path',
  required: true,
  description: 'An import id.',
  schema: str,
};
const alertId: Parameter = {
  name: 'alert_id',
  in: 'path',
  required: true,
  description: 'An alert id.',
  schema: str,
};
const rangeParameters: Parameter[] = [
  { name: 'from', in: 'query', description: 'ISO-8601 with a time zone.', schema: time },
  { name: 'to', in: 'query', description: 'ISO-8601 with a time zone.', schema: time },
];
const limit = (bounds: { default: number; max: number }): Parameter => ({
  name: 'limit',
  in: 'query',
  description: `How many to return (default ${bounds.default}).`,
  schema: { type: 'integer', minimum: 1, maximum: bounds.max },
});

const profilesFilter: Parameter[] = [
  {
    name: 'sort',
    in: 'query',
    description: 'revenue (default), intent or last_seen; highest first.',
    schema: { type: 'string', enum: ['revenue', 'intent', 'last_seen'] },
  },
  {
    name: 'search',
    in: 'query',
    description:
      'An identifier value (email, phone in E.164, customer id, loyalty id, device, cookie) or a profile id prefix; at most 256 characters.',
    schema: str,
  },
];

const segmentCall = (type: string, extra: Record<string, JsonSchema>): JsonSchema => ({
  type: 'object',
  description: `A Segment-compatible ${type} call. One of userId or anonymousId is required.`,
  properties: {
    type: { type: 'string', enum: [type] },
    messageId: { type: 'string', description: 'Deduplicates retries; generated when absent.' },
    userId: str,
    anonymousId: str,
    timestamp: time,
    context: { type: 'object', additionalProperties: true },
    ...extra,
  },
});
// Ingest answers errors as { error: { code, message } } (ingest/http/errors.ts), not as the read API does.
const ingestError = (description: string): Response => json(description, ref('IngestError'));
const retryAfter = {
  'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer', minimum: 1 } },
} satisfies Response['headers'];
const wwwAuthenticate = {
  'WWW-Authenticate': { description: 'Basic, with the API’s realm.', schema: str },
} satisfies Response['headers'];
const rateLimited = (description: string): Response => ({
  ...ingestError(
    `The brand is over its rate limit (settings.rate_limit; rate_limited): nothing is kept. ${description}` +
      'Retry after the Retry-After header.',
  ),
  headers: retryAfter,
});
const busUnavailable: Response = {
  ...ingestError('The bus is unavailable (bus_unavailable); retry after the Retry-After header.'),
  headers: retryAfter,
};
const unknownBrand = ingestError('No brand with this id (unknown_brand).');
const ingestResponses = {
  '200': json('Accepted: the bus has the event(s).', { type: 'object', additionalProperties: true }),
  '400': ingestError('Invalid event; kept as a rejected event with its reason.'),
  '401': { ...ingestError('Missing or unknown write key.'), headers: wwwAuthenticate },
  '413': ingestError('The body is too large.'),
  '415': ingestError('Content-Type is not application/json.'),
  '429': rateLimited(''),
  '503': busUnavailable,
};
const brandIdParameter = (description: string): Parameter => ({
  name: 'brand_id',
  in: 'path',
  required: true,
  description: `${description} The URL only claims the brand; the signature proves it.`,
  schema: str,
});

/** Twilio's form parameters the mapping reads (ingest/http/whatsapp/whatsapp-schema.ts). */
const twilioText: JsonSchema = { type: 'string', maxLength: 4096 };
const twilioForm: JsonSchema = {
  type: 'object',
  description:
    'An inbound message (SmsStatus=received, no MessageStatus) needs MessageSid and From; a status ' +
    'callback (MessageStatus, or SmsStatus other than received) is only verified. Parameters not listed ' +
    '(MediaUrl<n>, AccountSid, …) are ignored but covered by the signature.',
  properties: {
    MessageSid: { type: 'string', maxLength: 64, description: 'Deduplicates Twilio’s retries.' },
    From: {
      type: 'string',
      pattern: '^whatsapp:.+$',
      description: 'The customer, e.g. whatsapp:+919876543210 (on a status callback, the brand’s number).',
    },
    To: twilioText,
    WaId: { ...twilioText, description: 'The sender’s number, digits only; used when From has none.' },
    ProfileName: { ...twilioText, description: 'Becomes the trait whatsapp_profile_name.' },
    Body: {
      type: 'string',
      description: 'What the customer wrote; kept only with settings.whatsapp.store_message_text.',
    },
    NumMedia: { type: 'string', pattern: '^\\d{1,2}$', description: 'How many media, at most 10.' },
    MessageType: twilioText,
    ButtonPayload: twilioText,
    ReferralSourceId: { ...twilioText, description: 'Set for a Click-to-WhatsApp ad or post: the campaign.' },
    ReferralSourceType: twilioText,
    ReferralSourceUrl: twilioText,
    SmsStatus: str,
    MessageStatus: {
      type: 'string',
      description: 'Only on status callbacks: sent, delivered, read, failed, …',
    },
  },
  additionalProperties: { type: 'string', description: 'e.g. MediaContentType0 … MediaContentType9.' },
};
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

/** POS bill fields (ingest/http/pos/bill-schema.ts). */
const amount: JsonSchema = {
  type: ['number', 'string'],
  description: 'At least 0: a number or a decimal string such as "19.99".',
};
const billId: JsonSchema = {
  type: ['string', 'integer'],
  description: 'A non-blank string of at most 200 characters, or a whole number (it travels as a string).',
};
const billText = (maxLength: number): JsonSchema => ({ type: ['string', 'null'], maxLength });
const billIdentifier: JsonSchema = {
  type: ['string', 'integer', 'null'],
  description: 'At most 256 characters; blank or null is "not given".',
};
const ingestOperation = (operationId: string, summary: string, body: JsonSchema): Operation => ({
  operationId,
  summary,
  tags: ['ingest'],
  security: [{ writeKey: [] }],
  requestBody: { required: true, content: { 'application/json': { schema: body } } },
  responses: ingestResponses,
});

const properties = record({});

/**
 * analytics.js's short path for a tracking endpoint (ingest/http/tracking/browser.ts):
 * the same call, which the browser library sends as a text/plain JSON body.
 */
const browserShortPath = (operationId: string, full: string, body: JsonSchema): { post: Operation } => ({
  post: {
    ...ingestOperation(
      `${operationId}Short`,
      `analytics.js's short path for ${full}: the same call, read the same way.`,
      body,
    ),
    requestBody: {
      required: true,
      content: { 'application/json': { schema: body }, 'text/plain': { schema: body } },
    },
  },
});

export const openApiDocument: OpenApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'Signalroom',
    version: '0.1.0',
    description:
      'Real-time customer intelligence. Send events with a write key; read profiles, KPIs, alerts and ' +
      'rejected events with a read key. Every read is scoped to the brand the credential belongs to.',
  },
  paths: {
    '/v1/track': {
      post: ingestOperation(
        'track',
        'Track an event (Segment e-commerce spec v2 names map to event types).',
        segmentCall('track', { event: str, properties }),
      ),
    },
    '/v1/identify': {
      post: ingestOperation(
        'identify',
        'Identify a user with traits.',
        segmentCall('identify', { traits: properties }),
      ),
    },
    '/v1/page': {
      post: ingestOperation('page', 'Record a page view.', segmentCall('page', { name: str, properties })),
    },
    '/v1/screen': {
      post: ingestOperation(
        'screen',
        'Record a mobile screen view.',
        segmentCall('screen', { name: str, properties }),
      ),
    },
    '/v1/alias': {
      post: ingestOperation(
        'alias',
        'Say that previousId and userId are one person.',
        segmentCall('alias', { previousId: str }),
      ),
    },
    '/v1/group': {
      post: ingestOperation(
        'group',
        'Associate a user with a group (an account or company).',
        segmentCall('group', { groupId: str, traits: properties }),
      ),
    },
    '/v1/batch': {
      post: ingestOperation(
        'batch',
        'Send several calls of any type (track, identify, page, screen, alias, group) at once; each valid call is accepted, each invalid one reported by its index.',
        object({ batch: arrayOf({ type: 'object', additionalProperties: true }) }),
      ),
    },
    '/v1/import': {
      post: ingestOperation(
        'import',
        "Segment's historical import endpoint: the same as /v1/batch.",
        object({ batch: arrayOf({ type: 'object', additionalProperties: true }) }),
      ),
    },
    '/v1/t': browserShortPath('track', '/v1/track', segmentCall('track', { event: str, properties })),
    '/v1/i': browserShortPath('identify', '/v1/identify', segmentCall('identify', { traits: properties })),
    '/v1/p': browserShortPath('page', '/v1/page', segmentCall('page', { name: str, properties })),
    '/v1/s': browserShortPath('screen', '/v1/screen', segmentCall('screen', { name: str, properties })),
    '/v1/a': browserShortPath('alias', '/v1/alias', segmentCall('alias', { previousId: str })),
    '/v1/g': browserShortPath(
      'group',
      '/v1/group',
      segmentCall('group', { groupId: str, traits: properties }),
    ),
    '/v1/b': browserShortPath(
      'batch',
      '/v1/batch',
      object({ batch: arrayOf({ type: 'object', additionalProperties: true }) }),
    ),
    '/webhooks/shopify/{brand_id}': {
      post: {
        operationId: 'shopifyWebhook',
        summary: 'Shopify webhook (orders, checkouts, customers), signed with the brand’s Shopify secret.',
        tags: ['ingest'],
        security: [{ shopifyHmac: [] }],
        parameters: [
          brandIdParameter('The brand the shop belongs to.'),
          {
            name: 'X-Shopify-Topic',
            in: 'header',
            required: true,
            description: 'e.g. orders/create.',
            schema: str,
          },
          {
            name: 'X-Shopify-Webhook-Id',
            in: 'header',
            required: true,
            description: 'Deduplicates Shopify’s retries.',
            schema: str,
          },
        ],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { type: 'object', additionalProperties: true } } },
        },
        responses: {
          '200': ingestResponses['200'],
          '400': ingestResponses['400'],
          '401': ingestError('Missing or wrong X-Shopify-Hmac-Sha256.'),
          '404': unknownBrand,
          '413': ingestResponses['413'],
          '429': ingestResponses['429'],
          '503': busUnavailable,
        },
      },
    },
    '/webhooks/woocommerce/{brand_id}': {
      post: {
        operationId: 'wooCommerceWebhook',
        summary:
          'WooCommerce webhook (order.created, order.updated, customer.created, customer.updated; WP REST API ' +
          'v3 payloads), signed with the brand’s WooCommerce secret. The unsigned ping WooCommerce sends when ' +
          'a webhook is saved (form-encoded webhook_id=<n>) is answered 200 and stored nowhere.',
        tags: ['ingest'],
        security: [{ wooCommerceHmac: [] }, {}],
        parameters: [
          brandIdParameter('The brand the shop belongs to.'),
          {
            name: 'X-WC-Webhook-Topic',
            in: 'header',
            description:
              'e.g. order.created. Required on a signed delivery (400 missing_topic without it); the ping has none.',
            schema: str,
          },
          {
            name: 'X-WC-Webhook-Delivery-ID',
            in: 'header',
            description:
              'With the topic and resource id, deduplicates deliveries other than purchases (keyed by the order).',
            schema: str,
          },
          {
            name: 'X-WC-Webhook-Source',
            in: 'header',
            description: 'The shop’s URL: tells two shops of one brand apart in a purchase’s key.',
            schema: str,
          },
        ],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                additionalProperties: true,
                description:
                  'The order or customer as the WooCommerce REST API (wc/v3) returns it; up to 2 MB.',
              },
            },
            'application/x-www-form-urlencoded': {
              schema: object({
                webhook_id: { type: 'string', pattern: '^\\d{1,20}$', description: 'The ping, unsigned.' },
              }),
            },
          },
        },
        responses: {
          '200': json(
            'The ping; a delivery the bus has ({ success: true }); or one ignored and published nowhere: ' +
              'another topic, or an order save that is not a purchase (WooCommerce does not retry).',
            {
              oneOf: [
                object(
                  { success: { type: 'boolean', const: true }, ping: { type: 'boolean', const: true } },
                  ['ping'],
                ),
                object({ ignored: { type: 'boolean', const: true }, reason: str }),
              ],
            },
          ),
          '400': ingestError(
            'No X-WC-Webhook-Topic (missing_topic), broken JSON (invalid_json) or a payload without the ' +
              'fields read (invalid_event); kept as a rejection the brand sees.',
          ),
          '401': ingestError(
            'No X-WC-Webhook-Signature on a request that is not the ping, or one that does not match the ' +
              'body (invalid_signature); kept as a rejection the brand sees.',
          ),
          '404': unknownBrand,
          '413': ingestError('A signed body over 2 MB (payload_too_large); kept as a rejection.'),
          '415': ingestError(
            'A signed delivery whose Content-Type is not application/json (unsupported_media_type); kept ' +
              'as a rejection.',
          ),
          '429': rateLimited('Checked after the signature. '),
          '503': busUnavailable,
        },
      },
    },
    '/webhooks/whatsapp/{brand_id}': {
      post: {
        operationId: 'whatsAppWebhook',
        summary:
          'WhatsApp via Twilio: a WhatsApp sender’s incoming-message (and status-callback) URL. An inbound ' +
          'message becomes a message_received event; a status callback is verified and answered but not ' +
          'stored. Signed by Twilio with the brand’s auth token.',
        tags: ['ingest'],
        security: [{ twilioSignature: [] }],
        parameters: [brandIdParameter('The brand the WhatsApp sender belongs to.')],
        requestBody: {
          required: true,
          content: { 'application/x-www-form-urlencoded': { schema: twilioForm } },
        },
        responses: {
          '200': {
            description:
              'Empty TwiML, so Twilio sends no reply: the bus has the inbound message, or the status ' +
              'callback was verified (and published nowhere).',
            content: { 'text/xml': { schema: { type: 'string', const: EMPTY_TWIML } } },
          },
          '400': ingestError(
            'A body that is not UTF-8 or has a malformed %-escape (invalid_form), or an inbound message ' +
              'without a valid MessageSid, From or NumMedia (invalid_event); kept as a rejection, Body masked ' +
              'unless settings.whatsapp.store_message_text, media and locations always.',
          ),
          '401': ingestError(
            'No X-Twilio-Signature, or one that does not match the URL configured in Twilio (PUBLIC_URL + ' +
              'the path and query) and the parameters (invalid_signature, naming the URL checked); kept as ' +
              'a rejection.',
          ),
          '404': unknownBrand,
          '413': ingestError('A body over 64 KB (payload_too_large); kept as a rejection.'),
          '415': ingestError(
            'Content-Type is not application/x-www-form-urlencoded (unsupported_media_type); kept as a ' +
              'rejection.',
          ),
          '429': rateLimited('Inbound messages only: status callbacks never count. '),
          '503': busUnavailable,
        },
      },
    },
    '/v1/pos/bills': {
      post: {
        operationId: 'posBills',
        summary:
          'POS bills: one bill, or { bills: [...] } with up to 500 (1 MB per request). Each bill becomes an ' +
          'order_completed in channel store, idempotent by (store_id, bill_id), and costs 1 against the ' +
          'rate limit.',
        tags: ['ingest'],
        security: [{ writeKey: [] }],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                oneOf: [
                  ref('PosBill'),
                  object({
                    bills: {
                      type: 'array',
                      items: ref('PosBill'),
                      minItems: 1,
                      maxItems: 500,
                      description:
                        'Each bill is checked on its own: valid ones are accepted, bad ones (and a later ' +
                        'copy of a bill in the same request) are listed in rejected.',
                    },
                  }),
                ],
              },
            },
          },
        },
        responses: {
          '200': json(
            'At least one bill accepted: the bus has the accepted bills and a rejection for each bad one.',
            ref('PosBillsResult'),
          ),
          '400': json(
            'Broken JSON (invalid_json), a body that is neither a bill nor { bills: [...] } with 1 or more, or a bad single ' +
              'bill (invalid_bill, naming the field), kept as a rejection; or a batch with no bill accepted, ' +
              'answered with the per-bill result.',
            { oneOf: [ref('IngestError'), ref('PosBillsResult')] },
          ),
          '401': {
            ...ingestError(
              'No write key, a malformed Authorization, or an unknown write key (missing_write_key, ' +
                'invalid_write_key); not kept.',
            ),
            headers: wwwAuthenticate,
          },
          '413': ingestError(
            'A body over 1 MB (request_too_large) or more than 500 bills (too_many_bills); kept as a rejection.',
          ),
          '415': ingestError(
            'Content-Type is not application/json (unsupported_media_type); kept as a rejection.',
          ),
          '429': rateLimited('A bill costs 1; so does a refused request (it publishes one rejection). '),
          '503': busUnavailable,
        },
      },
    },
    '/v1/spend': {
      post: {
        operationId: 'spendReports',
        summary:
          'Ad spend: one report, or { reports: [...] } with up to 1000 (1 MB per request), per campaign, ' +
          'channel and UTC hour or day. All or nothing: one bad report refuses the request. A report replaces ' +
          'the earlier one with the same campaign_id, channel, period and period_start, so resending is ' +
          'harmless. Each report costs 1 against the rate limit (docs/campaigns.md).',
        tags: ['ingest'],
        security: [{ writeKey: [] }],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                oneOf: [
                  ref('SpendReport'),
                  object({
                    reports: {
                      type: 'array',
                      items: ref('SpendReport'),
                      minItems: 1,
                      maxItems: 1000,
                      description: 'No two reports of one request may share a key.',
                    },
                  }),
                ],
              },
            },
          },
        },
        responses: {
          '200': json(
            'Every report accepted: the bus has them.',
            object({ success: { type: 'boolean', const: true }, accepted: int }),
          ),
          '400': ingestError(
            'Broken JSON (invalid_json), or a body or report that is not valid (invalid_spend): the message ' +
              'names each bad report by index and field, e.g. reports[3].period_start: …. Nothing of the ' +
              'request is stored; it is kept as one rejection.',
          ),
          '401': {
            ...ingestError(
              'No write key, a malformed Authorization, or an unknown write key (missing_write_key, ' +
                'invalid_write_key); not kept.',
            ),
            headers: wwwAuthenticate,
          },
          '413': ingestError(
            'A body over 1 MB (request_too_large) or more than 1000 reports (too_many_reports); kept as a ' +
              'rejection.',
          ),
          '415': ingestError(
            'Content-Type is not application/json (unsupported_media_type); kept as a rejection.',
          ),
          '429': rateLimited(
            'A report costs 1, a whole request is charged before it is checked; a request refused before ' +
              'its reports are counted costs 1. ',
          ),
          '503': busUnavailable,
        },
      },
    },
    '/api/openapi.json': {
      get: {
        operationId: 'openApi',
        summary: 'This document.',
        tags: ['read'],
        responses: { '200': json('The OpenAPI document.', { type: 'object', additionalProperties: true }) },
      },
    },
    '/api/v1/profiles/lookup': {
      get: {
        operationId: 'lookupProfile',
        summary: 'Find the profile an identifier belongs to (following merges) and return its 360 view.',
        tags: ['read'],
        security: readSecurity,
        parameters: [
          {
            name: 'identifier',
            in: 'query',
            required: true,
            description:
              `<type>:<value>, type one of ${IDENTIFIER_TYPES.join(', ')}. Emails match case-insensitively; ` +
              'phones are read in E.164, or in the brand’s default country without a country code.',
            schema: str,
          },
        ],
        responses: {
          '200': json('The profile.', ref('ProfileView')),
          ...errors,
          '404': json('No profile.', ref('Error')),
        },
      },
    },
    '/api/v1/profiles': {
      get: {
        operationId: 'listProfiles',
        summary:
          'The Profiles list, one keyset page: surviving profiles, the sort key descending then profile_id; `next` is the following page’s cursor.',
        tags: ['read'],
        security: readSecurity,
        parameters: [
          ...profilesFilter,
          limit({ default: DEFAULT_PAGE_SIZE, max: PROFILES_LIST_MAX_LIMIT }),
          {
            name: 'cursor',
            in: 'query',
            description: '`next` of the previous page, with the same sort and search.',
            schema: str,
          },
        ],
        responses: {
          '200': json(
            'One page.',
            object({ profiles: arrayOf(ref('ProfileListRow')), next: { type: ['string', 'null'] } }),
          ),
          ...errors,
        },
      },
    },
    '/api/v1/profiles/export': {
      get: {
        operationId: 'exportProfiles',
        summary:
          'Every profile the search matches, in the sort, as CSV (streamed). Columns: ' +
          PROFILE_EXPORT_COLUMNS.map(([name, meaning]) => `${name} (${meaning})`).join('; ') +
          '. A cell starting with = + - @, a tab or a carriage return is prefixed with a single quote, so spreadsheets do not run it.',
        tags: ['read'],
        security: readSecurity,
        parameters: profilesFilter,
        responses: {
          '200': { description: 'The CSV, header first.', content: { 'text/csv': { schema: str } } },
          ...errors,
        },
      },
    },
    '/api/v1/profiles/high-intent': {
      get: {
        operationId: 'highIntentProfiles',
        summary: 'Profiles at high intent, highest score first.',
        tags: ['read'],
        security: readSecurity,
        parameters: [limit(LIMITS.highIntent)],
        responses: {
          '200': json('The list.', object({ profiles: arrayOf(ref('HighIntentEntry')) })),
          ...errors,
        },
      },
    },
    '/api/v1/profiles/{profile_id}': {
      get: {
        operationId: 'getProfile',
        summary: 'The Customer-360 view of a profile; a merged id answers with its survivor.',
        tags: ['read'],
        security: readSecurity,
        parameters: [
          { name: 'profile_id', in: 'path', required: true, description: 'A profile id.', schema: str },
        ],
        responses: {
          '200': json('The profile.', ref('ProfileView')),
          ...errors,
          '404': json('No profile.', ref('Error')),
        },
      },
    },
    '/api/v1/kpis': {
      get: {
        operationId: 'kpis',
        summary: 'Per-minute KPIs with from <= minute < to (default: the last 60 minutes; at most 31 days).',
        tags: ['read'],
        security: readSecurity,
        parameters: [
          { name: 'from', in: 'query', description: 'ISO-8601 with a time zone.', schema: time },
          { name: 'to', in: 'query', description: 'ISO-8601 with a time zone.', schema: time },
        ],
        responses: {
          '200': json(
            'Minutes with activity, oldest first.',
            object({ from: time, to: time, minutes: arrayOf(ref('KpiMinute')) }),
          ),
          ...errors,
        },
      },
    },
    '/api/v1/alerts': {
      get: {
        operationId: 'alerts',
        summary: 'Alerts, most recently changed first: one per rule and subject from pending to resolved.',
        tags: ['read'],
        security: readSecurity,
        parameters: [
          {
            name: 'state',
            in: 'query',
            description: `Only these states, comma-separated: ${ALERT_STATES.join(', ')}, or open (pending and firing). Absent: all.`,
            schema: str,
          },
          limit(LIMITS.alerts),
        ],
        responses: { '200': json('The alerts.', object({ alerts: arrayOf(ref('Alert')) })), ...errors },
      },
    },
    '/api/v1/alerts/{alert_id}': {
      get: {
        operationId: 'getAlert',
        summary: 'One alert.',
        tags: ['read'],
        security: readSecurity,
        parameters: [alertId],
        responses: {
          '200': json('The alert.', ref('Alert')),
          ...errors,
          '404': json('No such alert for this brand.', ref('Error')),
        },
      },
    },
    '/api/v1/alerts/{alert_id}/deliveries': {
      get: {
        operationId: 'alertDeliveries',
        summary:
          "The alert's notification log: every attempt to tell a receiver, and every give-up, newest first.",
        tags: ['read'],
        security: readSecurity,
        parameters: [alertId, limit(LIMITS.deliveries)],
        responses: {
          '200': json(
            'The delivery log.',
            object({ alert_id: str, deliveries: arrayOf(ref('AlertDelivery')) }),
          ),
          ...errors,
          '404': json('No such alert for this brand.', ref('Error')),
        },
      },
    },
    '/api/v1/models/intent': {
      get: {
        operationId: 'intentModel',
        summary:
          "The brand's learned purchase-intent model as last saved: its quality on the profiles held back from training beside the fixed-weight baseline's, and the weights it learned.",
        tags: ['read'],
        security: readSecurity,
        parameters: [],
        responses: {
          '200': json(
            'The model, or null before the processor has saved one.',
            object({ model: { oneOf: [ref('IntentModel'), { type: 'null' }] } }),
          ),
          ...errors,
        },
      },
    },
    '/api/v1/silences': {
      get: {
        operationId: 'silences',
        summary: 'Silences: notifications of a rule and/or subject held back until they end.',
        tags: ['read'],
        security: readSecurity,
        parameters: [
          {
            name: 'state',
            in: 'query',
            description:
              'active (default): not ended nor cancelled, soonest ending first; all: the latest 200, ended and cancelled too.',
            schema: { type: 'string', enum: ['active', 'all'] },
          },
        ],
        responses: {
          '200': json('The silences.', object({ silences: arrayOf(ref('AlertSilence')) })),
          ...errors,
        },
      },
    },
    '/api/v1/campaigns': {
      get: {
        operationId: 'campaigns',
        summary:
          'Spend against what it earned, per campaign and channel over from <= t < to (default: the last 24 hours; ' +
          `at most ${MAX_CAMPAIGN_RANGE_DAYS} days). Spend is prorated by the part of its period inside the range; ` +
          'orders and revenue are attributed by last touch.',
        tags: ['read'],
        security: readSecurity,
        parameters: rangeParameters,
        responses: {
          '200': json(
            'Rows, highest cost first, and the brand totals.',
            object({
              from: time,
              to: time,
              campaigns: arrayOf(ref('CampaignRow')),
              totals: ref('CampaignMetrics'),
            }),
          ),
          ...errors,
        },
      },
    },
    '/api/v1/campaigns/series': {
      get: {
        operationId: 'campaignSeries',
        summary:
          'Spend, clicks, visits, orders and revenue per UTC hour or day, every bucket present, for the brand, a ' +
          'campaign, a channel or both.',
        tags: ['read'],
        security: readSecurity,
        parameters: [
          ...rangeParameters,
          {
            name: 'bucket',
            in: 'query',
            description: `${CAMPAIGN_BUCKETS.map((bucket) => `${bucket}: at most ${MAX_BUCKET_RANGE_DAYS[bucket]} days`).join('; ')}. Default: hour up to 3 days, else day.`,
            schema: { type: 'string', enum: CAMPAIGN_BUCKETS },
          },
          { name: 'campaign_id', in: 'query', description: 'Only this campaign.', schema: str },
          {
            name: 'channel',
            in: 'query',
            description: 'Only this channel.',
            schema: { type: 'string', enum: AD_CHANNELS },
          },
        ],
        responses: {
          '200': json(
            'The points, oldest first; from and to are aligned to the bucket.',
            object({
              from: time,
              to: time,
              bucket: { type: 'string', enum: CAMPAIGN_BUCKETS },
              campaign_id: { type: ['string', 'null'] },
              channel: { type: ['string', 'null'], enum: AD_CHANNELS },
              points: arrayOf(ref('CampaignPoint')),
            }),
          ),
          ...errors,
        },
      },
    },
    '/api/v1/merges': {
      get: {
        operationId: 'mergeLog',
        summary:
          "The brand's merge log, newest first: merges, refusals (identifiers of two different people), reviews (held for an operator) and demotions (a link that would pass a per-type limit).",
        tags: ['read'],
        security: readSecurity,
        parameters: [
          {
            name: 'action',
            in: 'query',
            description: `Only these actions, comma-separated: ${MERGE_ACTIONS.join(', ')}. Absent: all.`,
            schema: { type: 'string' },
          },
          limit(LIMITS.merges),
        ],
        responses: {
          '200': json('The merge records.', object({ merges: arrayOf(ref('MergeRecord')) })),
          ...errors,
        },
      },
    },
    '/api/v1/segments': {
      get: {
        operationId: 'segmentRuns',
        summary:
          "The brand's prediction runs, newest first (docs/segments.md): status and reason, k and the silhouette per k tried, segments with size, share and centroid in original units, drift against the previous ok run.",
        tags: ['read'],
        security: readSecurity,
        parameters: [limit(LIMITS.segmentRuns)],
        responses: {
          '200': json('The runs.', object({ runs: arrayOf(ref('PredictionRun')) })),
          ...errors,
        },
      },
    },
    '/api/v1/segments/export': {
      get: {
        operationId: 'exportSegment',
        summary:
          "One segment's members, or every member, of the brand's newest ok prediction run, as CSV (streamed, by profile id). Columns: " +
          SEGMENT_EXPORT_COLUMNS.map(([name, meaning]) => `${name} (${meaning})`).join('; ') +
          '. A cell starting with = + - @, a tab or a carriage return is prefixed with a single quote, so spreadsheets do not run it.',
        tags: ['read'],
        security: readSecurity,
        parameters: [
          {
            name: 'segment',
            in: 'query',
            description:
              "A segment name of the newest ok run (e.g. 'at risk'); absent or empty: every member.",
            schema: str,
          },
        ],
        responses: {
          '200': { description: 'The CSV, header first.', content: { 'text/csv': { schema: str } } },
          ...errors,
          '404': json('The brand has no ok prediction run yet; the message says why.', ref('Error')),
        },
      },
    },
    '/api/v1/rejected': {
      get: {
        operationId: 'rejectedEvents',
        summary: 'Events ingest refused, with the reason and the payload, newest first.',
        tags: ['read'],
        security: readSecurity,
        parameters: [limit(LIMITS.rejected)],
        responses: {
          '200': json('The rejections.', object({ rejected: arrayOf(ref('RejectedEvent')) })),
          ...errors,
        },
      },
    },
    '/api/v1/status': {
      get: {
        operationId: 'status',
        summary:
          'Processing counters: accepted = processed + duplicates + pending. pending is 0 once everything accepted for the brand is processed; on the Kafka bus it is only 0 or 1 (a partition is shared by brands, and its lag is not told to any of them).',
        tags: ['read'],
        security: readSecurity,
        responses: {
          '200': json(
            'The counters.',
            object({ accepted: int, processed: int, rejected: int, duplicates: int, pending: int }),
          ),
          '401': errors['401'],
        },
      },
    },
    '/api/v1/imports': {
      get: {
        operationId: 'listImports',
        summary: "The brand's CSV imports, newest first.",
        tags: ['import'],
        security: importSecurity,
        responses: { '200': json('The imports.', object({ imports: arrayOf(ref('ImportJob')) })), ...errors },
      },
      post: {
        operationId: 'uploadImport',
        summary:
          'Upload a CSV file (streamed, at most 2 GB): answers its first rows and the mapping its headers suggest. Nothing is imported until it is started. Write key or session.',
        tags: ['import'],
        security: importWriteSecurity,
        parameters: [
          {
            name: 'kind',
            in: 'query',
            required: true,
            description: `What each row is: ${IMPORT_KINDS.join(', ')}.`,
            schema: { type: 'string', enum: IMPORT_KINDS },
          },
          { name: 'file_name', in: 'query', description: 'The name shown for the import.', schema: str },
        ],
        requestBody: {
          required: true,
          content: { 'text/csv': { schema: { type: 'string', format: 'binary' } } },
        },
        responses: {
          '201': json('Stored; the preview.', ref('ImportPreview')),
          '400': json(
            'Not usable CSV (empty, unnamed or repeated header, unclosed quote, not UTF-8) or an unknown kind.',
            ref('Error'),
          ),
          '401': errors['401'],
          '403': json('A read key cannot import.', ref('Error')),
          '413': json('Larger than 2 GB.', ref('Error')),
          '415': json('Not sent as text/csv.', ref('Error')),
        },
      },
    },
    '/api/v1/imports/{import_id}': {
      get: {
        operationId: 'getImport',
        summary: 'One import with its first rows.',
        tags: ['import'],
        security: importSecurity,
        parameters: [importId],
        responses: {
          '200': json('The import.', ref('ImportPreview')),
          ...errors,
          '404': json('No such import for this brand.', ref('Error')),
        },
      },
    },
    '/api/v1/imports/{import_id}/start': {
      post: {
        operationId: 'startImport',
        summary:
          'Start an uploaded import with a mapping (field → column). The same file already imported with the same mapping ends at once as skipped.',
        tags: ['import'],
        security: importWriteSecurity,
        parameters: [importId],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: object({ mapping: record(str) }) } },
        },
        responses: {
          '202': json('Running (or skipped).', ref('ImportJob')),
          '400': json(
            'The mapping names unknown fields or columns, or leaves a required field without one.',
            ref('Error'),
          ),
          '401': errors['401'],
          '403': json('A read key cannot import.', ref('Error')),
          '404': json('No such import for this brand.', ref('Error')),
          '409': json('Already started.', ref('Error')),
        },
      },
    },
    '/api/v1/imports/{import_id}/cancel': {
      post: {
        operationId: 'cancelImport',
        summary:
          'Stop an import: an upload not started is dropped; a running one stops at its next row, and what it published up to its last checkpoint stays (events are not taken back). Answers once it is cancelled.',
        tags: ['import'],
        security: importWriteSecurity,
        parameters: [importId],
        responses: {
          '200': json('Cancelled.', ref('ImportJob')),
          '401': errors['401'],
          '403': json('A read key cannot cancel.', ref('Error')),
          '404': json('No such import for this brand.', ref('Error')),
          '409': json('Already finished.', ref('Error')),
        },
      },
    },
    '/api/v1/imports/{import_id}/errors.csv': {
      get: {
        operationId: 'importErrors',
        summary: 'The error report: row, column, value, error, then the row as read.',
        tags: ['import'],
        security: importSecurity,
        parameters: [importId],
        responses: {
          '200': { description: 'The report.', content: { 'text/csv': { schema: str } } },
          '401': errors['401'],
          '404': json('No such import, or not started.', ref('Error')),
        },
      },
    },
  },
  components: {
    securitySchemes: {
      writeKey: {
        type: 'http',
        scheme: 'basic',
        description:
          'The brand’s write key as the user name, empty password (as Segment’s libraries send it).',
      },
      readKey: { type: 'http', scheme: 'bearer', description: 'The brand’s read key.' },
      session: { type: 'apiKey', in: 'cookie', name: 'sr_session', description: 'A dashboard session.' },
      shopifyHmac: {
        type: 'apiKey',
        in: 'header',
        name: 'X-Shopify-Hmac-Sha256',
        description: 'Base64 HMAC-SHA256 of the raw body with the brand’s Shopify webhook secret.',
      },
      wooCommerceHmac: {
        type: 'apiKey',
        in: 'header',
        name: 'X-WC-Webhook-Signature',
        description:
          'Base64 HMAC-SHA256 of the raw body with the brand’s WooCommerce webhook secret ' +
          '(webhook_secrets.woocommerce).',
      },
      twilioSignature: {
        type: 'apiKey',
        in: 'header',
        name: 'X-Twilio-Signature',
        description:
          'Base64 HMAC-SHA1, with the brand’s Twilio auth token (webhook_secrets.whatsapp), of the URL ' +
          'configured in Twilio (PUBLIC_URL + the path and query) followed by every form parameter sorted ' +
          'by name, as name + value.',
      },
    },
    schemas: {
      Error: object({ error: str }),
      PredictionRun: object({
        brand_id: str,
        run_id: str,
        started_at: time,
        finished_at: time,
        status: { type: 'string', enum: PREDICTION_RUN_STATUSES },
        error: { type: ['string', 'null'], description: 'Why a run failed or was refused; null when ok.' },
        customers: int,
        buyers: int,
        k: { type: ['integer', 'null'] },
        silhouette: { type: ['number', 'null'] },
        silhouettes: arrayOf(object({ k: int, silhouette: num })),
        segments: arrayOf(
          object({
            name: str,
            size: int,
            share: num,
            centroid: {
              type: ['object', 'null'],
              additionalProperties: num,
              description:
                'The typical member in original units: recency and tenure in days, frequency in orders, monetary in revenue, events30d, web/store/whatsapp shares, intent 0–1; null for "no orders".',
            },
          }),
        ),
        drift: {
          type: ['object', 'null'],
          description: 'Against the previous ok run; null for the first.',
          properties: {
            previous_run_id: str,
            stayed: int,
            moved: int,
            entered: int,
            left: int,
            moves: arrayOf(object({ from: str, to: str, count: int })),
          },
        },
        clv: { type: ['object', 'null'], description: 'The CLV fit (docs/customer-value.md).' },
        clv_refused: { type: ['string', 'null'] },
        excluded: arrayOf(object({ reason: str, count: int })),
        orders: int,
        orders_with_products: int,
        timings: object({ read_ms: num, compute_ms: num, write_ms: num }),
      }),
      ImportJob: object({
        brand_id: str,
        import_id: str,
        kind: { type: 'string', enum: IMPORT_KINDS },
        file_name: str,
        bytes: int,
        sha256: { type: 'string', description: 'Of the file: the same file again is recognised by it.' },
        delimiter: str,
        headers: arrayOf(str),
        mapping: {
          type: ['object', 'null'],
          additionalProperties: str,
          description: 'Field → column, once started.',
        },
        status: { type: 'string', enum: IMPORT_STATUSES },
        rows_read: int,
        bytes_read: { ...int, description: 'Bytes of the file read so far (all of it once done): progress.' },
        rows_imported: { ...int, description: 'Rows that became events (every row of an accepted order).' },
        events_published: int,
        rows_rejected: int,
        message: {
          type: ['string', 'null'],
          description: 'Why it failed, what it skipped, or how many rows were refused.',
        },
        duplicate_of: { type: ['string', 'null'], description: 'For a skipped import: the earlier one.' },
        created_at: time,
        started_at: { type: ['string', 'null'], format: 'date-time' },
        finished_at: { type: ['string', 'null'], format: 'date-time' },
        created_by: { type: 'string', description: 'The dashboard user, or api for a write key.' },
      }),
      ImportPreview: object({
        job: ref('ImportJob'),
        rows: { ...arrayOf(arrayOf(str)), description: 'The first 20 data rows, one string per header.' },
        suggested_mapping: {
          ...record(str),
          description: `Field → column from the header names. Fields per kind: ${IMPORT_KINDS.map(
            (kind) =>
              `${kind}: ${IMPORT_FIELDS[kind].map((f) => f.field + (f.required ? '*' : '')).join(', ')}`,
          ).join('; ')} (* required).`,
        },
      }),
      IngestError: object({
        error: object({ code: { type: 'string', description: 'Stable, machine-readable.' }, message: str }),
      }),
      PosBill: object(
        {
          bill_id: billId,
          store_id: billId,
          store_name: billText(200),
          time: {
            type: 'string',
            format: 'date-time',
            description: 'ISO-8601 with its UTC offset, e.g. 2024-05-01T18:30:00+05:30.',
          },
          lines: { type: 'array', items: ref('PosBillLine'), minItems: 1, maxItems: 500 },
          total: {
            ...amount,
            description:
              'The revenue. Must equal Σ quantity × unit_price − discount + tax + rounding within one minor ' +
              'unit of the currency per line, plus one.',
          },
          discount: { ...amount, type: ['number', 'string', 'null'] },
          tax: { ...amount, type: ['number', 'string', 'null'] },
          rounding: {
            type: ['number', 'string', 'null'],
            description: 'Cash rounding, either way: a number or a decimal string such as "-0.40".',
          },
          currency: { type: 'string', description: 'ISO 4217, e.g. INR.' },
          phone: billIdentifier,
          email: billIdentifier,
          loyalty_id: billIdentifier,
          customer_ref: { ...billIdentifier, description: 'The brand’s own customer id (user_id).' },
        },
        ['store_name', 'discount', 'tax', 'rounding', 'phone', 'email', 'loyalty_id', 'customer_ref'],
      ),
      PosBillLine: object(
        {
          product_id: billId,
          name: billText(500),
          category: billText(200),
          quantity: {
            type: 'integer',
            minimum: 1,
            maximum: 1_000_000,
            description: 'Whole units; returns are not bills.',
          },
          unit_price: amount,
        },
        ['name', 'category'],
      ),
      PosBillsResult: object({
        success: { type: 'boolean', description: 'Whether any bill was accepted.' },
        accepted: int,
        rejected: arrayOf(
          object(
            {
              index: { type: 'integer', minimum: 0, description: 'The bill’s index in bills.' },
              bill_id: str,
              code: { type: 'string', enum: ['invalid_bill', 'duplicate_bill'] },
              message: { type: 'string', description: 'Names the field, e.g. lines.0.quantity: ….' },
            },
            ['bill_id'],
          ),
        ),
      }),
      SpendReport: object(
        {
          campaign_id: {
            type: 'string',
            maxLength: 200,
            description:
              'As the UTM tags name the campaign (utm_id, else utm_campaign), so spend meets revenue. ' +
              '1-200 characters, no control characters; trimmed.',
          },
          campaign_name: {
            type: 'string',
            maxLength: 200,
            description: 'A readable name; the id when absent.',
          },
          channel: { type: 'string', enum: AD_CHANNELS },
          period: { type: 'string', enum: SPEND_PERIODS },
          period_start: {
            type: 'string',
            format: 'date-time',
            description:
              'Start of the hour (:00:00.000) or day (00:00Z) in UTC, any offset written; at most a day ' +
              'ahead, and the period ended at most 400 days ago. Stored as ISO-8601 UTC with milliseconds.',
          },
          impressions: { type: 'integer', minimum: 0, description: 'Default 0.' },
          clicks: { type: 'integer', minimum: 0, description: 'Default 0.' },
          cost: { type: 'number', minimum: 0, maximum: 1e12, description: 'In the currency, e.g. 12.5.' },
          currency: { type: 'string', pattern: '^[A-Z]{3}$', description: 'ISO 4217, e.g. INR.' },
        },
        ['campaign_name', 'impressions', 'clicks', 'currency'],
      ),
      Identifier: object({ type: { type: 'string', enum: IDENTIFIER_TYPES }, value: str }),
      Profile: object({
        brand_id: str,
        profile_id: str,
        merged_into: { type: ['string', 'null'] },
        identifiers: arrayOf(ref('Identifier')),
        first_seen: time,
        last_seen: time,
        event_count: int,
        orders: int,
        revenue: num,
        aov: { type: 'number', description: 'revenue / orders; 0 without orders.' },
        orders_per_month: {
          type: 'number',
          description: 'Orders per 30 days since first seen, over at least 30 days; 0 without orders.',
        },
        channels: arrayOf(str),
        categories: record(int),
        intent_score: num,
        intent_level: { type: 'string', enum: INTENT_LEVELS },
        intent_updated_at: time,
        version: int,
      }),
      StoredEvent: object({
        brand_id: str,
        event_id: str,
        source: { type: 'string', enum: SOURCES },
        source_event_id: str,
        type: { type: 'string', enum: EVENT_TYPES },
        name: str,
        channel: str,
        profile_id: str,
        timestamp: time,
        received_at: time,
        revenue: num,
        category: { type: ['string', 'null'] },
        properties,
      }),
      MergeRecord: object({
        brand_id: str,
        merge_id: str,
        action: { type: 'string', enum: MERGE_ACTIONS },
        into_profile_id: str,
        from_profile_ids: arrayOf(str),
        reason: str,
        identifiers: arrayOf(ref('Identifier')),
        event_id: str,
        at: time,
      }),
      ProfileView: object({
        profile: ref('Profile'),
        identifiers: arrayOf(ref('Identifier')),
        recent_events: arrayOf(ref('StoredEvent')),
        merged_profiles: arrayOf(str),
        merge_history: arrayOf(ref('MergeRecord')),
        intent: object({
          score: num,
          level: { type: 'string', enum: INTENT_LEVELS },
          updated_at: time,
          current_score: {
            type: 'number',
            description: 'The score decayed to now with the brand’s half-life.',
          },
          top_category: { type: ['string', 'null'] },
          categories_now: arrayOf(
            object({ category: str, score: { type: 'number', description: 'Decayed to now.' } }),
          ),
        }),
        predictions: ref('ProfilePredictions'),
      }),
      ProfilePredictions: object({
        scores: { oneOf: [ref('CustomerPrediction'), { type: 'null' }] },
        latest_run: { oneOf: [ref('PredictionRunOutline'), { type: 'null' }] },
        scored_by: { oneOf: [ref('PredictionRunOutline'), { type: 'null' }] },
        segment_typical: {
          type: ['object', 'null'],
          additionalProperties: num,
          description: 'The typical member of the profile’s segment in original units (docs/segments.md).',
        },
        reasons: {
          type: ['object', 'null'],
          description: 'Each figure’s reason in words; null without scores.',
          properties: { rfm: str, segment: str, churn: str, value: str },
        },
      }),
      PredictionRunOutline: object({
        run_id: str,
        status: { type: 'string', enum: PREDICTION_RUN_STATUSES },
        error: { type: ['string', 'null'] },
        finished_at: time,
        buyers: int,
        clv_refused: { type: ['string', 'null'] },
      }),
      CustomerPrediction: object({
        brand_id: str,
        profile_id: str,
        run_id: str,
        computed_at: time,
        orders: int,
        revenue: num,
        recency_days: { type: ['number', 'null'], description: 'Days from the last order to computed_at.' },
        r: { type: ['integer', 'null'], description: 'RFM quintile 1–5 within the brand, 5 best.' },
        f: { type: ['integer', 'null'] },
        m: { type: ['integer', 'null'] },
        segment: str,
        churn_probability: {
          type: ['number', 'null'],
          description: 'P(no purchase in the next 12 months) under BG/NBD (docs/customer-value.md).',
        },
        p_alive: { type: ['number', 'null'] },
        expected_purchases_12m: { type: ['number', 'null'] },
        predicted_value_12m: { type: ['number', 'null'], description: 'Undiscounted revenue.' },
        recommendations: arrayOf(
          object({
            product_id: str,
            reason: { type: 'string', enum: ['bought_together', 'popular'] },
            because: arrayOf(str),
            score: num,
            labels: {
              ...record(str),
              description: 'Product names by id (the product and its because), where orders named them.',
            },
          }),
        ),
      }),
      ProfileListRow: object({
        profile_id: str,
        label: { type: 'string', description: 'The best identifier to show, else the profile id.' },
        orders: int,
        revenue: num,
        aov: { type: 'number', description: 'Average order value: revenue / orders, 0 without orders.' },
        intent_level: { type: 'string', enum: INTENT_LEVELS },
        intent_score: num,
        channels: arrayOf(str),
        first_seen: time,
        last_seen: time,
      }),
      HighIntentEntry: object({
        profile_id: str,
        score: num,
        level: { type: 'string', enum: INTENT_LEVELS },
        label: { type: 'string', description: 'The best known identifier, for display.' },
        top_category: { type: ['string', 'null'] },
        last_seen: time,
        scored_at: {
          type: 'string',
          format: 'date-time',
          description: 'When score and categories were computed; they halve every brand half-life from here.',
        },
        categories: record({ type: 'number', description: 'Intent in the category at scored_at.' }),
        reasons: arrayOf(ref('IntentReason')),
        forecast: arrayOf(
          object({
            category: str,
            probability: {
              type: 'number',
              description: "The learned model's P(an order in the category within 7 days).",
            },
            baseline: { type: 'number', description: 'The same from the fixed weights, calibrated.' },
          }),
        ),
      }),
      IntentReason: object({
        type: { type: 'string', enum: EVENT_TYPES },
        category: { type: ['string', 'null'] },
        product_id: { type: ['string', 'null'] },
        product_name: { type: ['string', 'null'] },
        at: time,
        weight: { type: 'number', description: 'What the event added to the score.' },
      }),
      KpiMinute: object({
        brand_id: str,
        minute: time,
        events: int,
        active_users: int,
        carts: int,
        purchases: int,
        revenue: num,
        conversion_rate: { type: 'number', minimum: 0, maximum: 1 },
        high_intent_profiles: int,
      }),
      Alert: object({
        brand_id: str,
        alert_id: str,
        rule_id: str,
        rule_type: { type: 'string', enum: ALERT_RULE_TYPES },
        subject: { type: 'string', description: 'A campaign id, a source, or brand.' },
        state: { type: 'string', enum: ALERT_STATES },
        severity: { type: 'string', enum: ALERT_SEVERITIES },
        message: str,
        value: { type: 'number', description: 'The measured value, in the rule’s unit.' },
        threshold: num,
        started_at: { ...time, description: 'When the breach began (pending).' },
        fired_at: { type: ['string', 'null'], format: 'date-time' },
        resolved_at: { type: ['string', 'null'], format: 'date-time' },
        updated_at: time,
        notified: { type: 'boolean', description: 'Whether its firing was notified (not while silenced).' },
        acknowledged_by: { type: ['string', 'null'] },
        acknowledged_at: { type: ['string', 'null'], format: 'date-time' },
      }),
      AlertSilence: object({
        brand_id: str,
        silence_id: str,
        rule_id: { type: ['string', 'null'], description: 'null: every rule.' },
        subject: { type: ['string', 'null'], description: 'null: every subject.' },
        starts_at: time,
        ends_at: time,
        reason: str,
        created_by: str,
        cancelled_at: { type: ['string', 'null'], format: 'date-time' },
      }),
      ForecastQuality: object({
        count: int,
        positives: int,
        auc: { type: ['number', 'null'], description: 'ROC AUC; null with one class only.' },
        brier: { type: ['number', 'null'] },
        log_loss: { type: ['number', 'null'] },
        calibration: arrayOf(object({ decile: int, count: num, meanPredicted: num, observedRate: num })),
      }),
      IntentModel: object({
        brand_id: str,
        updated_at: time,
        trained: int,
        holdout_share: num,
        horizon_days: num,
        learned: ref('ForecastQuality'),
        baseline: ref('ForecastQuality'),
        bias: num,
        weights: arrayOf(object({ feature: str, description: str, learned: num, start: num })),
        pending: int,
        dropped: int,
        note: { type: ['string', 'null'], description: 'Why learning started again, if it did.' },
      }),
      AlertDelivery: object({
        brand_id: str,
        alert_id: str,
        receiver_id: str,
        state: { type: 'string', enum: ['firing', 'resolved'] },
        attempt: int,
        at: time,
        outcome: { type: 'string', enum: ['delivered', 'failed', 'gave_up'] },
        status: { type: ['integer', 'null'], description: 'The receiver’s HTTP status.' },
        error: { type: ['string', 'null'] },
        give_up_reason: {
          type: ['string', 'null'],
          enum: ['rejected', 'expired', 'queue_full', 'closed'],
        },
        next_attempt_at: { type: ['string', 'null'], format: 'date-time' },
      }),
      CampaignMetrics: object({
        impressions: num,
        clicks: num,
        cost: num,
        visits: int,
        orders: int,
        revenue: num,
        roas: { type: ['number', 'null'], description: 'revenue ÷ cost; null without cost.' },
        roi: { type: ['number', 'null'], description: '(revenue − cost) ÷ cost.' },
        cpa: { type: ['number', 'null'], description: 'cost ÷ orders.' },
        ctr: { type: ['number', 'null'], description: 'clicks ÷ impressions.' },
        conversion_rate: { type: ['number', 'null'], description: 'orders ÷ clicks.' },
      }),
      CampaignRow: {
        allOf: [
          ref('CampaignMetrics'),
          object({ campaign_id: str, campaign_name: str, channel: { type: 'string', enum: AD_CHANNELS } }),
        ],
      },
      CampaignPoint: object({
        at: { ...time, description: 'Start of the bucket (UTC).' },
        impressions: num,
        clicks: num,
        cost: num,
        visits: int,
        orders: int,
        revenue: num,
      }),
      RejectedEvent: object({
        brand_id: str,
        rejection_id: str,
        source: { type: 'string', enum: SOURCES },
        received_at: time,
        reason: str,
        detail: str,
        payload: { type: 'string', description: 'The offending payload, truncated to a few KB.' },
      }),
    },
  },
};
