package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"nurture/internal/domain"
)

// Snapshot is everything a family owns, as of one moment.
type Snapshot struct {
	Family   domain.Family
	Members  []domain.Member
	Babies   []domain.Baby
	Sessions []domain.Session
	Entries  []domain.Entry // touch, sleep and crying
	Moments  []Moment       // massage moments for the calendar
}

// Export reads a family's whole data in one read transaction, so the
// snapshot is consistent even while others write.
func (s *Store) Export(ctx context.Context, familyID string) (Snapshot, error) {
	var snap Snapshot
	opts := &sql.TxOptions{ReadOnly: true}
	if s.d == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := s.r.BeginTx(ctx, opts)
	if err != nil {
		return snap, err
	}
	defer tx.Rollback()
	if err := scanFamily(tx.QueryRowContext(ctx, s.q(`SELECT `+familyCols+` FROM families f WHERE f.id = ?`), familyID), &snap.Family); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			err = ErrNotFound
		}
		return snap, err
	}
	if snap.Members, err = s.membersQ(ctx, tx, familyID); err != nil {
		return snap, err
	}
	rows, err := tx.QueryContext(ctx, s.q(`SELECT `+babyCols+` FROM babies WHERE family_id = ? ORDER BY created_at, id`), familyID)
	if err != nil {
		return snap, err
	}
	for rows.Next() {
		b, err := scanBaby(rows)
		if err != nil {
			rows.Close()
			return snap, err
		}
		snap.Babies = append(snap.Babies, b)
	}
	rows.Close()
	rows, err = tx.QueryContext(ctx, s.q(sessionSelect+` WHERE family_id = ? ORDER BY started_at, id`), familyID)
	if err != nil {
		return snap, err
	}
	for rows.Next() {
		x, err := scanSession(rows)
		if err != nil {
			rows.Close()
			return snap, err
		}
		snap.Sessions = append(snap.Sessions, x)
	}
	rows.Close()
	for _, t := range []domain.EntryType{domain.TouchLog, domain.SleepLog, domain.CryingLog} {
		tbl, _ := entryTable(t)
		rows, err := tx.QueryContext(ctx, s.q(`SELECT `+entryCols(t)+` FROM `+tbl+` WHERE family_id = ? ORDER BY started_at, id`), familyID)
		if err != nil {
			return snap, err
		}
		for rows.Next() {
			e, err := scanEntry(t, rows)
			if err != nil {
				rows.Close()
				return snap, err
			}
			snap.Entries = append(snap.Entries, e)
		}
		rows.Close()
	}
	rows, err = tx.QueryContext(ctx, s.q(`SELECT `+momentCols+` FROM massage_moments m WHERE m.family_id = ? ORDER BY m.created_at, m.id`), familyID)
	if err != nil {
		return snap, err
	}
	for rows.Next() {
		m, err := scanMoment(rows)
		if err != nil {
			rows.Close()
			return snap, err
		}
		snap.Moments = append(snap.Moments, m)
	}
	rows.Close()
	return snap, tx.Commit()
}

func (s *Store) membersQ(ctx context.Context, q querier, familyID string) ([]domain.Member, error) {
	rows, err := q.QueryContext(ctx, s.q(`SELECT m.user_id, m.family_id, u.name, u.email, u.locale, m.role, m.relation, m.joined_at
		FROM members m JOIN users u ON u.id = m.user_id WHERE m.family_id = ? ORDER BY m.joined_at, m.user_id`), familyID)
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

// addMembers makes accounts without a usable password for members joining
// a family from outside the app (an import, the demo).
func (s *Store) addMembers(ctx context.Context, tx *txn, familyID string, members []domain.Member, each func()) error {
	for i, m := range members {
		u := NewUser{User: domain.User{ID: m.UserID, Email: m.Email, Name: m.Name, Locale: m.Locale, CreatedAt: m.JoinedAt}, PasswordHash: UnusablePassword}
		if err := insertUser(ctx, s, tx, u); err != nil {
			return &ImportError{fmt.Sprintf("members[%d] (%s)", i, m.Email), err}
		}
		if err := insertMember(ctx, s, tx, familyID, m.UserID, m.Role, m.Relation, m.JoinedAt); err != nil {
			return &ImportError{fmt.Sprintf("members[%d]", i), err}
		}
		if each != nil {
			each()
		}
	}
	return nil
}

// AddMembers adds members without a usable password to a family; each
// needs a reset link before logging in.
func (s *Store) AddMembers(ctx context.Context, familyID string, members []domain.Member) error {
	return s.tx(ctx, func(tx *txn) error { return s.addMembers(ctx, tx, familyID, members, nil) })
}

// FamilyOf returns the id of a user's family.
func (s *Store) FamilyOf(ctx context.Context, userID string) (string, error) {
	var id string
	err := s.r.QueryRowContext(ctx, s.q(`SELECT family_id FROM members WHERE user_id = ?`), userID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	return id, err
}

// ImportResult counts what an import added and what it found already there.
type ImportResult struct {
	Added, Unchanged int
}

// ImportError names the first record an import could not take.
type ImportError struct {
	Record string // e.g. "babies[2]" or "touch 3f1e…"
	Err    error
}

func (e *ImportError) Error() string { return e.Record + ": " + e.Err.Error() }
func (e *ImportError) Unwrap() error { return e.Err }

// UnusablePassword marks an account imported without a password: nobody
// can log in until a reset link sets one.
const UnusablePassword = "!"

// Import loads a snapshot into the family familyID, in one transaction:
// all or nothing. Records already there (same id, same family) are left
// as they are, so importing the same file twice changes nothing. With
// create, the family and its members are made first (a restore into a
// fresh instance); members get no usable password. progress, if not nil,
// is told after each record.
func (s *Store) Import(ctx context.Context, familyID string, snap Snapshot, create bool, progress func()) (ImportResult, error) {
	var res ImportResult
	tick := func(added bool) {
		if added {
			res.Added++
		} else {
			res.Unchanged++
		}
		if progress != nil {
			progress()
		}
	}
	err := s.tx(ctx, func(tx *txn) error {
		if create {
			f := snap.Family
			f.ID = familyID
			_, err := tx.ExecContext(ctx, s.q(`INSERT INTO families (id, name, timezone, languages, feed_wait_min, temp_unit, urgent_number, support_lines, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
				f.ID, f.Name, f.Timezone, strings.Join(f.Languages, ","), f.FeedWaitMin, f.TempUnit, f.UrgentNumber, f.SupportLines, ms(f.CreatedAt))
			if isUnique(err) {
				return &ImportError{"family", ErrConflict}
			} else if err != nil {
				return err
			}
			if err := s.addMembers(ctx, tx, f.ID, snap.Members, func() { tick(true) }); err != nil {
				return err
			}
		}
		for i, b := range snap.Babies {
			b.FamilyID = familyID
			var fam string
			err := tx.QueryRowContext(ctx, s.q(`SELECT family_id FROM babies WHERE id = ?`), b.ID).Scan(&fam)
			switch {
			case err == nil && fam == familyID:
				tick(false)
				continue
			case err == nil:
				return &ImportError{fmt.Sprintf("babies[%d]", i), ErrConflict}
			case !errors.Is(err, sql.ErrNoRows):
				return err
			}
			var archived any
			if b.ArchivedAt != nil {
				archived = ms(*b.ArchivedAt)
			}
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO babies (`+babyCols+`) VALUES (?, ?, ?, ?, ?, ?, ?)`),
				b.ID, b.FamilyID, b.Name, b.BirthDate, b.GestationWeeks, archived, ms(b.CreatedAt)); err != nil {
				return &ImportError{fmt.Sprintf("babies[%d]", i), err}
			}
			tick(true)
		}
		for i, x := range snap.Sessions {
			x.FamilyID = familyID
			added, err := s.putSession(ctx, tx, x)
			if err != nil {
				return &ImportError{fmt.Sprintf("sessions[%d]", i), err}
			}
			tick(added)
		}
		n := map[domain.EntryType]int{}
		for _, e := range snap.Entries {
			e.FamilyID = familyID
			added, err := s.putEntry(ctx, tx, e)
			if err != nil {
				return &ImportError{fmt.Sprintf("%s[%d]", e.Type, n[e.Type]), err}
			}
			n[e.Type]++
			tick(added)
		}
		for i, m := range snap.Moments {
			var fam string
			err := tx.QueryRowContext(ctx, s.q(`SELECT family_id FROM massage_moments WHERE id = ?`), m.ID).Scan(&fam)
			switch {
			case err == nil && fam == familyID:
				tick(false)
				continue
			case err == nil:
				return &ImportError{fmt.Sprintf("moments[%d]", i), ErrConflict}
			case !errors.Is(err, sql.ErrNoRows):
				return err
			}
			if err := babyInFamily(ctx, s, tx, familyID, m.BabyID); err != nil {
				return &ImportError{fmt.Sprintf("moments[%d]", i), err}
			}
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO massage_moments (id, family_id, baby_id, label, weekdays, time_of_day, duration_min, created_by, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`), m.ID, familyID, m.BabyID, m.Label, encodeWeekdays(m.Weekdays), m.TimeOfDay, m.DurationMin, m.CreatedBy, ms(m.CreatedAt)); err != nil {
				return &ImportError{fmt.Sprintf("moments[%d]", i), err}
			}
			tick(true)
		}
		return nil
	})
	return res, err
}
