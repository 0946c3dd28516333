-- +goose Up
-- A family's webhooks: where to post which events, signed with the
-- secret. retry_at holds back the next attempt after a failure (the head
-- event is retried first: delivery is in order); lease_until and
-- lease_owner say which server instance is delivering right now, so only
-- one does; claimed_at lets the webhooks take turns.
CREATE TABLE webhooks (
    id            TEXT PRIMARY KEY,
    family_id     TEXT NOT NULL REFERENCES families(id) ON DELETE CASCADE,
    url           TEXT NOT NULL,
    secret        TEXT NOT NULL,
    events        TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    retry_at      INTEGER NOT NULL DEFAULT 0,
    lease_until   INTEGER NOT NULL DEFAULT 0,
    lease_owner   TEXT NOT NULL DEFAULT '',
    claimed_at    INTEGER NOT NULL DEFAULT 0,
    last_ok_at    INTEGER,
    failing_since INTEGER,
    last_error    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX webhooks_family ON webhooks (family_id);
-- The outbox: one row per event and webhook, written in the transaction
-- of the change it describes; delivered_at or failed_at (given up after a
-- day of retries) ends it. seq orders a webhook's events; created_at is
-- the event's own time (a timer stopped offline is older than its sync),
-- queued_at the database's clock when it was written, from which the day
-- of retries counts.
CREATE TABLE webhook_outbox (
    seq          INTEGER PRIMARY KEY,
    webhook_id   TEXT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    event_id     TEXT NOT NULL,
    event        TEXT NOT NULL,
    body         TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    queued_at    INTEGER NOT NULL DEFAULT (CAST(unixepoch('subsec') * 1000 AS INTEGER)),
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_status  INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT NOT NULL DEFAULT '',
    delivered_at INTEGER,
    failed_at    INTEGER,
    UNIQUE (webhook_id, event_id)
);
CREATE INDEX webhook_outbox_pending ON webhook_outbox (webhook_id, seq) WHERE delivered_at IS NULL AND failed_at IS NULL;
CREATE INDEX webhook_outbox_recent ON webhook_outbox (webhook_id, created_at);
