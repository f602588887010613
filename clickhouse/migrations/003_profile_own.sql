-- A profile's own part apart from the profiles merged into it (Profile.own):
-- JSON text, '' for null, which every row written before this migration reads
-- as. 18.16 has no ADD COLUMN IF NOT EXISTS; the migrator treats "column
-- already exists" from a lone ADD COLUMN as applied (clickhouse/migrations.ts).

ALTER TABLE profiles ADD COLUMN own String DEFAULT '';
