// The Imports page's pure pieces: the mapping form's first choices from the
// suggested mapping, the choices as the start request's mapping, and the
// order of the list.
import { describe, expect, it } from 'vitest';
import {
  chosenMapping,
  errorReportHref,
  newestFirst,
  suggestedChoices,
} from '../../../src/lib/client/live-imports';
import {
  IMPORT_FIELDS,
  mappingProblems,
  suggestMapping,
  type ImportJob,
} from '../../../src/lib/shared/imports';

const headers = ['Order ID', 'Created At', 'Email', 'SKU'];

describe('the mapping form', () => {
  it('starts with one choice per field: the suggested column, or none', () => {
    const choices = suggestedChoices('orders', suggestMapping('orders', headers));
    expect(Object.keys(choices)).toEqual(IMPORT_FIELDS.orders.map((f) => f.field));
    expect(choices).toMatchObject({ order_id: 'Order ID', occurred_at: 'Created At', email: 'Email' });
    expect(choices['product_id']).toBe('SKU');
    expect(choices['phone']).toBe('');
  });

  it('sends only the fields that have a column, which the server then finds nothing wrong with', () => {
    const choices = suggestedChoices('orders', suggestMapping('orders', headers));
    const mapping = chosenMapping(choices);
    expect(mapping).toEqual({
      order_id: 'Order ID',
      occurred_at: 'Created At',
      email: 'Email',
      product_id: 'SKU',
    });
    expect(mappingProblems('orders', headers, mapping)).toEqual([]);
    expect(mappingProblems('orders', headers, chosenMapping({ ...choices, order_id: '' }))).toEqual([
      'order_id (Order id) needs a column',
    ]);
  });
});

describe('the list', () => {
  const job = (import_id: string, created_at: string) => ({ import_id, created_at }) as ImportJob;

  it('shows the newest upload first, ties in a fixed order', () => {
    const sorted = newestFirst([
      job('a', '2026-01-01T00:00:00.000Z'),
      job('c', '2026-01-02T00:00:00.000Z'),
      job('b', '2026-01-02T00:00:00.000Z'),
    ]);
    expect(sorted.map((j) => j.import_id)).toEqual(['c', 'b', 'a']);
  });

  it('links each import to its error report', () => {
    expect(errorReportHref('4f2c')).toBe('/api/v1/imports/4f2c/errors.csv');
  });
});
