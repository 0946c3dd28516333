package demo_test

import (
	"context"
	"testing"
	"time"

	"nurture/internal/apptest"
	"nurture/internal/content"
	"nurture/internal/demo"
	"nurture/internal/domain"
	"nurture/internal/store"
)

func TestDemoCreatesAndResets(t *testing.T) {
	st := apptest.OpenSQLite(t)
	ctx := context.Background()
	lib := content.MustLoad()
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	first, err := demo.Create(ctx, st, lib, "hash", now)
	if err != nil {
		t.Fatal(err)
	}
	if first.Sessions < demo.Days/2 || first.Entries < demo.Days*10 {
		t.Fatalf("too little data: %+v", first)
	}
	// Every record passes the same checks as one typed by a parent.
	known := func(id string) bool { _, ok := lib.Stroke(id); return ok }
	knownR := func(id string) bool { _, ok := lib.Routine(id); return ok }
	snap, err := st.Export(ctx, first.FamilyID)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range snap.Sessions {
		if fe := s.Validate(now, known, knownR); !fe.OK() {
			t.Fatalf("session %v: %v", s.StartedAt, fe)
		}
	}
	for _, e := range snap.Entries {
		if fe := e.Validate(e.StartedAt.Add(25 * time.Hour)); !fe.OK() && e.EndedAt != nil {
			t.Fatalf("entry %v %v: %v", e.Type, e.StartedAt, fe)
		}
	}
	if len(snap.Members) != 3 || len(snap.Moments) != 1 {
		t.Fatalf("members %d, moments %d", len(snap.Members), len(snap.Moments))
	}
	outcomes := map[domain.Outcome]int{}
	for _, s := range snap.Sessions {
		outcomes[s.Outcome]++
	}
	if outcomes[domain.BabyDeclined] == 0 || outcomes[domain.Completed] == 0 {
		t.Fatalf("want varied outcomes: %v", outcomes)
	}
	// Running it again replaces the demo family instead of adding one.
	second, err := demo.Create(ctx, st, lib, "hash", now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Family(ctx, first.FamilyID); err != store.ErrNotFound {
		t.Fatalf("old demo family still there: %v", err)
	}
	if second.Sessions != first.Sessions || second.Entries != first.Entries {
		t.Fatalf("the demo should be the same each time: %+v vs %+v", first, second)
	}
}
