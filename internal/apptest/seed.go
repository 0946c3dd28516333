package apptest

import (
	"fmt"
	"net/http"
	"time"
)

// SeedLogs records, through the API, a few days of everything a family
// logs for a baby: sessions with steps, touch, sleep and crying. Times
// step back from now so nothing is in the future.
func (a *App) SeedLogs(f Family, babyID string, days int) {
	a.T.Helper()
	now := Now().UTC().Truncate(time.Minute)
	post := func(path, body string) {
		a.T.Helper()
		r := a.API("POST", "/api/v1/babies/"+babyID+path, f.Token, body)
		if r.Status != http.StatusCreated {
			a.T.Fatalf("seed %s: %d %s", path, r.Status, r.Body)
		}
	}
	for d := 1; d <= days; d++ {
		day := now.Add(-time.Duration(d) * 24 * time.Hour)
		at := func(h, m int) string {
			return day.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute).Format(time.RFC3339)
		}
		post("/sessions", fmt.Sprintf(`{"routine_id":"quick_legs_feet","started_at":%q,"ended_at":%q,"outcome":"completed","parent_calm_before":3,"parent_calm_after":4,
			"steps":[{"stroke_id":"permission_ritual","response":"neutral"},{"stroke_id":"toe_roll","response":"engaged"},{"stroke_id":"leg_swedish_milking","response":"disengaged"}],"notes":"day %d"}`, at(1, 0), at(1, 12), d))
		post("/touch", fmt.Sprintf(`{"kind":"skin_to_skin","started_at":%q,"ended_at":%q}`, at(2, 0), at(2, 40)))
		post("/touch", fmt.Sprintf(`{"kind":"breastfeeding","started_at":%q,"ended_at":%q,"notes":"=1+1"}`, at(2, 10), at(2, 30)))
		post("/sleep", fmt.Sprintf(`{"started_at":%q,"ended_at":%q}`, at(3, 0), at(5, 0)))
		post("/crying", fmt.Sprintf(`{"started_at":%q,"ended_at":%q,"held":true,"needs_checked":["hungry","wind"],"soothed_by":["walking"],"parent_stress":3}`, at(6, 0), at(6, 25)))
	}
}
