// The identity step's fast path (resolveOneProfile) decides only what the
// general rules (resolveAnyProfiles) would decide the same way. Random traffic
// over small pools of identifiers (so customer ids conflict, devices are
// shared, limits are reached and profiles merge) and the labelled traffic of
// the accuracy test: at every event, on the same graph, a fast answer must
// equal the general one; the general one is then applied.
import { describe, expect, it } from 'vitest';
import { IDENTIFIER_TYPES, type Identifiers } from '../../../../src/lib/shared/events';
import { brandSettingsSchema } from '../../../../ingest/brands/types';
import { applyResolution } from '../../../../ingest/processor/identity/apply';
import { createIdentityGraph } from '../../../../ingest/processor/identity/graph';
import {
  resolveAnyProfiles,
  resolveOneProfile,
  type ResolveInput,
} from '../../../../ingest/processor/identity/resolve';
import { normalizeEvent } from '../../../../ingest/processor/normalize';
import { absorbProfiles } from '../../../../ingest/processor/profile/aggregates';
import { labelledTraffic } from '../../../identity/labelled-traffic';
import { seededRandom } from '../../../support/random';
import { at, makeEvent, SECOND } from '../fixtures';

const DEFAULTS = brandSettingsSchema.parse({});

function compare(
  events: { event_id: string; identifiers: Identifiers; received_at: string }[],
  limits = DEFAULTS.identity_limits,
) {
  const graph = createIdentityGraph([], []);
  let fast = 0;
  const kinds = new Set<string>();
  for (const raw of events) {
    const normalized = normalizeEvent(makeEvent(raw), { defaultCountry: 'IN' });
    if (!normalized.ok) continue;
    const input: ResolveInput = {
      brandId: 'acme',
      eventId: raw.event_id,
      atIso: raw.received_at,
      identifiers: normalized.value.identifiers,
      limits,
      sharedAfter: DEFAULTS.shared_identifier_people,
    };
    const general = resolveAnyProfiles(graph, input);
    const quick = resolveOneProfile(graph, input);
    kinds.add(general.kind);
    for (const record of general.records) kinds.add(record.action);
    if (quick) {
      fast += 1;
      expect(quick, `event ${raw.event_id}`).toEqual(general);
    }
    const applied = applyResolution(graph, general, 'acme', raw.received_at);
    absorbProfiles(applied.profile, applied.merged);
  }
  return { fast, kinds };
}

describe('the identity fast path', () => {
  it('agrees with the general rules on random traffic over small identifier pools', () => {
    const random = seededRandom(11);
    const pick = (n: number) => Math.floor(random() * n);
    const events = Array.from({ length: 6000 }, (_, i) => {
      const identifiers: Identifiers = {};
      for (const type of IDENTIFIER_TYPES) {
        if (random() < 0.35) {
          const pool = type === 'device_id' || type === 'anonymous_id' ? 300 : 500;
          const n = pick(pool);
          identifiers[type] =
            type === 'email'
              ? `p${n}@x.in`
              : type === 'phone'
                ? `+9198${String(n).padStart(8, '0')}`
                : `${type}-${n}`;
        }
      }
      return { event_id: `r${i}`, identifiers, received_at: at(i * SECOND) };
    });
    // Tight limits too, so types fill up and the fast path must step aside.
    for (const limits of [
      DEFAULTS.identity_limits,
      { ...DEFAULTS.identity_limits, email: 1, phone: 1, device_id: 2, anonymous_id: 2 },
    ]) {
      const { fast, kinds } = compare(events, limits);
      expect(fast).toBeGreaterThan(events.length / 5);
      for (const kind of ['new', 'attach', 'merge', 'refuse', 'demote', 'share'])
        expect(kinds).toContain(kind);
    }
  });

  it('agrees with the general rules on the labelled traffic (households, kiosks, junk)', () => {
    const traffic = labelledTraffic({
      seed: 3,
      persons: 400,
      brandId: 'acme',
      endMs: Date.parse('2026-11-01T00:00:00Z'),
    });
    const { fast } = compare(traffic.events.map((e) => e.event));
    expect(fast).toBeGreaterThan(traffic.events.length / 2);
  });
});
