-- The questionnaire aux acteurs: one per consultation, versioned definitions, invitations,
-- responses (drafts, then submitted once), the links e-mailed to respondents, and what a
-- respondent follows of their contributions. Also: a contribution marked as the duplicate of
-- another. The same tables in ../../sqlite/ (ids as text).

CREATE TABLE questionnaires (
    id UUID PRIMARY KEY,
    consultation_id UUID NOT NULL UNIQUE REFERENCES consultations(id) ON DELETE CASCADE,
    -- draft: not open yet; open: answers accepted; closed: answers refused, drafts kept.
    status TEXT NOT NULL CHECK (status IN ('draft', 'open', 'closed')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- A published version is frozen: editing makes a new version, and a response keeps the one
-- it answered. At most one unpublished version (the one staff edit) per questionnaire.
CREATE TABLE questionnaire_versions (
    id UUID PRIMARY KEY,
    questionnaire_id UUID NOT NULL REFERENCES questionnaires(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    definition TEXT NOT NULL,
    created_by UUID REFERENCES accounts(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    published_at TIMESTAMP,
    UNIQUE (questionnaire_id, number)
);
CREATE UNIQUE INDEX questionnaire_versions_one_draft_idx ON questionnaire_versions (questionnaire_id)
    WHERE published_at IS NULL;

-- One organisation invited by e-mail.
CREATE TABLE invitations (
    id UUID PRIMARY KEY,
    questionnaire_id UUID NOT NULL REFERENCES questionnaires(id) ON DELETE CASCADE,
    organisation TEXT NOT NULL,
    email TEXT NOT NULL,
    territory_id UUID REFERENCES territories(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP,
    reminded_at TIMESTAMP,
    opened_at TIMESTAMP,
    submitted_at TIMESTAMP,
    UNIQUE (questionnaire_id, email)
);

-- "Suivre mes contributions": what one respondent follows, through a revocable link.
CREATE TABLE follows (
    id UUID PRIMARY KEY,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
-- A response. In an anonymous questionnaire the invitation is forgotten at submission (the
-- invitation only records that it was used). answers: JSON, field name -> values.
CREATE TABLE responses (
    id UUID PRIMARY KEY,
    questionnaire_id UUID NOT NULL REFERENCES questionnaires(id) ON DELETE CASCADE,
    version_id UUID NOT NULL REFERENCES questionnaire_versions(id),
    invitation_id UUID REFERENCES invitations(id) ON DELETE SET NULL,
    answers TEXT NOT NULL,
    -- Bumped by every save: two tabs on one draft see each other's saves.
    revision INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL CHECK (status IN ('draft', 'submitted')),
    -- The client's idempotency key of a response submitted whole (the API).
    submit_key TEXT UNIQUE,
    -- Where the respondent asked for their links and their copy to go (a public respondent;
    -- an invited one has the invitation's). Forgotten at submission in an anonymous one.
    email TEXT,
    -- Copied from the identity block at submission, for the follow-up figures.
    territory_id UUID REFERENCES territories(id) ON DELETE SET NULL,
    legal_family TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    submitted_at TIMESTAMP,
    -- What the respondent follows of the contributions it recorded.
    follow_id UUID REFERENCES follows(id) ON DELETE SET NULL
);
-- One response per invitation: a second tab or a second click finds the same draft.
CREATE UNIQUE INDEX responses_one_per_invitation_idx ON responses (invitation_id) WHERE invitation_id IS NOT NULL;
-- The exports and figures read submitted responses in (submitted_at, id) pages: this index
-- serves those pages without sorting all the responses each time.
CREATE INDEX responses_questionnaire_idx ON responses (questionnaire_id, status, submitted_at, id);

-- The contributions a submitted response recorded, by question.
CREATE TABLE response_contributions (
    contribution_id UUID PRIMARY KEY REFERENCES contributions(id) ON DELETE CASCADE,
    response_id UUID NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
    question_id TEXT NOT NULL
);
CREATE INDEX response_contributions_response_idx ON response_contributions (response_id);

CREATE TABLE follow_contributions (
    follow_id UUID NOT NULL REFERENCES follows(id) ON DELETE CASCADE,
    contribution_id UUID NOT NULL REFERENCES contributions(id) ON DELETE CASCADE,
    PRIMARY KEY (follow_id, contribution_id)
);

-- Every link e-mailed to a respondent, stored as the SHA-256 of its token: an invitation (a
-- reminder adds a link, the first one keeps working), a draft's resume link, a follow link.
CREATE TABLE access_links (
    token_hash TEXT PRIMARY KEY,
    purpose TEXT NOT NULL CHECK (purpose IN ('invitation', 'resume', 'follow')),
    invitation_id UUID REFERENCES invitations(id) ON DELETE CASCADE,
    response_id UUID REFERENCES responses(id) ON DELETE CASCADE,
    follow_id UUID REFERENCES follows(id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP,
    CHECK ((purpose = 'invitation') = (invitation_id IS NOT NULL)),
    CHECK ((purpose = 'resume') = (response_id IS NOT NULL)),
    CHECK ((purpose = 'follow') = (follow_id IS NOT NULL))
);

ALTER TABLE contributions ADD COLUMN duplicate_of UUID REFERENCES contributions(id) ON DELETE SET NULL;
