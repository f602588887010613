// The Segment call shape ingest expects, written from the brief's
// "Tracking API → InboundEvent mapping", independently of ingest/http (so the
// generator is checked against the contract, not against one implementation).
import { z } from 'zod';
import { CHANNELS } from '../../../src/lib/shared/events';

const record = z.record(z.string(), z.unknown());

const campaign = z
  .object({
    id: z.string().min(1),
    name: z.string().min(1),
    source: z.string().min(1),
    medium: z.string().min(1),
  })
  .strict();

const context = z
  .object({
    channel: z.enum([...CHANNELS, 'browser', 'mobile']),
    device: z
      .object({ id: z.string().min(1) })
      .strict()
      .optional(),
    ip: z.ipv4().optional(),
    userAgent: z.string().min(1).optional(),
    campaign: campaign.optional(),
    traits: record.optional(),
  })
  .strict();

export const productSchema = z
  .object({
    product_id: z.string().regex(/^\d+$/),
    sku: z.string().min(1),
    name: z.string().min(1),
    category: z.string().min(1),
    price: z.number().finite().nonnegative(),
    quantity: z.number().int().positive(),
    currency: z.string().length(3).optional(),
  })
  .strict();

const common = {
  messageId: z.string().min(1),
  timestamp: z.iso.datetime(),
  userId: z.string().min(1).optional(),
  anonymousId: z.string().min(1).optional(),
  context,
};

const track = z.object({
  ...common,
  type: z.literal('track'),
  event: z.string().min(1),
  properties: record,
  traits: record.optional(),
});
const identify = z.object({
  ...common,
  type: z.literal('identify'),
  traits: z.looseObject({ email: z.string().min(3), phone: z.string().min(5).optional() }),
});
const page = z.object({
  ...common,
  type: z.literal('page'),
  name: z.string().optional(),
  properties: record,
});

const productEvent = z.looseObject({
  product_id: z.string().regex(/^\d+$/),
  category: z.string().min(1),
  price: z.number().nonnegative(),
  quantity: z.number().int().positive(),
});
const orderProperties = z.looseObject({
  order_id: z.string().min(1),
  revenue: z.number().positive(),
  currency: z.string().length(3),
  products: z.array(productSchema).min(1),
});

/** One call in a `/v1/batch` body, with the commerce fields the mapping reads for each event. */
export const segmentMessageSchema = z
  .discriminatedUnion('type', [track, identify, page])
  .refine((m) => m.userId !== undefined || m.anonymousId !== undefined, 'userId or anonymousId is required')
  .superRefine((m, issues) => {
    if (m.type !== 'track') return;
    const fail = (message: string) => issues.addIssue({ code: 'custom', message });
    switch (m.event) {
      case 'Product Viewed':
      case 'Product Added':
      case 'Product Removed':
        if (!productEvent.safeParse(m.properties).success) fail(`${m.event} lacks product fields`);
        break;
      case 'Checkout Started':
        if (!z.array(productSchema).min(1).safeParse(m.properties.products).success)
          fail('checkout without products');
        break;
      case 'Order Completed': {
        const order = orderProperties.safeParse(m.properties);
        if (!order.success) fail('order lacks order_id, revenue, currency or products');
        else {
          const sum = order.data.products.reduce((total, item) => total + item.price * item.quantity, 0);
          if (Math.abs(sum - order.data.revenue) > 0.005)
            fail(`revenue ${order.data.revenue} is not the sum ${sum}`);
        }
        break;
      }
      case 'Message Received':
        if (m.context.channel !== 'whatsapp' || typeof m.traits?.phone !== 'string')
          fail('message without phone');
        break;
    }
  });
export type SegmentCall = z.infer<typeof segmentMessageSchema>;

export const batchBodySchema = z.object({ batch: z.array(segmentMessageSchema).min(1) }).strict();
