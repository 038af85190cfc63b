-- The mail telling followers the strategy is published (docs/publication.md, docs/mails.md):
-- one more kind of editable text. SQLite cannot change a CHECK in place: the table is made
-- again with its rows (nothing refers to it).
CREATE TABLE consultation_mail_texts_new (
    consultation_id TEXT NOT NULL REFERENCES consultations(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('invitation', 'relance', 'lien-reprise', 'nouveaux-liens', 'copie-reponses', 'contribution-en-ligne', 'strategie-publiee')),
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (consultation_id, kind)
);
INSERT INTO consultation_mail_texts_new SELECT consultation_id, kind, subject, body, updated_at FROM consultation_mail_texts;
DROP TABLE consultation_mail_texts;
ALTER TABLE consultation_mail_texts_new RENAME TO consultation_mail_texts;
