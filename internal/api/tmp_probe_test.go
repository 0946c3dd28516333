package api_test

import (
	"context"
	"testing"
	"time"

	"nurture/internal/apptest"
	"nurture/internal/insights"
)

func BenchmarkProbeHistory(b *testing.B) {
	st := apptest.OpenSQLite(b)
	app := apptest.NewOn(b, st)
	fam := app.Signup("bench@example.org", "Ann", "Bench")
	now := time.Now().UTC()
	baby := app.Baby(fam, "Lou", now.AddDate(-2, 0, -1).Format(time.DateOnly))
	seedTwoYears(b, st, fam, baby, now)
	from, to, _ := insights.Window(now, time.UTC, 90)
	ctx := context.Background()
	for range 3 {
		t0 := time.Now()
		ses, _ := st.SessionsBetween(ctx, fam.FamilyID, baby, from, to)
		t1 := time.Now()
		h, _ := st.History(ctx, fam.FamilyID, baby, from, to)
		t2 := time.Now()
		b.Logf("sessions %d in %v; history (%d touch) in %v", len(ses), t1.Sub(t0), len(h.Touch), t2.Sub(t1))
	}
}
