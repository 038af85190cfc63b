DROP TABLE workshop_entries;
DROP TABLE workshop_facilitators;
DROP TABLE workshops;
