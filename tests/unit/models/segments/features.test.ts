import { describe, expect, it } from 'vitest';
import { buildFeatures, FEATURES, toOriginalUnits } from '../../../../ingest/models/segments/features';
import { syntheticPopulation } from '../../../../ingest/models/segments/synthetic';

describe('buildFeatures', () => {
  const { population } = syntheticPopulation({ seed: 7, noOrders: 20 });

  it('keeps buyers only and z-scores every column (mean 0, sd = weight)', () => {
    const f = buildFeatures(population);
    expect(f.rows.length).toBe(population.customers.length - 20);
    FEATURES.forEach((name, j) => {
      const col = f.rows.map((r) => r[j] as number);
      const mean = col.reduce((a, b) => a + b, 0) / col.length;
      const sd = Math.sqrt(col.reduce((a, b) => a + (b - mean) ** 2, 0) / col.length);
      expect(mean, name).toBeCloseTo(0, 9);
      expect(sd, name).toBeCloseTo(f.standardization.weight[j] as number, 9);
    });
  });

  it('turns a constant column into zeros instead of dividing by zero', () => {
    const flat = { ...population, customers: population.customers.map((c) => ({ ...c, intent: 0.25 })) };
    const f = buildFeatures(flat);
    const j = FEATURES.indexOf('intent');
    expect(f.rows.every((r) => r[j] === 0)).toBe(true);
    expect(f.rows.flat().every(Number.isFinite)).toBe(true);
    expect(toOriginalUnits(f.rows[0] as number[], f.standardization).intent).toBeCloseTo(0.25, 12);
  });

  it('maps a row back to original units', () => {
    const f = buildFeatures(population);
    const i = population.customers.findIndex((c) => c.orders > 0);
    const c = population.customers[i]!;
    const back = toOriginalUnits(f.rows[f.profileIds.indexOf(c.profileId)] as number[], f.standardization);
    expect(back.frequency).toBeCloseTo(c.orders, 9);
    expect(back.monetary).toBeCloseTo(c.revenue, 6);
    expect(back.intent).toBeCloseTo(c.intent, 9);
  });

  it('refuses bad weights and bad customers by name', () => {
    expect(() => buildFeatures(population, { intent: NaN })).toThrow('weights.intent');
    const bad = { ...population, customers: [{ ...population.customers[0]!, revenue: -1 }] };
    expect(() => buildFeatures(bad)).toThrow('customers[0].revenue');
  });
});
