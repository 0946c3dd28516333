-- +goose Up
-- A readiness answer is kept for a short while so that the session that
-- follows is planned from it (and a parent who just checked is not asked
-- twice), and a session remembers the verdict that preceded it ('none'
-- for a session recorded after the fact).
CREATE TABLE readiness_checks (
    id         TEXT PRIMARY KEY,
    family_id  TEXT NOT NULL REFERENCES families(id) ON DELETE CASCADE,
    baby_id    TEXT NOT NULL REFERENCES babies(id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL,
    checked_at BIGINT NOT NULL,
    verdict    TEXT NOT NULL,
    adjust     TEXT NOT NULL DEFAULT '',
    state      TEXT NOT NULL
);
CREATE INDEX readiness_checks_baby ON readiness_checks (family_id, baby_id, user_id, checked_at);
ALTER TABLE massage_sessions ADD COLUMN readiness TEXT NOT NULL DEFAULT 'none';
ALTER TABLE massage_sessions ADD COLUMN readiness_check_id TEXT NOT NULL DEFAULT '';
