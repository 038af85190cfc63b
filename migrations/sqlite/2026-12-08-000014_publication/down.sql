ALTER TABLE follows DROP COLUMN email;
DROP TABLE answer_notices;
DROP TABLE answer_texts;
DROP TABLE contribution_answers;
DROP TABLE publications;
