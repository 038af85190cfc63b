-- Each counter's shards folded back into one row.
CREATE TABLE throttle_hits_folded (
    key TEXT NOT NULL,
    window_start TIMESTAMP NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (key, window_start)
);
INSERT INTO throttle_hits_folded (key, window_start, count)
    SELECT key, window_start, SUM(count) FROM throttle_hits GROUP BY key, window_start;
DROP TABLE throttle_hits;
ALTER TABLE throttle_hits_folded RENAME TO throttle_hits;
CREATE INDEX throttle_hits_window_idx ON throttle_hits (window_start);
