-- Workshops (ateliers, issue 9): one workshop per consultation, theme and phase (launch or
-- conference), its facilitators, attendance and report, and the entries captured live. Every
-- entry is a contribution (channel launch_workshop or conference_workshop), recorded through
-- the core's one entry point; workshop_entries links it to its workshop under the id the
-- facilitator's device gave it. The same tables in ../../postgresql/ (native UUIDs).

CREATE TABLE workshops (
    id TEXT PRIMARY KEY,
    consultation_id TEXT NOT NULL REFERENCES consultations(id) ON DELETE CASCADE,
    theme_id TEXT NOT NULL REFERENCES themes(id) ON DELETE CASCADE,
    -- launch: a launch workshop; conference: a workshop of the regional conference.
    phase TEXT NOT NULL CHECK (phase IN ('launch', 'conference')),
    place TEXT NOT NULL DEFAULT '',
    starts_at TIMESTAMP,
    -- planned: not started, nothing captured yet; open: entries captured and edited;
    -- closed: entries frozen (staff may reopen).
    state TEXT NOT NULL CHECK (state IN ('planned', 'open', 'closed')),
    -- Attendance: how many people, and the organisations present (one per line).
    headcount INTEGER CHECK (headcount IS NULL OR headcount >= 0),
    organisations_present TEXT NOT NULL DEFAULT '',
    report TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX workshops_consultation_idx ON workshops (consultation_id, phase, theme_id);

-- Who facilitates a workshop (accounts with the facilitator role, assigned by staff).
CREATE TABLE workshop_facilitators (
    workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    PRIMARY KEY (workshop_id, account_id)
);
CREATE INDEX workshop_facilitators_account_idx ON workshop_facilitators (account_id);

-- One entry captured in a workshop. id is the UUID the device generated before sending
-- (crypto.randomUUID): the primary key makes a replay find the first entry, never a second
-- one. contribution_id is emptied when the entry is deleted; the row stays as a tombstone, so
-- that a late replay of a deleted entry does not bring it back.
CREATE TABLE workshop_entries (
    id TEXT PRIMARY KEY,
    workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
    contribution_id TEXT UNIQUE REFERENCES contributions(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP,
    deleted_by TEXT REFERENCES accounts(id) ON DELETE SET NULL
);
CREATE INDEX workshop_entries_workshop_idx ON workshop_entries (workshop_id, created_at);
