-- Durable background work (jobs), the e-mail outbox, and who moderated a contribution.
-- The same tables as ../../sqlite/ (native UUIDs).

-- One row per piece of work that outlives a request (a synthesis run of a theme, …). The
-- partial unique index is what makes "one run of a theme at a time" true across every
-- `essaim serve` process sharing the database: a second enqueue fails on it.
CREATE TABLE jobs (
    id UUID PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('synthesis_run')),
    subject TEXT NOT NULL,
    payload TEXT NOT NULL DEFAULT '{}',
    state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed', 'interrupted')),
    attempts INTEGER NOT NULL DEFAULT 0,
    created_by UUID REFERENCES accounts(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    started_at TIMESTAMP,
    heartbeat_at TIMESTAMP,
    finished_at TIMESTAMP,
    worker TEXT,
    error TEXT,
    result TEXT,
    reported_at TIMESTAMP
);
CREATE UNIQUE INDEX jobs_one_active_idx ON jobs (kind, subject) WHERE state IN ('queued', 'running');
CREATE INDEX jobs_state_idx ON jobs (state, created_at);
CREATE INDEX jobs_subject_idx ON jobs (kind, subject, created_at);

-- Every e-mail, written in the same transaction as what caused it, then sent by a worker.
CREATE TABLE outbox (
    id UUID PRIMARY KEY,
    topic TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT,
    state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_at TIMESTAMP,
    claimed_by TEXT,
    sent_at TIMESTAMP,
    last_error TEXT
);
CREATE INDEX outbox_due_idx ON outbox (state, next_attempt_at);

ALTER TABLE contributions ADD COLUMN moderated_by UUID REFERENCES accounts(id) ON DELETE SET NULL;
ALTER TABLE contributions ADD COLUMN moderated_at TIMESTAMP;
ALTER TABLE contributions ADD COLUMN moderation_note TEXT;
CREATE INDEX contributions_theme_status_idx ON contributions (theme_id, moderation_status);

-- Old failed logins are purged by time.
CREATE INDEX login_failures_time_idx ON login_failures (occurred_at);
