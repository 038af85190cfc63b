DROP TABLE commitment_news;
DROP TABLE commitments;
