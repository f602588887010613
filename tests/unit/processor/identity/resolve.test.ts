import { describe, expect, it } from 'vitest';
import type { IdentifierType } from '../../../../src/lib/shared/events';
import type { Identifier, MergeRecord, Profile } from '../../../../src/lib/shared/model';
import { applyResolution } from '../../../../ingest/processor/identity/apply';
import { createIdentityGraph, type IdentityGraph } from '../../../../ingest/processor/identity/graph';
import {
  resolveIdentity,
  sharedProfileId,
  type Resolution,
} from '../../../../ingest/processor/identity/resolve';
import { brandSettingsSchema } from '../../../../ingest/brands/types';
import { profileIdFor } from '../../../../ingest/processor/ids';
import { absorbProfiles, applyProfileEvent } from '../../../../ingest/processor/profile/aggregates';
import { normalizeEvent } from '../../../../ingest/processor/normalize';
import { at, makeEvent, MINUTE } from '../fixtures';

type Ids = Partial<Record<IdentifierType, string>>;

const DEFAULT_LIMITS = brandSettingsSchema.parse({}).identity_limits;
const SHARED_AFTER = brandSettingsSchema.parse({}).shared_identifier_people;

/** Runs one event through normalize → resolve → apply → aggregates, as the pipeline does. */
function see(
  graph: IdentityGraph,
  eventId: string,
  identifiers: Ids,
  minute = 0,
  limits: Record<IdentifierType, number> = DEFAULT_LIMITS,
): Resolution {
  const event = makeEvent({ event_id: eventId, identifiers, received_at: at(minute * MINUTE) });
  const normalized = normalizeEvent(event, { defaultCountry: 'IN' });
  if (!normalized.ok) throw new Error('fixture did not normalize');
  const resolution = resolveIdentity(graph, {
    brandId: 'acme',
    eventId,
    atIso: event.received_at,
    identifiers: normalized.value.identifiers,
    limits,
    sharedAfter: SHARED_AFTER,
  });
  const applied = applyResolution(graph, resolution, 'acme', event.received_at);
  absorbProfiles(applied.profile, applied.merged);
  applyProfileEvent(applied.profile, normalized.value);
  return resolution;
}

const ids = (profile: Profile | undefined): Identifier[] => profile?.identifiers ?? [];
const lookup = (graph: IdentityGraph, type: IdentifierType, value: string) =>
  graph.lookup({ type, value })?.profile_id;

describe('resolveIdentity', () => {
  it('creates a profile with a deterministic id when nothing matches', () => {
    const graph = createIdentityGraph([], []);
    const r = see(graph, 'e1', { email: 'Priya@Shop.in', anonymous_id: 'anon-1' });
    expect(r).toMatchObject({ kind: 'new', profileId: profileIdFor('acme', 'e1'), records: [] });
    expect(lookup(graph, 'email', 'priya@shop.in')).toBe(r.profileId);
    expect(lookup(graph, 'anonymous_id', 'anon-1')).toBe(r.profileId);
    // The same event id in another brand is another profile.
    expect(profileIdFor('other', 'e1')).not.toBe(r.profileId);
  });

  it('attaches new identifiers to the one profile that matches', () => {
    const graph = createIdentityGraph([], []);
    const first = see(graph, 'e1', { anonymous_id: 'anon-1' });
    const second = see(graph, 'e2', { anonymous_id: 'anon-1', email: 'priya@shop.in' });
    expect(second).toMatchObject({ kind: 'attach', profileId: first.profileId });
    expect(second.newLinks).toEqual([{ type: 'email', value: 'priya@shop.in' }]);
    expect(lookup(graph, 'email', 'priya@shop.in')).toBe(first.profileId);
  });

  it('never links junk: two events with email "null" stay two people', () => {
    const graph = createIdentityGraph([], []);
    const a = see(graph, 'e1', { email: 'null', user_id: 'anonymous', phone: '0000000000' });
    const b = see(graph, 'e2', { email: 'null', user_id: 'anonymous', phone: '0000000000' });
    expect(a.kind).toBe('new');
    expect(b.kind).toBe('new');
    expect(a.profileId).not.toBe(b.profileId);
  });

  it('links phone variants (whatsapp:, spaces, leading 0) to one profile', () => {
    const graph = createIdentityGraph([], []);
    const a = see(graph, 'e1', { phone: 'whatsapp:+919876543210' });
    const b = see(graph, 'e2', { phone: '098765 43210' });
    const c = see(graph, 'e3', { phone: '+91-98765-43210' });
    expect(b).toMatchObject({ kind: 'attach', profileId: a.profileId });
    expect(c).toMatchObject({ kind: 'attach', profileId: a.profileId });
  });

  it('merges two profiles into the oldest and records why', () => {
    const graph = createIdentityGraph([], []);
    const older = see(graph, 'e1', { email: 'priya@shop.in' }, 0);
    const newer = see(graph, 'e2', { phone: '+919876543210' }, 5);
    const r = see(graph, 'e3', { phone: '+919876543210', email: 'priya@shop.in' }, 10);
    expect(r).toMatchObject({ kind: 'merge', profileId: older.profileId, mergedIds: [newer.profileId] });
    expect(r.records).toHaveLength(1);
    const record = r.records[0] as MergeRecord;
    expect(record).toMatchObject({
      brand_id: 'acme',
      action: 'merge',
      into_profile_id: older.profileId,
      from_profile_ids: [newer.profileId],
      event_id: 'e3',
    });
    expect(record.identifiers).toEqual([
      { type: 'email', value: 'priya@shop.in' },
      { type: 'phone', value: '+919876543210' },
    ]);
    expect(record.reason).toMatch(/2 profiles/);
    expect(graph.get(newer.profileId)?.merged_into).toBe(older.profileId);
    // Lookups of the merged profile's identifiers follow merged_into.
    expect(lookup(graph, 'phone', '+919876543210')).toBe(older.profileId);
    expect(graph.survivor(newer.profileId)?.profile_id).toBe(older.profileId);
    expect(ids(graph.get(older.profileId))).toContainEqual({ type: 'phone', value: '+919876543210' });
  });

  it('breaks a first_seen tie by profile id', () => {
    const graph = createIdentityGraph([], []);
    const a = see(graph, 'e1', { email: 'a1@shop.in' }, 0);
    const b = see(graph, 'e2', { email: 'b1@shop.in' }, 0);
    const r = see(graph, 'e3', { email: 'a1@shop.in', loyalty_id: 'L1' }, 1);
    see(graph, 'e4', { email: 'b1@shop.in', loyalty_id: 'L1' }, 2);
    const expected = [a.profileId, b.profileId].sort()[0];
    expect(graph.lookup({ type: 'email', value: 'b1@shop.in' })?.profile_id).toBe(expected);
    expect(r.kind).toBe('attach');
  });

  it('merges three profiles automatically; the merged ids are deterministic on replay', () => {
    const run = () => {
      const graph = createIdentityGraph([], []);
      see(graph, 'e1', { email: 'x@shop.in' }, 0);
      see(graph, 'e2', { phone: '+919876543210' }, 1);
      see(graph, 'e3', { loyalty_id: 'L-9' }, 2);
      return see(graph, 'e4', { email: 'x@shop.in', phone: '+919876543210', loyalty_id: 'L-9' }, 3);
    };
    const r = run();
    expect(r.kind).toBe('merge');
    expect(r.mergedIds).toHaveLength(2);
    expect(run()).toEqual(r);
  });

  it('sends a 4-way merge to review and attributes the event to the best identifier, merging nothing', () => {
    const graph = createIdentityGraph([], []);
    const byUser = see(graph, 'e1', { user_id: 'c-1' }, 0);
    const byEmail = see(graph, 'e2', { email: 'x@shop.in' }, 1);
    const byPhone = see(graph, 'e3', { phone: '+919876543210' }, 2);
    const byLoyalty = see(graph, 'e4', { loyalty_id: 'L-9' }, 3);
    const r = see(
      graph,
      'e5',
      { loyalty_id: 'L-9', phone: '+919876543210', email: 'x@shop.in', user_id: 'c-1', device_id: 'd-new' },
      4,
    );
    expect(r.kind).toBe('review');
    expect(r.profileId).toBe(byUser.profileId);
    expect(r.mergedIds).toEqual([]);
    expect(r.newLinks).toEqual([]);
    expect(r.records).toHaveLength(1);
    expect(r.records[0]).toMatchObject({
      action: 'review',
      into_profile_id: byUser.profileId,
      from_profile_ids: [byEmail.profileId, byPhone.profileId, byLoyalty.profileId],
    });
    for (const p of [byEmail, byPhone, byLoyalty]) expect(graph.get(p.profileId)?.merged_into).toBeNull();
    expect(lookup(graph, 'device_id', 'd-new')).toBeUndefined();
  });

  it('refuses to join two people through a shared device', () => {
    const graph = createIdentityGraph([], []);
    const mum = see(graph, 'e1', { email: 'mum@family.in', device_id: 'tablet-1' });
    const r = see(graph, 'e2', { email: 'kid@family.in', device_id: 'tablet-1' });
    expect(r.kind).toBe('new');
    expect(r.profileId).not.toBe(mum.profileId);
    expect(r.newLinks).toEqual([{ type: 'email', value: 'kid@family.in' }]);
    expect(r.records).toEqual([
      expect.objectContaining({
        action: 'refuse',
        into_profile_id: r.profileId,
        from_profile_ids: [mum.profileId],
        identifiers: [{ type: 'device_id', value: 'tablet-1' }],
        event_id: 'e2',
      }),
    ]);
    // The device stays linked to the first person; the kid's profile notes it was seen with it.
    expect(lookup(graph, 'device_id', 'tablet-1')).toBe(mum.profileId);
    expect(r.newLinks).not.toContainEqual({ type: 'device_id', value: 'tablet-1' });
    expect(r.noted).toEqual([{ type: 'device_id', value: 'tablet-1' }]);
    expect(graph.sightings({ type: 'device_id', value: 'tablet-1' })).toEqual(new Set([r.profileId]));
  });

  it('makes a device seen with more people than the limit shared: it links no one, and keeps their anonymous use', () => {
    const graph = createIdentityGraph([], []);
    const kiosk = { device_id: 'kiosk-7' };
    const first = see(graph, 'k1', { ...kiosk, phone: '+91 98765 00001' });
    const second = see(graph, 'k2', { ...kiosk, phone: '+91 98765 00002' }, 1);
    expect(second.shared).toEqual([]); // two people: a family tablet may be that
    const third = see(graph, 'k3', { ...kiosk, loyalty_id: 'LOY-3', email: 'c@shop.in' }, 2);
    const deviceId = sharedProfileId('acme', { type: 'device_id', value: 'kiosk-7' });
    expect(third.shared).toEqual([{ type: 'device_id', value: 'kiosk-7' }]);
    expect(third.records).toContainEqual(
      expect.objectContaining({
        action: 'share',
        into_profile_id: deviceId,
        from_profile_ids: [first.profileId, second.profileId, third.profileId].sort(),
        identifiers: [{ type: 'device_id', value: 'kiosk-7' }],
      }),
    );
    expect(lookup(graph, 'device_id', 'kiosk-7')).toBe(deviceId);

    // A fourth shopper with a card only: the kiosk no longer carries them into anyone.
    const fourth = see(graph, 'k4', { ...kiosk, loyalty_id: 'LOY-4' }, 3);
    expect(fourth).toMatchObject({
      kind: 'new',
      records: [],
      newLinks: [{ type: 'loyalty_id', value: 'LOY-4' }],
    });
    expect([first.profileId, second.profileId, third.profileId, deviceId]).not.toContain(fourth.profileId);
    // Browsing on the kiosk with nothing else goes to the kiosk's own profile, not to a shopper.
    expect(see(graph, 'k5', kiosk, 4)).toMatchObject({ kind: 'attach', profileId: deviceId, records: [] });
    expect(lookup(graph, 'phone', '+919876500001')).toBe(first.profileId);

    // Rebuilt from what the warehouse holds (profiles and links), the graph says the same.
    const profiles = [...graph.profiles()].map((p) => structuredClone(p));
    const links = profiles.flatMap((p) =>
      p.identifiers
        .filter((id) => graph.lookup(id)?.profile_id === p.profile_id)
        .map((id) => ({ brand_id: 'acme', ...id, profile_id: p.profile_id, linked_at: at(0) })),
    );
    const reloaded = createIdentityGraph(profiles, links);
    expect(lookup(reloaded, 'device_id', 'kiosk-7')).toBe(deviceId);
    expect(see(reloaded, 'k6', { ...kiosk, loyalty_id: 'LOY-6' }, 5).kind).toBe('new');
  });

  it('counts the people a device was seen with across a restart, so it becomes shared at the same event', () => {
    const graph = createIdentityGraph([], []);
    see(graph, 't1', { email: 'a@home.in', device_id: 'tablet-2' });
    see(graph, 't2', { email: 'b@home.in', device_id: 'tablet-2' }, 1);
    const profiles = [...graph.profiles()].map((p) => structuredClone(p));
    const links = profiles.flatMap((p) =>
      p.identifiers
        .filter((id) => graph.lookup(id)?.profile_id === p.profile_id)
        .map((id) => ({ brand_id: 'acme', ...id, profile_id: p.profile_id, linked_at: at(0) })),
    );
    const reloaded = createIdentityGraph(profiles, links);
    expect(see(reloaded, 't3', { email: 'c@home.in', device_id: 'tablet-2' }, 2).shared).toEqual([
      { type: 'device_id', value: 'tablet-2' },
    ]);
    expect(see(graph, 't3', { email: 'c@home.in', device_id: 'tablet-2' }, 2).shared).toEqual([
      { type: 'device_id', value: 'tablet-2' },
    ]);
  });

  it('refuses when only weak identifiers point at two different known people', () => {
    const graph = createIdentityGraph([], []);
    const a = see(graph, 'e1', { email: 'a@family.in', device_id: 'tablet-1' });
    const b = see(graph, 'e2', { email: 'b@family.in', anonymous_id: 'cookie-9' });
    const r = see(graph, 'e3', { device_id: 'tablet-1', anonymous_id: 'cookie-9' });
    expect(r).toMatchObject({ kind: 'attach', profileId: a.profileId });
    expect(r.records).toEqual([
      expect.objectContaining({ action: 'refuse', from_profile_ids: [b.profileId] }),
    ]);
    expect(graph.get(b.profileId)?.merged_into).toBeNull();
  });

  it('lets a weak identifier attach anonymous activity to a person', () => {
    const graph = createIdentityGraph([], []);
    const anon = see(graph, 'e1', { anonymous_id: 'cookie-1' }, 0);
    const known = see(graph, 'e2', { email: 'priya@shop.in' }, 1);
    const r = see(graph, 'e3', { email: 'priya@shop.in', anonymous_id: 'cookie-1' }, 2);
    expect(r.kind).toBe('merge');
    expect(r.profileId).toBe(anon.profileId); // older
    expect(r.mergedIds).toEqual([known.profileId]);
  });

  it('never puts two different user_ids in one profile', () => {
    const graph = createIdentityGraph([], []);
    const c1 = see(graph, 'e1', { user_id: 'cust-1', email: 'shared@office.in' });
    const r = see(graph, 'e2', { user_id: 'cust-2', email: 'shared@office.in' });
    expect(r.kind).toBe('new');
    expect(r.records).toEqual([
      expect.objectContaining({
        action: 'refuse',
        from_profile_ids: [c1.profileId],
        reason: expect.stringMatching(/customer ids/),
      }),
    ]);
    expect(lookup(graph, 'email', 'shared@office.in')).toBe(c1.profileId);
    expect(lookup(graph, 'user_id', 'cust-2')).toBe(r.profileId);

    // Two profiles with different user_ids found by strong identifiers: the second is refused too.
    const c3 = see(graph, 'e3', { user_id: 'cust-3', phone: '+919812345678' });
    const r2 = see(graph, 'e4', { email: 'shared@office.in', phone: '+919812345678' });
    expect(r2).toMatchObject({ kind: 'attach', profileId: c1.profileId });
    expect(r2.records).toEqual([
      expect.objectContaining({ action: 'refuse', from_profile_ids: [c3.profileId] }),
    ]);
    const userIds = ids(graph.get(c1.profileId)).filter((id) => id.type === 'user_id');
    expect(userIds).toEqual([{ type: 'user_id', value: 'cust-1' }]);
  });

  it('keeps brands apart: a graph rebuilt for one brand holds none of another', () => {
    const graph = createIdentityGraph([], []);
    see(graph, 'e1', { email: 'priya@shop.in' });
    const otherBrand = createIdentityGraph([], []);
    expect(otherBrand.lookup({ type: 'email', value: 'priya@shop.in' })).toBeUndefined();
  });

  it('rebuilds from stored profiles and links, following stored merges', () => {
    const graph = createIdentityGraph([], []);
    const a = see(graph, 'e1', { email: 'a@shop.in' }, 0);
    const b = see(graph, 'e2', { phone: '+919876543210' }, 1);
    see(graph, 'e3', { email: 'a@shop.in', phone: '+919876543210' }, 2);
    const profiles = [...graph.profiles()].map((p) => structuredClone(p));
    const links = [
      {
        brand_id: 'acme',
        type: 'email' as const,
        value: 'a@shop.in',
        profile_id: a.profileId,
        linked_at: at(0),
      },
      {
        brand_id: 'acme',
        type: 'phone' as const,
        value: '+919876543210',
        profile_id: b.profileId,
        linked_at: at(0),
      },
    ];
    const rebuilt = createIdentityGraph(profiles, links);
    expect(rebuilt.lookup({ type: 'phone', value: '+919876543210' })?.profile_id).toBe(a.profileId);
  });
  it('demotes a lower-priority identifier whose merge would give a profile two loyalty cards', () => {
    const graph = createIdentityGraph([], []);
    // A store kiosk's device first seen with one shopper's card, then with another's.
    const first = see(graph, 'k1', { loyalty_id: 'LOY-1', device_id: 'kiosk-7' });
    const second = see(graph, 'k2', { loyalty_id: 'LOY-2' }, 1);
    const third = see(graph, 'k3', { loyalty_id: 'LOY-2', device_id: 'kiosk-7' }, 2);
    expect(third.kind).toBe('attach');
    expect(third.profileId).toBe(second.profileId);
    expect(third.mergedIds).toEqual([]);
    expect(third.records).toEqual([
      expect.objectContaining({
        action: 'demote',
        into_profile_id: second.profileId,
        from_profile_ids: [first.profileId],
        identifiers: [{ type: 'device_id', value: 'kiosk-7' }],
        reason: expect.stringContaining('2 loyalty_id identifiers (limit 1)'),
        event_id: 'k3',
      }),
    ]);
    expect(lookup(graph, 'loyalty_id', 'LOY-1')).toBe(first.profileId);
    expect(lookup(graph, 'loyalty_id', 'LOY-2')).toBe(second.profileId);
  });

  it('links a new identifier only while its type has room on the profile, and records the rest', () => {
    const graph = createIdentityGraph([], []);
    const limits = { ...DEFAULT_LIMITS, email: 2 };
    const first = see(graph, 'm1', { user_id: 'c-1', email: 'a@shop.in' }, 0, limits);
    see(graph, 'm2', { user_id: 'c-1', email: 'b@shop.in' }, 1, limits);
    const third = see(graph, 'm3', { user_id: 'c-1', email: 'c@shop.in' }, 2, limits);
    expect(third).toMatchObject({ kind: 'attach', profileId: first.profileId, newLinks: [] });
    expect(third.records).toEqual([
      expect.objectContaining({
        action: 'demote',
        from_profile_ids: [],
        identifiers: [{ type: 'email', value: 'c@shop.in' }],
        reason: expect.stringContaining('already holds 2 email identifiers (limit 2)'),
      }),
    ]);
    expect(lookup(graph, 'email', 'c@shop.in')).toBeUndefined();
    expect(ids(graph.get(first.profileId)).filter((id) => id.type === 'email')).toHaveLength(2);
    // The event itself still belongs to its customer.
    expect(see(graph, 'm4', { email: 'b@shop.in' }, 3, limits).profileId).toBe(first.profileId);
  });

  it('still merges when the merged profile stays within every limit', () => {
    const graph = createIdentityGraph([], []);
    const web = see(graph, 'w1', { email: 'a@shop.in', anonymous_id: 'ck-1' });
    const store = see(graph, 'w2', { phone: '+91 98765 43210', loyalty_id: 'LOY-9' }, 1);
    const both = see(graph, 'w3', { email: 'a@shop.in', phone: '098765 43210' }, 2);
    expect(both.kind).toBe('merge');
    expect(both.records.map((r) => r.action)).toEqual(['merge']);
    expect(lookup(graph, 'loyalty_id', 'LOY-9')).toBe(lookup(graph, 'anonymous_id', 'ck-1'));
    expect([web.profileId, store.profileId]).toContain(both.profileId);
  });
});
