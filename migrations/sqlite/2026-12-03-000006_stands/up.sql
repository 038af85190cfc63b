-- The treasure hunt (issue 9): the stands of the exhibition circuit, the ideas left at each
-- (contributions, channel treasure_hunt, linked here), the anonymous passports of the stands
-- visited, and the counters that limit how often one device or one address may send. The
-- same tables in ../../postgresql/ (native UUIDs).

-- One stand: an ESS experience shown on the circuit, under one theme. code is the short
-- address (/s/{code}, docs/stands.md); a revoked stand answers 404 at its address.
CREATE TABLE stands (
    id TEXT PRIMARY KEY,
    consultation_id TEXT NOT NULL REFERENCES consultations(id) ON DELETE CASCADE,
    theme_id TEXT NOT NULL REFERENCES themes(id),
    code TEXT NOT NULL UNIQUE,
    -- Order on the circuit, from 1.
    position INTEGER NOT NULL CHECK (position >= 1),
    title TEXT NOT NULL,
    organisation TEXT NOT NULL,
    description TEXT NOT NULL,
    -- Where it stands, in words ("Hall B, allée 2").
    location TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX stands_consultation_idx ON stands (consultation_id, position);

-- The stand an idea was left at (the idea itself is a row of contributions).
CREATE TABLE stand_contributions (
    contribution_id TEXT PRIMARY KEY REFERENCES contributions(id) ON DELETE CASCADE,
    stand_id TEXT NOT NULL REFERENCES stands(id) ON DELETE CASCADE
);
CREATE INDEX stand_contributions_stand_idx ON stand_contributions (stand_id);

-- A stamp of an anonymous passport: passport_hash is the SHA-256 of a random id kept in the
-- visitor's cookie, nothing else is known of them. One stamp per passport and stand.
CREATE TABLE passport_stamps (
    passport_hash TEXT NOT NULL,
    stand_id TEXT NOT NULL REFERENCES stands(id) ON DELETE CASCADE,
    stamped_at TIMESTAMP NOT NULL,
    PRIMARY KEY (passport_hash, stand_id)
);

-- Fixed-window counters shared by every server process on the database: key names what is
-- counted (a purpose and a hashed device or address), window_start the window's first instant.
CREATE TABLE throttle_hits (
    key TEXT NOT NULL,
    window_start TIMESTAMP NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (key, window_start)
);
CREATE INDEX throttle_hits_window_idx ON throttle_hits (window_start);
