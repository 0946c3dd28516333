// Package bench measures Nurture under load: it seeds realistic data
// straight through the store, drives a running server over HTTP with a
// mixed load (vegeta as a library), measures two baselines on the same
// machine (a bare net/http handler and raw SQLite transactions) and
// writes the figures, as ratios too, into BENCHMARKS.md.
package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"

	"nurture/internal/auth"
	"nurture/internal/content"
	"nurture/internal/domain"
	"nurture/internal/store"
)

// SeedOptions size the generated data.
type SeedOptions struct {
	Families int
	Months   int
	// Now is the end of the generated history (entries stop the day
	// before); the start is Months months earlier.
	Now time.Time
	// Seed makes the generated data reproducible.
	Seed uint64
	// Workers is how many families are imported at once (at most
	// store.MaxImportsRunning); SQLite has one writer, so more than one
	// only helps PostgreSQL.
	Workers int
	// Progress, if not nil, is told after each family.
	Progress func()
}

// User is one seeded caregiver as the load needs it: the secrets of a
// browser session and an API token, and the babies of their family.
type User struct {
	Family  string   `json:"family"`
	User    string   `json:"user"`
	Babies  []string `json:"babies"`
	Session string   `json:"session"` // cookie nurture_session
	API     string   `json:"api"`     // Authorization: Bearer
}

// Tokens is the file the seed writes and the load reads. It holds
// secrets: it is written 0600 and never printed.
type Tokens struct {
	Created time.Time `json:"created"`
	// First and Last are the first and last days (YYYY-MM-DD, UTC) with
	// entries, for the day views.
	First    string `json:"first"`
	Last     string `json:"last"`
	Families int    `json:"families"`
	Months   int    `json:"months"`
	Users    []User `json:"users"`
}

// SeedStats counts what was stored.
type SeedStats struct {
	Families, Members, Babies, Sessions, Steps, Entries int
	Duration                                            time.Duration
}

// Rows is every stored row the seed made, steps included.
func (s SeedStats) Rows() int {
	return s.Families + 2*s.Members + s.Babies + s.Sessions + s.Steps + s.Entries
}

var (
	timezones = []string{"Europe/Paris", "Europe/London", "America/New_York", "America/Los_Angeles", "Asia/Tokyo", "UTC"}
	relations = []domain.Relation{"mother", "father", "parent", "grandparent"}
	names     = []string{"Alex", "Sam", "Noa", "Lou", "Camille", "Robin", "Jules", "Eden", "Sacha", "Milan"}
)

// Generator makes families deterministically from a seed.
type Generator struct {
	rng      *rand.Rand
	routines []content.Routine
	start    time.Time // first day, 00:00 UTC
	days     int
	now      time.Time
}

// NewGenerator prepares a generator for months of history ending before now.
func NewGenerator(lib *content.Library, months int, now time.Time, seed uint64) *Generator {
	now = now.UTC()
	end := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC) // today: not generated
	start := end.AddDate(0, -months, 0)
	var routines []content.Routine
	for _, r := range lib.Routines() {
		if len(r.Steps) > 0 {
			routines = append(routines, r)
		}
	}
	return &Generator{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), routines: routines,
		start: start, days: int(end.Sub(start).Hours() / 24), now: now}
}

// Days is the range of days with entries, as YYYY-MM-DD.
func (g *Generator) Days() (first, last string) {
	return g.start.Format(time.DateOnly), g.start.AddDate(0, 0, g.days-1).Format(time.DateOnly)
}

func (g *Generator) uuid() string {
	var b [16]byte
	for i := 0; i < 16; i += 8 {
		v := g.rng.Uint64()
		for j := 0; j < 8; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	return uuid.UUID(b).String()
}

// between is a random duration in [lo, hi] minutes.
func (g *Generator) between(lo, hi int) time.Duration {
	return time.Duration(lo+g.rng.IntN(hi-lo+1)) * time.Minute
}

func pick[T any](g *Generator, list []T) T { return list[g.rng.IntN(len(list))] }

// Family generates one family: 1–3 caregivers (the first is the owner),
// 1–2 babies and a day-by-day history for each baby.
func (g *Generator) Family(n int) store.Snapshot {
	created := g.start.Add(-g.between(60, 60*24*20))
	f := domain.Family{ID: g.uuid(), Name: fmt.Sprintf("Bench family %d", n), Timezone: pick(g, timezones),
		Languages: []string{"en"}, FeedWaitMin: 30, TempUnit: "c", CreatedAt: created}
	snap := store.Snapshot{Family: f}
	for i, k := 0, 1+g.rng.IntN(3); i < k; i++ {
		role := domain.Caregiver
		if i == 0 {
			role = domain.Owner
		}
		id := g.uuid()
		snap.Members = append(snap.Members, domain.Member{UserID: id, FamilyID: f.ID, Name: pick(g, names),
			Email: "bench-" + id[:13] + "@example.invalid", Locale: pick(g, []string{"en", "en", "fr"}),
			Role: role, Relation: pick(g, relations), JoinedAt: created.Add(time.Duration(i) * time.Hour)})
	}
	for i, k := 0, 1+g.rng.IntN(2); i < k; i++ {
		birth := g.start.AddDate(0, 0, -g.rng.IntN(30))
		b := domain.Baby{ID: g.uuid(), FamilyID: f.ID, Name: pick(g, names), BirthDate: birth.Format(time.DateOnly),
			GestationWeeks: 36 + g.rng.IntN(6), CreatedAt: created.Add(time.Minute)}
		snap.Babies = append(snap.Babies, b)
		for d := 0; d < g.days; d++ {
			g.day(&snap, b, g.start.AddDate(0, 0, d))
		}
	}
	// Newest first: the store's overlap check scans a baby's entries that
	// start before the new one ends, so importing in time order would
	// cost O(n²) per baby; in reverse it stops at the first row.
	slices.Reverse(snap.Entries)
	return snap
}

// day adds one day of a baby's logs. Each log draws its times inside
// fixed windows that do not meet, so no two entries of a log overlap.
func (g *Generator) day(snap *store.Snapshot, b domain.Baby, day time.Time) {
	members := snap.Members
	at := func(h, m int) time.Time { return day.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute) }
	entry := func(t domain.EntryType, kind string, start time.Time, d time.Duration) *domain.Entry {
		end := start.Add(d)
		if end.After(g.now) {
			return nil
		}
		c := pick(g, members)
		stamp := end.Add(g.between(0, 30))
		e := domain.Entry{Type: t, ID: g.uuid(), FamilyID: b.FamilyID, BabyID: b.ID, CaregiverID: c.UserID, Kind: kind,
			StartedAt: start, EndedAt: &end, CreatedAt: stamp, UpdatedAt: stamp}
		snap.Entries = append(snap.Entries, e)
		return &snap.Entries[len(snap.Entries)-1]
	}
	// Sleep: three naps in windows that end before the next one starts.
	entry(domain.SleepLog, "", at(0, 30).Add(g.between(0, 60)), g.between(180, 300)) // ends by 06:30
	entry(domain.SleepLog, "", at(10, 0).Add(g.between(0, 30)), g.between(45, 90))   // ends by 12:00
	entry(domain.SleepLog, "", at(14, 30).Add(g.between(0, 30)), g.between(45, 120)) // ends by 17:00
	// Touch: four to six of six windows, each over before the next begins.
	for _, w := range [][2]int{{6, 45}, {8, 30}, {12, 15}, {17, 15}, {19, 30}, {21, 0}} {
		if g.rng.IntN(6) == 0 {
			continue
		}
		entry(domain.TouchLog, pick(g, domain.TouchKinds), at(w[0], w[1]).Add(g.between(0, 30)), g.between(10, 40))
	}
	// Crying: an evening episode most days, sometimes one late morning.
	cry := func(start time.Time, d time.Duration) {
		if e := entry(domain.CryingLog, "", start, d); e != nil {
			e.Held = g.rng.IntN(4) > 0
			e.NeedsChecked = []string{pick(g, domain.CryNeeds)}
			e.SoothedBy = []string{pick(g, domain.Soothers)}
			stress := 1 + g.rng.IntN(5)
			e.ParentStress = &stress
		}
	}
	if g.rng.IntN(10) < 8 {
		cry(at(18, 0).Add(g.between(0, 60)), g.between(5, 40))
	}
	if g.rng.IntN(10) < 3 {
		cry(at(11, 0).Add(g.between(0, 30)), g.between(5, 25))
	}
	// A massage session most days, with a response for each step.
	if g.rng.IntN(10) < 9 {
		r := pick(g, g.routines)
		start := at(9, 0).Add(g.between(0, 30))
		end := start.Add(g.between(8, 20))
		if end.After(g.now) {
			return
		}
		x := domain.Session{ID: g.uuid(), FamilyID: b.FamilyID, BabyID: b.ID, CaregiverID: pick(g, members).UserID,
			RoutineID: r.ID, StartedAt: start, EndedAt: end, Outcome: domain.Completed, CreatedAt: end, UpdatedAt: end}
		switch g.rng.IntN(10) {
		case 0:
			x.Outcome = domain.BabyDeclined
		case 1:
			x.Outcome = domain.StoppedEarly
		}
		for _, st := range r.Steps {
			x.Steps = append(x.Steps, domain.SessionStep{StrokeID: st.StrokeID, Response: pick(g, domain.Responses)})
		}
		before, after := 1+g.rng.IntN(5), 1+g.rng.IntN(5)
		x.ParentCalmBefore, x.ParentCalmAfter = &before, &after
		snap.Sessions = append(snap.Sessions, x)
	}
}

// Seed generates opts.Families families and stores each through
// store.Import in one transaction, then gives every member a browser
// session and an API token. It returns the secrets for the load.
func Seed(ctx context.Context, st *store.Store, lib *content.Library, opts SeedOptions) (Tokens, SeedStats, error) {
	begin := time.Now()
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	// The store runs at most MaxImportsRunning imports at once and
	// refuses another (ErrImportsBusy).
	opts.Workers = min(max(opts.Workers, 1), store.MaxImportsRunning)
	g := NewGenerator(lib, opts.Months, opts.Now, opts.Seed)
	tok := Tokens{Created: opts.Now.UTC(), Families: opts.Families, Months: opts.Months}
	tok.First, tok.Last = g.Days()
	// One goroutine generates, the workers import: generation overlaps
	// with the database work.
	snaps := make(chan store.Snapshot, 2*opts.Workers)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		defer close(snaps)
		for i := 0; i < opts.Families; i++ {
			select {
			case snaps <- g.Family(i + 1):
			case <-ctx.Done():
				return
			}
		}
	}()
	var (
		mu    sync.Mutex
		stats SeedStats
		first error
		wg    sync.WaitGroup
	)
	now := opts.Now.UTC()
	for w := 0; w < opts.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for snap := range snaps {
				users, err := storeFamily(ctx, st, snap, now)
				mu.Lock()
				if err != nil && first == nil {
					first = err
					cancel()
				}
				if err == nil {
					stats.Families++
					stats.Members += len(snap.Members)
					stats.Babies += len(snap.Babies)
					stats.Sessions += len(snap.Sessions)
					for _, x := range snap.Sessions {
						stats.Steps += len(x.Steps)
					}
					stats.Entries += len(snap.Entries)
					tok.Users = append(tok.Users, users...)
				}
				mu.Unlock()
				if err == nil && opts.Progress != nil {
					opts.Progress()
				}
			}
		}()
	}
	wg.Wait()
	stats.Duration = time.Since(begin)
	if first == nil && ctx.Err() != nil {
		first = ctx.Err()
	}
	return tok, stats, first
}

func storeFamily(ctx context.Context, st *store.Store, snap store.Snapshot, now time.Time) ([]User, error) {
	if _, err := st.Import(ctx, snap.Family.ID, snap, true, nil); err != nil {
		return nil, fmt.Errorf("seed family %s: %w", snap.Family.Name, err)
	}
	babies := make([]string, len(snap.Babies))
	for i, b := range snap.Babies {
		babies[i] = b.ID
	}
	var users []User
	for _, m := range snap.Members {
		u := User{Family: snap.Family.ID, User: m.UserID, Babies: babies}
		for _, k := range []struct {
			kind string
			ttl  time.Duration
			dst  *string
		}{{auth.KindSession, auth.SessionTTL, &u.Session}, {auth.KindAPI, auth.APITTL, &u.API}} {
			secret, hash := auth.NewSecret()
			if err := st.CreateToken(ctx, m.UserID, uuid.NewString(), hash, k.kind, "bench", now, now.Add(k.ttl)); err != nil {
				return nil, fmt.Errorf("seed token: %w", err)
			}
			*k.dst = secret
		}
		users = append(users, u)
	}
	return users, nil
}

// WriteTokens saves the secrets for the load, readable by the owner only.
func WriteTokens(path string, t Tokens) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	b, err := json.Marshal(t)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	return errors.Join(err, f.Close())
}

// ReadTokens loads what WriteTokens saved.
func ReadTokens(path string) (Tokens, error) {
	var t Tokens
	b, err := os.ReadFile(path)
	if err != nil {
		return t, err
	}
	if err := json.Unmarshal(b, &t); err != nil {
		return t, fmt.Errorf("%s: %w", path, err)
	}
	if len(t.Users) == 0 {
		return t, fmt.Errorf("%s holds no users; run nurture bench seed first", path)
	}
	return t, nil
}
