-- +goose Up
-- A guided massage session and the baby's answer at each step.
CREATE TABLE massage_sessions (
    id                    TEXT PRIMARY KEY,
    family_id             TEXT NOT NULL REFERENCES families(id) ON DELETE CASCADE,
    baby_id               TEXT NOT NULL REFERENCES babies(id) ON DELETE CASCADE,
    caregiver_id          TEXT NOT NULL,
    routine_id            TEXT NOT NULL DEFAULT '',
    started_at            BIGINT NOT NULL,
    ended_at              BIGINT NOT NULL,
    outcome               TEXT NOT NULL,
    parent_calm_before    BIGINT,
    parent_calm_after     BIGINT,
    fell_asleep_after_min BIGINT,
    notes                 TEXT NOT NULL DEFAULT '',
    created_at            BIGINT NOT NULL,
    updated_at            BIGINT NOT NULL
);
CREATE INDEX massage_sessions_baby_started ON massage_sessions (family_id, baby_id, started_at, id);

CREATE TABLE session_steps (
    session_id TEXT NOT NULL REFERENCES massage_sessions(id) ON DELETE CASCADE,
    position   BIGINT NOT NULL,
    stroke_id  TEXT NOT NULL,
    response   TEXT NOT NULL,
    PRIMARY KEY (session_id, position)
);
