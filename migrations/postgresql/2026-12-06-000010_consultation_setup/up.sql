-- A consultation is set up, not seeded (issue 17): who organises it, where it stands, the time
-- zone its dates and times are shown in, and the legal families its forms offer. Consultations
-- that exist already were running: they are open, and offer every legal family.
ALTER TABLE consultations ADD COLUMN organisers TEXT NOT NULL DEFAULT '';
ALTER TABLE consultations ADD COLUMN state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('draft', 'open', 'closed', 'archived'));
ALTER TABLE consultations ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'Europe/Paris';

CREATE TABLE consultation_legal_families (
    consultation_id UUID NOT NULL REFERENCES consultations(id) ON DELETE CASCADE,
    legal_family TEXT NOT NULL CHECK (legal_family IN ('association', 'cooperative', 'mutuelle', 'fondation', 'societe_commerciale_ess')),
    position INTEGER NOT NULL,
    PRIMARY KEY (consultation_id, legal_family)
);
INSERT INTO consultation_legal_families (consultation_id, legal_family, position)
    SELECT id, 'association', 1 FROM consultations
    UNION ALL SELECT id, 'cooperative', 2 FROM consultations
    UNION ALL SELECT id, 'mutuelle', 3 FROM consultations
    UNION ALL SELECT id, 'fondation', 4 FROM consultations
    UNION ALL SELECT id, 'societe_commerciale_ess', 5 FROM consultations;

-- Settings of the installation shared by every process, by name. `public_address`: the address
-- people reach the platform at, kept by `essaim serve` (or `essaim public-address URL`) so
-- that mails queued from the command line carry links that lead somewhere.
CREATE TABLE installation_settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Accounts limited to some consultations (an account with no row here sees every
-- consultation, as before; administrators are always global): docs/security.md.
CREATE TABLE account_consultations (
    account_id UUID NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    consultation_id UUID NOT NULL REFERENCES consultations(id) ON DELETE CASCADE,
    PRIMARY KEY (account_id, consultation_id)
);
