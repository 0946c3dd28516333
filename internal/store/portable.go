package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

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
	Voice    []Recording    // the family's recorded prompts
}

// Export reads a family's whole data in one read transaction, so the
// snapshot is consistent even while others write; the recordings come
// with their audio.
func (s *Store) Export(ctx context.Context, familyID string) (Snapshot, error) {
	return s.export(ctx, familyID, true)
}

// ExportWithoutAudio is Export with the recordings' audio left out: the
// export file reads each with ExportedRecording as it writes it, so that a
// family's megabytes of audio are never held at once.
func (s *Store) ExportWithoutAudio(ctx context.Context, familyID string) (Snapshot, error) {
	return s.export(ctx, familyID, false)
}

// ExportedRecording reads one of the family's recordings with its audio,
// by id; ErrNotFound when it was deleted since.
func (s *Store) ExportedRecording(ctx context.Context, familyID, id string) (Recording, error) {
	r, err := scanRecording(s.r.QueryRowContext(ctx, s.q(`SELECT `+recordingCols+`, audio FROM voice_recordings WHERE family_id = ? AND id = ?`), familyID, id), true)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	return r, err
}

func (s *Store) export(ctx context.Context, familyID string, audio bool) (Snapshot, error) {
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
	cols := recordingCols
	if audio {
		cols += `, audio`
	}
	rows, err = tx.QueryContext(ctx, s.q(`SELECT `+cols+` FROM voice_recordings WHERE family_id = ? ORDER BY recorded_at, id`), familyID)
	if err != nil {
		return snap, err
	}
	for rows.Next() {
		r, err := scanRecording(rows, audio)
		if err != nil {
			rows.Close()
			return snap, err
		}
		snap.Voice = append(snap.Voice, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return snap, err
	}
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
	return s.tx(ctx, func(tx *txn) error {
		if err := s.addMembers(ctx, tx, familyID, members, nil); err != nil {
			return err
		}
		return s.bumpProfile(ctx, tx, familyID)
	})
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

// Import loads a snapshot into the family familyID, all or nothing, as
// ImportFrom does (batches, copies of other families' records, the
// per-family lock). With create, the family and its members are made
// first (a restore into a fresh instance); members get no usable password.
// progress, if not nil, is told after each record.
func (s *Store) Import(ctx context.Context, familyID string, snap Snapshot, create bool, progress func()) (ImportResult, error) {
	lock, err := s.LockImport(ctx, familyID)
	if err != nil {
		return ImportResult{}, err
	}
	defer lock.Unlock()
	return s.ImportFrom(ctx, lock, snap.Family, snapshotSource{snap}, create, progress)
}

// snapshotSource gives a snapshot's records in the order of a file.
type snapshotSource struct{ snap Snapshot }

func (src snapshotSource) Each(fn func(ImportRecord) error) error {
	sn := src.snap
	for i := range sn.Members {
		if err := fn(ImportRecord{Where: fmt.Sprintf("members[%d]", i), Member: &sn.Members[i]}); err != nil {
			return err
		}
	}
	for i := range sn.Babies {
		if err := fn(ImportRecord{Where: fmt.Sprintf("babies[%d]", i), Baby: &sn.Babies[i]}); err != nil {
			return err
		}
	}
	for i := range sn.Sessions {
		if err := fn(ImportRecord{Where: fmt.Sprintf("sessions[%d]", i), Session: &sn.Sessions[i]}); err != nil {
			return err
		}
	}
	n := map[domain.EntryType]int{}
	for i := range sn.Entries {
		e := &sn.Entries[i]
		if err := fn(ImportRecord{Where: fmt.Sprintf("%s[%d]", e.Type, n[e.Type]), Entry: e}); err != nil {
			return err
		}
		n[e.Type]++
	}
	for i := range sn.Moments {
		if err := fn(ImportRecord{Where: fmt.Sprintf("moments[%d]", i), Moment: &sn.Moments[i]}); err != nil {
			return err
		}
	}
	for i := range sn.Voice {
		if err := fn(ImportRecord{Where: fmt.Sprintf("voice[%d]", i), Voice: &sn.Voice[i]}); err != nil {
			return err
		}
	}
	return nil
}
