-- Foundation: consultations and their structure, organisations, accounts, sessions,
-- contributions and the audit log. Kept in step with ../../sqlite/ (same tables, same names).

CREATE TABLE consultations (
    id UUID PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    region TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    starts_on DATE,
    ends_on DATE,
    retention_until DATE,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE phases (
    id UUID PRIMARY KEY,
    consultation_id UUID NOT NULL REFERENCES consultations(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('launch_workshops', 'questionnaire', 'conference', 'plenary_part1', 'treasure_hunt', 'plenary_part2', 'synthesis', 'publication')),
    title TEXT NOT NULL,
    starts_on DATE,
    ends_on DATE,
    location TEXT,
    UNIQUE (consultation_id, position)
);

CREATE TABLE themes (
    id UUID PRIMARY KEY,
    consultation_id UUID NOT NULL REFERENCES consultations(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    UNIQUE (consultation_id, position),
    UNIQUE (consultation_id, title)
);

CREATE TABLE territories (
    id UUID PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('departement', 'region', 'other'))
);

CREATE TABLE consultation_territories (
    consultation_id UUID NOT NULL REFERENCES consultations(id) ON DELETE CASCADE,
    territory_id UUID NOT NULL REFERENCES territories(id) ON DELETE CASCADE,
    PRIMARY KEY (consultation_id, territory_id)
);

CREATE TABLE organisations (
    id UUID PRIMARY KEY,
    name TEXT NOT NULL,
    legal_family TEXT NOT NULL CHECK (legal_family IN ('association', 'cooperative', 'mutuelle', 'fondation', 'societe_commerciale_ess')),
    siret TEXT UNIQUE,
    territory_id UUID REFERENCES territories(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE accounts (
    id UUID PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'staff', 'facilitator')),
    password_hash TEXT,
    created_at TIMESTAMP NOT NULL,
    last_login_at TIMESTAMP,
    disabled_at TIMESTAMP
);

CREATE TABLE sessions (
    id UUID PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    account_id UUID NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_account_idx ON sessions (account_id);

CREATE TABLE login_failures (
    id UUID PRIMARY KEY,
    account_key TEXT NOT NULL,
    ip TEXT NOT NULL,
    occurred_at TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_account_idx ON login_failures (account_key, occurred_at);
CREATE INDEX login_failures_ip_idx ON login_failures (ip, occurred_at);

CREATE TABLE contributions (
    id UUID PRIMARY KEY,
    consultation_id UUID NOT NULL REFERENCES consultations(id) ON DELETE CASCADE,
    theme_id UUID REFERENCES themes(id) ON DELETE SET NULL,
    kind TEXT NOT NULL CHECK (kind IN ('constat', 'proposition', 'experience', 'question')),
    channel TEXT NOT NULL CHECK (channel IN ('questionnaire', 'launch_workshop', 'conference_workshop', 'treasure_hunt', 'plenary_debate', 'online', 'import')),
    body TEXT NOT NULL,
    author_kind TEXT NOT NULL CHECK (author_kind IN ('organisation', 'person', 'group', 'anonymous')),
    organisation_id UUID REFERENCES organisations(id) ON DELETE SET NULL,
    author_name TEXT,
    territory_id UUID REFERENCES territories(id) ON DELETE SET NULL,
    logged_by UUID REFERENCES accounts(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    moderation_status TEXT NOT NULL CHECK (moderation_status IN ('pending', 'published', 'rejected')),
    external_ref TEXT,
    idempotency_key TEXT UNIQUE,
    UNIQUE (consultation_id, external_ref)
);
CREATE INDEX contributions_consultation_theme_idx ON contributions (consultation_id, theme_id);

CREATE TABLE audit_log (
    id UUID PRIMARY KEY,
    occurred_at TIMESTAMP NOT NULL,
    actor_id UUID REFERENCES accounts(id) ON DELETE SET NULL,
    action TEXT NOT NULL,
    target_kind TEXT NOT NULL,
    target_id TEXT,
    details TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_target_idx ON audit_log (target_kind, target_id);
