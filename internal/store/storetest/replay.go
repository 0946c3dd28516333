package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
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
	}{"ReplaysAndEdits", testReplaysAndEdits})
}

// A replayed entry whose content differs is an update under the latest
// edit rule, never a silent no-op; a conditional edit never overwrites a
// newer one, even when many race.
func testReplaysAndEdits(t *testing.T, s *store.Store) {
	ctx := context.Background()
	f, u := seedFamily(t, s, "a@example.org")
	b := seedBaby(t, s, f)
	start := t0.Add(-time.Hour)
	e := domain.Entry{Type: domain.TouchLog, ID: uuid.NewString(), FamilyID: f.ID, BabyID: b.ID, CaregiverID: u.ID, Kind: "skin_to_skin",
		StartedAt: start, CreatedAt: t0, UpdatedAt: t0}
	if saved, err := s.SaveEntry(ctx, e); err != nil || saved != store.Created {
		t.Fatalf("start: %v %v", saved, err)
	}
	if saved, err := s.SaveEntry(ctx, e); err != nil || saved != store.Unchanged {
		t.Fatalf("same again: %v %v", saved, err)
	}
	// The stop, merged offline into the start and sent later.
	stop := e
	end := start.Add(20 * time.Minute)
	stop.EndedAt, stop.UpdatedAt = &end, t0.Add(time.Minute)
	if saved, err := s.SaveEntry(ctx, stop); err != nil || saved != store.Updated {
		t.Fatalf("stop replayed: %v %v", saved, err)
	}
	got, _ := s.Entry(ctx, domain.TouchLog, f.ID, b.ID, e.ID)
	if got.EndedAt == nil || !got.EndedAt.Equal(end) {
		t.Fatalf("the stop was lost: %+v", got)
	}
	// An older version with other content does not win.
	old := e
	old.Notes, old.UpdatedAt = "older", t0.Add(-time.Minute)
	if _, err := s.SaveEntry(ctx, old); !errors.Is(err, store.ErrStale) {
		t.Fatalf("older replay: %v", err)
	}
	// Another family's id is a conflict.
	f2, u2 := seedFamily(t, s, "z@example.org")
	b2 := seedBaby(t, s, f2)
	theirs := e
	theirs.FamilyID, theirs.BabyID, theirs.CaregiverID = f2.ID, b2.ID, u2.ID
	if _, err := s.SaveEntry(ctx, theirs); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("id of another family: %v", err)
	}

	// Twenty edits race, each made at its own time: the newest is kept.
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ed := stop
			ed.Notes, ed.UpdatedAt = fmt.Sprintf("edit %02d", i), t0.Add(time.Duration(2+i)*time.Minute)
			if err := s.UpdateEntryIfNotOlder(ctx, ed); err != nil && !errors.Is(err, store.ErrStale) {
				t.Errorf("edit %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	got, _ = s.Entry(ctx, domain.TouchLog, f.ID, b.ID, e.ID)
	if got.Notes != "edit 19" || !got.UpdatedAt.Equal(t0.Add(21*time.Minute)) {
		t.Fatalf("after the race: %q at %v, want the newest edit", got.Notes, got.UpdatedAt)
	}
	late := stop
	late.Notes, late.UpdatedAt = "late", t0.Add(5*time.Minute)
	if err := s.UpdateEntryIfNotOlder(ctx, late); !errors.Is(err, store.ErrStale) {
		t.Fatalf("an edit older than the stored one: %v", err)
	}
	missing := late
	early := start.Add(-170 * time.Minute)
	missing.ID, missing.StartedAt, missing.EndedAt = uuid.NewString(), start.Add(-3*time.Hour), &early
	if err := s.UpdateEntryIfNotOlder(ctx, missing); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("an unknown entry: %v", err)
	}
}
