-- Retention of personal data, per consultation (docs/personal-data.md): how many days after
-- its closing its addresses, links and mail copies are purged, when it was closed (the clock
-- starts there), and when the purge ran. Consultations already closed start counting now.
ALTER TABLE consultations ADD COLUMN personal_data_days INTEGER NOT NULL DEFAULT 365
    CHECK (personal_data_days BETWEEN 0 AND 3650);
ALTER TABLE consultations ADD COLUMN closed_at TIMESTAMP;
ALTER TABLE consultations ADD COLUMN personal_data_purged_at TIMESTAMP;
UPDATE consultations SET closed_at = CURRENT_TIMESTAMP WHERE state IN ('closed', 'archived');

-- A new kind of job: the periodic purge. SQLite changes a CHECK by rebuilding the table.
CREATE TABLE jobs_new (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('synthesis_run', 'retention_purge')),
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
INSERT INTO jobs_new SELECT id, kind, subject, payload, state, attempts, created_by, created_at, started_at,
    heartbeat_at, finished_at, worker, error, result, reported_at FROM jobs;
DROP TABLE jobs;
ALTER TABLE jobs_new RENAME TO jobs;
CREATE UNIQUE INDEX jobs_one_active_idx ON jobs (kind, subject) WHERE state IN ('queued', 'running');
CREATE INDEX jobs_state_idx ON jobs (state, created_at);
CREATE INDEX jobs_subject_idx ON jobs (kind, subject, created_at);
