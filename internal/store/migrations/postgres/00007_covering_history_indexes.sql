-- +goose Up
-- Insights and the overlap checks read, for a baby's time range, only when
-- each entry began and ended, who logged it and its kind. Carrying those in
-- the (family, baby, started_at) index lets them be index-only scans.
DROP INDEX touch_entries_baby_started;
CREATE INDEX touch_entries_baby_started ON touch_entries (family_id, baby_id, started_at, id) INCLUDE (ended_at, kind, caregiver_id);
DROP INDEX sleep_entries_baby_started;
CREATE INDEX sleep_entries_baby_started ON sleep_entries (family_id, baby_id, started_at, id) INCLUDE (ended_at, kind, caregiver_id);
DROP INDEX cry_episodes_baby_started;
CREATE INDEX cry_episodes_baby_started ON cry_episodes (family_id, baby_id, started_at, id) INCLUDE (ended_at, kind, caregiver_id);
