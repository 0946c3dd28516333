package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// Statements are prepared once per text, including those first seen in a
// transaction, which must not wait for the writer's only connection.
func TestStatementsPreparedOnce(t *testing.T) {
	s, err := Open(context.Background(), Options{DataDir: filepath.Join(t.TempDir(), "d")})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	const read = `SELECT COUNT(*) FROM families WHERE id = ?`
	for range 3 {
		var n int
		if err := s.r.QueryRowContext(ctx, read, "x").Scan(&n); err != nil {
			t.Fatal(err)
		}
	}
	if s.r.cached(read) == nil {
		t.Fatal("a read was not kept prepared")
	}
	const write = `INSERT INTO families (id, name, timezone, created_at) VALUES (?, ?, 'UTC', 0)`
	for i := range 3 {
		err := s.tx(ctx, func(tx *txn) error {
			_, err := tx.ExecContext(ctx, write, fmt.Sprint("f", i), "F")
			return err
		})
		if err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
		if s.w.cached(write) == nil {
			t.Fatalf("after write %d the insert is not prepared", i)
		}
	}
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM families`).Scan(&n); err != nil || n != 3 {
		t.Fatalf("families: %d %v", n, err)
	}
}
