DELETE FROM installation_settings WHERE name LIKE 'legal_page:%';
DROP TABLE legal_pages;
DROP TABLE consultation_looks;
