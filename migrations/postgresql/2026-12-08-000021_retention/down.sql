DELETE FROM jobs WHERE kind = 'retention_purge';
ALTER TABLE jobs DROP CONSTRAINT jobs_kind_check;
ALTER TABLE jobs ADD CONSTRAINT jobs_kind_check CHECK (kind IN ('synthesis_run'));
ALTER TABLE consultations DROP COLUMN personal_data_purged_at;
ALTER TABLE consultations DROP COLUMN closed_at;
ALTER TABLE consultations DROP COLUMN personal_data_days;
