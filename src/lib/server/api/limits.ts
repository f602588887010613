/** Page sizes of the read API's list routes: the default and the most one request may ask for. */
export const LIMITS = {
  highIntent: { default: 20, max: 200 },
  alerts: { default: 50, max: 500 },
  deliveries: { default: 100, max: 500 },
  rejected: { default: 100, max: 500 },
  merges: { default: 100, max: 500 },
  segmentRuns: { default: 20, max: 100 },
} as const;
