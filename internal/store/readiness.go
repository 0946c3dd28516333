package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"nurture/internal/domain"
)

// PutReadinessCheck stores a readiness answer and returns what is stored
// under its id. Posting an id already stored for the same baby stores
// nothing: the answer first given stays (an offline replay is safe, and
// the caller compares). An id used elsewhere is ErrConflict.
func (s *Store) PutReadinessCheck(ctx context.Context, c domain.ReadinessCheck) (domain.ReadinessCheck, error) {
	stored := c
	err := s.tx(ctx, func(tx *txn) error {
		if err := babyInFamily(ctx, s, tx, c.FamilyID, c.BabyID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, s.q(`INSERT INTO readiness_checks (id, family_id, baby_id, user_id, checked_at, verdict, adjust, state, until_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`),
			c.ID, c.FamilyID, c.BabyID, c.UserID, ms(c.CheckedAt), c.Verdict, strings.Join(c.Adjust, ","), c.State, ms(c.Until))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			stored, err = scanCheck(tx.QueryRowContext(ctx, s.q(checkSelect+` WHERE id = ?`), c.ID))
			if err != nil {
				return err
			}
			if stored.FamilyID != c.FamilyID || stored.BabyID != c.BabyID {
				return ErrConflict
			}
			return nil // a replay: nothing changed
		}
		return s.bumpFamily(ctx, tx, c.FamilyID)
	})
	return stored, err
}

const checkSelect = `SELECT id, family_id, baby_id, user_id, checked_at, verdict, adjust, state, until_at FROM readiness_checks`

func scanCheck(sc interface{ Scan(...any) error }) (domain.ReadinessCheck, error) {
	var c domain.ReadinessCheck
	var at, until int64
	var adjust string
	if err := sc.Scan(&c.ID, &c.FamilyID, &c.BabyID, &c.UserID, &at, &c.Verdict, &adjust, &c.State, &until); err != nil {
		return c, err
	}
	c.CheckedAt, c.Until = fromMS(at), fromMS(until)
	if adjust != "" {
		c.Adjust = strings.Split(adjust, ",")
	}
	return c, nil
}

// ReadinessCheck returns one of a baby's readiness answers.
func (s *Store) ReadinessCheck(ctx context.Context, familyID, babyID, id string) (domain.ReadinessCheck, error) {
	c, err := scanCheck(s.r.QueryRowContext(ctx, s.q(checkSelect+` WHERE id = ? AND family_id = ? AND baby_id = ?`), id, familyID, babyID))
	return c, notFound(err)
}

// LatestReadinessCheck returns the newest answer anyone gave for a baby
// between since and notAfter, or ErrNotFound.
func (s *Store) LatestReadinessCheck(ctx context.Context, familyID, babyID string, since, notAfter time.Time) (domain.ReadinessCheck, error) {
	c, err := scanCheck(s.r.QueryRowContext(ctx, s.q(checkSelect+` WHERE family_id = ? AND baby_id = ? AND checked_at >= ? AND checked_at <= ?
		ORDER BY checked_at DESC, id DESC LIMIT 1`), familyID, babyID, ms(since), ms(notAfter)))
	return c, notFound(err)
}

// notFound turns "no row" into ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}
