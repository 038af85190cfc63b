-- The plenary (issue 9): one plenary per consultation, with the short code of its public vote
-- page (/p/{code}); per orientation put to the vote, an item (its vote opened and closed by a
-- facilitator, the room's verdict); the participants' devices (a random token in a cookie,
-- stored hashed); their votes, one per device and item (changed, never added); and the
-- amendments retained, each a contribution of the channel plenary_debate linked to its
-- orientation. The same tables in ../../sqlite/ (ids as text). docs/plenary.md.

CREATE TABLE plenaries (
    id UUID PRIMARY KEY,
    consultation_id UUID NOT NULL UNIQUE REFERENCES consultations(id) ON DELETE CASCADE,
    -- The short address of the vote page (/p/{code}), same alphabet as the stands' codes.
    code TEXT NOT NULL UNIQUE,
    -- live: counts shown while the vote is open; after_close: only once it is closed.
    results_mode TEXT NOT NULL CHECK (results_mode IN ('live', 'after_close')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- One orientation put to the vote in a plenary (made when its vote is first opened).
CREATE TABLE plenary_items (
    id UUID PRIMARY KEY,
    plenary_id UUID NOT NULL REFERENCES plenaries(id) ON DELETE CASCADE,
    orientation_id UUID NOT NULL REFERENCES orientations(id) ON DELETE CASCADE,
    vote_state TEXT NOT NULL CHECK (vote_state IN ('open', 'closed')),
    opened_at TIMESTAMP NOT NULL,
    closed_at TIMESTAMP,
    -- The room's verdict, recorded by the facilitator.
    verdict TEXT CHECK (verdict IN ('confirmed', 'to_amend', 'not_confirmed')),
    verdict_at TIMESTAMP,
    verdict_by UUID REFERENCES accounts(id),
    UNIQUE (plenary_id, orientation_id)
);
CREATE INDEX plenary_items_orientation_idx ON plenary_items (orientation_id);

-- A participant's phone: token_hash is the SHA-256 of the random token of its cookie.
CREATE TABLE plenary_devices (
    id UUID PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);

-- One vote per device and item: a second vote of the same device updates this row.
CREATE TABLE plenary_votes (
    id UUID PRIMARY KEY,
    item_id UUID NOT NULL REFERENCES plenary_items(id) ON DELETE CASCADE,
    device_id UUID NOT NULL REFERENCES plenary_devices(id) ON DELETE CASCADE,
    choice TEXT NOT NULL CHECK (choice IN ('confirmed', 'to_amend', 'not_confirmed')),
    amendment TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (item_id, device_id)
);

-- An amendment retained by the facilitator: a contribution (channel plenary_debate, kind
-- proposition, the orientation's theme) linked to its orientation, and to the vote it came
-- from when it was proposed from a phone.
CREATE TABLE plenary_amendments (
    contribution_id UUID PRIMARY KEY REFERENCES contributions(id) ON DELETE CASCADE,
    item_id UUID NOT NULL REFERENCES plenary_items(id) ON DELETE CASCADE,
    orientation_id UUID NOT NULL REFERENCES orientations(id) ON DELETE CASCADE,
    vote_id UUID UNIQUE REFERENCES plenary_votes(id) ON DELETE SET NULL,
    retained_by UUID REFERENCES accounts(id),
    retained_at TIMESTAMP NOT NULL
);
CREATE INDEX plenary_amendments_item_idx ON plenary_amendments (item_id);
