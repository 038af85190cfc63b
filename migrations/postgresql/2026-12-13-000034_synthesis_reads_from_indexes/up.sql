-- A synthesis counts each theme's contributions by moderation status and reads the names of
-- the persons who contributed (to mask them). Both now come from an index alone: over the
-- national corpus the counts took 0.16 s a theme (a table read for each row's status) and the
-- names 0.34 s (the whole table), out of a run of 9 s (docs/benchmarks.md).
DROP INDEX contributions_consultation_theme_idx;
CREATE INDEX contributions_consultation_theme_idx ON contributions (consultation_id, theme_id, moderation_status);
-- Partial: only the contributions signed by a person pay for it on insert.
CREATE INDEX contributions_person_names_idx ON contributions (consultation_id, author_name)
    WHERE author_kind = 'person' AND author_name IS NOT NULL;
