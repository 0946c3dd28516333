package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"nurture/internal/domain"
	"nurture/internal/store"
)

func init() {
	logCases = append(logCases, []struct {
		name string
		fn   func(t *testing.T, s *store.Store)
	}{
		{"RateLimits", testRateLimits},
		{"RateLimitsConcurrent", testRateLimitsConcurrent},
		{"ResetVoidsOtherResets", testResetVoidsOthers},
		{"ResetsRaceEachOther", testResetsRace},
		{"OwnerResetTurnsOffCalendar", testOwnerResetCalendar},
		{"RevokeInvite", testRevokeInvite},
	}...)
}

func testRateLimits(t *testing.T, s *store.Store) {
	ctx := context.Background()
	const w = 15 * time.Minute
	for i := range 3 {
		got, err := s.Hit(ctx, t0.Add(time.Duration(i)*time.Minute), w, "acct:a", "addr:1")
		if err != nil || got[0] != i+1 || got[1] != i+1 {
			t.Fatalf("hit %d: %v %v", i, got, err)
		}
	}
	if got, _ := s.Hit(ctx, t0.Add(4*time.Minute), w, "addr:1", "acct:b"); got[0] != 4 || got[1] != 1 {
		t.Fatalf("counts in the order of the keys: %v", got)
	}
	// A refund takes one back; a clear forgets the key.
	if err := s.Unhit(ctx, "addr:1"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Hit(ctx, t0.Add(5*time.Minute), w, "addr:1"); got[0] != 4 {
		t.Fatalf("after a refund: %v", got)
	}
	if err := s.ClearHits(ctx, "acct:a"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Hit(ctx, t0.Add(5*time.Minute), w, "acct:a"); got[0] != 1 {
		t.Fatalf("after a clear: %v", got)
	}
	// The window opens at the first attempt; after it, counting restarts.
	if got, _ := s.Hit(ctx, t0.Add(w+time.Minute), w, "addr:1"); got[0] != 1 {
		t.Fatalf("after the window: %v", got)
	}
}

// Forty attempts at once under one account and one address each get their
// own count: exactly ten see a count within a limit of ten, whatever the
// interleaving (before, the failures were counted after the check, and all
// forty were checked).
func testRateLimitsConcurrent(t *testing.T, s *store.Store) {
	ctx := context.Background()
	const n, limit = 40, 10
	var wg sync.WaitGroup
	counts := make([][]int, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			counts[i], errs[i] = s.Hit(ctx, t0, 15*time.Minute, "acct:x", fmt.Sprintf("addr:%d", i%2))
		})
	}
	wg.Wait()
	seen := map[int]bool{}
	passed := 0
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("hit %d: %v", i, errs[i])
		}
		if seen[counts[i][0]] {
			t.Fatalf("count %d given twice", counts[i][0])
		}
		seen[counts[i][0]] = true
		if counts[i][0] <= limit {
			passed++
		}
	}
	t.Logf("%d concurrent attempts, %d within the limit of %d", n, passed, limit)
	if passed != limit || len(seen) != n {
		t.Fatalf("%d of %d attempts within the limit of %d", passed, n, limit)
	}
}

// Using one reset link, or changing the password, voids the others.
func testResetVoidsOthers(t *testing.T, s *store.Store) {
	ctx := context.Background()
	f, u := seedFamily(t, s, "a@example.org")
	for _, h := range []string{"ra", "rb", "rc"} {
		if err := s.CreatePasswordReset(ctx, f.ID, u.ID, h, t0, t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.UsePasswordReset(ctx, "ra", "one", t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := s.UsePasswordReset(ctx, "rb", "two", t0.Add(2*time.Minute)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second reset link after the first was used: %v", err)
	}
	if _, err := s.ResetUser(ctx, "rc", t0.Add(2*time.Minute)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("third reset link still shown: %v", err)
	}
	if h, _ := s.PasswordHashByID(ctx, u.ID); h != "one" {
		t.Fatalf("hash: %q", h)
	}
	if err := s.CreatePasswordReset(ctx, f.ID, u.ID, "rd", t0, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.SetPassword(ctx, u.ID, "changed", ""); err != nil {
		t.Fatal(err)
	}
	if err := s.UsePasswordReset(ctx, "rd", "three", t0.Add(3*time.Minute)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("reset link after a password change: %v", err)
	}
	if h, _ := s.PasswordHashByID(ctx, u.ID); h != "changed" {
		t.Fatalf("hash: %q", h)
	}
}

// Two reset links of one user used at the same moment: one wins, the other
// is refused, twenty times over.
func testResetsRace(t *testing.T, s *store.Store) {
	ctx := context.Background()
	for try := range 20 {
		f, u := seedFamily(t, s, fmt.Sprintf("a%d@example.org", try))
		codes := []string{fmt.Sprintf("x%d", try), fmt.Sprintf("y%d", try)}
		for _, c := range codes {
			if err := s.CreatePasswordReset(ctx, f.ID, u.ID, c, t0, t0.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, c := range codes {
			wg.Go(func() { errs[i] = s.UsePasswordReset(ctx, c, c, t0.Add(time.Minute)) })
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
			} else if !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("try %d: %v", try, err)
			}
		}
		if ok != 1 {
			t.Fatalf("try %d: %d resets went through: %v", try, ok, errs)
		}
	}
}

func testOwnerResetCalendar(t *testing.T, s *store.Store) {
	ctx := context.Background()
	f, u := seedFamily(t, s, "a@example.org")
	if err := s.SetCalendarFeed(ctx, u.ID, "calsecret", t0); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.CalendarFeedOwner(ctx, "calsecret"); err != nil {
		t.Fatal(err)
	}
	if err := s.CreatePasswordReset(ctx, f.ID, u.ID, "r1", t0, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.CalendarFeedOwner(ctx, "calsecret"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("calendar link after an owner's reset: %v", err)
	}
}

func testRevokeInvite(t *testing.T, s *store.Store) {
	ctx := context.Background()
	f, owner := seedFamily(t, s, "a@example.org")
	other, _ := seedFamily(t, s, "z@example.org")
	hash := "0123456789abcdef0123456789abcdef"
	if err := s.CreateInvite(ctx, f.ID, owner.ID, hash, domain.Caregiver, "father", t0, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	pending, err := s.PendingInvites(ctx, f.ID, t0)
	if err != nil || len(pending) != 1 || pending[0].ID != hash[:16] {
		t.Fatalf("pending: %+v %v", pending, err)
	}
	if err := s.RevokeInvite(ctx, other.ID, pending[0].ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("revoke through another family: %v", err)
	}
	if err := s.RevokeInvite(ctx, f.ID, pending[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.JoinWithInvite(ctx, newUser("b@example.org"), hash); !errors.Is(err, store.ErrInvite) {
		t.Fatalf("join with a revoked invite: %v", err)
	}
	if err := s.RevokeInvite(ctx, f.ID, pending[0].ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("revoke twice: %v", err)
	}
}
