-- +goose Up
-- An answer other than go stands until its retry time (or the end of the
-- family's day), not 30 minutes: a baby with a fever is not massaged an
-- hour later because nobody asked again. The latest answer for a baby,
-- from whoever gave it, is the one that counts.
ALTER TABLE readiness_checks ADD COLUMN until_at BIGINT NOT NULL DEFAULT 0;
DROP INDEX readiness_checks_baby;
CREATE INDEX readiness_checks_baby ON readiness_checks (family_id, baby_id, checked_at);
