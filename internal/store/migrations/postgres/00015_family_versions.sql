-- +goose Up
-- Every write to a family's data bumps its version in the same
-- transaction (store.bumpFamily). A read carries the version in its ETag
-- and an answer kept in memory is valid while the version is the same:
-- the version is read from the database on every request (with the
-- authentication, in the same query), so every instance on one database
-- sees a write at once. (Migration 14 is the webhooks' outbox.)
ALTER TABLE families ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
