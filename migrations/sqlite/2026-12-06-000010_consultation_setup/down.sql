DROP TABLE account_consultations;
DROP TABLE installation_settings;
DROP TABLE consultation_legal_families;
ALTER TABLE consultations DROP COLUMN time_zone;
ALTER TABLE consultations DROP COLUMN state;
ALTER TABLE consultations DROP COLUMN organisers;
