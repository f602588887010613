// The prediction run's rows (ingest/warehouse/predictions.ts) back into records, once for both
// back-ends, as row-decoders.ts does for the rest: each back-end supplies only how it reads a
// column's text, number and time (its ColumnReader), so their results cannot drift apart.
import type { CustomerPrediction, PredictionRun } from '../../src/lib/shared/predictions';
import {
  orderItemsOf,
  parseRecommendations,
  parseRunRecord,
  type ChannelActivity,
  type MergedPart,
  type PredictionOrder,
  type PredictionSurvivor,
} from './predictions';
import type { ColumnReader } from './row-decoders';

export function createPredictionDecoders<Row extends Record<string, unknown>>(
  columns: Pick<ColumnReader<Row>, 'text' | 'num' | 'time'>,
) {
  const { text, num, time } = columns;
  const optionalNum = (row: Row, column: string): number | null =>
    row[column] === null ? null : num(row, column);

  function toPrediction(row: Row): CustomerPrediction {
    return {
      brand_id: text(row, 'brand_id'),
      profile_id: text(row, 'profile_id'),
      run_id: text(row, 'run_id'),
      computed_at: time(row, 'computed_at'),
      orders: num(row, 'orders'),
      revenue: num(row, 'revenue'),
      recency_days: optionalNum(row, 'recency_days'),
      r: optionalNum(row, 'r'),
      f: optionalNum(row, 'f'),
      m: optionalNum(row, 'm'),
      segment: text(row, 'segment'),
      churn_probability: optionalNum(row, 'churn_probability'),
      p_alive: optionalNum(row, 'p_alive'),
      expected_purchases_12m: optionalNum(row, 'expected_purchases_12m'),
      predicted_value_12m: optionalNum(row, 'predicted_value_12m'),
      recommendations: parseRecommendations(text(row, 'recommendations')),
    };
  }

  function toPredictionSurvivor(row: Row): PredictionSurvivor {
    return {
      profile_id: text(row, 'profile_id'),
      first_seen: time(row, 'first_seen'),
      last_seen: time(row, 'last_seen'),
      intent_score: num(row, 'intent_score'),
    };
  }

  function toMergedPart(row: Row): MergedPart {
    return { profile_id: text(row, 'profile_id'), merged_into: text(row, 'merged_into') };
  }

  function toPredictionOrder(row: Row): PredictionOrder {
    return {
      event_id: text(row, 'event_id'),
      profile_id: text(row, 'profile_id'),
      timestamp: time(row, 'timestamp'),
      revenue: num(row, 'revenue'),
      category: row.category === null ? null : text(row, 'category'),
      items: orderItemsOf(JSON.parse(text(row, 'properties')) as Record<string, unknown>),
    };
  }

  function toChannelActivity(row: Row): ChannelActivity {
    return {
      profile_id: text(row, 'profile_id'),
      web: num(row, 'web'),
      store: num(row, 'store'),
      whatsapp: num(row, 'whatsapp'),
      events: num(row, 'events'),
    };
  }

  function toPredictionRun(row: Row): PredictionRun {
    return parseRunRecord(text(row, 'record'));
  }

  return {
    toPrediction,
    toPredictionSurvivor,
    toMergedPart,
    toPredictionOrder,
    toChannelActivity,
    toPredictionRun,
  };
}
