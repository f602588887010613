// The Segment HTTP Tracking API payloads we accept
// (https://segment.com/docs/connections/sources/catalog/libraries/server/http-api/).
// Unknown fields pass through (Segment libraries add their own); the fields
// the mapping reads are typed, so a wrong type is a 400 naming its path.
// `null` counts as absent: browser SDKs send it for unset fields.
import { z } from 'zod';
import { describeIssues } from '../zod-issues';

export const SEGMENT_CALL_TYPES = ['track', 'identify', 'page', 'screen', 'alias', 'group'] as const;
export type SegmentCallType = (typeof SEGMENT_CALL_TYPES)[number];

/** Ids may be numbers in the wild; they travel as strings. */
const idValue = z.union([z.string().min(1), z.number().finite()]).transform(String);
const text = z.union([z.string(), z.number().finite()]).transform(String);
const isoDate = z
  .string()
  .refine(
    (value) =>
      /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(value) &&
      !Number.isNaN(Date.parse(value)),
    'expected an ISO-8601 date',
  );
const record = z.record(z.string(), z.unknown());

const productSchema = z.looseObject({
  product_id: idValue,
  name: z.string().nullish(),
  category: z.string().nullish(),
  price: z.number().finite().nonnegative(),
  quantity: z.number().int().positive().nullish(),
});

/** Segment e-commerce spec v2 properties the mapping reads. */
const propertiesSchema = z.looseObject({
  order_id: idValue.nullish(),
  revenue: z.number().finite().nullish(),
  total: z.number().finite().nullish(),
  currency: z.string().nullish(),
  category: z.string().nullish(),
  product_id: idValue.nullish(),
  products: z.array(productSchema).nullish(),
  loyalty_id: idValue.nullish(),
});

const contextSchema = z.looseObject({
  channel: z.string().nullish(),
  ip: z.string().nullish(),
  userAgent: z.string().nullish(),
  device: z.looseObject({ id: idValue.nullish() }).nullish(),
  traits: record.nullish(),
  campaign: z
    .looseObject({
      name: text.nullish(),
      source: text.nullish(),
      medium: text.nullish(),
      term: text.nullish(),
      content: text.nullish(),
      id: text.nullish(),
    })
    .nullish(),
});

const common = {
  messageId: z.string().min(1).max(200).nullish(),
  timestamp: isoDate.nullish(),
  userId: idValue.nullish(),
  anonymousId: idValue.nullish(),
  /** Segment puts `channel` at the top level; the brief's rule reads `context.channel` first. */
  channel: z.string().nullish(),
  context: contextSchema.nullish(),
};

const someoneIsNamed = (call: { userId?: string | null; anonymousId?: string | null }) =>
  call.userId != null || call.anonymousId != null;
const someoneIsNamedMessage = { message: 'userId or anonymousId is required', path: ['userId'] };

const trackSchema = z
  .looseObject({
    ...common,
    type: z.literal('track'),
    event: z.string().min(1).max(200),
    properties: propertiesSchema.nullish(),
  })
  .refine(someoneIsNamed, someoneIsNamedMessage);

const identifySchema = z
  .looseObject({ ...common, type: z.literal('identify'), traits: record.nullish() })
  .refine(someoneIsNamed, someoneIsNamedMessage);

const pageFields = {
  ...common,
  name: z.string().nullish(),
  category: z.string().nullish(),
  properties: propertiesSchema.nullish(),
};
const pageSchema = z
  .looseObject({ ...pageFields, type: z.literal('page') })
  .refine(someoneIsNamed, someoneIsNamedMessage);
const screenSchema = z
  .looseObject({ ...pageFields, type: z.literal('screen') })
  .refine(someoneIsNamed, someoneIsNamedMessage);

const aliasSchema = z.looseObject({
  ...common,
  type: z.literal('alias'),
  previousId: idValue,
  userId: idValue,
});

const groupSchema = z
  .looseObject({ ...common, type: z.literal('group'), groupId: idValue, traits: record.nullish() })
  .refine(someoneIsNamed, someoneIsNamedMessage);

export const segmentCallSchema = z.discriminatedUnion('type', [
  trackSchema,
  identifySchema,
  pageSchema,
  screenSchema,
  aliasSchema,
  groupSchema,
]);
export type SegmentCall = z.output<typeof segmentCallSchema>;

/** `/v1/batch`: `context` and `integrations` at the top apply to every call that lacks its own. */
export const segmentBatchSchema = z.looseObject({
  batch: z.array(z.unknown()).min(1, 'batch must hold at least one call'),
  context: record.nullish(),
  integrations: record.nullish(),
});

export type SegmentParse = { ok: true; call: SegmentCall } | { ok: false; message: string };

/** Validates one call; the message names every bad field by path ("properties.revenue: expected number, received string"). */
export function parseSegmentCall(value: unknown): SegmentParse {
  const parsed = segmentCallSchema.safeParse(value);
  return parsed.success
    ? { ok: true, call: parsed.data }
    : { ok: false, message: describeIssues(parsed.error) };
}
