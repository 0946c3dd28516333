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
	logCases = append(logCases, struct {
		name string
		fn   func(t *testing.T, s *store.Store)
	}{"RacingReplays", testRacingReplays})
}

// Replays of one record posted at once, each a version made at its own
// time (an offline queue and a second tab, say): every call answers
// created, updated, unchanged or stale, exactly one creates it, and the
// newest version is what stays, for a session (first insert racing too)
// and an entry.
func testRacingReplays(t *testing.T, s *store.Store) {
	ctx := context.Background()
	f, u := seedFamily(t, s, "a@example.org")
	b := seedBaby(t, s, f)
	const n = 16
	race := func(name string, save func(i int) (store.Saved, error)) {
		t.Helper()
		var wg sync.WaitGroup
		var mu sync.Mutex
		counts := map[store.Saved]int{}
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				saved, err := save(i)
				if errors.Is(err, store.ErrStale) {
					return
				}
				if err != nil {
					t.Errorf("%s %d: %v", name, i, err)
					return
				}
				mu.Lock()
				counts[saved]++
				mu.Unlock()
			}()
		}
		wg.Wait()
		if counts[store.Created] != 1 {
			t.Errorf("%s: %d created, want 1 (%v)", name, counts[store.Created], counts)
		}
	}

	ses := newSession(f, b, u.ID, t0.Add(-2*time.Hour))
	race("session", func(i int) (store.Saved, error) {
		v := ses
		v.Notes, v.UpdatedAt = fmt.Sprintf("version %02d", i), t0.Add(time.Duration(i)*time.Minute)
		return s.SaveSession(ctx, v)
	})
	if got, err := s.Session(ctx, f.ID, b.ID, ses.ID); err != nil || got.Notes != fmt.Sprintf("version %02d", n-1) {
		t.Fatalf("session after the race: %q %v, want the newest version", got.Notes, err)
	}

	e := domain.Entry{Type: domain.TouchLog, ID: uuid.NewString(), FamilyID: f.ID, BabyID: b.ID, CaregiverID: u.ID, Kind: "holding",
		StartedAt: t0.Add(-5 * time.Hour), CreatedAt: t0, UpdatedAt: t0}
	if _, err := s.SaveEntry(ctx, e); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v := e
			end := e.StartedAt.Add(time.Duration(10+i) * time.Minute)
			v.EndedAt, v.Notes, v.UpdatedAt = &end, fmt.Sprintf("stop %02d", i), t0.Add(time.Duration(1+i)*time.Minute)
			if _, err := s.SaveEntry(ctx, v); err != nil && !errors.Is(err, store.ErrStale) {
				t.Errorf("stop %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	if got, err := s.Entry(ctx, domain.TouchLog, f.ID, b.ID, e.ID); err != nil || got.Notes != fmt.Sprintf("stop %02d", n-1) {
		t.Fatalf("entry after the race: %q %v, want the newest stop", got.Notes, err)
	}
	// A new entry posted at once from two places (a queue replayed twice):
	// one creates it, none is refused, the newest stays.
	fresh := domain.Entry{Type: domain.SleepLog, ID: uuid.NewString(), FamilyID: f.ID, BabyID: b.ID, CaregiverID: u.ID,
		StartedAt: t0.Add(-10 * time.Hour), CreatedAt: t0, UpdatedAt: t0}
	race("entry", func(i int) (store.Saved, error) {
		v := fresh
		v.Notes, v.UpdatedAt = fmt.Sprintf("version %02d", i), t0.Add(time.Duration(i)*time.Minute)
		return s.SaveEntry(ctx, v)
	})
	if got, err := s.Entry(ctx, domain.SleepLog, f.ID, b.ID, fresh.ID); err != nil || got.Notes != fmt.Sprintf("version %02d", n-1) {
		t.Fatalf("new entry after the race: %q %v, want the newest version", got.Notes, err)
	}
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
