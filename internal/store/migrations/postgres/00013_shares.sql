-- +goose Up
-- A read-only link to one baby's summary for the care team: what it
-- shows, over which days, in which language, until when. Only the hash
-- of the link's secret is kept. A revoked or expired link stays listed
-- for the family, with the times it was opened.
CREATE TABLE shares (
    id          TEXT PRIMARY KEY,
    family_id   TEXT NOT NULL REFERENCES families(id) ON DELETE CASCADE,
    baby_id     TEXT NOT NULL REFERENCES babies(id) ON DELETE CASCADE,
    token_hash  TEXT NOT NULL UNIQUE,
    shows       TEXT NOT NULL,
    from_day    TEXT NOT NULL,
    to_day      TEXT NOT NULL,
    lang        TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    revoked_at  BIGINT,
    openings    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX shares_baby ON shares (family_id, baby_id, created_at);
-- Each opening of a link: when, and a coarse description of the browser
-- ("Safari on an iPhone"); never an address. The newest are kept.
CREATE TABLE share_openings (
    share_id  TEXT NOT NULL REFERENCES shares(id) ON DELETE CASCADE,
    opened_at BIGINT NOT NULL,
    client    TEXT NOT NULL
);
CREATE INDEX share_openings_share ON share_openings (share_id, opened_at);
