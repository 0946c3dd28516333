-- +goose Up
-- The family's version when what a member's identity holds last changed:
-- the family's settings or a member's name or language (store.bumpProfile).
-- Authentication keeps identities in memory by it, so a write to the
-- family's logs no longer makes every member's next request read the
-- whole identity again.
ALTER TABLE families ADD COLUMN profile INTEGER NOT NULL DEFAULT 0;
UPDATE families SET profile = version;
