DROP TABLE throttle_hits;
DROP TABLE passport_stamps;
DROP TABLE stand_contributions;
DROP TABLE stands;
