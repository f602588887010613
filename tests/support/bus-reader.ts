// Reads back what reached events.raw, as a fresh consumer group would: every
// envelope with its key, in order, once delivery has gone quiet.
import { rawEnvelopeSchema, type RawEnvelope } from '../../src/lib/shared/events';
import { TOPICS } from '../../src/lib/shared/topics';
import type { Bus } from '../../ingest/bus/types';

let groups = 0;

export async function readEnvelopes(
  bus: Bus,
  quietMs = 30,
): Promise<{ key: string; envelope: RawEnvelope }[]> {
  const seen: { key: string; envelope: RawEnvelope }[] = [];
  let lastArrival = Date.now();
  const subscription = await bus.subscribe({
    topic: TOPICS.eventsRaw,
    group: `test-reader-${++groups}`,
    maxBatchSize: 1000,
    onBatch: async (batch) => {
      for (const message of batch.messages) {
        seen.push({ key: message.key, envelope: rawEnvelopeSchema.parse(JSON.parse(message.value)) });
      }
      lastArrival = Date.now();
    },
  });
  const started = Date.now();
  while (Date.now() - lastArrival < quietMs && Date.now() - started < 3000)
    await new Promise((r) => setTimeout(r, 10));
  await subscription.stop();
  return seen;
}
