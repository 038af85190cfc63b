DROP TABLE plenary_voting_codes;
ALTER TABLE plenaries DROP COLUMN codes_required;
ALTER TABLE plenaries DROP COLUMN attendance;
