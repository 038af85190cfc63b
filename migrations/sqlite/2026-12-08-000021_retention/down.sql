DELETE FROM jobs WHERE kind = 'retention_purge';
CREATE TABLE jobs_old (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('synthesis_run')),
    subject TEXT NOT NULL,
    payload TEXT NOT NULL DEFAULT '{}',
    state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed', 'interrupted')),
    attempts INTEGER NOT NULL DEFAULT 0,
    created_by TEXT REFERENCES accounts(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    started_at TIMESTAMP,
    heartbeat_at TIMESTAMP,
    finished_at TIMESTAMP,
    worker TEXT,
    error TEXT,
    result TEXT,
    reported_at TIMESTAMP
);
INSERT INTO jobs_old SELECT * FROM jobs;
DROP TABLE jobs;
ALTER TABLE jobs_old RENAME TO jobs;
CREATE UNIQUE INDEX jobs_one_active_idx ON jobs (kind, subject) WHERE state IN ('queued', 'running');
CREATE INDEX jobs_state_idx ON jobs (state, created_at);
CREATE INDEX jobs_subject_idx ON jobs (kind, subject, created_at);
ALTER TABLE consultations DROP COLUMN personal_data_purged_at;
ALTER TABLE consultations DROP COLUMN closed_at;
ALTER TABLE consultations DROP COLUMN personal_data_days;
