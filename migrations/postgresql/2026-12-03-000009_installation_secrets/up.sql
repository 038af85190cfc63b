-- Secrets of this installation, made once (by whichever server process needs one first) and
-- then shared by every process on the database. `name` says what each one is for: the key of
-- the pseudonyms under which throttle counters know a client address, so the table of counters
-- holds nothing that leads back to an address without this secret.
CREATE TABLE installation_secrets (
    name TEXT PRIMARY KEY,
    secret TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
