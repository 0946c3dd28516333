-- +goose Up
-- Attempts counted per key (a login's account or address, a signup's
-- address) in a window that opens at the first attempt. One row per key, so
-- that one statement counts an attempt and returns the count: concurrent
-- attempts cannot all pass the limit, on any number of instances.
-- Rows are dropped a day after their window opened.
CREATE TABLE rate_limits (
    key          TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    hits         BIGINT NOT NULL
);
CREATE INDEX rate_limits_window ON rate_limits (window_start);
