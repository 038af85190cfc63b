-- Mail texts per consultation (issue 17, item 6; docs/mails.md): a row only for a kind whose
-- text staff changed, the default French text otherwise. The sender's name and address of a
-- consultation's mails (empty: the installation's ESSAIM_FROM), and the sender each queued
-- message goes out as (NULL: the installation's).
CREATE TABLE consultation_mail_texts (
    consultation_id UUID NOT NULL REFERENCES consultations(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('invitation', 'relance', 'lien-reprise', 'nouveaux-liens', 'copie-reponses', 'contribution-en-ligne')),
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (consultation_id, kind)
);
ALTER TABLE consultations ADD COLUMN sender_name TEXT NOT NULL DEFAULT '';
ALTER TABLE consultations ADD COLUMN sender_address TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN sender_name TEXT;
ALTER TABLE outbox ADD COLUMN sender_address TEXT;
