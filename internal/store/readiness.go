package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"nurture/internal/domain"
)

// PutReadinessCheck stores a readiness answer. Posting an id already
// stored for the same baby changes nothing (an offline replay is safe); an
// id used elsewhere is ErrConflict.
func (s *Store) PutReadinessCheck(ctx context.Context, c domain.ReadinessCheck) error {
	return s.tx(ctx, func(tx *txn) error {
		if err := babyInFamily(ctx, s, tx, c.FamilyID, c.BabyID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, s.q(`INSERT INTO readiness_checks (id, family_id, baby_id, user_id, checked_at, verdict, adjust, state)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`),
			c.ID, c.FamilyID, c.BabyID, c.UserID, ms(c.CheckedAt), c.Verdict, strings.Join(c.Adjust, ","), c.State)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var fam, baby string
			if err := tx.QueryRowContext(ctx, s.q(`SELECT family_id, baby_id FROM readiness_checks WHERE id = ?`), c.ID).Scan(&fam, &baby); err != nil {
				return err
			}
			if fam != c.FamilyID || baby != c.BabyID {
				return ErrConflict
			}
		}
		return nil
	})
}

const checkSelect = `SELECT id, family_id, baby_id, user_id, checked_at, verdict, adjust, state FROM readiness_checks`

func scanCheck(sc interface{ Scan(...any) error }) (domain.ReadinessCheck, error) {
	var c domain.ReadinessCheck
	var at int64
	var adjust string
	if err := sc.Scan(&c.ID, &c.FamilyID, &c.BabyID, &c.UserID, &at, &c.Verdict, &adjust, &c.State); err != nil {
		return c, err
	}
	c.CheckedAt = fromMS(at)
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

// LatestReadinessCheck returns the newest answer a user gave for a baby at
// or after since, or ErrNotFound.
func (s *Store) LatestReadinessCheck(ctx context.Context, familyID, babyID, userID string, since time.Time) (domain.ReadinessCheck, error) {
	c, err := scanCheck(s.r.QueryRowContext(ctx, s.q(checkSelect+` WHERE family_id = ? AND baby_id = ? AND user_id = ? AND checked_at >= ?
		ORDER BY checked_at DESC, id DESC LIMIT 1`), familyID, babyID, userID, ms(since)))
	return c, notFound(err)
}

// notFound turns "no row" into ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}
