package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"nurture/internal/domain"
)

// History is a baby's records over a window, for the insights: sessions
// begun in it (with their steps), and the entries of each log begun in it
// or up to a day before (a span may reach into the window).
type History struct {
	Sessions []domain.Session
	Touch    []domain.Entry
	Sleep    []domain.Entry
	Crying   []domain.Entry
}

// Each query walks the (family_id, baby_id, started_at, id) index of its
// table over one range, so the cost follows the window, not the history.
const (
	historySessionsQuery = `SELECT ` + sessionCols + ` FROM massage_sessions
		WHERE family_id = ? AND baby_id = ? AND started_at >= ? AND started_at < ? ORDER BY started_at, id`
	// Steps in the sessions' order, so they are matched in one pass.
	historyStepsQuery = `SELECT s.id, st.stroke_id, st.response FROM massage_sessions s
		JOIN session_steps st ON st.session_id = s.id
		WHERE s.family_id = ? AND s.baby_id = ? AND s.started_at >= ? AND s.started_at < ? ORDER BY s.started_at, s.id, st.position`
)

func historyEntriesQuery(t domain.EntryType) string {
	tbl, _ := entryTable(t)
	return `SELECT ` + entryCols(t) + ` FROM ` + tbl + ` WHERE family_id = ? AND baby_id = ? AND started_at >= ? AND started_at < ? ORDER BY started_at, id`
}

var historyLogs = []domain.EntryType{domain.TouchLog, domain.SleepLog, domain.CryingLog}

// SessionsBetween lists a baby's sessions begun in [from, to), oldest
// first, with their steps, in two queries.
func (s *Store) SessionsBetween(ctx context.Context, familyID, babyID string, from, to time.Time) ([]domain.Session, error) {
	args := []any{familyID, babyID, ms(from), ms(to)}
	rows, err := s.r.QueryContext(ctx, s.q(historySessionsQuery), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []domain.Session{}
	for rows.Next() {
		x, err := scanSession(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	return out, s.historySteps(ctx, out, args)
}

// historySteps fills the steps of sessions listed by historySessionsQuery;
// stroke ids and responses repeat, so they are interned.
func (s *Store) historySteps(ctx context.Context, list []domain.Session, args []any) error {
	if len(list) == 0 {
		return nil
	}
	idx := make(map[string]int, len(list))
	for i, x := range list {
		idx[x.ID] = i
	}
	rows, err := s.r.QueryContext(ctx, s.q(historyStepsQuery), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	words := map[string]string{}
	intern := func(b sql.RawBytes) string {
		if v, ok := words[string(b)]; ok {
			return v
		}
		v := string(b)
		words[v] = v
		return v
	}
	var sid, stroke, response sql.RawBytes
	for rows.Next() {
		if err := rows.Scan(&sid, &stroke, &response); err != nil {
			return err
		}
		i, ok := idx[string(sid)]
		if !ok {
			continue // a session stored between the two queries
		}
		list[i].Steps = append(list[i].Steps, domain.SessionStep{StrokeID: intern(stroke), Response: domain.Response(intern(response))})
	}
	return rows.Err()
}

// History loads a baby's records for the insights of [from, to).
func (s *Store) History(ctx context.Context, familyID, babyID string, from, to time.Time) (History, error) {
	var h History
	var err error
	if h.Sessions, err = s.SessionsBetween(ctx, familyID, babyID, from, to); err != nil {
		return h, err
	}
	// Entries last at most a day, so one begun a day early may reach in.
	since := from.Add(-domain.MaxSpan)
	for _, t := range historyLogs {
		list, err := s.queryEntries(ctx, t, historyEntriesQuery(t), familyID, babyID, ms(since), ms(to))
		if err != nil {
			return h, err
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
	return h, nil
}

// ExplainHistory returns the query plan of each query History runs, as
// text, so tests can check on both databases that the indexes are used.
func (s *Store) ExplainHistory(ctx context.Context, familyID, babyID string, from, to time.Time) (map[string]string, error) {
	args := []any{familyID, babyID, ms(from), ms(to)}
	queries := map[string]string{"sessions": historySessionsQuery, "steps": historyStepsQuery}
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
