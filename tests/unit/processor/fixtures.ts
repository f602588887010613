// Builders for processor tests: real InboundEvents (parsed by the real schema) and real brand settings.
import { inboundEventSchema, type InboundEvent } from '../../../src/lib/shared/events';
import { brandSettingsSchema, type BrandSettings } from '../../../ingest/brands/types';

export const T0 = Date.parse('2025-03-01T10:00:00.000Z');

export function at(offsetMs: number): string {
  return new Date(T0 + offsetMs).toISOString();
}

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;

let counter = 0;

export type EventInput = Partial<Omit<InboundEvent, 'commerce' | 'identifiers'>> & {
  identifiers?: InboundEvent['identifiers'];
  commerce?: InboundEvent['commerce'];
};

export function makeEvent(input: EventInput = {}): InboundEvent {
  counter += 1;
  const eventId = input.event_id ?? `evt-${counter}`;
  const receivedAt = input.received_at ?? at(0);
  return inboundEventSchema.parse({
    brand_id: 'acme',
    event_id: eventId,
    source: 'track',
    source_event_id: `msg-${eventId}`,
    type: 'page_viewed',
    name: 'Page',
    channel: 'web',
    timestamp: receivedAt,
    received_at: receivedAt,
    identifiers: {},
    traits: {},
    properties: {},
    commerce: {},
    context: {},
    ...input,
  });
}

export function settingsWith(overrides: Record<string, unknown> = {}): BrandSettings {
  return brandSettingsSchema.parse(overrides);
}
