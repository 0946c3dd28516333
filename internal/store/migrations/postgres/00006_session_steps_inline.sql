-- +goose Up
-- A session's steps move into the session's row, as one text of
-- "stroke_id:response" pairs in order, separated by commas. Steps are
-- always read and written with their session (at most 200 of them; stroke
-- ids are the library's snake_case ids, responses one of four words), and
-- a table of their own cost a b-tree lookup per session on every list: it
-- was most of the time spent listing sessions and computing insights.
ALTER TABLE massage_sessions ADD COLUMN steps TEXT NOT NULL DEFAULT '';
UPDATE massage_sessions SET steps = COALESCE((SELECT string_agg(st.stroke_id || ':' || st.response, ',' ORDER BY st.position)
    FROM session_steps st WHERE st.session_id = massage_sessions.id), '');
DROP TABLE session_steps;
