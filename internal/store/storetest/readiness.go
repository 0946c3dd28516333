package storetest

import (
	"context"
	"errors"
	"slices"
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
	}{"ReadinessChecks", testReadinessChecks})
}

// A readiness answer is kept for the session that follows, found by its
// id or as the baby's latest from anyone, never across families; a replay
// keeps the first answer; a session keeps the verdict that preceded it.
func testReadinessChecks(t *testing.T, s *store.Store) {
	ctx := context.Background()
	f, u := seedFamily(t, s, "a@example.org")
	other, ou := seedFamily(t, s, "z@example.org")
	b := seedBaby(t, s, f)
	ob := seedBaby(t, s, other)
	old := domain.ReadinessCheck{ID: uuid.NewString(), FamilyID: f.ID, BabyID: b.ID, UserID: u.ID, CheckedAt: t0.Add(-time.Hour),
		Verdict: "wait", State: "fussy", Until: t0.Add(-30 * time.Minute)}
	c := domain.ReadinessCheck{ID: uuid.NewString(), FamilyID: f.ID, BabyID: b.ID, UserID: u.ID, CheckedAt: t0,
		Verdict: "go", Adjust: []string{"avoid_navel", "no_oil"}, State: "quiet_alert", Until: t0.Add(30 * time.Minute)}
	for _, x := range []domain.ReadinessCheck{old, c} {
		if got, err := s.PutReadinessCheck(ctx, x); err != nil || got.ID != x.ID || got.Verdict != x.Verdict {
			t.Fatal(got, err)
		}
	}
	// A replay under the same id with another answer stores nothing and
	// gives back the answer first stored.
	replay := c
	replay.Verdict, replay.Adjust, replay.UserID = "not_today", nil, uuid.NewString()
	if got, err := s.PutReadinessCheck(ctx, replay); err != nil || got.Verdict != "go" || !slices.Equal(got.Adjust, c.Adjust) ||
		got.UserID != u.ID || !got.Until.Equal(c.Until) {
		t.Fatalf("replay: %+v %v", got, err)
	}
	y := c
	y.FamilyID, y.BabyID, y.UserID = other.ID, ob.ID, ou.ID
	if _, err := s.PutReadinessCheck(ctx, y); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("id reuse across families: %v", err)
	}
	z := c
	z.ID, z.BabyID = uuid.NewString(), ob.ID
	if _, err := s.PutReadinessCheck(ctx, z); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("check for another family's baby: %v", err)
	}
	got, err := s.ReadinessCheck(ctx, f.ID, b.ID, c.ID)
	if err != nil || got.Verdict != "go" || !slices.Equal(got.Adjust, c.Adjust) || !got.CheckedAt.Equal(t0) || got.UserID != u.ID ||
		!got.Until.Equal(c.Until) {
		t.Fatalf("check: %+v %v", got, err)
	}
	if _, err := s.ReadinessCheck(ctx, other.ID, b.ID, c.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("read by another family: %v", err)
	}
	latest, err := s.LatestReadinessCheck(ctx, f.ID, b.ID, t0.Add(-2*time.Hour), t0)
	if err != nil || latest.ID != c.ID {
		t.Fatalf("latest: %+v %v", latest, err)
	}
	if latest, err := s.LatestReadinessCheck(ctx, f.ID, b.ID, t0.Add(-2*time.Hour), t0.Add(-time.Minute)); err != nil || latest.ID != old.ID {
		t.Fatalf("latest before the newest: %+v %v", latest, err)
	}
	if _, err := s.LatestReadinessCheck(ctx, f.ID, b.ID, t0.Add(time.Minute), t0.Add(time.Hour)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("latest after the newest: %v", err)
	}
	// Another caregiver's newer answer is the baby's latest.
	partner := uuid.NewString() // user_id names who answered; no key to users
	p := domain.ReadinessCheck{ID: uuid.NewString(), FamilyID: f.ID, BabyID: b.ID, UserID: partner, CheckedAt: t0.Add(time.Minute),
		Verdict: "not_today", State: "quiet_alert", Until: t0.Add(12 * time.Hour)}
	if _, err := s.PutReadinessCheck(ctx, p); err != nil {
		t.Fatal(err)
	}
	if latest, err := s.LatestReadinessCheck(ctx, f.ID, b.ID, t0.Add(-2*time.Hour), t0.Add(time.Hour)); err != nil || latest.ID != p.ID {
		t.Fatalf("partner's answer: %+v %v", latest, err)
	}
	if _, err := s.LatestReadinessCheck(ctx, other.ID, b.ID, t0.Add(-2*time.Hour), t0.Add(time.Hour)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another family's latest: %v", err)
	}

	x := newSession(f, b, u.ID, t0.Add(time.Minute))
	x.Readiness, x.ReadinessCheckID = "go", c.ID
	after := newSession(f, b, u.ID, t0.Add(time.Hour))
	for _, ses := range []domain.Session{x, after} {
		if _, err := s.PutSession(ctx, ses); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := s.Session(ctx, f.ID, b.ID, x.ID); got.Readiness != "go" || got.ReadinessCheckID != c.ID {
		t.Fatalf("session after a check: %q %q", got.Readiness, got.ReadinessCheckID)
	}
	if got, _ := s.Session(ctx, f.ID, b.ID, after.ID); got.Readiness != domain.ReadinessNone || got.ReadinessCheckID != "" {
		t.Fatalf("session recorded after the fact: %q %q", got.Readiness, got.ReadinessCheckID)
	}
	// Deleting the baby deletes its checks.
	if err := s.DeleteBaby(ctx, f.ID, b.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReadinessCheck(ctx, f.ID, b.ID, c.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("check outlived its baby: %v", err)
	}
}
