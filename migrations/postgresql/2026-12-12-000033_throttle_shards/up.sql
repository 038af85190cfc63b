-- One counter row per committing thread (its shard; 0 outside the group commit), summed when
-- read: on PostgreSQL several threads commit batches side by side, and a row that every
-- anonymous write bumps would make each batch wait for the other's commit
-- (crates/essaim-core/src/db/group_commit.rs).
ALTER TABLE throttle_hits ADD COLUMN shard INTEGER NOT NULL DEFAULT 0;
ALTER TABLE throttle_hits DROP CONSTRAINT throttle_hits_pkey;
ALTER TABLE throttle_hits ADD PRIMARY KEY (key, window_start, shard);
