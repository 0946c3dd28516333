package store

import (
	"context"
	"fmt"
	"time"

	"nurture/internal/domain"
)

// ExplainHot returns the query plans of the statements that run on most
// requests (running timers on every baby page, the overlap checks of every
// write, the sessions list), by name, so a test can check on both
// databases that each one is served by the index meant for it. A plan
// that walks a baby's whole history looks fine on a test database and is
// the largest cost on a real one.
func (s *Store) ExplainHot(ctx context.Context) (map[string]string, error) {
	prefix := "EXPLAIN QUERY PLAN "
	if s.d == Postgres {
		prefix = "EXPLAIN "
	}
	now := ms(time.Now())
	queries := map[string]struct {
		query string
		args  []any
	}{
		"sessions list": {sessionsListQuery(""), []any{"f", "b", 101}},
	}
	for _, t := range historyLogs {
		kind, kindArg := "", []any{}
		if t == domain.TouchLog {
			kind, kindArg = ` AND kind = ?`, []any{"skin_to_skin"}
		}
		queries["running "+string(t)] = struct {
			query string
			args  []any
		}{runningQuery(t), []any{"f", "b"}}
		finished, running := overlapQueries(t, kind)
		queries["overlap finished "+string(t)] = struct {
			query string
			args  []any
		}{finished, append([]any{"f", "b", "e", now, now - 86400000, now - 3600000}, kindArg...)}
		queries["overlap running "+string(t)] = struct {
			query string
			args  []any
		}{running, append([]any{"f", "b", "e"}, kindArg...)}
	}
	out := map[string]string{}
	for name, q := range queries {
		plan, err := s.explain(ctx, prefix+q.query, q.args)
		if err != nil {
			return nil, fmt.Errorf("explain %s: %w", name, err)
		}
		out[name] = plan
	}
	return out, nil
}
