-- +goose Up
-- Running timers (ended_at NULL) are looked up on every page and every
-- overlap check; a partial index keeps that cheap however long the history.
CREATE INDEX touch_entries_running ON touch_entries (family_id, baby_id) WHERE ended_at IS NULL;
CREATE INDEX sleep_entries_running ON sleep_entries (family_id, baby_id) WHERE ended_at IS NULL;
CREATE INDEX cry_episodes_running ON cry_episodes (family_id, baby_id) WHERE ended_at IS NULL;
