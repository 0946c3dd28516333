package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"time"
)

// Hit counts one attempt under each key and returns each key's count in
// its window, this attempt included, in the order of keys. A key's window
// opens at its first attempt and lasts window; the next attempt after it
// opens a new one. Each count is one statement (an upsert that returns the
// new count), so concurrent attempts, on one instance or many, each see a
// different count and at most the limit's worth of them pass.
func (s *Store) Hit(ctx context.Context, now time.Time, window time.Duration, keys ...string) ([]int, error) {
	counts := make([]int, len(keys))
	// Rows are locked in key order, so two hits never wait on each other
	// in a circle.
	order := make([]int, len(keys))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		if keys[a] < keys[b] {
			return -1
		} else if keys[a] > keys[b] {
			return 1
		}
		return 0
	})
	err := s.tx(ctx, func(tx *txn) error {
		expired := ms(now.Add(-window))
		for _, i := range order {
			err := tx.QueryRowContext(ctx, s.q(`INSERT INTO rate_limits (key, window_start, hits) VALUES (?, ?, 1)
				ON CONFLICT (key) DO UPDATE SET
					hits = CASE WHEN rate_limits.window_start <= ? THEN 1 ELSE rate_limits.hits + 1 END,
					window_start = CASE WHEN rate_limits.window_start <= ? THEN excluded.window_start ELSE rate_limits.window_start END
				RETURNING hits`), keys[i], ms(now), expired, expired).Scan(&counts[i])
			if err != nil {
				return err
			}
		}
		// Windows over a day old serve no limit; drop them here instead of
		// in a janitor.
		_, err := tx.ExecContext(ctx, s.q(`DELETE FROM rate_limits WHERE window_start < ?`), ms(now.Add(-24*time.Hour)))
		return err
	})
	return counts, err
}

// Unhit takes back one attempt under key: one that was counted but never
// checked (the server was busy), or that succeeded and should not count.
func (s *Store) Unhit(ctx context.Context, key string) error {
	_, err := s.w.ExecContext(ctx, s.q(`UPDATE rate_limits SET hits = hits - 1 WHERE key = ? AND hits > 0`), key)
	return err
}

// ClearHits forgets the attempts under key, after a good login.
func (s *Store) ClearHits(ctx context.Context, key string) error {
	_, err := s.w.ExecContext(ctx, s.q(`DELETE FROM rate_limits WHERE key = ?`), key)
	return err
}

// LoginFailures is the count under key in the window that opened at or
// after since; 0 if none. Good logins clear or take back their attempt,
// so for a login key it counts the failures.
func (s *Store) LoginFailures(ctx context.Context, key string, since time.Time) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, s.q(`SELECT hits FROM rate_limits WHERE key = ? AND window_start >= ?`), key, ms(since)).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return n, err
}
