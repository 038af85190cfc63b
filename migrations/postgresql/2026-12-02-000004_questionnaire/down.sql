ALTER TABLE contributions DROP COLUMN duplicate_of;
DROP TABLE access_links;
DROP TABLE follow_contributions;
DROP TABLE follows;
DROP TABLE response_contributions;
DROP TABLE responses;
DROP TABLE invitations;
DROP TABLE questionnaire_versions;
DROP TABLE questionnaires;
