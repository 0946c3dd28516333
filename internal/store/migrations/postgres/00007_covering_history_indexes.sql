-- +goose NO TRANSACTION
-- +goose Up
-- Insights and the overlap checks read, for a baby's time range, only when
-- each entry began and ended, who logged it and its kind. Carrying those in
-- the (family, baby, started_at) index lets them be index-only scans.
-- Built CONCURRENTLY, outside a transaction, so that instances still
-- running keep reading and writing the logs meanwhile; each step can be
-- run again if an upgrade stops half way.
CREATE INDEX CONCURRENTLY IF NOT EXISTS touch_entries_baby_started_v2 ON touch_entries (family_id, baby_id, started_at, id) INCLUDE (ended_at, kind, caregiver_id);
DROP INDEX CONCURRENTLY IF EXISTS touch_entries_baby_started;
ALTER INDEX touch_entries_baby_started_v2 RENAME TO touch_entries_baby_started;
CREATE INDEX CONCURRENTLY IF NOT EXISTS sleep_entries_baby_started_v2 ON sleep_entries (family_id, baby_id, started_at, id) INCLUDE (ended_at, kind, caregiver_id);
DROP INDEX CONCURRENTLY IF EXISTS sleep_entries_baby_started;
ALTER INDEX sleep_entries_baby_started_v2 RENAME TO sleep_entries_baby_started;
CREATE INDEX CONCURRENTLY IF NOT EXISTS cry_episodes_baby_started_v2 ON cry_episodes (family_id, baby_id, started_at, id) INCLUDE (ended_at, kind, caregiver_id);
DROP INDEX CONCURRENTLY IF EXISTS cry_episodes_baby_started;
ALTER INDEX cry_episodes_baby_started_v2 RENAME TO cry_episodes_baby_started;
