CREATE TABLE consultation_mail_texts_old (
    consultation_id TEXT NOT NULL REFERENCES consultations(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('invitation', 'relance', 'lien-reprise', 'nouveaux-liens', 'copie-reponses', 'contribution-en-ligne')),
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (consultation_id, kind)
);
INSERT INTO consultation_mail_texts_old SELECT consultation_id, kind, subject, body, updated_at FROM consultation_mail_texts WHERE kind <> 'strategie-publiee';
DROP TABLE consultation_mail_texts;
ALTER TABLE consultation_mail_texts_old RENAME TO consultation_mail_texts;
