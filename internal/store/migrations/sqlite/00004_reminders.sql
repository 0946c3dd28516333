-- +goose Up
-- Massage moments: a family's chosen times for a baby's massage, shown as
-- recurring events in each caregiver's private calendar feed.
-- weekdays holds RFC 5545 day codes ("MO,WE,FR"); time_of_day is "HH:MM"
-- in the family's time zone, so the moment stays put across DST changes.
CREATE TABLE massage_moments (
    id           TEXT PRIMARY KEY,
    family_id    TEXT NOT NULL REFERENCES families(id) ON DELETE CASCADE,
    baby_id      TEXT NOT NULL REFERENCES babies(id) ON DELETE CASCADE,
    label        TEXT NOT NULL,
    weekdays     TEXT NOT NULL,
    time_of_day  TEXT NOT NULL,
    duration_min INTEGER NOT NULL DEFAULT 15,
    created_by   TEXT NOT NULL,
    created_at   INTEGER NOT NULL
);
CREATE INDEX massage_moments_family_baby ON massage_moments (family_id, baby_id);

-- One calendar feed per user; only a hash of the URL's secret is kept.
CREATE TABLE calendar_feeds (
    user_id     TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    secret_hash TEXT NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL
);
