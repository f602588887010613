// Intent rules both sides need: the processor keeps scores with them, the
// dashboard decays and levels stored scores with them (a High-intent row
// leaves when its decayed score falls below the threshold). No I/O here.
//
// Bounds per profile (and per own part):
//   - categories: at most INTENT_CATEGORIES_MAX, each at least
//     INTENT_CATEGORY_EPSILON when last computed; past the cap the lowest
//     scores are dropped (ties: the later name in code-point order);
//   - reasons: the INTENT_REASONS_MAX latest events that raised the score.
import type { IntentLevel, IntentReason } from './model';

export const INTENT_CATEGORIES_MAX = 16;
/** A category worth less than this is dropped: ~13 half-lives after a single page-view's weight. */
export const INTENT_CATEGORY_EPSILON = 1e-4;
export const INTENT_REASONS_MAX = 5;
/** Product names and ids kept in a reason are cut to this many characters. */
export const INTENT_REASON_TEXT_MAX = 120;

/** The part of a brand's settings the intent rules read (BrandSettings['intent']). */
export interface IntentThresholds {
  half_life_minutes: number;
  medium_threshold: number;
  high_threshold: number;
}

/** `score` stored at `fromMs`, worth this at `toMs` (never more than stored: time does not run back). */
export function decayedScore(score: number, fromMs: number, toMs: number, halfLifeMinutes: number): number {
  const elapsed = Math.max(0, toMs - fromMs);
  return score * 2 ** (-elapsed / (halfLifeMinutes * 60_000));
}

export function intentLevelOf(score: number, thresholds: IntentThresholds): IntentLevel {
  if (score >= thresholds.high_threshold) return 'high';
  if (score >= thresholds.medium_threshold) return 'medium';
  return 'low';
}

export function levelThreshold(level: 'medium' | 'high', thresholds: IntentThresholds): number {
  return level === 'high' ? thresholds.high_threshold : thresholds.medium_threshold;
}

const LEVEL_RANK: Record<IntentLevel, number> = { low: 0, medium: 1, high: 2 };

export function atLeast(level: IntentLevel, floor: IntentLevel): boolean {
  return LEVEL_RANK[level] >= LEVEL_RANK[floor];
}

export function higherLevel(a: IntentLevel, b: IntentLevel): IntentLevel {
  return LEVEL_RANK[a] >= LEVEL_RANK[b] ? a : b;
}

/**
 * The highest level the profile holds: its level in total (kept by the
 * processor as the score decays), or in any one category by the category's
 * score as stored (not decayed: a reader decays it to its own time). A
 * profile below medium in all of them is on no High-intent list.
 */
export function listedLevel(
  profile: { intent_level: IntentLevel; intent_categories: Record<string, number> },
  thresholds: IntentThresholds,
): IntentLevel {
  let level = profile.intent_level;
  for (const score of Object.values(profile.intent_categories)) {
    level = higherLevel(level, intentLevelOf(score, thresholds));
  }
  return level;
}

/** What a High-intent list filter compares: one category's score, or the total without one. */
export function filteredScore(
  scores: { score: number; categories: Record<string, number> },
  category: string | null,
): number {
  return category === null ? scores.score : (scores.categories[category] ?? 0);
}

/**
 * The categories kept: each at least the epsilon, at most the cap (highest
 * first). Returns a new object, keys in the order kept.
 */
export function boundCategories(categories: Record<string, number>): Record<string, number> {
  const entries = Object.entries(categories).filter(([, score]) => score >= INTENT_CATEGORY_EPSILON);
  entries.sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.slice(0, INTENT_CATEGORIES_MAX));
}

function compareText(a: string | null, b: string | null): number {
  const x = a ?? '';
  const y = b ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Newest first; ties in a fixed order, so merging in any order keeps the same reasons. */
export function compareReasons(a: IntentReason, b: IntentReason): number {
  return (
    (a.at < b.at ? 1 : a.at > b.at ? -1 : 0) ||
    b.weight - a.weight ||
    compareText(a.type, b.type) ||
    compareText(a.category, b.category) ||
    compareText(a.product_id, b.product_id) ||
    compareText(a.product_name, b.product_name)
  );
}

/** The INTENT_REASONS_MAX latest of `reasons` (copies), newest first. */
export function latestReasons(reasons: readonly IntentReason[]): IntentReason[] {
  return [...reasons]
    .sort(compareReasons)
    .slice(0, INTENT_REASONS_MAX)
    .map((reason) => ({ ...reason }));
}

const VERBS: Partial<Record<IntentReason['type'], [one: string, many: string]>> = {
  page_viewed: ['viewed a page', 'viewed {n} pages'],
  product_viewed: ['viewed {p}', 'viewed {n} {c}products'],
  product_added: ['added {p} to cart', 'added {n} {c}products to cart'],
  checkout_started: ['started checkout', 'started checkout {n} times'],
  message_received: ['sent a message', 'sent {n} messages'],
  identify: ['signed in', 'signed in {n} times'],
  custom: ['was active', 'was active {n} times'],
};

function ago(atIso: string, nowMs: number): string {
  const minutes = Math.max(0, Math.floor((nowMs - Date.parse(atIso)) / 60_000));
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours} h ago` : `${Math.floor(hours / 24)} d ago`;
}

/**
 * The reasons in words, newest first, events of one kind in one category
 * counted together: "added Trail shoes to cart 3 min ago, viewed 4 Running products".
 */
export function describeReasons(reasons: readonly IntentReason[], nowMs: number): string {
  const groups = new Map<string, IntentReason[]>();
  for (const reason of [...reasons].sort(compareReasons)) {
    const key = `${reason.type}\u0000${reason.category ?? ''}`;
    const group = groups.get(key);
    if (group) group.push(reason);
    else groups.set(key, [reason]);
  }
  const parts: string[] = [];
  for (const group of groups.values()) {
    const latest = group[0]!;
    const [one, many] = VERBS[latest.type] ?? ['did something', 'did {n} things'];
    const product = latest.product_name ?? latest.product_id;
    const text =
      group.length === 1
        ? one.replace('{p}', product ?? (latest.category ? `a ${latest.category} product` : 'a product'))
        : many
            .replace('{n}', String(group.length))
            .replace('{c}', latest.category ? `${latest.category} ` : '');
    parts.push(`${text} ${ago(latest.at, nowMs)}`);
  }
  return parts.join(', ');
}
