-- +goose Up
-- The family's own recorded prompts: one recording per member and key
-- (what is said: "part:legs", "stroke:…", "phrase:…"). chosen marks the
-- voice the family picked for a key; with none picked the newest plays.
-- The audio is the last column, so reading a list never loads it.
CREATE TABLE voice_recordings (
    id           TEXT PRIMARY KEY,
    family_id    TEXT NOT NULL REFERENCES families(id) ON DELETE CASCADE,
    user_id      TEXT NOT NULL,
    phrase_key   TEXT NOT NULL,
    content_type TEXT NOT NULL,
    bytes        INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    chosen       INTEGER NOT NULL DEFAULT 0,
    recorded_at  BIGINT NOT NULL,
    audio        BYTEA NOT NULL,
    UNIQUE (family_id, phrase_key, user_id)
);
CREATE INDEX voice_recordings_user ON voice_recordings (user_id);
