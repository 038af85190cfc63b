-- Synthesis runs and the draft orientations staff edit. Kept in step with ../../sqlite/.

CREATE TABLE synthesis_runs (
    id UUID PRIMARY KEY,
    consultation_id UUID NOT NULL REFERENCES consultations(id) ON DELETE CASCADE,
    theme_id UUID NOT NULL REFERENCES themes(id) ON DELETE CASCADE,
    parameters TEXT NOT NULL,
    input_sha256 TEXT NOT NULL,
    software_version TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '{}',
    started_by UUID REFERENCES accounts(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX synthesis_runs_theme_idx ON synthesis_runs (theme_id);

CREATE TABLE orientations (
    id UUID PRIMARY KEY,
    consultation_id UUID NOT NULL REFERENCES consultations(id) ON DELETE CASCADE,
    theme_id UUID NOT NULL REFERENCES themes(id) ON DELETE CASCADE,
    run_id UUID REFERENCES synthesis_runs(id) ON DELETE SET NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    key_phrases TEXT NOT NULL DEFAULT '[]',
    quotes TEXT NOT NULL DEFAULT '[]',
    origin TEXT NOT NULL CHECK (origin IN ('proposed', 'manual', 'split')),
    status TEXT NOT NULL CHECK (status IN ('draft', 'discarded')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX orientations_theme_idx ON orientations (theme_id, status);

-- Where each contribution stands: in one orientation, or set aside by a run with a reason.
CREATE TABLE orientation_members (
    contribution_id UUID PRIMARY KEY REFERENCES contributions(id) ON DELETE CASCADE,
    -- No cascade: removing an orientation that still has contributions must fail, never
    -- silently unplace them (a merge racing a move).
    orientation_id UUID REFERENCES orientations(id),
    set_aside_reason TEXT CHECK (set_aside_reason IN ('no_content', 'no_shared_terms', 'too_few')),
    placed_by TEXT NOT NULL CHECK (placed_by IN ('run', 'staff')),
    CHECK ((orientation_id IS NULL) <> (set_aside_reason IS NULL))
);
CREATE INDEX orientation_members_orientation_idx ON orientation_members (orientation_id);
