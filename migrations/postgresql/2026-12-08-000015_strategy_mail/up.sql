-- The mail telling followers the strategy is published (docs/publication.md, docs/mails.md):
-- one more kind of editable text.
ALTER TABLE consultation_mail_texts DROP CONSTRAINT consultation_mail_texts_kind_check;
ALTER TABLE consultation_mail_texts ADD CONSTRAINT consultation_mail_texts_kind_check
    CHECK (kind IN ('invitation', 'relance', 'lien-reprise', 'nouveaux-liens', 'copie-reponses', 'contribution-en-ligne', 'strategie-publiee'));
