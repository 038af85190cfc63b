-- One counter row per committing thread (its shard; 0 outside the group commit), summed when
-- read: the same table as PostgreSQL's, where several threads commit batches side by side
-- (crates/essaim-core/src/db/group_commit.rs). SQLite cannot change a primary key in place.
CREATE TABLE throttle_hits_sharded (
    key TEXT NOT NULL,
    window_start TIMESTAMP NOT NULL,
    count INTEGER NOT NULL,
    shard INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (key, window_start, shard)
);
INSERT INTO throttle_hits_sharded (key, window_start, count, shard)
    SELECT key, window_start, count, 0 FROM throttle_hits;
DROP TABLE throttle_hits;
ALTER TABLE throttle_hits_sharded RENAME TO throttle_hits;
CREATE INDEX throttle_hits_window_idx ON throttle_hits (window_start);
