ALTER TABLE outbox DROP COLUMN sender_address;
ALTER TABLE outbox DROP COLUMN sender_name;
ALTER TABLE consultations DROP COLUMN sender_address;
ALTER TABLE consultations DROP COLUMN sender_name;
DROP TABLE consultation_mail_texts;
