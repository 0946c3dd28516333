package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"nurture/internal/domain"
	"nurture/internal/store"
)

func init() {
	logCases = append(logCases, struct {
		name string
		fn   func(t *testing.T, s *store.Store)
	}{"Entries", testEntries})
}

func span(typ domain.EntryType, f domain.Family, b domain.Baby, user, kind string, from, to int) domain.Entry {
	e := domain.Entry{Type: typ, ID: uuid.NewString(), FamilyID: f.ID, BabyID: b.ID, CaregiverID: user, Kind: kind,
		StartedAt: t0.Add(time.Duration(from) * time.Minute), CreatedAt: t0, UpdatedAt: t0}
	if to >= 0 {
		end := t0.Add(time.Duration(to) * time.Minute)
		e.EndedAt = &end
	}
	return e
}

func testEntries(t *testing.T, s *store.Store) {
	ctx := context.Background()
	f, u := seedFamily(t, s, "a@example.org")
	other, _ := seedFamily(t, s, "z@example.org")
	b := seedBaby(t, s, f)
	ob := seedBaby(t, s, other)
	put := func(e domain.Entry) error { _, err := s.PutEntry(ctx, e); return err }

	skin := span(domain.TouchLog, f, b, u.ID, "skin_to_skin", 0, 30)
	if err := put(skin); err != nil {
		t.Fatal(err)
	}
	var o *domain.Overlap
	tests := []struct {
		name    string
		e       domain.Entry
		overlap bool
	}{
		{"same kind inside", span(domain.TouchLog, f, b, u.ID, "skin_to_skin", 10, 20), true},
		{"same kind covering", span(domain.TouchLog, f, b, u.ID, "skin_to_skin", -10, 40), true},
		{"same kind after, touching", span(domain.TouchLog, f, b, u.ID, "skin_to_skin", 30, 40), false},
		{"other kind at the same time", span(domain.TouchLog, f, b, u.ID, "holding", 10, 20), false},
		{"running timer started before the end", span(domain.TouchLog, f, b, u.ID, "skin_to_skin", 29, -1), true},
		{"sleep is its own log", span(domain.SleepLog, f, b, u.ID, "", 0, 30), false},
	}
	for _, tc := range tests {
		err := put(tc.e)
		if got := errors.As(err, &o); got != tc.overlap {
			t.Errorf("%s: overlap=%v err=%v", tc.name, got, err)
		}
		if tc.overlap && o.Entry.ID != skin.ID {
			t.Errorf("%s: names entry %s, want %s", tc.name, o.Entry.ID, skin.ID)
		}
	}
	// A running timer blocks any later entry of its kind.
	timer := span(domain.SleepLog, f, b, u.ID, "", 100, -1)
	if err := put(timer); err != nil {
		t.Fatal(err)
	}
	if err := put(span(domain.SleepLog, f, b, u.ID, "", 200, 210)); !errors.As(err, &o) || o.Entry.ID != timer.ID {
		t.Fatalf("entry after a running timer: %v", err)
	}
	run, err := s.Running(ctx, f.ID, b.ID)
	if err != nil || len(run) != 1 || run[0].ID != timer.ID {
		t.Fatalf("running: %+v %v", run, err)
	}
	// Stopping the timer is an update.
	end := t0.Add(150 * time.Minute)
	timer.EndedAt = &end
	if err := s.UpdateEntry(ctx, timer); err != nil {
		t.Fatal(err)
	}
	if run, _ := s.Running(ctx, f.ID, b.ID); len(run) != 0 {
		t.Fatalf("timer still running: %+v", run)
	}
	// An update is checked against the others but not against itself.
	skin.Notes = "edited"
	if err := s.UpdateEntry(ctx, skin); err != nil {
		t.Fatalf("self overlap on update: %v", err)
	}
	// Crying keeps its own fields.
	stress := 4
	cry := span(domain.CryingLog, f, b, u.ID, "", 300, 320)
	cry.Held, cry.NeedsChecked, cry.SoothedBy, cry.ParentStress = true, []string{"hungry", "wind"}, []string{"walking"}, &stress
	if err := put(cry); err != nil {
		t.Fatal(err)
	}
	got, err := s.Entry(ctx, domain.CryingLog, f.ID, b.ID, cry.ID)
	if err != nil || !got.Held || len(got.NeedsChecked) != 2 || got.SoothedBy[0] != "walking" || *got.ParentStress != 4 || got.EndedAt == nil {
		t.Fatalf("crying: %+v %v", got, err)
	}
	// Replays, conflicts and other families.
	if created, err := s.PutEntry(ctx, cry); err != nil || created {
		t.Fatalf("replay: %v %v", created, err)
	}
	stolen := span(domain.CryingLog, other, ob, u.ID, "", 0, 5)
	stolen.ID = cry.ID
	if err := put(stolen); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("id across families: %v", err)
	}
	if err := put(span(domain.TouchLog, f, ob, u.ID, "holding", 0, 5)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("entry for another family's baby: %v", err)
	}
	if _, err := s.Entry(ctx, domain.CryingLog, other.ID, ob.ID, cry.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("read across families: %v", err)
	}
	if err := s.DeleteEntry(ctx, domain.CryingLog, other.ID, ob.ID, cry.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("delete across families: %v", err)
	}
	// A day window includes an entry that began the evening before.
	during, err := s.EntriesDuring(ctx, domain.TouchLog, f.ID, b.ID, t0.Add(25*time.Minute), t0.Add(60*time.Minute))
	if err != nil || len(during) != 2 {
		t.Fatalf("during: %d %v", len(during), err)
	}
	list, next, err := s.Entries(ctx, domain.TouchLog, f.ID, b.ID, store.Page{Limit: 1})
	if err != nil || len(list) != 1 || next == "" {
		t.Fatalf("entries page: %d %q %v", len(list), next, err)
	}
	if err := s.DeleteEntry(ctx, domain.CryingLog, f.ID, b.ID, cry.ID); err != nil {
		t.Fatal(err)
	}
}
