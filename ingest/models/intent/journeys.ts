// A seeded generator of shopper journeys for evaluating purchase intent: events of one brand,
// in time order, whose purchases depend on behaviour in ways one fixed weight per event type
// cannot fully capture. Simpler than ingest/demo (no identities, no sources): the intent model
// sees only (profile, type, time, category, product), so that is all this draws.
//
// Each shopper has a favourite category (popularity falls off like 1/rank), a visit rate (0.5–3.5
// sessions a week, most shoppers at the low end) and is one of two kinds:
//
//   regular   most sessions are casual browsing; now and then (15 % of sessions, 22 % once they
//             have bought) one starts a *mission*: a category (the favourite 60 % of the time) and
//             a product they are after, followed over 1–4 sessions spaced 1–48 hours apart. Mission
//             sessions look at the category, often the same product again, and add it to the
//             cart 45 % of the time before the last session; 50 % of missions end
//             with that product bought in the last session (add, checkout, order), the rest
//             abandon (sometimes after adding to the cart or starting a checkout).
//   browser   (20 %) visits more often and browses widely, adding to the cart as a wishlist, and starts
//             a mission rarely (4 % of sessions).
//
// Casual sessions view 2–12 products across categories (the favourite 30 % of the time), add one
// 15 % of the time (browsers 40 %), sometimes remove it, rarely start a checkout (4 %) or buy on
// impulse (2 %). Shoppers who bought before write on WhatsApp more often (30 % of sessions against
// 8 %) — questions about their delivery, not a new purchase.
//
// What a fixed weight per event type sees: adds and checkouts do precede orders, and missions
// produce more events, so the fixed score is a fair baseline. What it cannot see: whether the
// views concentrate on one category and product, whether the shopper came back after hours,
// whether they bought before, and that a browser's cart adds mean less.
import { createRandom, type Random } from '../../demo/random';
import type { IntentEvent } from './features';

export interface JourneyOptions {
  seed: number;
  shoppers: number;
  days: number;
  categories: number;
  productsPerCategory: number;
}

export const DEFAULT_JOURNEYS: JourneyOptions = {
  seed: 1,
  shoppers: 1500,
  days: 56,
  categories: 8,
  productsPerCategory: 15,
};

export interface JourneyEvent extends IntentEvent {
  profileId: string;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface Mission {
  category: string;
  target: string;
  willBuy: boolean;
  sessionsLeft: number;
}

interface Shopper {
  id: string;
  favourite: string;
  browser: boolean;
  sessionsPerWeek: number;
  bought: boolean;
  mission: Mission | null;
}

export function generateJourneys(options: Partial<JourneyOptions> = {}): JourneyEvent[] {
  const o = { ...DEFAULT_JOURNEYS, ...options };
  const random = createRandom(o.seed);
  const categories = Array.from({ length: o.categories }, (_, i) => `cat-${i + 1}`);
  const popularity = categories.map((_, i) => 1 / (i + 1));
  const total = popularity.reduce((a, b) => a + b, 0);
  const pickCategory = (): string => {
    let u = random.next() * total;
    for (let i = 0; i < categories.length; i++) {
      u -= popularity[i]!;
      if (u < 0) return categories[i]!;
    }
    return categories[categories.length - 1]!;
  };
  const product = (category: string): string => `${category}/p${random.int(1, o.productsPerCategory)}`;
  const events: JourneyEvent[] = [];
  const endMs = o.days * DAY;

  for (let s = 0; s < o.shoppers; s++) {
    const shopper: Shopper = {
      id: `shopper-${s + 1}`,
      favourite: pickCategory(),
      browser: random.chance(0.2),
      sessionsPerWeek: 0.5 + 3 * random.next() ** 2,
      bought: false,
      mission: null,
    };
    if (shopper.browser) shopper.sessionsPerWeek += 1;
    let t = exponential(random, (7 * DAY) / shopper.sessionsPerWeek);
    while (t < endMs) {
      const emit = (type: IntentEvent['type'], category?: string, productId?: string): void => {
        t += random.int(15, 120) * 1000;
        const event: JourneyEvent = {
          profileId: shopper.id,
          type,
          atMs: t,
          categories: category ? [category] : [],
        };
        if (productId !== undefined) event.productId = productId;
        events.push(event);
      };
      const missionChance = shopper.browser ? 0.04 : shopper.bought ? 0.22 : 0.15;
      if (!shopper.mission && random.chance(missionChance)) {
        const category = random.chance(0.6) ? shopper.favourite : pickCategory();
        shopper.mission = {
          category,
          target: product(category),
          willBuy: random.chance(0.5),
          sessionsLeft: random.int(1, 4),
        };
      }
      emit('page_viewed');
      if (shopper.bought && random.chance(0.3)) emit('identify');
      if (random.chance(shopper.bought ? 0.3 : 0.08)) emit('message_received');
      const mission = shopper.mission;
      if (mission) {
        mission.sessionsLeft -= 1;
        const last = mission.sessionsLeft === 0;
        const views = random.int(2, 6);
        for (let v = 0; v < views; v++) {
          if (random.chance(0.15)) {
            const other = pickCategory();
            emit('product_viewed', other, product(other));
          }
          emit(
            'product_viewed',
            mission.category,
            random.chance(0.5) ? mission.target : product(mission.category),
          );
        }
        if (last && mission.willBuy) {
          if (random.chance(0.85)) emit('product_added', mission.category, mission.target);
          emit('checkout_started', mission.category);
          emit('order_completed', mission.category);
          shopper.bought = true;
        } else if (last) {
          if (random.chance(0.4)) emit('product_added', mission.category, mission.target);
          if (random.chance(0.15)) emit('checkout_started', mission.category);
        } else if (random.chance(0.45)) {
          emit('product_added', mission.category, mission.target);
          if (random.chance(0.2)) emit('product_removed', mission.category, mission.target);
        }
        if (last) shopper.mission = null;
      } else {
        const views = random.int(2, 12);
        let lastCategory = shopper.favourite;
        for (let v = 0; v < views; v++) {
          if (random.chance(0.2)) emit('page_viewed');
          lastCategory = random.chance(0.3) ? shopper.favourite : pickCategory();
          emit('product_viewed', lastCategory, product(lastCategory));
        }
        if (random.chance(shopper.browser ? 0.4 : 0.15)) {
          const added = product(lastCategory);
          emit('product_added', lastCategory, added);
          if (random.chance(0.25)) emit('product_removed', lastCategory, added);
        }
        if (random.chance(0.04)) emit('checkout_started', lastCategory);
        if (random.chance(0.02)) {
          emit('order_completed', lastCategory);
          shopper.bought = true;
        }
      }
      const mid = shopper.mission;
      t += mid
        ? HOUR * Math.exp(random.next() * Math.log(48))
        : exponential(random, (7 * DAY) / shopper.sessionsPerWeek);
    }
  }
  return events
    .filter((e) => e.atMs < endMs)
    .sort((a, b) => a.atMs - b.atMs || (a.profileId < b.profileId ? -1 : 1));
}

function exponential(random: Random, mean: number): number {
  return -mean * Math.log(1 - random.next());
}
