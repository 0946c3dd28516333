package api_test

import (
	"fmt"
	"os"
	"runtime/pprof"
	"testing"
	"time"

	"nurture/internal/apptest"
)

func BenchmarkProbeProfile(b *testing.B) {
	st := apptest.OpenSQLite(b)
	app := apptest.NewOn(b, st)
	fam := app.Signup("bench@example.org", "Ann", "Bench")
	now := time.Now().UTC()
	baby := app.Baby(fam, "Lou", now.AddDate(-2, 0, -1).Format(time.DateOnly))
	seedTwoYears(b, st, fam, baby, now)
	f, _ := os.Create("/tmp/req.prof")
	pprof.StartCPUProfile(f)
	path := fmt.Sprintf("/api/v1/babies/%s/insights?days=%d", baby, 90)
	for range 40 {
		app.API("GET", path, fam.Token, nil)
	}
	pprof.StopCPUProfile()
	f.Close()
}
