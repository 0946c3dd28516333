package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"nurture/internal/domain"
	"nurture/internal/share"
	"nurture/internal/store"
)

func init() {
	logCases = append(logCases, struct {
		name string
		fn   func(t *testing.T, s *store.Store)
	}{"Shares", testShares})
}

// A link opens while it lives, records each opening (the newest kept),
// answers "not found" once revoked or expired, belongs to one baby of one
// family, and goes with the baby.
func testShares(t *testing.T, s *store.Store) {
	ctx := context.Background()
	f, u := seedFamily(t, s, "a@example.org")
	b := seedBaby(t, s, f)
	other, _ := seedFamily(t, s, "z@example.org")
	x := store.Share{ID: uuid.NewString(), FamilyID: f.ID, BabyID: b.ID, Shows: []string{"sessions", "crying"}, From: "2026-11-07", To: "2026-11-20",
		Lang: "fr", CreatedBy: u.ID, CreatedAt: t0, ExpiresAt: t0.Add(48 * time.Hour)}
	if err := s.CreateShare(ctx, x, "hash-1"); err != nil {
		t.Fatal(err)
	}
	foreign := x
	foreign.ID, foreign.FamilyID = uuid.NewString(), other.ID
	if err := s.CreateShare(ctx, foreign, "hash-2"); err == nil {
		t.Fatal("a link to another family's baby was made")
	}

	for i := range share.MaxOpenings + 5 {
		got, err := s.OpenShare(ctx, "hash-1", fmt.Sprintf("client %d", i), t0.Add(time.Duration(i)*time.Minute))
		if err != nil || got.ID != x.ID || got.Lang != "fr" || len(got.Shows) != 2 || got.From != x.From {
			t.Fatalf("opening %d: %+v %v", i, got, err)
		}
	}
	list, err := s.Shares(ctx, f.ID, b.ID)
	if err != nil || len(list) != 1 {
		t.Fatalf("list: %+v %v", list, err)
	}
	if l := list[0]; l.Openings != share.MaxOpenings+5 || len(l.Opened) != share.MaxOpenings || l.Opened[0].Client != fmt.Sprintf("client %d", share.MaxOpenings+4) {
		t.Fatalf("openings: %d counted, %d kept, newest %+v", l.Openings, len(l.Opened), l.Opened[0])
	}
	if _, err := s.OpenShare(ctx, "hash-nope", "", t0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("an unknown secret: %v", err)
	}
	// Expired: not found, and not counted.
	if _, err := s.OpenShare(ctx, "hash-1", "late", t0.Add(48*time.Hour)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("an expired link: %v", err)
	}
	if err := s.RevokeShare(ctx, other.ID, b.ID, x.ID, t0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another family revokes: %v", err)
	}
	if err := s.RevokeShare(ctx, f.ID, b.ID, x.ID, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeShare(ctx, f.ID, b.ID, x.ID, t0.Add(2*time.Hour)); err != nil {
		t.Fatalf("revoking twice: %v", err)
	}
	if _, err := s.OpenShare(ctx, "hash-1", "after", t0.Add(2*time.Hour)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a revoked link: %v", err)
	}
	list, _ = s.Shares(ctx, f.ID, b.ID)
	if l := list[0]; l.RevokedAt == nil || !l.RevokedAt.Equal(t0.Add(time.Hour)) || l.Live(t0.Add(2*time.Hour)) || l.Openings != share.MaxOpenings+5 {
		t.Fatalf("after revoking: %+v", l)
	}

	// The readiness answers of a period.
	for i, v := range []string{"wait", "go", "not_today"} {
		c := domain.ReadinessCheck{ID: uuid.NewString(), FamilyID: f.ID, BabyID: b.ID, UserID: u.ID, CheckedAt: t0.Add(time.Duration(i) * time.Hour),
			Verdict: v, State: "quiet_alert", Until: t0.Add(time.Duration(i)*time.Hour + time.Minute)}
		if _, err := s.PutReadinessCheck(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	cs, err := s.ReadinessChecksBetween(ctx, f.ID, b.ID, t0, t0.Add(2*time.Hour))
	if err != nil || len(cs) != 2 || cs[0].Verdict != "wait" || cs[1].Verdict != "go" {
		t.Fatalf("checks: %+v %v", cs, err)
	}

	if err := s.DeleteBaby(ctx, f.ID, b.ID); err != nil {
		t.Fatal(err)
	}
	if list, _ := s.Shares(ctx, f.ID, b.ID); len(list) != 0 {
		t.Fatalf("links outlive the baby: %+v", list)
	}
}
