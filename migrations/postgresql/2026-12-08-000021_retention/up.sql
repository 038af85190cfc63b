-- Retention of personal data, per consultation (docs/personal-data.md): how many days after
-- its closing its addresses, links and mail copies are purged, when it was closed (the clock
-- starts there), and when the purge ran. Consultations already closed start counting now.
ALTER TABLE consultations ADD COLUMN personal_data_days INTEGER NOT NULL DEFAULT 365
    CHECK (personal_data_days BETWEEN 0 AND 3650);
ALTER TABLE consultations ADD COLUMN closed_at TIMESTAMP;
ALTER TABLE consultations ADD COLUMN personal_data_purged_at TIMESTAMP;
UPDATE consultations SET closed_at = (now() AT TIME ZONE 'UTC') WHERE state IN ('closed', 'archived');

-- A new kind of job: the periodic purge.
ALTER TABLE jobs DROP CONSTRAINT jobs_kind_check;
ALTER TABLE jobs ADD CONSTRAINT jobs_kind_check CHECK (kind IN ('synthesis_run', 'retention_purge'));
