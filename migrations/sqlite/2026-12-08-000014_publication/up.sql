-- The published strategy and the answer given to every contribution (issue 18, items 1 and 2;
-- docs/publication.md). The same tables in ../../postgresql/ (native UUIDs).

-- One published version of a consultation's strategy. `snapshot` is the JSON of what was
-- published (essaim_core::domain::publication::Snapshot): public pages and documents read it,
-- never the live drafts, so a later edit shows only once published again. `changes` is the
-- JSON of what changed since the previous version. The unique (consultation, version) is what
-- keeps two processes from both making version N.
CREATE TABLE publications (
    id TEXT PRIMARY KEY,
    consultation_id TEXT NOT NULL REFERENCES consultations(id) ON DELETE CASCADE,
    version INTEGER NOT NULL CHECK (version >= 1),
    published_at TIMESTAMP NOT NULL,
    published_by TEXT REFERENCES accounts(id),
    withdrawn_at TIMESTAMP,
    withdrawn_by TEXT REFERENCES accounts(id),
    snapshot TEXT NOT NULL,
    changes TEXT NOT NULL,
    UNIQUE (consultation_id, version)
);

-- The public answer to one contribution (suite donnée). `orientation_id` is the orientation a
-- retained contribution feeds; `text` the reason or answer shown to the public (plain text,
-- escaped on output); `origin` says whether staff gave it or the rule at publication did.
CREATE TABLE contribution_answers (
    contribution_id TEXT PRIMARY KEY REFERENCES contributions(id) ON DELETE CASCADE,
    consultation_id TEXT NOT NULL REFERENCES consultations(id) ON DELETE CASCADE,
    answer TEXT NOT NULL CHECK (answer IN ('retained', 'merged', 'not_retained', 'off_topic')),
    orientation_id TEXT REFERENCES orientations(id) ON DELETE SET NULL,
    text TEXT NOT NULL DEFAULT '',
    origin TEXT NOT NULL CHECK (origin IN ('staff', 'rule')),
    set_by TEXT REFERENCES accounts(id),
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX contribution_answers_consultation_idx ON contribution_answers (consultation_id);
CREATE INDEX contribution_answers_orientation_idx ON contribution_answers (orientation_id);

-- Reusable answer texts of a consultation, chosen when answering.
CREATE TABLE answer_texts (
    id TEXT PRIMARY KEY,
    consultation_id TEXT NOT NULL REFERENCES consultations(id) ON DELETE CASCADE,
    answer TEXT NOT NULL CHECK (answer IN ('retained', 'merged', 'not_retained', 'off_topic')),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX answer_texts_consultation_idx ON answer_texts (consultation_id);

-- What each follower was last told of each followed contribution's answer (a fingerprint of
-- answer, orientation and text): a publication mails a follower only when one differs, so
-- publishing twice does not mail twice.
CREATE TABLE answer_notices (
    follow_id TEXT NOT NULL REFERENCES follows(id) ON DELETE CASCADE,
    contribution_id TEXT NOT NULL REFERENCES contributions(id) ON DELETE CASCADE,
    announced TEXT NOT NULL,
    announced_at TIMESTAMP NOT NULL,
    PRIMARY KEY (follow_id, contribution_id)
);

-- The address a follow's link was mailed to, kept so the publication can tell the follower
-- (an online contribution's follow; a response's follow reads responses.email). Erased with
-- the person's other data.
ALTER TABLE follows ADD COLUMN email TEXT;
