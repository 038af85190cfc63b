-- Following the commitments (issue 18, item 3; docs/commitments.md): after publication, each
-- published orientation gets the actions that carry it out — who carries them, their status,
-- their progress — and dated news, shown on public pages (Decidim's accountability is the
-- reference).
CREATE TABLE commitments (
    id UUID PRIMARY KEY NOT NULL,
    consultation_id UUID NOT NULL REFERENCES consultations(id) ON DELETE CASCADE,
    orientation_id UUID NOT NULL REFERENCES orientations(id) ON DELETE CASCADE,
    action TEXT NOT NULL,
    carrier TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('planned', 'in_progress', 'done', 'abandoned')),
    progress INTEGER NOT NULL CHECK (progress BETWEEN 0 AND 100),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX commitments_by_orientation ON commitments (orientation_id, created_at);
CREATE INDEX commitments_by_consultation ON commitments (consultation_id);
CREATE TABLE commitment_news (
    id UUID PRIMARY KEY NOT NULL,
    commitment_id UUID NOT NULL REFERENCES commitments(id) ON DELETE CASCADE,
    happened_on DATE NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX commitment_news_by_commitment ON commitment_news (commitment_id, happened_on);
