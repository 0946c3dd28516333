-- +goose Up
-- What a caregiver chose in the learning path with a baby: the furthest
-- week opened early and whether the course is paused. Progress itself is
-- never stored: it is derived from the sessions, so an import, a replay or
-- a deleted session keeps it true.
CREATE TABLE course_states (
    family_id  TEXT NOT NULL REFERENCES families(id) ON DELETE CASCADE,
    baby_id    TEXT NOT NULL REFERENCES babies(id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL,
    opened     INTEGER NOT NULL DEFAULT 0,
    paused     INTEGER NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (baby_id, user_id)
);
