DROP INDEX contributions_person_names_idx;
DROP INDEX contributions_consultation_theme_idx;
CREATE INDEX contributions_consultation_theme_idx ON contributions (consultation_id, theme_id);
