package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"nurture/internal/apptest"
	"nurture/internal/content"
)

type favoriteJSON struct {
	StrokeID  string `json:"stroke_id"`
	Engaged   int    `json:"engaged"`
	Responses int    `json:"responses"`
}

type insightsBody struct {
	Days            int            `json:"days"`
	Sessions        int            `json:"sessions"`
	FavoriteStrokes []favoriteJSON `json:"favorite_strokes"`
	AvoidStrokes    []struct {
		StrokeID   string `json:"stroke_id"`
		Disengaged int    `json:"disengaged"`
	} `json:"avoid_strokes"`
	BestHours          []any   `json:"best_hours"`
	Caregivers         []any   `json:"caregivers"`
	TouchMinutesByDay  []any   `json:"touch_minutes_by_day"`
	CryingMinutesByDay []any   `json:"crying_minutes_by_day"`
	SessionsPerWeek    []any   `json:"sessions_per_week"`
	DeclinedRate       float64 `json:"declined_rate"`
}

type suggestionBody struct {
	Minutes int `json:"minutes"`
	Seconds int `json:"seconds"`
	Steps   []struct {
		StrokeID string `json:"stroke_id"`
		Seconds  int    `json:"seconds"`
	} `json:"steps"`
	Why []struct {
		Code     string `json:"code"`
		StrokeID string `json:"stroke_id"`
		Message  string `json:"message"`
	} `json:"why"`
}

// seedLikes posts sessions in which the baby always enjoys toe_roll and
// always says no to leg_swedish_milking, one of them declined.
func seedLikes(t *testing.T, w *world) {
	t.Helper()
	now := apptest.Now().UTC()
	for i := range 4 {
		start := now.Add(-time.Duration(i+1) * 26 * time.Hour)
		outcome := "completed"
		if i == 3 {
			outcome = "baby_declined"
		}
		body := map[string]any{
			"started_at": start.Format(time.RFC3339), "ended_at": start.Add(12 * time.Minute).Format(time.RFC3339),
			"outcome": outcome, "parent_calm_before": 2, "parent_calm_after": 4,
			"steps": []map[string]string{
				{"stroke_id": "permission_ritual", "response": "engaged"},
				{"stroke_id": "toe_roll", "response": "engaged"},
				{"stroke_id": "leg_swedish_milking", "response": "disengaged"},
				{"stroke_id": "leg_rolling", "response": "skipped"},
			},
		}
		if r := w.app.API("POST", "/api/v1/babies/"+w.babyA+"/sessions", w.caregiver.Token, body); r.Status != http.StatusCreated {
			t.Fatalf("seed session: %d %s", r.Status, r.Body)
		}
	}
	end := now.Add(-time.Hour)
	r := w.app.API("POST", "/api/v1/babies/"+w.babyA+"/touch", w.owner.Token, map[string]any{
		"kind": "skin_to_skin", "started_at": end.Add(-40 * time.Minute).Format(time.RFC3339), "ended_at": end.Format(time.RFC3339)})
	if r.Status != http.StatusCreated {
		t.Fatalf("seed touch: %d %s", r.Status, r.Body)
	}
}

func TestInsightsAPI(t *testing.T) {
	w := newWorld(t)
	seedLikes(t, w)
	base := "/api/v1/babies/" + w.babyA
	tests := []struct {
		name   string
		path   string
		who    string
		status int
		want   string
	}{
		{"insights default", base + "/insights", "owner", 200, `"days":28`},
		{"insights 7 days by viewer", base + "/insights?days=7", "viewer", 200, `"days":7`},
		{"insights 90 days", base + "/insights?days=90", "caregiver", 200, `"days":90`},
		{"insights bad days", base + "/insights?days=30", "owner", 422, `"days"`},
		{"insights days not a number", base + "/insights?days=month", "owner", 422, "7, 28 or 90"},
		{"insights other family", base + "/insights", "other", 404, "Not found"},
		{"insights other family bad days", base + "/insights?days=5", "other", 404, "Not found"},
		{"insights unknown baby", "/api/v1/babies/nope/insights", "owner", 404, "Not found"},
		{"insights unauthenticated", base + "/insights", "none", 401, "bearer"},
		{"suggestion default", base + "/routine-suggestion", "viewer", 200, `"minutes":10`},
		{"suggestion purpose", base + "/routine-suggestion?minutes=5&purpose=sleep", "owner", 200, `"purpose":"sleep"`},
		{"suggestion minutes 0", base + "/routine-suggestion?minutes=0", "owner", 422, `"minutes"`},
		{"suggestion minutes 61", base + "/routine-suggestion?minutes=61", "owner", 422, "between 1 and 60"},
		{"suggestion minutes word", base + "/routine-suggestion?minutes=ten", "owner", 422, `"minutes"`},
		{"suggestion bad purpose", base + "/routine-suggestion?purpose=dance", "owner", 422, `"purpose"`},
		{"suggestion other family", base + "/routine-suggestion", "other", 404, "Not found"},
		{"suggestion unauthenticated", base + "/routine-suggestion", "none", 401, "bearer"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			token := map[string]string{"owner": w.owner.Token, "caregiver": w.caregiver.Token, "viewer": w.viewer.Token, "other": w.other.Token}[tc.who]
			r := w.app.API("GET", tc.path, token, nil)
			if r.Status != tc.status || !strings.Contains(r.Body, tc.want) {
				t.Fatalf("GET %s as %s: %d %s\nwant %d with %q", tc.path, tc.who, r.Status, r.Body, tc.status, tc.want)
			}
		})
	}

	t.Run("insights learn the likes", func(t *testing.T) {
		r := w.app.API("GET", base+"/insights?days=28", w.viewer.Token, nil)
		for _, field := range []string{"favorite_strokes", "avoid_strokes", "best_hours", "caregivers", "touch_minutes_by_day", "crying_minutes_by_day", "sessions_per_week", "declined_rate"} {
			if !strings.Contains(r.Body, `"`+field+`":`) {
				t.Errorf("no %s in %s", field, r.Body)
			}
		}
		var got insightsBody
		if err := json.Unmarshal([]byte(r.Body), &got); err != nil {
			t.Fatal(err)
		}
		if got.Sessions != 4 || got.DeclinedRate != 0.25 || len(got.TouchMinutesByDay) != 28 {
			t.Errorf("sessions %d, declined %v, %d days", got.Sessions, got.DeclinedRate, len(got.TouchMinutesByDay))
		}
		if !slices.Contains(got.FavoriteStrokes, favoriteJSON{"toe_roll", 4, 4}) {
			t.Errorf("toe_roll not a favorite: %+v", got.FavoriteStrokes)
		}
		if len(got.AvoidStrokes) != 1 || got.AvoidStrokes[0].StrokeID != "leg_swedish_milking" || got.AvoidStrokes[0].Disengaged != 4 {
			t.Errorf("avoid: %+v", got.AvoidStrokes)
		}
		if len(got.Caregivers) != 2 { // Bob's sessions, Ann's touch
			t.Errorf("caregivers: %+v", got.Caregivers)
		}
	})

	lib := content.MustLoad()
	index := map[string]int{}
	for i, s := range lib.Strokes(content.AllStrokes) {
		index[s.ID] = i
	}
	for _, q := range []string{"", "?minutes=3", "?minutes=20", "?minutes=60", "?minutes=10&purpose=play", "?minutes=10&purpose=bonding"} {
		t.Run("suggestion"+q, func(t *testing.T) {
			r := w.app.API("GET", base+"/routine-suggestion"+q, w.viewer.Token, nil)
			var s suggestionBody
			if err := json.Unmarshal([]byte(r.Body), &s); err != nil || r.Status != 200 {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			var got []string
			longest, sum := 0, 0
			for _, st := range s.Steps {
				got = append(got, st.StrokeID)
				longest, sum = max(longest, st.Seconds), sum+st.Seconds
			}
			if len(got) < 3 || got[0] != content.PermissionRitualID || got[1] != content.RestingHandsID {
				t.Fatalf("does not open with permission and resting hands: %v", got)
			}
			if slices.Contains(got, "leg_swedish_milking") {
				t.Errorf("the disliked stroke is suggested: %v", got)
			}
			if !slices.Contains(got, "toe_roll") {
				t.Errorf("the enjoyed stroke is missing: %v", got)
			}
			if sum != s.Seconds || sum < s.Minutes*60-longest || sum > s.Minutes*60+longest {
				t.Errorf("%d s for %d min: %v", sum, s.Minutes, s.Steps)
			}
			body := got[2:]
			if body[len(body)-1] == content.RestingHandsID {
				body = body[:len(body)-1]
			}
			for i := 1; i < len(body); i++ {
				if index[body[i]] < index[body[i-1]] {
					t.Errorf("%s before %s: not in library order: %v", body[i-1], body[i], got)
				}
			}
			if !strings.Contains(r.Body, "Toe roll (this little piggy): enjoyed 4 of 4 times.") ||
				!strings.Contains(r.Body, "Swedish milking (leg) left out for now: your baby said no 4 of 4 times.") {
				t.Errorf("why does not explain: %+v", s.Why)
			}
		})
	}

	t.Run("why in French", func(t *testing.T) {
		req, _ := http.NewRequest("GET", w.app.URL+base+"/routine-suggestion", nil)
		req.Header.Set("Authorization", "Bearer "+w.owner.Token)
		req.Header.Set("Accept-Language", "fr-FR,fr;q=0.9")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if !strings.Contains(string(b), "Roulement des orteils (petit cochon)\u00a0: apprécié 4 fois sur 4.") {
			t.Errorf("not in French: %s", b)
		}
	})
}

func TestInsightsPretermSuggestion(t *testing.T) {
	w := newWorld(t)
	r := w.app.API("POST", "/api/v1/babies", w.owner.Token, map[string]any{"name": "Tiny", "birth_date": apptest.Now().UTC().AddDate(0, 0, -7).Format(time.DateOnly), "gestation_weeks": 30})
	if r.Status != http.StatusCreated {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	id := r.JSON(t)["id"].(string)
	r = w.app.API("GET", "/api/v1/babies/"+id+"/routine-suggestion?minutes=5", w.owner.Token, nil)
	if r.Status != 200 || !strings.Contains(r.Body, `"steps":[{"stroke_id":"containment_holding","seconds":300}]`) || !strings.Contains(r.Body, `"code":"preterm"`) {
		t.Fatalf("preterm: %d %s", r.Status, r.Body)
	}
}

// The same history read back from PostgreSQL gives the same answers.
func TestInsightsAPIPostgres(t *testing.T) {
	a := apptest.NewOn(t, apptest.OpenPostgres(t))
	w := &world{app: a}
	w.owner = a.Signup("ann@example.org", "Ann", "Martin")
	w.caregiver = a.Join(w.owner, "bob@example.org", "Bob", "caregiver", "father")
	w.babyA = a.Baby(w.owner, "Lou", "2026-10-01")
	seedLikes(t, w)
	r := a.API("GET", "/api/v1/babies/"+w.babyA+"/insights?days=7", w.owner.Token, nil)
	var got insightsBody
	if err := json.Unmarshal([]byte(r.Body), &got); err != nil || r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	if !slices.Contains(got.FavoriteStrokes, favoriteJSON{"toe_roll", 4, 4}) || len(got.AvoidStrokes) != 1 || got.AvoidStrokes[0].StrokeID != "leg_swedish_milking" {
		t.Errorf("favorites %+v, avoid %+v", got.FavoriteStrokes, got.AvoidStrokes)
	}
	r = a.API("GET", "/api/v1/babies/"+w.babyA+"/routine-suggestion?minutes=10", w.owner.Token, nil)
	if r.Status != 200 || !strings.Contains(r.Body, `"stroke_id":"toe_roll"`) || strings.Contains(r.Body, `"stroke_id":"leg_swedish_milking","seconds"`) {
		t.Errorf("suggestion: %d %s", r.Status, r.Body)
	}
}
