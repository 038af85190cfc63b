-- Voting codes (issue 20): a plenary whose vote binds can require each phone to hold a
-- personal code, printed on a card or a badge, before it votes. A code is redeemed by one
-- device only, and a device holds one code, so the unique (item, device) of the votes makes
-- it one vote per code and orientation. `attendance` is the room's head count, entered by
-- the staff: the codes are generated from it, and the tally compares the voting devices with it.
ALTER TABLE plenaries ADD COLUMN attendance INTEGER;
ALTER TABLE plenaries ADD COLUMN codes_required BOOLEAN NOT NULL DEFAULT 0;
CREATE TABLE plenary_voting_codes (
    id TEXT PRIMARY KEY,
    plenary_id TEXT NOT NULL REFERENCES plenaries(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    code TEXT NOT NULL,
    device_id TEXT UNIQUE REFERENCES plenary_devices(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    redeemed_at TIMESTAMP,
    UNIQUE (plenary_id, code),
    UNIQUE (plenary_id, number)
);
