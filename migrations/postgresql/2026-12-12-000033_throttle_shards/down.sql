-- Each counter's shards folded back into one row.
CREATE TEMPORARY TABLE throttle_hits_folded AS
    SELECT key, window_start, CAST(SUM(count) AS INTEGER) AS count FROM throttle_hits GROUP BY key, window_start;
DELETE FROM throttle_hits;
ALTER TABLE throttle_hits DROP CONSTRAINT throttle_hits_pkey;
ALTER TABLE throttle_hits DROP COLUMN shard;
ALTER TABLE throttle_hits ADD PRIMARY KEY (key, window_start);
INSERT INTO throttle_hits (key, window_start, count) SELECT key, window_start, count FROM throttle_hits_folded;
DROP TABLE throttle_hits_folded;
