-- +goose Up
-- Nurturing touch, sleep and crying. ended_at is NULL while a timer runs.
CREATE TABLE touch_entries (
    id           TEXT PRIMARY KEY,
    family_id    TEXT NOT NULL REFERENCES families(id) ON DELETE CASCADE,
    baby_id      TEXT NOT NULL REFERENCES babies(id) ON DELETE CASCADE,
    caregiver_id TEXT NOT NULL,
    kind         TEXT NOT NULL,
    started_at   INTEGER NOT NULL,
    ended_at     INTEGER,
    notes        TEXT NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX touch_entries_baby_started ON touch_entries (family_id, baby_id, started_at, id);

CREATE TABLE sleep_entries (
    id           TEXT PRIMARY KEY,
    family_id    TEXT NOT NULL REFERENCES families(id) ON DELETE CASCADE,
    baby_id      TEXT NOT NULL REFERENCES babies(id) ON DELETE CASCADE,
    caregiver_id TEXT NOT NULL,
    kind         TEXT NOT NULL DEFAULT '',
    started_at   INTEGER NOT NULL,
    ended_at     INTEGER,
    notes        TEXT NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX sleep_entries_baby_started ON sleep_entries (family_id, baby_id, started_at, id);

CREATE TABLE cry_episodes (
    id            TEXT PRIMARY KEY,
    family_id     TEXT NOT NULL REFERENCES families(id) ON DELETE CASCADE,
    baby_id       TEXT NOT NULL REFERENCES babies(id) ON DELETE CASCADE,
    caregiver_id  TEXT NOT NULL,
    kind          TEXT NOT NULL DEFAULT '',
    started_at    INTEGER NOT NULL,
    ended_at      INTEGER,
    notes         TEXT NOT NULL DEFAULT '',
    held          INTEGER NOT NULL DEFAULT 0,
    needs_checked TEXT NOT NULL DEFAULT '',
    soothed_by    TEXT NOT NULL DEFAULT '',
    parent_stress INTEGER,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX cry_episodes_baby_started ON cry_episodes (family_id, baby_id, started_at, id);
