DELETE FROM consultation_mail_texts WHERE kind = 'strategie-publiee';
ALTER TABLE consultation_mail_texts DROP CONSTRAINT consultation_mail_texts_kind_check;
ALTER TABLE consultation_mail_texts ADD CONSTRAINT consultation_mail_texts_kind_check
    CHECK (kind IN ('invitation', 'relance', 'lien-reprise', 'nouveaux-liens', 'copie-reponses', 'contribution-en-ligne'));
