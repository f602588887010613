// Deterministic ids: the same input (a replay after a crash) gives the same id,
// so upserts land on the same row instead of creating a twin.
import { hash } from 'node:crypto';

/**
 * 16 hex characters of SHA-256 over the parts, separated so ('a','bc') ≠ ('ab','c').
 * One-shot `hash` (Node ≥ 20.12): no Hash object per call, the same digest.
 */
export function shortHash(...parts: readonly string[]): string {
  return hash('sha256', parts.join('\u001f'), 'hex').slice(0, 16);
}

export function profileIdFor(brandId: string, eventId: string): string {
  return `p_${shortHash(brandId, eventId)}`;
}

/** One event can produce several records (a merge and a refusal): `index` tells them apart. */
export function mergeIdFor(brandId: string, eventId: string, index: number): string {
  return `m_${shortHash(brandId, eventId, String(index))}`;
}

export function alertIdFor(brandId: string, rule: string, startMinute: string): string {
  return `a_${shortHash(brandId, rule, startMinute)}`;
}
