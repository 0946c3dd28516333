package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"nurture/internal/domain"
)

// Family returns a family by id.
func (s *Store) Family(ctx context.Context, familyID string) (domain.Family, error) {
	var f domain.Family
	err := scanFamily(s.r.QueryRowContext(ctx, s.q(`SELECT `+familyCols+` FROM families f WHERE f.id = ?`), familyID), &f)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	return f, err
}

// UpdateFamily saves an owner's settings.
func (s *Store) UpdateFamily(ctx context.Context, familyID string, fs domain.FamilySettings) error {
	return s.tx(ctx, func(tx *txn) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE families SET name = ?, timezone = ?, languages = ?, feed_wait_min = ?, temp_unit = ?, urgent_number = ?, support_lines = ? WHERE id = ?`),
			fs.Name, fs.Timezone, strings.Join(fs.Languages, ","), fs.FeedWaitMin, fs.TempUnit, fs.UrgentNumber, fs.SupportLines, familyID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return s.bumpProfile(ctx, tx, familyID)
	})
}

// Members lists the family's members, owners first, then by join time.
func (s *Store) Members(ctx context.Context, familyID string) ([]domain.Member, error) {
	rows, err := s.r.QueryContext(ctx, s.q(`SELECT m.user_id, m.family_id, u.name, u.email, u.locale, m.role, m.relation, m.joined_at
		FROM members m JOIN users u ON u.id = m.user_id WHERE m.family_id = ?
		ORDER BY CASE m.role WHEN 'owner' THEN 0 WHEN 'caregiver' THEN 1 ELSE 2 END, m.joined_at`), familyID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []domain.Member
	for rows.Next() {
		var m domain.Member
		var j int64
		if err := rows.Scan(&m.UserID, &m.FamilyID, &m.Name, &m.Email, &m.Locale, &m.Role, &m.Relation, &j); err != nil {
			return nil, err
		}
		m.JoinedAt = fromMS(j)
		out = append(out, m)
	}
	return out, rows.Err()
}

const babyCols = `id, family_id, name, birth_date, gestation_weeks, archived_at, created_at`

func scanBaby(sc interface{ Scan(...any) error }) (domain.Baby, error) {
	var b domain.Baby
	var archived sql.NullInt64
	var created int64
	err := sc.Scan(&b.ID, &b.FamilyID, &b.Name, &b.BirthDate, &b.GestationWeeks, &archived, &created)
	b.ArchivedAt = nullMS(archived)
	b.CreatedAt = fromMS(created)
	return b, err
}

// CreateBaby stores a new baby in the family.
func (s *Store) CreateBaby(ctx context.Context, b domain.Baby) error {
	_, err := s.execFamily(ctx, b.FamilyID, s.q(`INSERT INTO babies (`+babyCols+`) VALUES (?, ?, ?, ?, ?, NULL, ?)`),
		b.ID, b.FamilyID, b.Name, b.BirthDate, b.GestationWeeks, ms(b.CreatedAt))
	if isUnique(err) {
		return ErrConflict
	}
	return err
}

// Babies lists the family's babies, oldest first; archived ones on request.
func (s *Store) Babies(ctx context.Context, familyID string, withArchived bool) ([]domain.Baby, error) {
	q := `SELECT ` + babyCols + ` FROM babies WHERE family_id = ?`
	if !withArchived {
		q += ` AND archived_at IS NULL`
	}
	rows, err := s.r.QueryContext(ctx, s.q(q+` ORDER BY birth_date, created_at`), familyID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []domain.Baby
	for rows.Next() {
		b, err := scanBaby(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// Baby returns one of the family's babies; another family's is ErrNotFound.
func (s *Store) Baby(ctx context.Context, familyID, id string) (domain.Baby, error) {
	b, err := scanBaby(s.r.QueryRowContext(ctx, s.q(`SELECT `+babyCols+` FROM babies WHERE family_id = ? AND id = ?`), familyID, id))
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	return b, err
}

// UpdateBaby changes a baby's details.
func (s *Store) UpdateBaby(ctx context.Context, familyID, id string, in domain.BabyInput) error {
	return affected(s.execFamily(ctx, familyID, s.q(`UPDATE babies SET name = ?, birth_date = ?, gestation_weeks = ? WHERE family_id = ? AND id = ?`),
		in.Name, in.BirthDate, in.GestationWeeks, familyID, id))
}

// SetBabyArchived archives (at a time) or restores (nil) a baby.
func (s *Store) SetBabyArchived(ctx context.Context, familyID, id string, at *time.Time) error {
	var v any
	if at != nil {
		v = ms(*at)
	}
	return affected(s.execFamily(ctx, familyID, s.q(`UPDATE babies SET archived_at = ? WHERE family_id = ? AND id = ?`), v, familyID, id))
}

// affected turns "no row changed" into ErrNotFound.
func affected(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}
