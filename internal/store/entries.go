package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"nurture/internal/domain"
	"nurture/internal/webhook"
)

// entryTable is where a log's entries live.
func entryTable(t domain.EntryType) (string, error) {
	switch t {
	case domain.TouchLog:
		return "touch_entries", nil
	case domain.SleepLog:
		return "sleep_entries", nil
	case domain.CryingLog:
		return "cry_episodes", nil
	}
	return "", fmt.Errorf("unknown log %q", t)
}

func entryCols(t domain.EntryType) string {
	cols := `id, family_id, baby_id, caregiver_id, kind, started_at, ended_at, notes, created_at, updated_at`
	if t == domain.CryingLog {
		cols += `, held, needs_checked, soothed_by, parent_stress`
	}
	return cols
}

func scanEntry(t domain.EntryType, sc interface{ Scan(...any) error }) (domain.Entry, error) {
	e := domain.Entry{Type: t}
	err := scanInto(t, sc, &e, true)
	return e, err
}

// listCols are entryCols less the family and the baby, which a list is
// read for: 200 strings fewer to read and allocate for a page of 100.
func listCols(t domain.EntryType) string {
	cols := `id, caregiver_id, kind, started_at, ended_at, notes, created_at, updated_at`
	if t == domain.CryingLog {
		cols += `, held, needs_checked, soothed_by, parent_stress`
	}
	return cols
}

// scanInto reads a row of entryCols (owner) or of listCols into e.
func scanInto(t domain.EntryType, sc interface{ Scan(...any) error }, e *domain.Entry, owner bool) error {
	var st, cr, up int64
	var en sql.NullInt64
	dest := []any{&e.ID, &e.CaregiverID, &e.Kind, &st, &en, &e.Notes, &cr, &up}
	if owner {
		dest = []any{&e.ID, &e.FamilyID, &e.BabyID, &e.CaregiverID, &e.Kind, &st, &en, &e.Notes, &cr, &up}
	}
	var held int64
	var needs, soothed string
	var stress sql.NullInt64
	if t == domain.CryingLog {
		dest = append(dest, &held, &needs, &soothed, &stress)
	}
	if err := sc.Scan(dest...); err != nil {
		return err
	}
	e.StartedAt, e.CreatedAt, e.UpdatedAt, e.EndedAt = fromMS(st), fromMS(cr), fromMS(up), nullMS(en)
	e.Held, e.NeedsChecked, e.SoothedBy, e.ParentStress = held == 1, splitList(needs), splitList(soothed), intPtr(stress)
	return nil
}

func entryArgs(e domain.Entry) []any {
	var end any
	if e.EndedAt != nil {
		end = ms(*e.EndedAt)
	}
	args := []any{e.ID, e.FamilyID, e.BabyID, e.CaregiverID, e.Kind, ms(e.StartedAt), end, e.Notes, ms(e.CreatedAt), ms(e.UpdatedAt)}
	if e.Type == domain.CryingLog {
		held := 0
		if e.Held {
			held = 1
		}
		args = append(args, held, strings.Join(e.NeedsChecked, ","), strings.Join(e.SoothedBy, ","), nullInt(e.ParentStress))
	}
	return args
}

type querier interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}

// overlapping finds a stored entry of the same log (and touch kind) for
// the baby whose span meets e's; a running timer reaches into the future.
func (s *Store) overlapping(ctx context.Context, q querier, e domain.Entry) error {
	if _, err := entryTable(e.Type); err != nil {
		return err
	}
	end := int64(math.MaxInt64)
	if e.EndedAt != nil {
		end = ms(*e.EndedAt)
	}
	// Finished entries last at most a day, so only those begun in the day
	// before e can reach it; running timers are found through their own
	// index. Two bounded lookups instead of a scan of the whole history.
	kind, kindArg := "", []any{}
	if e.Type == domain.TouchLog {
		kind, kindArg = ` AND kind = ?`, []any{e.Kind}
	}
	finished, running := overlapQueries(e.Type, kind)
	other, err := scanEntry(e.Type, q.QueryRowContext(ctx, s.q(finished),
		append([]any{e.FamilyID, e.BabyID, e.ID, end, ms(e.StartedAt.Add(-domain.MaxSpan)), ms(e.StartedAt)}, kindArg...)...))
	if err == nil {
		return &domain.Overlap{Entry: other}
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	rows, err := q.QueryContext(ctx, s.q(running), append([]any{e.FamilyID, e.BabyID, e.ID}, kindArg...)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	found := false
	for rows.Next() {
		x := domain.Entry{Type: e.Type, FamilyID: e.FamilyID, BabyID: e.BabyID}
		if err := scanInto(e.Type, rows, &x, false); err != nil {
			return err
		}
		if ms(x.StartedAt) >= end {
			continue // begins after e
		}
		if !found || x.StartedAt.Before(other.StartedAt) {
			other, found = x, true
		}
	}
	if err := rows.Err(); err != nil || !found {
		return err // nil when nothing overlaps
	}
	return &domain.Overlap{Entry: other}
}

// PutEntry stores a new entry. An id already stored for the same baby is
// a replay: nothing changes and created is false. An id used elsewhere is
// ErrConflict; an entry meeting another of its kind is a *domain.Overlap.
func (s *Store) PutEntry(ctx context.Context, e domain.Entry) (created bool, err error) {
	err = s.tx(ctx, func(tx *txn) error {
		if created, err = s.putEntry(ctx, tx, e); err != nil {
			return err
		}
		if created {
			if err := s.emitEntry(ctx, tx, webhook.Created(e.Type), e.CreatedAt, e); err != nil {
				return err
			}
		}
		return s.bumpFamily(ctx, tx, e.FamilyID)
	})
	return created, err
}

// putEntry is PutEntry inside a caller's transaction.
func (s *Store) putEntry(ctx context.Context, tx *txn, e domain.Entry) (bool, error) {
	tbl, err := entryTable(e.Type)
	if err != nil {
		return false, err
	}
	if err := babyInFamily(ctx, s, tx, e.FamilyID, e.BabyID); err != nil {
		return false, err
	}
	var fam, baby string
	err = tx.QueryRowContext(ctx, s.q(`SELECT family_id, baby_id FROM `+tbl+` WHERE id = ?`), e.ID).Scan(&fam, &baby)
	switch {
	case err == nil && fam == e.FamilyID && baby == e.BabyID:
		return false, nil
	case err == nil:
		return false, ErrConflict
	case !errors.Is(err, sql.ErrNoRows):
		return false, err
	}
	return s.insertEntry(ctx, tx, e)
}

// insertEntry is putEntry once the baby is known to be the family's and
// the id was not found (SaveEntry has checked both).
func (s *Store) insertEntry(ctx context.Context, tx *txn, e domain.Entry) (bool, error) {
	tbl, err := entryTable(e.Type)
	if err != nil {
		return false, err
	}
	if err := s.overlapping(ctx, tx, e); err != nil {
		return false, err
	}
	var fam, baby string
	args := entryArgs(e)
	// The same id may race in from elsewhere after the check above: then
	// nothing is inserted (an error would end a PostgreSQL transaction),
	// and the row that won says whether it is this family's.
	res, err := tx.ExecContext(ctx, s.q(`INSERT INTO `+tbl+` (`+entryCols(e.Type)+`) VALUES (`+placeholders(len(args))+`) ON CONFLICT (id) DO NOTHING`), args...)
	if err != nil {
		return false, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if err := tx.QueryRowContext(ctx, s.q(`SELECT family_id, baby_id FROM `+tbl+` WHERE id = ?`), e.ID).Scan(&fam, &baby); err != nil {
			return false, err
		}
		if fam != e.FamilyID || baby != e.BabyID {
			return false, ErrConflict
		}
		return false, nil
	}
	return true, nil
}

// ErrStale refuses a version of a record older than the stored one: the
// latest edit wins, and the caller answers with the stored record.
var ErrStale = errors.New("a newer version of the record is stored")

// Saved says what SaveEntry or SaveSession did.
type Saved int

// What a save did.
const (
	Created Saved = iota
	Unchanged
	Updated
)

// SaveEntry stores an entry posted with a client-made id. A new id is
// created. An id already stored for this baby is a replay: the same
// content changes nothing; other content (a timer's stop merged offline
// into its start, say) is an update when this version is not older than
// the stored one, and ErrStale otherwise. All in one transaction, so two
// replays racing each other cannot both win.
func (s *Store) SaveEntry(ctx context.Context, e domain.Entry) (saved Saved, err error) {
	if _, err := entryTable(e.Type); err != nil {
		return 0, err
	}
	err = s.tx(ctx, func(tx *txn) error {
		if err := s.saveEntry(ctx, tx, e, &saved); err != nil || saved == Unchanged {
			return err
		}
		return s.bumpFamily(ctx, tx, e.FamilyID)
	})
	return saved, err
}

// saveEntry is SaveEntry inside its transaction.
func (s *Store) saveEntry(ctx context.Context, tx *txn, e domain.Entry, saved *Saved) error {
	tbl, _ := entryTable(e.Type)
	{
		if err := babyInFamily(ctx, s, tx, e.FamilyID, e.BabyID); err != nil {
			return err
		}
		for attempt := 0; ; attempt++ {
			// On PostgreSQL the row is locked until the end, so a racing replay
			// waits and then compares with what this one wrote.
			old, err := scanEntry(e.Type, tx.QueryRowContext(ctx, s.q(`SELECT `+entryCols(e.Type)+` FROM `+tbl+` WHERE id = ?`+s.forUpdate()), e.ID))
			switch {
			case errors.Is(err, sql.ErrNoRows):
				inserted, err := s.insertEntry(ctx, tx, e)
				if err == nil && inserted {
					err = s.emitEntry(ctx, tx, webhook.Created(e.Type), e.CreatedAt, e)
				}
				if err != nil || inserted {
					*saved = Created
					return err
				}
				if attempt > 0 {
					return ErrConflict
				}
				continue // the same id raced in from elsewhere: compare with it
			case err != nil:
				return err
			case old.FamilyID != e.FamilyID || old.BabyID != e.BabyID:
				return ErrConflict
			case sameEntry(old, e):
				*saved = Unchanged
				return nil
			case old.UpdatedAt.After(e.UpdatedAt):
				return ErrStale
			}
			*saved = Updated
			e.CreatedAt = old.CreatedAt
			return s.updateEntry(ctx, tx, e, e.UpdatedAt)
		}
	}
}

// sameEntry reports whether two versions of an entry say the same thing.
func sameEntry(a, b domain.Entry) bool {
	sameEnd := (a.EndedAt == nil) == (b.EndedAt == nil) && (a.EndedAt == nil || ms(*a.EndedAt) == ms(*b.EndedAt))
	sameStress := (a.ParentStress == nil) == (b.ParentStress == nil) && (a.ParentStress == nil || *a.ParentStress == *b.ParentStress)
	return a.CaregiverID == b.CaregiverID && a.Kind == b.Kind && ms(a.StartedAt) == ms(b.StartedAt) && sameEnd &&
		a.Notes == b.Notes && a.Held == b.Held && slices.Equal(a.NeedsChecked, b.NeedsChecked) &&
		slices.Equal(a.SoothedBy, b.SoothedBy) && sameStress
}

// UpdateEntryIfNotOlder replaces a stored entry unless the stored one was
// updated after e.UpdatedAt (then ErrStale), checked and written in one
// transaction.
func (s *Store) UpdateEntryIfNotOlder(ctx context.Context, e domain.Entry) error {
	return s.tx(ctx, func(tx *txn) error {
		if err := s.updateEntry(ctx, tx, e, e.UpdatedAt); err != nil {
			return err
		}
		return s.bumpFamily(ctx, tx, e.FamilyID)
	})
}

// UpdateEntry replaces a stored entry (stopping a timer is an update).
func (s *Store) UpdateEntry(ctx context.Context, e domain.Entry) error {
	if _, err := entryTable(e.Type); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *txn) error {
		if err := s.updateEntry(ctx, tx, e, time.Time{}); err != nil {
			return err
		}
		return s.bumpFamily(ctx, tx, e.FamilyID)
	})
}

// updateEntry writes e over the stored entry in a caller's transaction.
// With a non-zero notAfter, an entry updated after it is kept: ErrStale.
func (s *Store) updateEntry(ctx context.Context, tx *txn, e domain.Entry, notAfter time.Time) error {
	tbl, err := entryTable(e.Type)
	if err != nil {
		return err
	}
	if err := s.overlapping(ctx, tx, e); err != nil {
		return err
	}
	// A running timer stopped is an event of its own.
	wasRunning := false
	if e.EndedAt != nil {
		var end sql.NullInt64
		err := tx.QueryRowContext(ctx, s.q(`SELECT ended_at FROM `+tbl+` WHERE id = ? AND family_id = ? AND baby_id = ?`+s.forUpdate()), e.ID, e.FamilyID, e.BabyID).Scan(&end)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		wasRunning = err == nil && !end.Valid
	}
	set := `caregiver_id = ?, kind = ?, started_at = ?, ended_at = ?, notes = ?, updated_at = ?`
	args := entryArgs(e)
	vals := []any{args[3], args[4], args[5], args[6], args[7], args[9]}
	if e.Type == domain.CryingLog {
		set += `, held = ?, needs_checked = ?, soothed_by = ?, parent_stress = ?`
		vals = append(vals, args[10:]...)
	}
	where := ` WHERE id = ? AND family_id = ? AND baby_id = ?`
	vals = append(vals, e.ID, e.FamilyID, e.BabyID)
	if !notAfter.IsZero() {
		where += ` AND updated_at <= ?`
		vals = append(vals, ms(notAfter))
	}
	res, err := tx.ExecContext(ctx, s.q(`UPDATE `+tbl+` SET `+set+where), vals...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		var one int
		err := tx.QueryRowContext(ctx, s.q(`SELECT 1 FROM `+tbl+` WHERE id = ? AND family_id = ? AND baby_id = ?`), e.ID, e.FamilyID, e.BabyID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		} else if err != nil {
			return err
		}
		return ErrStale
	}
	if wasRunning {
		return s.emitEntry(ctx, tx, webhook.Ended(e.Type), e.UpdatedAt, e)
	}
	return nil
}

// DeleteEntry removes an entry.
func (s *Store) DeleteEntry(ctx context.Context, t domain.EntryType, familyID, babyID, id string) error {
	tbl, err := entryTable(t)
	if err != nil {
		return err
	}
	return affected(s.execFamily(ctx, familyID, s.q(`DELETE FROM `+tbl+` WHERE id = ? AND family_id = ? AND baby_id = ?`), id, familyID, babyID))
}

// Entry returns one entry of a log.
func (s *Store) Entry(ctx context.Context, t domain.EntryType, familyID, babyID, id string) (domain.Entry, error) {
	tbl, err := entryTable(t)
	if err != nil {
		return domain.Entry{}, err
	}
	e, err := scanEntry(t, s.r.QueryRowContext(ctx, s.q(`SELECT `+entryCols(t)+` FROM `+tbl+` WHERE id = ? AND family_id = ? AND baby_id = ?`), id, familyID, babyID))
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	return e, err
}

// Entries lists a log's entries for a baby newest first, paged.
func (s *Store) Entries(ctx context.Context, t domain.EntryType, familyID, babyID string, p Page) ([]domain.Entry, string, error) {
	tbl, err := entryTable(t)
	if err != nil {
		return nil, "", err
	}
	where, args, limit, err := p.filter("started_at")
	if err != nil {
		return nil, "", err
	}
	out, err := s.queryEntries(ctx, t, familyID, babyID, limit+1, `SELECT `+listCols(t)+` FROM `+tbl+` WHERE family_id = ? AND baby_id = ?`+where+
		` ORDER BY started_at DESC, id DESC LIMIT ?`, append(append([]any{familyID, babyID}, args...), limit+1)...)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		last := out[limit-1]
		next = cursor{ms(last.StartedAt), last.ID}.encode()
	}
	return out, next, nil
}

// EntriesDuring lists the entries of a log whose span meets [from, to),
// oldest first — a day view needs the ones that began the evening before.
func (s *Store) EntriesDuring(ctx context.Context, t domain.EntryType, familyID, babyID string, from, to time.Time) ([]domain.Entry, error) {
	tbl, err := entryTable(t)
	if err != nil {
		return nil, err
	}
	// Entries last at most 24 h, so the lower bound keeps the index useful.
	return s.queryEntries(ctx, t, familyID, babyID, 0, `SELECT `+listCols(t)+` FROM `+tbl+` WHERE family_id = ? AND baby_id = ?
		AND started_at < ? AND started_at >= ? AND (ended_at IS NULL OR ended_at > ?) ORDER BY started_at, id`,
		familyID, babyID, ms(to), ms(from.Add(-domain.MaxSpan)), ms(from))
}

// Running lists the baby's running timers of every log, oldest first.
func (s *Store) Running(ctx context.Context, familyID, babyID string) ([]domain.Entry, error) {
	var out []domain.Entry
	for _, t := range []domain.EntryType{domain.TouchLog, domain.SleepLog, domain.CryingLog} {
		// No ORDER BY: with one, SQLite prefers the (family, baby,
		// started_at) index and walks the baby's whole history; the
		// partial index of running timers holds a row or two.
		list, err := s.queryEntries(ctx, t, familyID, babyID, 0, runningQuery(t), familyID, babyID)
		if err != nil {
			return nil, err
		}
		slices.SortFunc(list, func(a, b domain.Entry) int { return a.StartedAt.Compare(b.StartedAt) })
		out = append(out, list...)
	}
	return out, nil
}

// overlapQueries look for a finished entry begun in the day before the
// new one (entries last at most a day) and for a running timer. The
// second has neither ORDER BY nor a bound on started_at (the caller
// checks it): either would make SQLite walk the (family, baby, started_at)
// index over the whole history instead of the partial index that holds
// only running timers.
func overlapQueries(t domain.EntryType, kind string) (finished, running string) {
	tbl, _ := entryTable(t)
	finished = `SELECT ` + entryCols(t) + ` FROM ` + tbl + ` WHERE family_id = ? AND baby_id = ? AND id <> ?
		AND started_at < ? AND started_at >= ? AND ended_at > ?` + kind + ` ORDER BY started_at LIMIT 1`
	running = runningQuery(t) + ` AND id <> ?` + kind
	return finished, running
}

func runningQuery(t domain.EntryType) string {
	tbl, _ := entryTable(t)
	return `SELECT ` + listCols(t) + ` FROM ` + tbl + ` WHERE family_id = ? AND baby_id = ? AND ended_at IS NULL`
}

// queryEntries reads listCols rows of one baby's log (query selects by
// family_id and baby_id), with room for capacity entries.
func (s *Store) queryEntries(ctx context.Context, t domain.EntryType, familyID, babyID string, capacity int, query string, args ...any) ([]domain.Entry, error) {
	rows, err := s.r.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]domain.Entry, 0, capacity)
	for rows.Next() {
		out = append(out, domain.Entry{Type: t, FamilyID: familyID, BabyID: babyID})
		if err := scanInto(t, rows, &out[len(out)-1], false); err != nil {
			return nil, err
		}
	}
	return out, rows.Err()
}

func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }
