-- A consultation's look (issue 17 item 8): its accent colour (#rrggbb, at least 4.5:1 on white)
-- and its logo, always stored as a PNG (an SVG is drawn as PNG on upload, so nothing with a
-- script is ever served), with its text alternative. docs/look-and-legal.md.
CREATE TABLE consultation_looks (
    consultation_id UUID PRIMARY KEY REFERENCES consultations(id) ON DELETE CASCADE,
    accent_colour TEXT,
    logo BYTEA,
    logo_alt TEXT NOT NULL DEFAULT '',
    updated_at TIMESTAMP NOT NULL
);

-- A consultation's legal pages as its staff wrote them; a kind without a row shows its
-- default text. The installation's own pages are in installation_settings
-- (`legal_page:mentions-legales`, …).
CREATE TABLE legal_pages (
    consultation_id UUID NOT NULL REFERENCES consultations(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('mentions-legales', 'donnees-personnelles', 'accessibilite')),
    body TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (consultation_id, kind)
);
