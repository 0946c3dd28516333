package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"nurture/internal/apptest"
	"nurture/internal/store"
)

// TestDatabaseFaults checks that when the database cannot take writes —
// read-only, full, or locked past the busy timeout — the server answers
// 503 with a clear message, stores no partial record, and recovers as soon
// as the condition clears.
func TestDatabaseFaults(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(context.Background(), store.Options{DataDir: dir, BusyTimeout: 150 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	a := apptest.NewOn(t, st)
	f := a.Signup("ann@example.org", "Ann", "Fam")
	baby := a.Baby(f, "Lou", "2026-09-01")
	n := 0
	post := func() apptest.Response {
		n++
		start := apptest.Now().Add(-time.Duration(n) * 2 * time.Hour).UTC()
		return a.API("POST", "/api/v1/babies/"+baby+"/sessions", f.Token, fmt.Sprintf(
			`{"started_at":%q,"ended_at":%q,"outcome":"completed","steps":[{"stroke_id":"toe_roll","response":"engaged"},{"stroke_id":"marching","response":"neutral"}]}`,
			start.Format(time.RFC3339), start.Add(10*time.Minute).Format(time.RFC3339)))
	}
	count := func() int {
		var c int
		store.DB(st).QueryRow(`SELECT COUNT(*) FROM massage_sessions`).Scan(&c)
		var whole int
		store.DB(st).QueryRow(`SELECT COUNT(*) FROM massage_sessions WHERE steps = 'toe_roll:engaged,marching:neutral'`).Scan(&whole)
		if whole != c {
			t.Fatalf("partial record: %d sessions but %d with their steps", c, whole)
		}
		return c
	}
	b := a.Browser()
	b.Login("ann@example.org", "correct horse battery")

	var locker *sql.DB
	faults := []struct {
		name       string
		start, end func() error
	}{
		{"read-only", func() error { return store.SetQueryOnly(st, true) }, func() error { return store.SetQueryOnly(st, false) }},
		{"disk full", func() error {
			pages, err := store.PageCount(st)
			if err != nil {
				return err
			}
			return store.SetMaxPages(st, pages)
		}, func() error { return store.SetMaxPages(st, 1<<30) }},
		{"locked", func() error {
			var err error
			locker, err = sql.Open("sqlite", "file:"+store.Path(st, dir)+"?_pragma=busy_timeout(100)")
			if err != nil {
				return err
			}
			locker.SetMaxOpenConns(1)
			_, err = locker.Exec("BEGIN EXCLUSIVE")
			return err
		}, func() error {
			_, err := locker.Exec("COMMIT")
			locker.Close()
			return err
		}},
	}
	if r := post(); r.Status != http.StatusCreated {
		t.Fatalf("before faults: %d %s", r.Status, r.Body)
	}
	for _, fault := range faults {
		t.Run(fault.name, func(t *testing.T) {
			before := count()
			if err := fault.start(); err != nil {
				t.Fatal(err)
			}
			ended := false
			end := func() {
				if !ended {
					ended = true
					if err := fault.end(); err != nil {
						t.Fatal(err)
					}
				}
			}
			defer end()
			// The disk-full fault needs a write that grows the file, so
			// try a few; every answer must be 201 or 503, never 500.
			got503 := false
			for i := 0; i < 40 && !got503; i++ {
				r := post()
				switch r.Status {
				case http.StatusServiceUnavailable:
					got503 = true
					if !strings.Contains(r.Body, "Nothing was saved") || r.Header.Get("Retry-After") == "" {
						t.Fatalf("503 without a clear message: %s", r.Body)
					}
				case http.StatusCreated:
					before++
				default:
					t.Fatalf("write during %s: %d %s", fault.name, r.Status, r.Body)
				}
			}
			if !got503 {
				t.Fatalf("no 503 during %s", fault.name)
			}
			// A page that writes answers 503 too, as a page (a small
			// write may still fit on the "full" disk: try a few).
			pageOK := false
			for i := 0; i < 40 && !pageOK; i++ {
				r := b.Post("/babies/new", map[string][]string{"name": {"Tom"}, "birth_date": {"2026-10-01"}})
				switch {
				case r.Status == http.StatusServiceUnavailable && strings.Contains(r.Body, "<html"):
					pageOK = true
				case r.Status != http.StatusSeeOther:
					t.Fatalf("page write during %s: %d", fault.name, r.Status)
				}
			}
			if !pageOK {
				t.Fatalf("no 503 page during %s", fault.name)
			}
			end()
			if got := count(); got != before {
				t.Fatalf("%d sessions stored, want %d", got, before)
			}
			if r := post(); r.Status != http.StatusCreated {
				t.Fatalf("no recovery after %s: %d %s", fault.name, r.Status, r.Body)
			}
		})
	}
}
