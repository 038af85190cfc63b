ALTER TABLE orientations DROP COLUMN stances;
ALTER TABLE orientations DROP COLUMN body_proposed;
