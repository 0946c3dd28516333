package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"nurture/internal/domain"
)

// History is a baby's records over a window, for the insights: sessions
// begun in it with their steps, and the entries of each log begun in it or
// up to a day before (a span may reach into the window). To stay fast over
// long histories it carries only what the insights use: sessions without
// notes and record times, entries with their id, caregiver, kind and span.
type History struct {
	Sessions []domain.Session
	Touch    []domain.Entry
	Sleep    []domain.Entry
	Crying   []domain.Entry
}

// Each query walks the (family_id, baby_id, started_at, id) index of its
// table over one range, so the cost follows the window, not the history.
const (
	historySessionsQuery = `SELECT s.id, s.caregiver_id, s.routine_id, s.started_at, s.ended_at, s.outcome,
		s.parent_calm_before, s.parent_calm_after, s.fell_asleep_after_min, s.steps
		FROM massage_sessions s WHERE s.family_id = ? AND s.baby_id = ? AND s.started_at >= ? AND s.started_at < ? ORDER BY s.started_at, s.id`
)

func historyEntriesQuery(t domain.EntryType) string {
	tbl, _ := entryTable(t)
	return `SELECT id, caregiver_id, kind, started_at, ended_at FROM ` + tbl + `
		WHERE family_id = ? AND baby_id = ? AND started_at >= ? AND started_at < ? ORDER BY started_at, id`
}

var historyLogs = []domain.EntryType{domain.TouchLog, domain.SleepLog, domain.CryingLog}

// SessionsBetween lists a baby's sessions begun in [from, to), oldest
// first, with their steps, as History does (no notes or record times).
func (s *Store) SessionsBetween(ctx context.Context, familyID, babyID string, from, to time.Time) ([]domain.Session, error) {
	rows, err := s.r.QueryContext(ctx, s.q(historySessionsQuery), familyID, babyID, ms(from), ms(to))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	// Stroke ids, responses, routines and caregivers repeat: share them.
	words := map[string]string{}
	intern := func(b []byte) string {
		if v, ok := words[string(b)]; ok {
			return v
		}
		v := string(b)
		words[v] = v
		return v
	}
	out := []domain.Session{}
	var caregiver, routine, outcome, steps sql.RawBytes
	for rows.Next() {
		x := domain.Session{FamilyID: familyID, BabyID: babyID}
		var st, en int64
		var before, after, asleep sql.NullInt64
		if err := rows.Scan(&x.ID, &caregiver, &routine, &st, &en, &outcome, &before, &after, &asleep, &steps); err != nil {
			return nil, err
		}
		x.CaregiverID, x.RoutineID, x.Outcome = intern(caregiver), intern(routine), domain.Outcome(intern(outcome))
		x.StartedAt, x.EndedAt = fromMS(st), fromMS(en)
		x.ParentCalmBefore, x.ParentCalmAfter, x.FellAsleepAfterMin = intPtr(before), intPtr(after), intPtr(asleep)
		if len(steps) > 0 {
			var err error
			if x.Steps, err = parseSteps(steps, intern); err != nil {
				return nil, fmt.Errorf("session %s: %w", x.ID, err)
			}
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// History loads a baby's records for the insights of [from, to). The
// sessions and the entries are read at the same time on two connections:
// each half is mostly the driver's per-row work, and a server has cores.
func (s *Store) History(ctx context.Context, familyID, babyID string, from, to time.Time) (History, error) {
	var h History
	done := make(chan error, 1)
	go func() {
		var err error
		h.Sessions, err = s.SessionsBetween(ctx, familyID, babyID, from, to)
		done <- err
	}()
	err := s.historyLogs(ctx, &h, familyID, babyID, from, to)
	err = errors.Join(err, <-done) // before h is read: the sessions land in it
	return h, err
}

func (s *Store) historyLogs(ctx context.Context, h *History, familyID, babyID string, from, to time.Time) error {
	// Entries last at most a day, so one begun a day early may reach in.
	since := from.Add(-domain.MaxSpan)
	for _, t := range historyLogs {
		list, err := s.historyEntries(ctx, t, familyID, babyID, since, to)
		if err != nil {
			return err
		}
		switch t {
		case domain.TouchLog:
			h.Touch = list
		case domain.SleepLog:
			h.Sleep = list
		case domain.CryingLog:
			h.Crying = list
		}
	}
	return nil
}

func (s *Store) historyEntries(ctx context.Context, t domain.EntryType, familyID, babyID string, from, to time.Time) ([]domain.Entry, error) {
	rows, err := s.r.QueryContext(ctx, s.q(historyEntriesQuery(t)), familyID, babyID, ms(from), ms(to))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	words := map[string]string{}
	out := []domain.Entry{}
	var caregiver, kind sql.RawBytes
	for rows.Next() {
		e := domain.Entry{Type: t, FamilyID: familyID, BabyID: babyID}
		var st int64
		var en sql.NullInt64
		if err := rows.Scan(&e.ID, &caregiver, &kind, &st, &en); err != nil {
			return nil, err
		}
		for _, f := range []struct {
			dst *string
			b   sql.RawBytes
		}{{&e.CaregiverID, caregiver}, {&e.Kind, kind}} {
			v, ok := words[string(f.b)]
			if !ok {
				v = string(f.b)
				words[v] = v
			}
			*f.dst = v
		}
		e.StartedAt, e.EndedAt = fromMS(st), nullMS(en)
		out = append(out, e)
	}
	return out, rows.Err()
}

// ExplainHistory returns the query plan of each query History runs, as
// text, so tests can check on both databases that the indexes are used.
func (s *Store) ExplainHistory(ctx context.Context, familyID, babyID string, from, to time.Time) (map[string]string, error) {
	args := []any{familyID, babyID, ms(from), ms(to)}
	queries := map[string]string{"sessions": historySessionsQuery}
	for _, t := range historyLogs {
		queries[string(t)] = historyEntriesQuery(t)
	}
	prefix := "EXPLAIN QUERY PLAN "
	if s.d == Postgres {
		prefix = "EXPLAIN "
	}
	out := map[string]string{}
	for name, q := range queries {
		plan, err := s.explain(ctx, prefix+q, args)
		if err != nil {
			return nil, fmt.Errorf("explain %s: %w", name, err)
		}
		out[name] = plan
	}
	return out, nil
}

func (s *Store) explain(ctx context.Context, query string, args []any) (string, error) {
	conn, err := s.r.Conn(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	if s.d == Postgres {
		// Test tables are tiny, where a sequential scan is cheaper; ask
		// whether the index can serve the query at all.
		if _, err := conn.ExecContext(ctx, `SET enable_seqscan = off`); err != nil {
			return "", err
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `RESET enable_seqscan`)
	}
	rows, err := conn.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return "", err
		}
		// SQLite answers (id, parent, notused, detail); PostgreSQL one line.
		fmt.Fprintln(&b, vals[len(vals)-1])
	}
	return b.String(), rows.Err()
}
