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
	logCases = append(logCases, struct {
		name string
		fn   func(t *testing.T, s *store.Store)
	}{"OwnersRaceEachOther", testOwnersRace})
	logCases = append(logCases, struct {
		name string
		fn   func(t *testing.T, s *store.Store)
	}{"MembersChangeThemselves", testMembersChangeThemselves})
}

// A member may lower their own role or leave, never make themselves an
// owner; the last member leaving takes the family with them.
func testMembersChangeThemselves(t *testing.T, s *store.Store) {
	ctx := context.Background()
	f, a := seedFamily(t, s, "a@example.org")
	if err := s.CreateInvite(ctx, f.ID, a.ID, "self", domain.Caregiver, "father", t0, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	b := newUser("b@example.org")
	if _, _, err := s.JoinWithInvite(ctx, b, "self"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetRole(ctx, f.ID, b.ID, b.ID, domain.Owner); !errors.Is(err, store.ErrNotOwner) {
		t.Fatalf("a caregiver made themselves owner: %v", err)
	}
	if err := s.SetRole(ctx, f.ID, b.ID, b.ID, domain.Viewer); err != nil {
		t.Fatalf("a caregiver lowering their own role: %v", err)
	}
	if err := s.SetRole(ctx, f.ID, a.ID, b.ID, domain.Owner); err != nil {
		t.Fatalf("an owner promoting a member: %v", err)
	}
	for _, u := range []string{a.ID, b.ID} {
		if err := s.RemoveMember(ctx, f.ID, u, u); err != nil {
			t.Fatalf("leaving: %v", err)
		}
	}
	if _, err := s.Family(ctx, f.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the family outlived its last member: %v", err)
	}
}

// Two owners demoting or removing each other at the same moment never
// leave the family without an owner, and never delete it: exactly one
// change goes through, the other is refused (its actor is no longer an
// owner). Forty tries, demotions and removals in turn (without the lock
// PostgreSQL lost the family's owners within a few).
func testOwnersRace(t *testing.T, s *store.Store) {
	ctx := context.Background()
	for try := range 40 {
		f, a := seedFamily(t, s, fmt.Sprintf("a%d@example.org", try))
		code := fmt.Sprintf("race%d", try)
		if err := s.CreateInvite(ctx, f.ID, a.ID, code, domain.Owner, "father", t0, t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		b := newUser(fmt.Sprintf("b%d@example.org", try))
		if _, _, err := s.JoinWithInvite(ctx, b, code); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make([]error, 2)
		pairs := [][2]string{{a.ID, b.ID}, {b.ID, a.ID}} // actor, the other
		for i, p := range pairs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if try%2 == 0 {
					errs[i] = s.SetRole(ctx, f.ID, p[0], p[1], domain.Caregiver)
				} else {
					errs[i] = s.RemoveMember(ctx, f.ID, p[0], p[1])
				}
			}()
		}
		wg.Wait()
		ms, err := s.Members(ctx, f.ID)
		if err != nil {
			t.Fatal(err)
		}
		owners := 0
		for _, m := range ms {
			if m.Role == domain.Owner {
				owners++
			}
		}
		if owners == 0 {
			t.Fatalf("try %d: the family has no owner left (%v, errors %v)", try, ms, errs)
		}
		refused := 0
		for _, err := range errs {
			if errors.Is(err, store.ErrLastOwner) || errors.Is(err, store.ErrNotOwner) {
				refused++
			} else if err != nil {
				t.Fatalf("try %d: %v", try, err)
			}
		}
		if refused != 1 {
			t.Errorf("try %d: %d of the two changes were refused, want exactly one", try, refused)
		}
	}
}
