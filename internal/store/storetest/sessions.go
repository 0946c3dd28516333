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
	logCases = append(logCases,
		struct {
			name string
			fn   func(t *testing.T, s *store.Store)
		}{"Sessions", testSessions},
		struct {
			name string
			fn   func(t *testing.T, s *store.Store)
		}{"SessionPages", testSessionPages},
	)
}

func seedBaby(t *testing.T, s *store.Store, f domain.Family) domain.Baby {
	t.Helper()
	b := domain.Baby{ID: uuid.NewString(), FamilyID: f.ID, Name: "Lou", BirthDate: "2026-10-01", GestationWeeks: 40, CreatedAt: t0}
	if err := s.CreateBaby(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	return b
}

func newSession(f domain.Family, b domain.Baby, caregiver string, start time.Time) domain.Session {
	three := 3
	return domain.Session{ID: uuid.NewString(), FamilyID: f.ID, BabyID: b.ID, CaregiverID: caregiver, RoutineID: "quick_legs_feet",
		StartedAt: start, EndedAt: start.Add(10 * time.Minute), Outcome: domain.Completed, ParentCalmBefore: &three,
		Steps:     []domain.SessionStep{{StrokeID: "permission_ritual", Response: domain.Engaged}, {StrokeID: "leg_indian_milking", Response: domain.Neutral}, {StrokeID: "sole_thumb_over_thumb", Response: domain.Disengaged}},
		CreatedAt: t0, UpdatedAt: t0}
}

func testSessions(t *testing.T, s *store.Store) {
	ctx := context.Background()
	f, u := seedFamily(t, s, "a@example.org")
	other, ou := seedFamily(t, s, "z@example.org")
	b := seedBaby(t, s, f)
	ob := seedBaby(t, s, other)
	x := newSession(f, b, u.ID, t0)
	created, err := s.PutSession(ctx, x)
	if err != nil || !created {
		t.Fatalf("put: %v %v", created, err)
	}
	// The same id again is a harmless replay.
	created, err = s.PutSession(ctx, x)
	if err != nil || created {
		t.Fatalf("replay: %v %v", created, err)
	}
	// The same id for another family's baby is a conflict, never a write.
	y := newSession(other, ob, ou.ID, t0)
	y.ID = x.ID
	if _, err := s.PutSession(ctx, y); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("id reuse across families: %v", err)
	}
	// Another family's baby id in our family is not found.
	z := newSession(f, ob, u.ID, t0)
	if _, err := s.PutSession(ctx, z); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("session for another family's baby: %v", err)
	}
	got, err := s.Session(ctx, f.ID, b.ID, x.ID)
	if err != nil || len(got.Steps) != 3 || got.Steps[2].Response != domain.Disengaged || *got.ParentCalmBefore != 3 || got.ParentCalmAfter != nil || !got.StartedAt.Equal(t0) {
		t.Fatalf("session: %+v %v", got, err)
	}
	if _, err := s.Session(ctx, other.ID, b.ID, x.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("read by another family: %v", err)
	}
	x.Outcome, x.Notes = domain.BabyDeclined, "tired"
	x.Steps = x.Steps[:1]
	if err := s.UpdateSession(ctx, x); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Session(ctx, f.ID, b.ID, x.ID)
	if got.Outcome != domain.BabyDeclined || got.Notes != "tired" || len(got.Steps) != 1 {
		t.Fatalf("updated: %+v", got)
	}
	y.FamilyID, y.BabyID = other.ID, ob.ID
	if err := s.UpdateSession(ctx, y); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("update by another family: %v", err)
	}
	if err := s.DeleteSession(ctx, other.ID, ob.ID, x.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("delete by another family: %v", err)
	}
	if err := s.DeleteSession(ctx, f.ID, b.ID, x.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Session(ctx, f.ID, b.ID, x.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleted session still there: %v", err)
	}
}

func testSessionPages(t *testing.T, s *store.Store) {
	ctx := context.Background()
	f, u := seedFamily(t, s, "a@example.org")
	b := seedBaby(t, s, f)
	for i := 0; i < 7; i++ {
		// Two sessions share a start time, so the id breaks the tie.
		start := t0.Add(time.Duration(i/2) * time.Hour)
		x := newSession(f, b, u.ID, start)
		if _, err := s.PutSession(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	seen := map[string]bool{}
	var last time.Time
	cur := ""
	pages := 0
	for {
		list, next, err := s.Sessions(ctx, f.ID, b.ID, store.Page{Limit: 3, Cursor: cur})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, x := range list {
			if seen[x.ID] {
				t.Fatalf("session %s on two pages", x.ID)
			}
			seen[x.ID] = true
			if !last.IsZero() && x.StartedAt.After(last) {
				t.Fatalf("not newest first")
			}
			last = x.StartedAt
			if len(x.Steps) != 3 {
				t.Fatalf("steps not loaded: %+v", x)
			}
		}
		if next == "" {
			break
		}
		cur = next
	}
	if len(seen) != 7 || pages != 3 {
		t.Fatalf("saw %d sessions on %d pages", len(seen), pages)
	}
	list, _, err := s.Sessions(ctx, f.ID, b.ID, store.Page{From: t0.Add(time.Hour), To: t0.Add(3 * time.Hour)})
	if err != nil || len(list) != 4 {
		t.Fatalf("from/to: %d %v", len(list), err)
	}
	if _, _, err := s.Sessions(ctx, f.ID, b.ID, store.Page{Cursor: "garbage!"}); !errors.Is(err, store.ErrCursor) {
		t.Fatalf("bad cursor: %v", err)
	}
}
