// The OpenAPI 3.1 description of everything a brand's tools call: the tracking
// API and Shopify webhook (served by ingest) and the read API (./app.ts).
// tests/unit/server/api/openapi.test.ts checks every route the read API serves is here.
import { EVENT_TYPES, IDENTIFIER_TYPES, SOURCES } from '../../shared/events';
import { ALERT_SEVERITIES, ALERT_STATES, INTENT_LEVELS, MERGE_ACTIONS } from '../../shared/model';
import { LIMITS } from './limits';

/** The subset of JSON Schema 2020-12 this document uses. */
export interface JsonSchema {
  type?: 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null' | Array<'string' | 'null'>;
  description?: string;
  format?: string;
  enum?: readonly string[];
  properties?: Record<string, JsonSchema>;
  required?: readonly string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minimum?: number;
  maximum?: number;
  $ref?: string;
  allOf?: JsonSchema[];
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
  content?: { 'application/json': { schema: JsonSchema } };
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
const limit = (bounds: { default: number; max: number }): Parameter => ({
  name: 'limit',
  in: 'query',
  description: `How many to return (default ${bounds.default}).`,
  schema: { type: 'integer', minimum: 1, maximum: bounds.max },
});

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
const ingestResponses = {
  '200': json('Accepted: the bus has the event(s).', { type: 'object', additionalProperties: true }),
  '400': json('Invalid event; kept as a rejected event with its reason.', ref('Error')),
  '401': json('Missing or unknown write key.', ref('Error')),
  '413': json('The body is too large.', ref('Error')),
  '503': json('The bus is unavailable; retry after the Retry-After header.', ref('Error')),
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
    '/v1/batch': {
      post: ingestOperation(
        'batch',
        'Send several track, identify and page calls at once.',
        object({ batch: arrayOf({ type: 'object', additionalProperties: true }) }),
      ),
    },
    '/webhooks/shopify/{brand_id}': {
      post: {
        operationId: 'shopifyWebhook',
        summary: 'Shopify webhook (orders, checkouts, customers), signed with the brand’s Shopify secret.',
        tags: ['ingest'],
        security: [{ shopifyHmac: [] }],
        parameters: [
          {
            name: 'brand_id',
            in: 'path',
            required: true,
            description: 'The brand the shop belongs to.',
            schema: str,
          },
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
          ...ingestResponses,
          '401': json('Missing or wrong X-Shopify-Hmac-Sha256.', ref('Error')),
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
        summary: 'Alerts, newest first.',
        tags: ['read'],
        security: readSecurity,
        parameters: [limit(LIMITS.alerts)],
        responses: { '200': json('The alerts.', object({ alerts: arrayOf(ref('Alert')) })), ...errors },
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
    },
    schemas: {
      Error: object({ error: str }),
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
        }),
      }),
      HighIntentEntry: object({
        profile_id: str,
        score: num,
        level: { type: 'string', enum: INTENT_LEVELS },
        label: { type: 'string', description: 'The best known identifier, for display.' },
        top_category: { type: ['string', 'null'] },
        last_seen: time,
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
        rule: str,
        state: { type: 'string', enum: ALERT_STATES },
        severity: { type: 'string', enum: ALERT_SEVERITIES },
        message: str,
        value: num,
        baseline: num,
        started_at: time,
        updated_at: time,
        resolved_at: { type: ['string', 'null'] },
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
