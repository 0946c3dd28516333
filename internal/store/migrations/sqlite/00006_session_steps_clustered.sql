-- +goose Up
-- Steps are always read a session at a time. As a WITHOUT ROWID table keyed
-- by (session_id, position) a session's steps sit together in one b-tree
-- page, instead of one index entry plus one table row, in pages of their
-- own, per step: listing 100 sessions reads ~100 pages instead of ~1,000.
-- (PostgreSQL has no such table kind; its schema is unchanged.)
CREATE TABLE session_steps_clustered (
    session_id TEXT NOT NULL REFERENCES massage_sessions(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    stroke_id  TEXT NOT NULL,
    response   TEXT NOT NULL,
    PRIMARY KEY (session_id, position)
) WITHOUT ROWID;
INSERT INTO session_steps_clustered (session_id, position, stroke_id, response)
    SELECT session_id, position, stroke_id, response FROM session_steps;
DROP TABLE session_steps;
ALTER TABLE session_steps_clustered RENAME TO session_steps;
