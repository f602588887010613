// The shoppers of one brand: a few dozen visits in progress at once, and a
// queue of people who visited before and come back later: on another device
// (logging in again, which merges their identities), on WhatsApp, or in a store.
import type { Catalog } from './catalog';
import type { DemoAction, Session, VisitStyle } from './journey';
import type { CampaignTouch } from './segment';
import { advanceSession, CAMPAIGNS, startWebSession } from './journey';
import type { DeviceKind, Shopper } from './people';
import { addDevice, createIdentitySequence, createShopper } from './people';
import type { Random } from './random';

export interface BrandTrafficOptions {
  random: Random;
  catalog: Catalog;
  /** Visits in progress at once; each step advances one of them. */
  concurrentVisits?: number;
  /** How many past visitors are remembered to come back; older ones leave for good. */
  rememberedShoppers?: number;
  /** Told of each visit that lands from an ad (a paid click), when it starts. */
  onCampaignVisit?: (campaign: CampaignTouch, at: Date) => void;
  /** People who bought before the traffic starts (the demo history): they come back among the rest. */
  returning?: readonly Shopper[];
}

export interface BrandTraffic {
  /** Advances one visit by one step and returns the calls it made (at least one). */
  next(now: Date): DemoAction[];
}

export function createBrandTraffic(options: BrandTrafficOptions): BrandTraffic {
  const { random, catalog } = options;
  const concurrentVisits = options.concurrentVisits ?? 24;
  const remembered = options.rememberedShoppers ?? 5000;
  const identities = createIdentitySequence(random);
  const visits: Session[] = [];
  /** Past visitors, oldest first: the head has been away longest, so it returns "later". */
  const away: Shopper[] = shuffled(random, options.returning ?? []).slice(0, remembered);
  /** The time of the step in progress. */
  let now = new Date(0);

  const campaignFor = (kind: DeviceKind) =>
    random.chance(kind === 'web' ? 0.45 : 0.15) ? random.pick(CAMPAIGNS) : undefined;

  const webVisit = (shopper: Shopper, kind: DeviceKind, fresh: boolean, loginAfterViews: number): Session => {
    const known = shopper.devices.filter((device) => device.kind === kind);
    const device = fresh || known.length === 0 ? addDevice(random, shopper, kind) : random.pick(known);
    const style: VisitStyle = random.chance(0.06) ? 'burst' : 'casual';
    const campaign = campaignFor(kind);
    if (campaign) options.onCampaignVisit?.(campaign, now);
    return startWebSession(random, catalog, shopper, device, {
      style,
      // Shoppers on a mission log in straight away.
      loginAfterViews: style === 'burst' ? random.int(0, 1) : loginAfterViews,
      ...(campaign ? { campaign } : {}),
    });
  };

  const newVisitor = (): Session => {
    const shopper = createShopper(random, identities);
    const roll = random.next();
    if (roll < 0.06) return { kind: 'whatsapp', shopper, messagesLeft: random.int(1, 3) };
    if (roll < 0.08) return { kind: 'store', shopper, done: false };
    const loginAfterViews = random.chance(0.3) ? random.int(1, 4) : Number.POSITIVE_INFINITY;
    return webVisit(shopper, random.chance(0.15) ? 'app' : 'web', true, loginAfterViews);
  };

  const returningVisitor = (shopper: Shopper): Session => {
    const roll = random.next();
    // Another device: a new cookie and device id; the shopper logs in after a view or two.
    if (roll < 0.5) return webVisit(shopper, random.chance(0.4) ? 'app' : 'web', true, random.int(1, 2));
    if (roll < 0.75)
      return webVisit(shopper, 'web', false, random.chance(0.5) ? 1 : Number.POSITIVE_INFINITY);
    if (roll < 0.92) return { kind: 'whatsapp', shopper, messagesLeft: random.int(1, 3) };
    return { kind: 'store', shopper, done: false };
  };

  const startVisit = (): Session => {
    // Keep a few dozen people away before anyone returns, so "later" means later.
    if (away.length > concurrentVisits && random.chance(0.35)) return returningVisitor(away.shift()!);
    return newVisitor();
  };

  const finish = (session: Session) => {
    if (!random.chance(0.6)) return;
    away.push(session.shopper);
    if (away.length > remembered) away.shift();
  };

  return {
    next(at) {
      now = at;
      const ctx = { random, catalog, now };
      for (;;) {
        while (visits.length < concurrentVisits) visits.push(startVisit());
        const index = random.int(0, visits.length - 1);
        const session = visits[index]!;
        const { actions, done } = advanceSession(session, ctx);
        if (done) {
          visits.splice(index, 1);
          finish(session);
        }
        // A step that only ended a visit made no call; take another so every step yields traffic.
        if (actions.length > 0) return actions;
      }
    },
  };
}

/** A copy in random order (Fisher–Yates), so past customers come back in no particular order. */
function shuffled<T>(random: Random, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
