/** Bus topic names. Every message on every topic is keyed by `brand_id`. */
export const TOPICS = {
  /** Accepted events and rejections, from ingest to the processor. */
  eventsRaw: 'events.raw',
  /** Deltas from the processor to the dashboard's live push. */
  liveUpdates: 'live.updates',
} as const;
export type Topic = (typeof TOPICS)[keyof typeof TOPICS];
