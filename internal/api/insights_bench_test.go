package api_test

import (
	"context"
	"fmt"
	"net/http"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"

	"nurture/internal/apptest"
	"nurture/internal/content"
	"nurture/internal/domain"
	"nurture/internal/store"
)

// BenchmarkInsightsTwoYears times GET /insights for one baby with two years
// of dense data — 10 sessions, 30 touch entries and 5 crying spells a day —
// on SQLite. The target (issue 6) is under 50 ms per request.
func BenchmarkInsightsTwoYears(b *testing.B) {
	// The parent of sub-benchmarks runs once, so the data is seeded once.
	st := apptest.OpenSQLite(b)
	app := apptest.NewOn(b, st)
	fam := app.Signup("bench@example.org", "Ann", "Bench")
	now := time.Now().UTC()
	baby := app.Baby(fam, "Lou", now.AddDate(-2, 0, -1).Format(time.DateOnly))
	start := time.Now()
	n := seedTwoYears(b, st, fam, baby, now)
	b.Logf("seeded %d records in %v", n, time.Since(start).Round(time.Millisecond))
	for _, days := range []int{90, 28} {
		b.Run(fmt.Sprintf("days=%d", days), func(b *testing.B) {
			path := fmt.Sprintf("/api/v1/babies/%s/insights?days=%d", baby, days)
			cpu := cpuTime()
			for b.Loop() {
				if r := app.API("GET", path, fam.Token, nil); r.Status != http.StatusOK {
					b.Fatalf("%d %s", r.Status, r.Body)
				}
			}
			// CPU time of the whole process (client and server) per request:
			// a fairer figure than wall time on a busy shared machine.
			b.ReportMetric(float64(cpuTime()-cpu)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
		})
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func seedTwoYears(b *testing.B, st *store.Store, fam apptest.Family, baby string, now time.Time) int {
	ctx := context.Background()
	lib := content.MustLoad()
	r, _ := lib.Routine("quick_legs_feet")
	responses := []domain.Response{domain.Engaged, domain.Engaged, domain.Neutral, domain.Engaged, domain.Disengaged, domain.Skipped, domain.Engaged}
	touchKinds := domain.TouchKinds
	n := 0
	day0 := now.Truncate(24*time.Hour).AddDate(-2, 0, 0)
	// Newest first: the store's overlap check looks at the entries that
	// begin before a new one, so seeding backwards keeps it short.
	for d := 729; d >= 0; d-- {
		day := day0.AddDate(0, 0, d)
		for i := range 10 {
			started := day.Add(time.Duration(6*60+i*90) * time.Minute)
			steps := make([]domain.SessionStep, len(r.Steps))
			for k, s := range r.Steps {
				steps[k] = domain.SessionStep{StrokeID: s.StrokeID, Response: responses[(d+i+k)%len(responses)]}
			}
			outcome := domain.Completed
			if (d+i)%9 == 0 {
				outcome = domain.BabyDeclined
			}
			calm := 1 + (d+i)%5
			ses := domain.Session{ID: uuid.NewString(), FamilyID: fam.FamilyID, BabyID: baby, CaregiverID: fam.UserID, RoutineID: r.ID,
				StartedAt: started, EndedAt: started.Add(12 * time.Minute), Outcome: outcome, Steps: steps,
				ParentCalmBefore: &calm, ParentCalmAfter: &calm, CreatedAt: started, UpdatedAt: started}
			if _, err := st.PutSession(ctx, ses); err != nil {
				b.Fatal(err)
			}
			n++
		}
		for i := 29; i >= 0; i-- {
			started := day.Add(time.Duration(i*47) * time.Minute)
			end := started.Add(20 * time.Minute)
			e := domain.Entry{Type: domain.TouchLog, ID: uuid.NewString(), FamilyID: fam.FamilyID, BabyID: baby, CaregiverID: fam.UserID,
				Kind: touchKinds[i%len(touchKinds)], StartedAt: started, EndedAt: &end, CreatedAt: started, UpdatedAt: started}
			if _, err := st.PutEntry(ctx, e); err != nil {
				b.Fatal(err)
			}
			n++
		}
		for i := 4; i >= 0; i-- {
			started := day.Add(time.Duration(60+i*280) * time.Minute)
			end := started.Add(time.Duration(5+i*4) * time.Minute)
			e := domain.Entry{Type: domain.CryingLog, ID: uuid.NewString(), FamilyID: fam.FamilyID, BabyID: baby, CaregiverID: fam.UserID,
				StartedAt: started, EndedAt: &end, Held: true, CreatedAt: started, UpdatedAt: started}
			if _, err := st.PutEntry(ctx, e); err != nil {
				b.Fatal(err)
			}
			n++
		}
		sleepAt := day.Add(20 * time.Hour)
		end := sleepAt.Add(time.Duration(240+d%120) * time.Minute)
		e := domain.Entry{Type: domain.SleepLog, ID: uuid.NewString(), FamilyID: fam.FamilyID, BabyID: baby, CaregiverID: fam.UserID,
			StartedAt: sleepAt, EndedAt: &end, CreatedAt: sleepAt, UpdatedAt: sleepAt}
		if _, err := st.PutEntry(ctx, e); err != nil {
			b.Fatal(err)
		}
		n++
	}
	return n
}
