// The embedded warehouse's tables. Every table of brand data has brand_id
// first in its primary key; the two bookkeeping tables (checkpoints per bus
// partition, applied migrations) belong to no brand.
//
// Times are TIMESTAMP (UTC); arrays and objects (identifiers, channels,
// categories, properties, from_profile_ids) are JSON text; a nullable object
// (profiles.own) is '' for null. Migrations are numbered and only ever appended.
import type { Session } from './session';
import { bigint } from './sql-params';

const MIGRATIONS: readonly (readonly string[])[] = [
  [
    `CREATE TABLE events (
      brand_id VARCHAR NOT NULL,
      event_id VARCHAR NOT NULL,
      source VARCHAR NOT NULL,
      source_event_id VARCHAR NOT NULL,
      type VARCHAR NOT NULL,
      name VARCHAR NOT NULL,
      channel VARCHAR NOT NULL,
      profile_id VARCHAR NOT NULL,
      timestamp TIMESTAMP NOT NULL,
      received_at TIMESTAMP NOT NULL,
      revenue DOUBLE NOT NULL,
      category VARCHAR,
      properties VARCHAR NOT NULL,
      PRIMARY KEY (brand_id, event_id)
    )`,
    `CREATE TABLE profiles (
      brand_id VARCHAR NOT NULL,
      profile_id VARCHAR NOT NULL,
      merged_into VARCHAR,
      identifiers VARCHAR NOT NULL,
      first_seen TIMESTAMP NOT NULL,
      last_seen TIMESTAMP NOT NULL,
      event_count BIGINT NOT NULL,
      orders BIGINT NOT NULL,
      revenue DOUBLE NOT NULL,
      channels VARCHAR NOT NULL,
      categories VARCHAR NOT NULL,
      intent_score DOUBLE NOT NULL,
      intent_level VARCHAR NOT NULL,
      intent_updated_at TIMESTAMP NOT NULL,
      version BIGINT NOT NULL,
      PRIMARY KEY (brand_id, profile_id)
    )`,
    `CREATE TABLE identity_links (
      brand_id VARCHAR NOT NULL,
      type VARCHAR NOT NULL,
      value VARCHAR NOT NULL,
      profile_id VARCHAR NOT NULL,
      linked_at TIMESTAMP NOT NULL,
      PRIMARY KEY (brand_id, type, value)
    )`,
    `CREATE TABLE merge_history (
      brand_id VARCHAR NOT NULL,
      merge_id VARCHAR NOT NULL,
      action VARCHAR NOT NULL,
      into_profile_id VARCHAR NOT NULL,
      from_profile_ids VARCHAR NOT NULL,
      reason VARCHAR NOT NULL,
      identifiers VARCHAR NOT NULL,
      event_id VARCHAR NOT NULL,
      "at" TIMESTAMP NOT NULL,
      PRIMARY KEY (brand_id, merge_id)
    )`,
    `CREATE TABLE kpi_minute (
      brand_id VARCHAR NOT NULL,
      minute TIMESTAMP NOT NULL,
      events BIGINT NOT NULL,
      active_users BIGINT NOT NULL,
      carts BIGINT NOT NULL,
      purchases BIGINT NOT NULL,
      revenue DOUBLE NOT NULL,
      conversion_rate DOUBLE NOT NULL,
      high_intent_profiles BIGINT NOT NULL,
      PRIMARY KEY (brand_id, minute)
    )`,
    `CREATE TABLE alerts (
      brand_id VARCHAR NOT NULL,
      alert_id VARCHAR NOT NULL,
      rule VARCHAR NOT NULL,
      state VARCHAR NOT NULL,
      severity VARCHAR NOT NULL,
      message VARCHAR NOT NULL,
      value DOUBLE NOT NULL,
      baseline DOUBLE NOT NULL,
      started_at TIMESTAMP NOT NULL,
      updated_at TIMESTAMP NOT NULL,
      resolved_at TIMESTAMP,
      PRIMARY KEY (brand_id, alert_id)
    )`,
    `CREATE TABLE rejected_events (
      brand_id VARCHAR NOT NULL,
      rejection_id VARCHAR NOT NULL,
      source VARCHAR NOT NULL,
      received_at TIMESTAMP NOT NULL,
      reason VARCHAR NOT NULL,
      detail VARCHAR NOT NULL,
      payload VARCHAR NOT NULL,
      PRIMARY KEY (brand_id, rejection_id)
    )`,
    `CREATE TABLE brand_counters (
      brand_id VARCHAR NOT NULL PRIMARY KEY,
      processed BIGINT NOT NULL,
      duplicates BIGINT NOT NULL,
      rejected BIGINT NOT NULL
    )`,
    `CREATE TABLE processor_checkpoints (
      consumer VARCHAR NOT NULL,
      "partition" INTEGER NOT NULL,
      next_offset BIGINT NOT NULL,
      PRIMARY KEY (consumer, "partition")
    )`,
  ],
  // 2: a profile's own part (Profile.own) as JSON text, '' for null. DuckDB
  // adds no column with a constraint, so NOT NULL follows once rows have ''.
  [
    `ALTER TABLE profiles ADD COLUMN own VARCHAR DEFAULT ''`,
    `ALTER TABLE profiles ALTER COLUMN own SET NOT NULL`,
  ],
  // 3: campaigns and alerts as data. Alerts keep `rule` (now rule_id) and
  // `baseline` (now a copy of threshold); older rows read their new columns as
  // '' / 0 / false / NULL, which the decoder maps to LEGACY_ALERT.
  [
    `ALTER TABLE alerts ADD COLUMN rule_type VARCHAR DEFAULT ''`,
    `ALTER TABLE alerts ALTER COLUMN rule_type SET NOT NULL`,
    `ALTER TABLE alerts ADD COLUMN subject VARCHAR DEFAULT ''`,
    `ALTER TABLE alerts ALTER COLUMN subject SET NOT NULL`,
    `ALTER TABLE alerts ADD COLUMN threshold DOUBLE DEFAULT 0`,
    `ALTER TABLE alerts ALTER COLUMN threshold SET NOT NULL`,
    `ALTER TABLE alerts ADD COLUMN fired_at TIMESTAMP`,
    // NULL in older rows, never read there (LEGACY_ALERT). Not `DEFAULT false ... SET NOT NULL`: on a
    // table with rows DuckDB runs that default as an UPDATE, after which no NOT NULL can be added.
    `ALTER TABLE alerts ADD COLUMN notified BOOLEAN`,
    `ALTER TABLE alerts ADD COLUMN acknowledged_by VARCHAR`,
    `ALTER TABLE alerts ADD COLUMN acknowledged_at TIMESTAMP`,
    // The key a restatement replaces (spendKey).
    `CREATE TABLE ad_spend (
      brand_id VARCHAR NOT NULL,
      campaign_id VARCHAR NOT NULL,
      campaign_name VARCHAR NOT NULL,
      channel VARCHAR NOT NULL,
      period VARCHAR NOT NULL,
      period_start TIMESTAMP NOT NULL,
      impressions BIGINT NOT NULL,
      clicks BIGINT NOT NULL,
      cost DOUBLE NOT NULL,
      currency VARCHAR,
      source VARCHAR NOT NULL,
      received_at TIMESTAMP NOT NULL,
      PRIMARY KEY (brand_id, campaign_id, channel, period, period_start)
    )`,
    `CREATE TABLE campaign_minute (
      brand_id VARCHAR NOT NULL,
      minute TIMESTAMP NOT NULL,
      campaign_id VARCHAR NOT NULL,
      channel VARCHAR NOT NULL,
      visits BIGINT NOT NULL,
      orders BIGINT NOT NULL,
      revenue DOUBLE NOT NULL,
      PRIMARY KEY (brand_id, minute, campaign_id, channel)
    )`,
    `CREATE TABLE campaign_touches (
      brand_id VARCHAR NOT NULL,
      profile_id VARCHAR NOT NULL,
      campaign_id VARCHAR NOT NULL,
      channel VARCHAR NOT NULL,
      touched_at TIMESTAMP NOT NULL,
      PRIMARY KEY (brand_id, profile_id)
    )`,
    `CREATE TABLE alert_silences (
      brand_id VARCHAR NOT NULL,
      silence_id VARCHAR NOT NULL,
      rule_id VARCHAR,
      subject VARCHAR,
      starts_at TIMESTAMP NOT NULL,
      ends_at TIMESTAMP NOT NULL,
      reason VARCHAR NOT NULL,
      created_by VARCHAR NOT NULL,
      cancelled_at TIMESTAMP,
      PRIMARY KEY (brand_id, silence_id)
    )`,
    // Keyed by everything that tells two log lines apart, so a retried write of the same line is one row.
    `CREATE TABLE alert_deliveries (
      brand_id VARCHAR NOT NULL,
      alert_id VARCHAR NOT NULL,
      receiver_id VARCHAR NOT NULL,
      state VARCHAR NOT NULL,
      attempt BIGINT NOT NULL,
      "at" TIMESTAMP NOT NULL,
      outcome VARCHAR NOT NULL,
      status BIGINT,
      error VARCHAR,
      give_up_reason VARCHAR,
      next_attempt_at TIMESTAMP,
      PRIMARY KEY (brand_id, alert_id, receiver_id, state, attempt, outcome)
    )`,
  ],
  // 4: each brand's learned intent model (clickhouse/migrations/005_intent_models.sql says what).
  [
    `CREATE TABLE intent_models (
      brand_id VARCHAR PRIMARY KEY,
      updated_at TIMESTAMP NOT NULL,
      state VARCHAR NOT NULL,
      summary VARCHAR NOT NULL
    )`,
  ],
  // 5: intent per category and its reasons (clickhouse/migrations/006_profile_intent_categories.sql
  // says what): names and scores as two JSON lists of one length, reasons as JSON text.
  [
    `ALTER TABLE profiles ADD COLUMN intent_category_names VARCHAR DEFAULT '[]'`,
    `ALTER TABLE profiles ALTER COLUMN intent_category_names SET NOT NULL`,
    `ALTER TABLE profiles ADD COLUMN intent_category_scores VARCHAR DEFAULT '[]'`,
    `ALTER TABLE profiles ALTER COLUMN intent_category_scores SET NOT NULL`,
    `ALTER TABLE profiles ADD COLUMN intent_reasons VARCHAR DEFAULT '[]'`,
    `ALTER TABLE profiles ALTER COLUMN intent_reasons SET NOT NULL`,
  ],
  // 6: the learned model's forecast per category (clickhouse/migrations/007_profile_intent_forecast.sql).
  [
    `ALTER TABLE profiles ADD COLUMN intent_forecast VARCHAR DEFAULT '[]'`,
    `ALTER TABLE profiles ALTER COLUMN intent_forecast SET NOT NULL`,
  ],
  // 7: the scheduled prediction run's results (clickhouse/migrations/008_predictions.sql says what).
  [
    `CREATE TABLE customer_predictions (
      brand_id VARCHAR NOT NULL,
      profile_id VARCHAR NOT NULL,
      run_id VARCHAR NOT NULL,
      computed_at TIMESTAMP NOT NULL,
      orders BIGINT NOT NULL,
      revenue DOUBLE NOT NULL,
      recency_days DOUBLE,
      r BIGINT,
      f BIGINT,
      m BIGINT,
      segment VARCHAR NOT NULL,
      churn_probability DOUBLE,
      p_alive DOUBLE,
      expected_purchases_12m DOUBLE,
      predicted_value_12m DOUBLE,
      recommendations VARCHAR NOT NULL,
      version BIGINT NOT NULL,
      PRIMARY KEY (brand_id, profile_id)
    )`,
    `CREATE TABLE prediction_runs (
      brand_id VARCHAR NOT NULL,
      run_id VARCHAR NOT NULL,
      started_at TIMESTAMP NOT NULL,
      status VARCHAR NOT NULL,
      record VARCHAR NOT NULL,
      version BIGINT NOT NULL,
      PRIMARY KEY (brand_id, run_id)
    )`,
  ],
];

/**
 * Applies the migrations this database has not seen yet, each in its own
 * transaction; up to `through` (tests build an older release's database).
 */
export async function migrate(session: Session, through: number = MIGRATIONS.length): Promise<void> {
  await session.run(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMP NOT NULL)',
  );
  const [row] = await session.rows('SELECT coalesce(max(version), 0) AS version FROM schema_migrations');
  const applied = Number(row?.version ?? 0);
  for (let version = applied + 1; version <= Math.min(through, MIGRATIONS.length); version++) {
    await session.run('BEGIN TRANSACTION');
    try {
      for (const statement of MIGRATIONS[version - 1] ?? []) await session.run(statement);
      await session.run('INSERT INTO schema_migrations VALUES ($1, now())', [bigint(version)]);
      await session.run('COMMIT');
    } catch (error) {
      await session.run('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }
}
