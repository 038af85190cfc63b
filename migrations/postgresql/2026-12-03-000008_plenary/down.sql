DROP TABLE plenary_amendments;
DROP TABLE plenary_votes;
DROP TABLE plenary_devices;
DROP TABLE plenary_items;
DROP TABLE plenaries;
