DROP INDEX login_failures_time_idx;
DROP INDEX contributions_theme_status_idx;
ALTER TABLE contributions DROP COLUMN moderation_note;
ALTER TABLE contributions DROP COLUMN moderated_at;
ALTER TABLE contributions DROP COLUMN moderated_by;
DROP TABLE outbox;
DROP TABLE jobs;
