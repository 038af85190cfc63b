DROP INDEX plenary_devices_plenary;
ALTER TABLE plenary_devices DROP COLUMN plenary_id;
