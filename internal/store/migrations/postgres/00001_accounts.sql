-- +goose Up
-- Times are epoch milliseconds (UTC); ids are UUID text in both dialects.
CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    locale        TEXT NOT NULL DEFAULT '',
    created_at    BIGINT NOT NULL
);

CREATE TABLE families (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    timezone      TEXT NOT NULL,
    languages     TEXT NOT NULL DEFAULT 'en',
    feed_wait_min BIGINT NOT NULL DEFAULT 30,
    temp_unit     TEXT NOT NULL DEFAULT 'c',
    urgent_number TEXT NOT NULL DEFAULT '',
    support_lines TEXT NOT NULL DEFAULT '',
    created_at    BIGINT NOT NULL
);

-- One family per user: the membership row carries the role and relation.
CREATE TABLE members (
    family_id TEXT NOT NULL REFERENCES families(id) ON DELETE CASCADE,
    user_id   TEXT NOT NULL UNIQUE REFERENCES users(id) ON DELETE CASCADE,
    role      TEXT NOT NULL,
    relation  TEXT NOT NULL,
    joined_at BIGINT NOT NULL,
    PRIMARY KEY (family_id, user_id)
);

CREATE TABLE invites (
    code_hash  TEXT PRIMARY KEY,
    family_id  TEXT NOT NULL REFERENCES families(id) ON DELETE CASCADE,
    role       TEXT NOT NULL,
    relation   TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT,
    used_by    TEXT
);
CREATE INDEX invites_family ON invites (family_id);

-- Browser sessions and API tokens; only a hash of the secret is kept.
CREATE TABLE auth_tokens (
    id           TEXT PRIMARY KEY,
    hash         TEXT NOT NULL UNIQUE,
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    label        TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);
CREATE INDEX auth_tokens_user ON auth_tokens (user_id);

CREATE TABLE password_resets (
    hash       TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);

-- Failed logins, kept in the database so every instance sees the same limit.
CREATE TABLE login_failures (
    key TEXT NOT NULL,
    at  BIGINT NOT NULL
);
CREATE INDEX login_failures_key_at ON login_failures (key, at);

CREATE TABLE babies (
    id              TEXT PRIMARY KEY,
    family_id       TEXT NOT NULL REFERENCES families(id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    birth_date      TEXT NOT NULL,
    gestation_weeks BIGINT NOT NULL,
    archived_at     BIGINT,
    created_at      BIGINT NOT NULL
);
CREATE INDEX babies_family ON babies (family_id);
