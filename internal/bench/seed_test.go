package bench

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"nurture/internal/auth"
	"nurture/internal/content"
	"nurture/internal/domain"
	"nurture/internal/store"
)

func library(t testing.TB) *content.Library {
	t.Helper()
	lib, err := content.Load()
	if err != nil {
		t.Fatal(err)
	}
	return lib
}

// TestSeedNoOverlaps seeds 3 families × 1 month into a fresh SQLite
// database and checks what the store gives back: every entry and
// session valid, no two entries of a log (and touch kind) meeting, and a
// session and an API token that authenticate for every caregiver.
func TestSeedNoOverlaps(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(ctx, store.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	lib := library(t)
	now := time.Now()
	calls := 0
	tok, stats, err := Seed(ctx, st, lib, SeedOptions{Families: 3, Months: 1, Now: now, Seed: 7, Progress: func() { calls++ }})
	if err != nil {
		t.Fatal(err)
	}
	if stats.Families != 3 || calls != 3 || len(tok.Users) != stats.Members || stats.Members < 3 || stats.Members > 9 {
		t.Fatalf("stats %+v, %d progress calls, %d users", stats, calls, len(tok.Users))
	}
	if stats.Babies < 3 || stats.Babies > 6 || stats.Entries < stats.Babies*28*7 || stats.Sessions < stats.Babies*20 {
		t.Fatalf("implausible densities: %+v", stats)
	}
	knownStroke := func(id string) bool { _, ok := lib.Stroke(id); return ok }
	knownRoutine := func(id string) bool { _, ok := lib.Routine(id); return ok }
	families := map[string]bool{}
	for _, u := range tok.Users {
		families[u.Family] = true
		for kind, secret := range map[string]string{"session": u.Session, "api": u.API} {
			id, err := st.Authenticate(ctx, auth.HashSecret(secret), kind, now)
			if err != nil || id.User.ID != u.User || id.Family.ID != u.Family || !id.Role.CanWrite() {
				t.Fatalf("%s token of %s: %v %+v", kind, u.User, err, id)
			}
		}
	}
	for fam := range families {
		snap, err := st.Export(ctx, fam)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range snap.Sessions {
			if fe := x.Validate(now, knownStroke, knownRoutine); !fe.OK() {
				t.Fatalf("session %s invalid: %v", x.ID, fe)
			}
			if len(x.Steps) == 0 {
				t.Fatalf("session %s has no steps", x.ID)
			}
		}
		type key struct{ baby, log, kind string }
		spans := map[key][]domain.Entry{}
		for _, e := range snap.Entries {
			if fe := e.Validate(now); !fe.OK() {
				t.Fatalf("entry %s invalid: %v", e.ID, fe)
			}
			k := key{e.BabyID, string(e.Type), ""}
			if e.Type == domain.TouchLog {
				k.kind = e.Kind
			}
			spans[k] = append(spans[k], e)
		}
		for k, list := range spans {
			slices.SortFunc(list, func(a, b domain.Entry) int { return a.StartedAt.Compare(b.StartedAt) })
			for i := 1; i < len(list); i++ {
				if list[i].StartedAt.Before(*list[i-1].EndedAt) {
					t.Fatalf("%v: %s overlaps %s", k, list[i].ID, list[i-1].ID)
				}
			}
		}
	}
	// The load reads the secrets back from a private file.
	path := filepath.Join(dir, "bench-tokens.json")
	if err := WriteTokens(path, tok); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("tokens file: %v %v", err, fi.Mode())
	}
	back, err := ReadTokens(path)
	if err != nil || len(back.Users) != len(tok.Users) || back.First != tok.First {
		t.Fatalf("read back: %v", err)
	}
}

// TestGeneratorDeterministic: the same seed gives the same data.
func TestGeneratorDeterministic(t *testing.T) {
	lib := library(t)
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	a := NewGenerator(lib, 1, now, 42).Family(1)
	b := NewGenerator(lib, 1, now, 42).Family(1)
	if a.Family.ID != b.Family.ID || len(a.Entries) != len(b.Entries) || a.Entries[5].ID != b.Entries[5].ID {
		t.Fatal("generator is not deterministic")
	}
	for _, e := range a.Entries {
		if e.EndedAt == nil || e.EndedAt.After(now) {
			t.Fatalf("entry %s ends after now", e.ID)
		}
	}
}

func BenchmarkSeedFamily(b *testing.B) {
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{DataDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	lib := library(b)
	seed := uint64(0)
	for b.Loop() {
		seed++
		if _, _, err := Seed(ctx, st, lib, SeedOptions{Families: 1, Months: 6, Seed: seed}); err != nil {
			b.Fatal(err)
		}
	}
}
