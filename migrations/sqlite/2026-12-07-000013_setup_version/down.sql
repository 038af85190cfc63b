ALTER TABLE consultations DROP COLUMN setup_version;
