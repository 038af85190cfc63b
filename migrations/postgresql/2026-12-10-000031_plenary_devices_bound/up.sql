-- A device belongs to the plenary it was made for: a token minted on one plenary cannot vote
-- on another (issue 20). Devices made before this have none and vote nowhere: their phones
-- get a new device the next time they open the vote page.
ALTER TABLE plenary_devices ADD COLUMN plenary_id UUID REFERENCES plenaries(id) ON DELETE CASCADE;
CREATE INDEX plenary_devices_plenary ON plenary_devices (plenary_id, created_at);
