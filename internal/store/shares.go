package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"nurture/internal/domain"
	"nurture/internal/share"
)

// Share is a read-only link to one baby's summary. Only the hash of its
// secret is kept.
type Share struct {
	ID, FamilyID, BabyID string
	Shows                []string
	From, To             string // civil dates
	Lang                 string
	CreatedBy            string
	CreatedAt, ExpiresAt time.Time
	RevokedAt            *time.Time
	// Openings counts every opening; Opened lists the newest
	// (share.MaxOpenings), newest first.
	Openings int
	Opened   []Opening
}

// Opening is one time a link was opened.
type Opening struct {
	At     time.Time
	Client string
}

// Live reports whether the link still opens at now.
func (s Share) Live(now time.Time) bool { return s.RevokedAt == nil && now.Before(s.ExpiresAt) }

const shareCols = `id, family_id, baby_id, shows, from_day, to_day, lang, created_by, created_at, expires_at, revoked_at, openings`

func scanShare(sc interface{ Scan(...any) error }) (Share, error) {
	var x Share
	var shows string
	var created, expires int64
	var revoked sql.NullInt64
	err := sc.Scan(&x.ID, &x.FamilyID, &x.BabyID, &shows, &x.From, &x.To, &x.Lang, &x.CreatedBy, &created, &expires, &revoked, &x.Openings)
	if err != nil {
		return x, err
	}
	x.Shows = strings.Split(shows, ",")
	x.CreatedAt, x.ExpiresAt = fromMS(created), fromMS(expires)
	if revoked.Valid {
		t := fromMS(revoked.Int64)
		x.RevokedAt = &t
	}
	return x, nil
}

// CreateShare stores a new link for one of the family's babies under the
// hash of its secret.
func (s *Store) CreateShare(ctx context.Context, x Share, tokenHash string) error {
	return s.tx(ctx, func(tx *txn) error {
		if err := babyInFamily(ctx, s, tx, x.FamilyID, x.BabyID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO shares (id, family_id, baby_id, token_hash, shows, from_day, to_day, lang, created_by, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			x.ID, x.FamilyID, x.BabyID, tokenHash, strings.Join(x.Shows, ","), x.From, x.To, x.Lang, x.CreatedBy, ms(x.CreatedAt), ms(x.ExpiresAt))
		if err != nil {
			return err
		}
		return s.bumpFamily(ctx, tx, x.FamilyID)
	})
}

// Shares lists a baby's links, newest first, with their openings.
func (s *Store) Shares(ctx context.Context, familyID, babyID string) ([]Share, error) {
	rows, err := s.r.QueryContext(ctx, s.q(`SELECT `+shareCols+` FROM shares WHERE family_id = ? AND baby_id = ? ORDER BY created_at DESC, id`), familyID, babyID)
	if err != nil {
		return nil, err
	}
	var out []Share
	for rows.Next() {
		x, err := scanShare(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Opened, err = s.openings(ctx, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *Store) openings(ctx context.Context, shareID string) ([]Opening, error) {
	rows, err := s.r.QueryContext(ctx, s.q(`SELECT opened_at, client FROM share_openings WHERE share_id = ? ORDER BY opened_at DESC`), shareID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Opening
	for rows.Next() {
		var o Opening
		var at int64
		if err := rows.Scan(&at, &o.Client); err != nil {
			return nil, err
		}
		o.At = fromMS(at)
		out = append(out, o)
	}
	return out, rows.Err()
}

// OpenShare finds the live link of a secret's hash and records the
// opening; ErrNotFound when there is none, or it was revoked or has
// expired (the same answer, so nobody learns a link ever existed).
func (s *Store) OpenShare(ctx context.Context, tokenHash, client string, now time.Time) (Share, error) {
	var x Share
	err := s.tx(ctx, func(tx *txn) error {
		var err error
		x, err = scanShare(tx.QueryRowContext(ctx, s.q(`SELECT `+shareCols+` FROM shares WHERE token_hash = ?`+s.forUpdate()), tokenHash))
		if errors.Is(err, sql.ErrNoRows) || (err == nil && !x.Live(now)) {
			return ErrNotFound
		} else if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO share_openings (share_id, opened_at, client) VALUES (?, ?, ?)`), x.ID, ms(now), client); err != nil {
			return err
		}
		// Only the newest openings are kept: a link opened in a loop
		// cannot fill the disk.
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM share_openings WHERE share_id = ? AND opened_at < (
			SELECT opened_at FROM share_openings WHERE share_id = ? ORDER BY opened_at DESC LIMIT 1 OFFSET ?)`), x.ID, x.ID, share.MaxOpenings-1); err != nil {
			return err
		}
		x.Openings++
		if _, err = tx.ExecContext(ctx, s.q(`UPDATE shares SET openings = openings + 1 WHERE id = ?`), x.ID); err != nil {
			return err
		}
		return s.bumpFamily(ctx, tx, x.FamilyID) // the family sees its link opened
	})
	return x, err
}

// LiveShare finds the live link of a secret's hash without recording an
// opening (the page drawn again after the opening); ErrNotFound otherwise.
func (s *Store) LiveShare(ctx context.Context, tokenHash string, now time.Time) (Share, error) {
	x, err := scanShare(s.r.QueryRowContext(ctx, s.q(`SELECT `+shareCols+` FROM shares WHERE token_hash = ?`), tokenHash))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !x.Live(now)) {
		return Share{}, ErrNotFound
	}
	return x, err
}

// RevokeShare ends a link now; revoking it again changes nothing.
func (s *Store) RevokeShare(ctx context.Context, familyID, babyID, id string, now time.Time) error {
	return s.tx(ctx, func(tx *txn) error {
		var revoked sql.NullInt64
		err := tx.QueryRowContext(ctx, s.q(`SELECT revoked_at FROM shares WHERE id = ? AND family_id = ? AND baby_id = ?`), id, familyID, babyID).Scan(&revoked)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		} else if err != nil || revoked.Valid {
			return err
		}
		if _, err = tx.ExecContext(ctx, s.q(`UPDATE shares SET revoked_at = ? WHERE id = ?`), ms(now), id); err != nil {
			return err
		}
		return s.bumpFamily(ctx, tx, familyID)
	})
}

// ReadinessChecksBetween lists a baby's readiness answers given in
// [from, to), oldest first.
func (s *Store) ReadinessChecksBetween(ctx context.Context, familyID, babyID string, from, to time.Time) ([]domain.ReadinessCheck, error) {
	rows, err := s.r.QueryContext(ctx, s.q(checkSelect+` WHERE family_id = ? AND baby_id = ? AND checked_at >= ? AND checked_at < ? ORDER BY checked_at, id`),
		familyID, babyID, ms(from), ms(to))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []domain.ReadinessCheck
	for rows.Next() {
		c, err := scanCheck(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
