import { describe, expect, it } from 'vitest';
import { copyProfile } from '../../../ingest/processor/changes';
import { profile } from '../../contract/warehouse-records';

/** Every object and array reachable from `value`, with its path. */
function nested(value: unknown, path = '$'): [string, object][] {
  if (typeof value !== 'object' || value === null) return [];
  return [[path, value], ...Object.entries(value).flatMap(([key, child]) => nested(child, `${path}.${key}`))];
}

describe('copyProfile', () => {
  it('copies every field and shares no object with the profile the next batch keeps changing', () => {
    const original = profile('brand-a', 'p1', {
      identifiers: [
        { type: 'email', value: 'a@example.com' },
        { type: 'phone', value: '+919876543210' },
      ],
      channels: ['web', 'whatsapp'],
      categories: { shoes: 3, bags: 1 },
    });
    const copy = copyProfile(original);
    expect(copy).toEqual(structuredClone(original));
    const originals = new Set(nested(original).map(([, object]) => object));
    const shared = nested(copy).filter(([, object]) => originals.has(object));
    expect(shared.map(([path]) => path)).toEqual([]);

    original.identifiers[0]!.value = 'changed@example.com';
    original.categories.shoes = 99;
    original.channels.push('store');
    expect(copy.identifiers[0]!.value).toBe('a@example.com');
    expect(copy.categories.shoes).toBe(3);
    expect(copy.channels).toEqual(['web', 'whatsapp']);
  });
});
