// Puts what ingest accepted or refused on `events.raw`, keyed by brand so one
// brand's events stay in order. Callers answer the client only after
// `publish` resolved: that is the "2xx only after the bus has it" rule. A
// refused request is published too (as a rejection the brand can see), and
// only then answered with its 4xx; if the bus is down the client gets 503
// and retries, so a rejection is never silently lost either.
import type { InboundEvent, RawEnvelope, RejectedEvent, Source } from '../../src/lib/shared/events';
import { TOPICS } from '../../src/lib/shared/topics';
import type { Bus } from '../bus/types';
import type { IngestError } from './errors';

/** Rejected payloads are kept for the brand to inspect, truncated to this many bytes. */
export const REJECTED_PAYLOAD_MAX_BYTES = 4096;

export interface RawPublisher {
  publish(brandId: string, envelopes: RawEnvelope[]): Promise<void>;
  /** Publishes the rejection of a whole request, then throws `error` for the one onError to answer. */
  rejectRequest(rejection: RequestRejection): Promise<never>;
}

export interface RequestRejection {
  brandId: string;
  source: Source;
  receivedAt: string;
  error: IngestError;
  payload: Uint8Array | string;
}

export function eventEnvelope(event: InboundEvent): RawEnvelope {
  return { kind: 'event', event };
}

export function rejectedEnvelope(rejected: RejectedEvent): RawEnvelope {
  return { kind: 'rejected', rejected };
}

const lossyUtf8 = new TextDecoder('utf-8');

/**
 * The first `maxBytes` of a payload as text, never split inside a character.
 * Write keys sent in a body (`"writeKey": "..."`) are masked: rejections are
 * shown in the dashboard and must not leak credentials.
 */
export function truncatePayload(payload: Uint8Array | string, maxBytes = REJECTED_PAYLOAD_MAX_BYTES): string {
  const head = typeof payload === 'string' ? payload : lossyUtf8.decode(payload.subarray(0, maxBytes + 8));
  const masked = head.replace(/("writeKey"\s*:\s*)"(?:[^"\\]|\\.)*"?/g, '$1"[redacted]"');
  const bytes = Buffer.from(masked, 'utf8');
  if (bytes.byteLength <= maxBytes) return masked;
  let end = maxBytes;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--; // back up to the start of a UTF-8 character
  return bytes.subarray(0, end).toString('utf8');
}

export function createRawPublisher(deps: { bus: Bus; newId: () => string }): RawPublisher {
  const publish = async (brandId: string, envelopes: RawEnvelope[]) => {
    if (envelopes.length === 0) return;
    await deps.bus.publish(
      TOPICS.eventsRaw,
      envelopes.map((envelope) => ({ key: brandId, value: JSON.stringify(envelope) })),
    );
  };
  return {
    publish,
    async rejectRequest({ brandId, source, receivedAt, error, payload }) {
      await publish(brandId, [
        rejectedEnvelope({
          brand_id: brandId,
          rejection_id: deps.newId(),
          source,
          received_at: receivedAt,
          reason: error.code,
          detail: error.message,
          payload: truncatePayload(payload),
        }),
      ]);
      throw error;
    },
  };
}
