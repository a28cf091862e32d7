-- The applicant's place (a Gemeinde, 12-digit ARS, and its name) and the
-- authority routing found for it when they submitted. The delivery routes
-- by the place; tenant_ars stays the smallest tenant that contains it.
-- Rows from before keep '' (they were routed by the tenant).
ALTER TABLE applications ADD COLUMN place_ars TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN place_name TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN authority TEXT NOT NULL DEFAULT '';
ALTER TABLE deliveries ADD COLUMN place_ars TEXT NOT NULL DEFAULT '';
ALTER TABLE deliveries ADD COLUMN authority TEXT NOT NULL DEFAULT '';
