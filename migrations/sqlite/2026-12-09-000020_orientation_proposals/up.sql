-- What a synthesis run proposes beside the title: whether the body is still the run's proposed
-- text (staff's edit clears it), and the opposite stances found in the group (JSON, '' if none).
ALTER TABLE orientations ADD COLUMN body_proposed BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE orientations ADD COLUMN stances TEXT NOT NULL DEFAULT '';
