// The features of a (profile, category) at a moment, kept as an incremental per-profile state.
//
// Every count is decayed like ingest/processor/intent/score.ts: a value v stored at time t is
// worth v × 2^(−Δt / half_life) later. Applying one event decays the profile's counters and the
// counters of the event's categories to the event time and adds to them: O(1) per event (an
// order touches one state per category it holds). Decay is linear, so two states merge exactly
// (decay both to the merge time and add), like `mergeIntent` merges scores; see `mergeIntentStates`.
//
// Two clocks: the brand's half-life (the score's) for "what is happening now", and a longer one
// (default a day) for interest that outlives a session: views of the category, repeat views of
// one product. Counts "since the last order" start again from 0 at an order, as the score does:
// per category at an order holding that category, profile-wide at any order.
//
// Features (FEATURE_NAMES, in this order):
//   0–3   per category, brand half-life, since the category's last order: views, adds,
//         removals, checkouts of a product in the category
//   4–11  profile-wide, brand half-life, since the profile's last order: every non-order type
//   12    the category's share of the profile's recent views (0 when none)
//   13    log(1 + long-half-life views of the category)
//   14    log(1 + long-half-life repeat views: a product seen again within the repeat window)
//   15    log(1 + hours between the profile's latest event and the one before it)
//   16    the same within the category (a never-seen category counts as 30 days)
//   17    1 if the profile ever ordered, 18: 1 if it ever ordered in the category
//
// The fixed-weight score of a (profile, category) is INTENT_WEIGHTS applied to features 0–7:
// the category's product events plus the profile's uncategorised events (page views, identify,
// messages, custom), floored at 0 (baseline.ts). Product events without a category count only
// profile-wide.
import type { EventType } from '../../../src/lib/shared/events';

export interface IntentEvent {
  type: EventType;
  atMs: number;
  /** The categories it concerns: one for a product event, every line's for an order, none otherwise. */
  categories: readonly string[];
  productId?: string;
}

export interface FeatureOptions {
  /** The brand's intent half-life (BrandSettings.intent.half_life_minutes). */
  halfLifeMinutes: number;
  /** Half-life of category interest and repeat views. */
  longHalfLifeMinutes: number;
  /** A view of a product seen within this window counts as a repeat view. */
  repeatWindowMinutes: number;
  /** Products remembered per category for repeat views (oldest forgotten first). */
  productMemory: number;
}

export const DEFAULT_FEATURE_OPTIONS: FeatureOptions = {
  halfLifeMinutes: 60,
  longHalfLifeMinutes: 24 * 60,
  repeatWindowMinutes: 7 * 24 * 60,
  productMemory: 16,
};

/** Event types counted per category (when the event names one). */
export const CATEGORY_TYPES = [
  'product_viewed',
  'product_added',
  'product_removed',
  'checkout_started',
] as const;
/** Event types counted profile-wide, in feature order; the first four are the uncategorised ones. */
export const PROFILE_TYPES = [
  'page_viewed',
  'identify',
  'message_received',
  'custom',
  'product_viewed',
  'product_added',
  'product_removed',
  'checkout_started',
] as const;

export const FEATURE_NAMES = [
  ...CATEGORY_TYPES.map((t) => `category.${t}`),
  ...PROFILE_TYPES.map((t) => `profile.${t}`),
  'category.view_share',
  'category.log_interest',
  'category.log_repeat_views',
  'profile.log_hours_gap',
  'category.log_hours_gap',
  'profile.bought_before',
  'category.bought_before',
] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];

/** What each feature is, in words a growth team reads on the model page. */
export const FEATURE_DESCRIPTIONS: Record<FeatureName, string> = {
  'category.product_viewed': 'Product views in the category since its last order (decayed)',
  'category.product_added': 'Cart adds in the category since its last order (decayed)',
  'category.product_removed': 'Cart removals in the category since its last order (decayed)',
  'category.checkout_started': 'Checkouts started in the category since its last order (decayed)',
  'profile.page_viewed': 'Page views since the last order (decayed)',
  'profile.identify': 'Sign-ins and sign-ups since the last order (decayed)',
  'profile.message_received': 'Messages (WhatsApp) since the last order (decayed)',
  'profile.custom': 'Other events since the last order (decayed)',
  'profile.product_viewed': 'Product views anywhere since the last order (decayed)',
  'profile.product_added': 'Cart adds anywhere since the last order (decayed)',
  'profile.product_removed': 'Cart removals anywhere since the last order (decayed)',
  'profile.checkout_started': 'Checkouts started anywhere since the last order (decayed)',
  'category.view_share': "The category's share of recent product views",
  'category.log_interest': 'Interest in the category over days (log)',
  'category.log_repeat_views': 'Products in the category viewed again within a week (log)',
  'profile.log_hours_gap': 'Hours between the last two visits (log)',
  'category.log_hours_gap': 'Hours between the last two visits to the category (log)',
  'profile.bought_before': 'Has ordered before',
  'category.bought_before': 'Has ordered in the category before',
};
export const FEATURE_COUNT = FEATURE_NAMES.length;
/** Features 0 … FIXED_WEIGHT_FEATURES−1 are the ones the fixed-weight score adds up. */
export const FIXED_WEIGHT_FEATURES = CATEGORY_TYPES.length + 4;

const NEVER_HOURS = 30 * 24;

interface Clocked {
  /** The time the decayed values below are worth. */
  atMs: number;
  lastEventMs: number | null;
  previousEventMs: number | null;
}

export interface CategoryIntentState extends Clocked {
  sinceOrder: number[];
  views: number;
  /** Long half-life. */
  interest: number;
  /** Long half-life. */
  repeatViews: number;
  /** productId → last view, oldest first, at most `productMemory`. */
  viewedAt: Map<string, number>;
  bought: boolean;
}

export interface ProfileIntentState extends Clocked {
  sinceOrder: number[];
  views: number;
  orders: number;
  categories: Map<string, CategoryIntentState>;
}

export function emptyProfileState(): ProfileIntentState {
  return {
    atMs: 0,
    lastEventMs: null,
    previousEventMs: null,
    sinceOrder: PROFILE_TYPES.map(() => 0),
    views: 0,
    orders: 0,
    categories: new Map(),
  };
}

function emptyCategoryState(): CategoryIntentState {
  return {
    atMs: 0,
    lastEventMs: null,
    previousEventMs: null,
    sinceOrder: CATEGORY_TYPES.map(() => 0),
    views: 0,
    interest: 0,
    repeatViews: 0,
    viewedAt: new Map(),
    bought: false,
  };
}

function factor(fromMs: number, toMs: number, halfLifeMinutes: number): number {
  // No time elapsed: 2^(−0) is exactly 1, without the power (forecasts ask at the event's time).
  if (toMs <= fromMs) return 1;
  return 2 ** (-(toMs - fromMs) / (halfLifeMinutes * 60_000));
}

function decayProfile(state: ProfileIntentState, toMs: number, options: FeatureOptions): void {
  if (toMs <= state.atMs) return;
  const f = factor(state.atMs, toMs, options.halfLifeMinutes);
  for (let i = 0; i < state.sinceOrder.length; i++) state.sinceOrder[i]! *= f;
  state.views *= f;
  state.atMs = toMs;
}

function decayCategory(state: CategoryIntentState, toMs: number, options: FeatureOptions): void {
  if (toMs <= state.atMs) return;
  const f = factor(state.atMs, toMs, options.halfLifeMinutes);
  const long = factor(state.atMs, toMs, options.longHalfLifeMinutes);
  for (let i = 0; i < state.sinceOrder.length; i++) state.sinceOrder[i]! *= f;
  state.views *= f;
  state.interest *= long;
  state.repeatViews *= long;
  state.atMs = toMs;
}

function noteEvent(state: Clocked, atMs: number): void {
  if (state.lastEventMs === null || atMs >= state.lastEventMs) {
    state.previousEventMs = state.lastEventMs;
    state.lastEventMs = atMs;
  } else if (state.previousEventMs === null || atMs > state.previousEventMs) {
    state.previousEventMs = atMs;
  }
}

/**
 * Adds one event to a profile's state (mutates it). An event older than the state's clock adds
 * its count undecayed, as the score does (Δt is never negative).
 */
export function applyIntentEvent(
  state: ProfileIntentState,
  event: IntentEvent,
  options: FeatureOptions = DEFAULT_FEATURE_OPTIONS,
): void {
  const atMs = Math.max(event.atMs, state.atMs);
  decayProfile(state, atMs, options);
  noteEvent(state, event.atMs);
  if (event.type === 'order_completed') {
    state.sinceOrder.fill(0);
    state.orders += 1;
  } else {
    const p = (PROFILE_TYPES as readonly EventType[]).indexOf(event.type);
    if (p >= 0) state.sinceOrder[p]! += 1;
    if (event.type === 'product_viewed') state.views += 1;
  }
  for (const category of new Set(event.categories)) {
    let cat = state.categories.get(category);
    if (!cat) {
      cat = emptyCategoryState();
      state.categories.set(category, cat);
    }
    applyToCategory(cat, event, atMs, options);
  }
}

function applyToCategory(
  cat: CategoryIntentState,
  event: IntentEvent,
  atMs: number,
  options: FeatureOptions,
): void {
  decayCategory(cat, atMs, options);
  noteEvent(cat, event.atMs);
  if (event.type === 'order_completed') {
    cat.sinceOrder.fill(0);
    cat.bought = true;
    return;
  }
  const c = (CATEGORY_TYPES as readonly EventType[]).indexOf(event.type);
  if (c >= 0) cat.sinceOrder[c]! += 1;
  if (event.type !== 'product_viewed') return;
  cat.views += 1;
  cat.interest += 1;
  if (event.productId === undefined) return;
  const seen = cat.viewedAt.get(event.productId);
  if (seen !== undefined && event.atMs - seen <= options.repeatWindowMinutes * 60_000) cat.repeatViews += 1;
  cat.viewedAt.delete(event.productId);
  cat.viewedAt.set(event.productId, Math.max(event.atMs, seen ?? event.atMs));
  trimMemory(cat.viewedAt, options.productMemory);
}

function trimMemory(viewedAt: Map<string, number>, limit: number): void {
  while (viewedAt.size > limit) {
    const oldest = viewedAt.keys().next().value;
    if (oldest === undefined) return;
    viewedAt.delete(oldest);
  }
}

function gapHours(state: Clocked | undefined): number {
  if (!state || state.lastEventMs === null || state.previousEventMs === null) return NEVER_HOURS;
  return Math.min(NEVER_HOURS, (state.lastEventMs - state.previousEventMs) / 3_600_000);
}

/**
 * The feature vector of (profile, category) at `atMs` (not before the state's clock). Does not
 * mutate the state.
 */
export function intentFeatures(
  state: ProfileIntentState,
  category: string,
  atMs: number,
  options: FeatureOptions = DEFAULT_FEATURE_OPTIONS,
): number[] {
  const f = factor(state.atMs, atMs, options.halfLifeMinutes);
  const cat = state.categories.get(category);
  const cf = cat ? factor(cat.atMs, atMs, options.halfLifeMinutes) : 0;
  const clf = cat ? factor(cat.atMs, atMs, options.longHalfLifeMinutes) : 0;
  const categoryViews = cat ? cat.views * cf : 0;
  const profileViews = state.views * f;
  const out: number[] = [];
  for (let c = 0; c < CATEGORY_TYPES.length; c++) out.push(cat ? cat.sinceOrder[c]! * cf : 0);
  for (let p = 0; p < state.sinceOrder.length; p++) out.push(state.sinceOrder[p]! * f);
  out.push(
    profileViews > 0 ? Math.min(1, categoryViews / profileViews) : 0,
    Math.log1p(cat ? cat.interest * clf : 0),
    Math.log1p(cat ? cat.repeatViews * clf : 0),
    Math.log1p(gapHours(state)),
    Math.log1p(gapHours(cat)),
    state.orders > 0 ? 1 : 0,
    cat?.bought ? 1 : 0,
  );
  return out;
}

/**
 * `intentFeatures` of every category the profile has, in the state's order, at `atMs` (not before
 * the state's clock): the same numbers, but the profile-wide ones computed once, not once per
 * category. `visit` gets one array, rewritten for the next category: read it, do not keep it.
 */
export function forEachCategoryFeatures(
  state: ProfileIntentState,
  atMs: number,
  options: FeatureOptions,
  visit: (category: string, features: readonly number[]) => void,
): void {
  const f = factor(state.atMs, atMs, options.halfLifeMinutes);
  const profileViews = state.views * f;
  const out: number[] = [];
  const C = CATEGORY_TYPES.length;
  const P = state.sinceOrder.length;
  for (let c = 0; c < C; c++) out.push(0);
  for (let p = 0; p < P; p++) out.push(state.sinceOrder[p]! * f);
  out.push(0, 0, 0, Math.log1p(gapHours(state)), 0, state.orders > 0 ? 1 : 0, 0);
  for (const [category, cat] of state.categories) {
    const cf = factor(cat.atMs, atMs, options.halfLifeMinutes);
    const clf = factor(cat.atMs, atMs, options.longHalfLifeMinutes);
    for (let c = 0; c < C; c++) out[c] = cat.sinceOrder[c]! * cf;
    const categoryViews = cat.views * cf;
    out[C + P] = profileViews > 0 ? Math.min(1, categoryViews / profileViews) : 0;
    out[C + P + 1] = Math.log1p(cat.interest * clf);
    out[C + P + 2] = Math.log1p(cat.repeatViews * clf);
    out[C + P + 4] = Math.log1p(gapHours(cat));
    out[C + P + 6] = cat.bought ? 1 : 0;
    visit(category, out);
  }
}

function mergeClock(into: Clocked, from: Clocked): void {
  const times = [into.lastEventMs, into.previousEventMs, from.lastEventMs, from.previousEventMs]
    .filter((t): t is number => t !== null)
    .sort((a, b) => b - a);
  into.lastEventMs = times[0] ?? null;
  into.previousEventMs = times[1] ?? null;
}

/**
 * Merges profile states (identity merge): every decayed count is decayed to the merge time and
 * added, which is exact because decay is linear. Event times keep the latest two; orders add;
 * "bought" is either's. Repeat views are exact per part, but a product seen once in each part is
 * not counted as a repeat. Returns a new state; the inputs are left as they were.
 */
export function mergeIntentStates(
  states: readonly ProfileIntentState[],
  atMs: number,
  options: FeatureOptions = DEFAULT_FEATURE_OPTIONS,
): ProfileIntentState {
  const mergeMs = Math.max(atMs, ...states.map((s) => s.atMs));
  const out = emptyProfileState();
  out.atMs = mergeMs;
  for (const s of states) {
    const f = factor(s.atMs, mergeMs, options.halfLifeMinutes);
    s.sinceOrder.forEach((v, i) => (out.sinceOrder[i]! += v * f));
    out.views += s.views * f;
    out.orders += s.orders;
    mergeClock(out, s);
    for (const [name, cat] of s.categories) {
      let into = out.categories.get(name);
      if (!into) {
        into = emptyCategoryState();
        into.atMs = mergeMs;
        out.categories.set(name, into);
      }
      const cf = factor(cat.atMs, mergeMs, options.halfLifeMinutes);
      const clf = factor(cat.atMs, mergeMs, options.longHalfLifeMinutes);
      cat.sinceOrder.forEach((v, i) => (into.sinceOrder[i]! += v * cf));
      into.views += cat.views * cf;
      into.interest += cat.interest * clf;
      into.repeatViews += cat.repeatViews * clf;
      into.bought ||= cat.bought;
      mergeClock(into, cat);
      const views = [...into.viewedAt, ...cat.viewedAt].sort((a, b) => a[1] - b[1]);
      into.viewedAt = new Map();
      for (const [product, ms] of views) {
        into.viewedAt.delete(product);
        into.viewedAt.set(product, Math.max(ms, into.viewedAt.get(product) ?? ms));
      }
      trimMemory(into.viewedAt, options.productMemory);
    }
  }
  return out;
}
