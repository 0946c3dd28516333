package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// A family's version counts the writes to its data (migration 15). Every
// write transaction on a family's data ends with bumpFamily, so a reader
// that saw version v and sees v again knows nothing of the family changed
// in between: an ETag or an answer kept in memory made at v is still
// right. Readers get the version with their authentication (familyCols,
// one query) or from FamilyVersion; both read the database every time, so
// a write through one instance is seen at once by every other.
//
// bumpFamily is the last statement of its transaction: on PostgreSQL it
// holds the family's row until the commit, and taking nothing after it
// means two writers of one family queue instead of deadlocking.
func (s *Store) bumpFamily(ctx context.Context, tx *txn, familyID string) error {
	_, err := tx.ExecContext(ctx, s.q(`UPDATE families SET version = version + 1 WHERE id = ?`), familyID)
	return err
}

// bumpProfile is bumpFamily for a change to what a member's identity
// holds: the family's settings, its members and their names and
// languages. The profile becomes the new version, and Authenticate keeps
// identities by it (families.profile, migration 16), so writes to the
// family's logs leave kept identities valid.
func (s *Store) bumpProfile(ctx context.Context, tx *txn, familyID string) error {
	_, err := tx.ExecContext(ctx, s.q(`UPDATE families SET version = version + 1, profile = version + 1 WHERE id = ?`), familyID)
	return err
}

// firstVersion is a new family's version: the wall clock in microseconds,
// so a family deleted and made again under its id (an import of its
// export) never goes back to a version whose answers and identities
// were kept for the old one (it would need more writes than
// microseconds went by).
func firstVersion() int64 { return time.Now().UnixMicro() }

// bumpFamiliesOf bumps the profile of a user's family (a name or language shown to
// the rest of the family changed).
func (s *Store) bumpFamiliesOf(ctx context.Context, tx *txn, userID string) error {
	rows, err := tx.QueryContext(ctx, s.q(`SELECT family_id FROM members WHERE user_id = ?`), userID)
	if err != nil {
		return err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range ids {
		if err := s.bumpProfile(ctx, tx, id); err != nil {
			return err
		}
	}
	return nil
}

// execFamily runs one write statement on a family's data in a transaction
// that bumps the family's version.
func (s *Store) execFamily(ctx context.Context, familyID, query string, args ...any) (res sql.Result, err error) {
	err = s.tx(ctx, func(tx *txn) error {
		if res, err = tx.ExecContext(ctx, query, args...); err != nil {
			return err
		}
		return s.bumpFamily(ctx, tx, familyID)
	})
	return res, err
}

// FamilyVersion reads a family's version: one primary-key lookup.
func (s *Store) FamilyVersion(ctx context.Context, familyID string) (int64, error) {
	var v int64
	err := s.r.QueryRowContext(ctx, s.q(`SELECT version FROM families WHERE id = ?`), familyID).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	return v, err
}
