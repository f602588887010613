-- The learned model's purchase forecast per category on each profile
-- (Profile.intent_forecast) as JSON text; rows written before this migration
-- read as no forecast. A lone ADD COLUMN: 18.16 has no IF NOT EXISTS there,
-- and the migrator treats "column already exists" as applied.

ALTER TABLE profiles ADD COLUMN intent_forecast String DEFAULT '[]';
