-- Intent per category and its reasons on each profile (Profile.intent_categories,
-- Profile.intent_reasons): the categories as two arrays of one length, names and
-- scores at intent_updated_at, so a query can read one category with indexOf
-- (18.16 has no JSON functions); the reasons as JSON text. Rows written before
-- this migration read as no categories and no reasons. One column per
-- statement: 18.16 has no ADD COLUMN IF NOT EXISTS, and the migrator treats
-- "column already exists" from a lone ADD COLUMN as applied.

ALTER TABLE profiles ADD COLUMN intent_category_names Array(String) DEFAULT emptyArrayString();

ALTER TABLE profiles ADD COLUMN intent_category_scores Array(Float64) DEFAULT emptyArrayFloat64();

ALTER TABLE profiles ADD COLUMN intent_reasons String DEFAULT '[]';
