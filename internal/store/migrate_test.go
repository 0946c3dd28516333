package store_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"github.com/pressly/goose/v3"

	"nurture/internal/apptest"
)

// Migration 6 moves each session's steps into its row, in position order
// whatever order they were stored in, on both databases.
func TestStepsMoveIntoTheirSessionSQLite(t *testing.T) {
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "old.db"))
	if err != nil {
		t.Fatal(err)
	}
	checkStepsMigration(t, db, goose.DialectSQLite3, "sqlite")
}

func TestStepsMoveIntoTheirSessionPostgres(t *testing.T) {
	db, err := sql.Open("pgx", apptest.PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	checkStepsMigration(t, db, goose.DialectPostgres, "postgres")
}

func checkStepsMigration(t *testing.T, db *sql.DB, d goose.Dialect, folder string) {
	t.Helper()
	defer db.Close()
	ctx := context.Background()
	p, err := goose.NewProvider(d, db, os.DirFS(filepath.Join("migrations", folder)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 5); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO families (id, name, timezone, created_at) VALUES ('f', 'F', 'UTC', 0)`,
		`INSERT INTO babies (id, family_id, name, birth_date, gestation_weeks, created_at) VALUES ('b', 'f', 'Lou', '2026-01-01', 40, 0)`,
		`INSERT INTO massage_sessions (id, family_id, baby_id, caregiver_id, started_at, ended_at, outcome, created_at, updated_at)
			VALUES ('s1', 'f', 'b', 'u', 1, 2, 'completed', 0, 0), ('s2', 'f', 'b', 'u', 3, 4, 'baby_declined', 0, 0)`,
		// Stored out of order on purpose.
		`INSERT INTO session_steps (session_id, position, stroke_id, response) VALUES
			('s1', 2, 'marching', 'disengaged'), ('s1', 0, 'permission_ritual', 'engaged'), ('s1', 1, 'toe_roll', 'neutral')`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"s1": "permission_ritual:engaged,toe_roll:neutral,marching:disengaged", "s2": ""}
	for id, steps := range want {
		var got string
		if err := db.QueryRowContext(ctx, `SELECT steps FROM massage_sessions WHERE id = '`+id+`'`).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != steps {
			t.Errorf("%s: steps %q, want %q", id, got, steps)
		}
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM session_steps`).Scan(&n); err == nil {
		t.Error("session_steps still exists")
	}
}
