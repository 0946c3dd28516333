package api_test

import (
	"fmt"
	"net/http"
	"nurture/internal/apptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

func sessionBody(id, start, end, outcome string) string {
	idField := ""
	if id != "" {
		idField = `"id":"` + id + `",`
	}
	return `{` + idField + `"routine_id":"quick_legs_feet","started_at":"` + start + `","ended_at":"` + end + `","outcome":"` + outcome + `",
		"steps":[{"stroke_id":"permission_ritual","response":"engaged"},{"stroke_id":"leg_indian_milking","response":"disengaged"}],
		"parent_calm_before":2,"parent_calm_after":4,"fell_asleep_after_min":12,"notes":"calm <b>evening</b>"}`
}

func TestSessionsAPI(t *testing.T) {
	w := newWorld(t)
	now := apptest.Now().UTC()
	start, end := now.Add(-30*time.Minute).Format(time.RFC3339), now.Add(-10*time.Minute).Format(time.RFC3339)
	future := now.Add(time.Hour).Format(time.RFC3339)
	old := now.Add(-30 * time.Hour).Format(time.RFC3339)
	id := "0b7d7a7e-5c1f-4bb5-9a64-1e2f3a4b5c6d"
	base := "/api/v1/babies/" + w.babyA + "/sessions"
	tests := []struct {
		name   string
		method string
		path   string
		who    string
		body   string
		status int
		want   string
	}{
		{"create", "POST", base, "caregiver", sessionBody(id, start, end, "completed"), 201, `"outcome":"completed"`},
		{"replay same id", "POST", base, "caregiver", sessionBody(id, start, end, "completed"), 200, id},
		{"without id", "POST", base, "owner", sessionBody("", start, end, "baby_declined"), 201, `"outcome":"baby_declined"`},
		{"viewer may not write", "POST", base, "viewer", sessionBody("", start, end, "completed"), 403, "does not allow"},
		{"unauthenticated", "POST", base, "none", sessionBody("", start, end, "completed"), 401, "bearer"},
		{"other family's baby", "POST", "/api/v1/babies/" + w.babyA + "/sessions", "other", sessionBody("", start, end, "completed"), 404, "Not found"},
		{"id of our session posted by other family", "POST", "/api/v1/babies/" + w.babyB + "/sessions", "other", sessionBody(id, start, end, "completed"), 409, "already used"},
		{"future", "POST", base, "owner", sessionBody("", start, future, "completed"), 422, `"ended_at"`},
		{"end before start", "POST", base, "owner", sessionBody("", end, start, "completed"), 422, "before the start"},
		{"over 24 h", "POST", base, "owner", sessionBody("", old, end, "completed"), 422, "24 hours"},
		{"bad time", "POST", base, "owner", sessionBody("", "yesterday", end, "completed"), 422, `"started_at"`},
		{"missing times", "POST", base, "owner", `{"outcome":"completed"}`, 422, `"started_at"`},
		{"bad outcome", "POST", base, "owner", sessionBody("", start, end, "great"), 422, `"outcome"`},
		{"bad id", "POST", base, "owner", sessionBody("not-a-uuid", start, end, "completed"), 422, `"id"`},
		{"unknown stroke", "POST", base, "owner", `{"started_at":"` + start + `","ended_at":"` + end + `","outcome":"completed","steps":[{"stroke_id":"nope","response":"engaged"}]}`, 422, "not in the library"},
		{"unknown response", "POST", base, "owner", `{"started_at":"` + start + `","ended_at":"` + end + `","outcome":"completed","steps":[{"stroke_id":"toe_roll","response":"meh"}]}`, 422, "unknown response"},
		{"unknown routine", "POST", base, "owner", `{"routine_id":"nope","started_at":"` + start + `","ended_at":"` + end + `","outcome":"completed"}`, 422, `"routine_id"`},
		{"calm out of scale", "POST", base, "owner", `{"started_at":"` + start + `","ended_at":"` + end + `","outcome":"completed","parent_calm_after":6}`, 422, "1 to 5"},
		{"negative asleep", "POST", base, "owner", `{"started_at":"` + start + `","ended_at":"` + end + `","outcome":"completed","fell_asleep_after_min":-1}`, 422, `"fell_asleep_after_min"`},
		{"caregiver of other family", "POST", base, "owner", `{"caregiver_id":"` + w.other.UserID + `","started_at":"` + start + `","ended_at":"` + end + `","outcome":"completed"}`, 422, "not a member"},
		{"caregiver of ours", "POST", base, "owner", `{"caregiver_id":"` + w.viewer.UserID + `","started_at":"` + start + `","ended_at":"` + end + `","outcome":"stopped_early"}`, 201, w.viewer.UserID},
		{"list", "GET", base, "viewer", "", 200, `"next":null`},
		{"list other family", "GET", base, "other", "", 404, "Not found"},
		{"list bad limit", "GET", base + "?limit=5000", "owner", "", 422, `"limit"`},
		{"list bad from", "GET", base + "?from=monday", "owner", "", 422, `"from"`},
		{"list bad cursor", "GET", base + "?cursor=zzz", "owner", "", 422, `"cursor"`},
		{"get", "GET", base + "/" + id, "viewer", "", 200, `"stroke_id":"leg_indian_milking"`},
		{"get by other family", "GET", "/api/v1/babies/" + w.babyB + "/sessions/" + id, "other", "", 404, "Not found"},
		{"update", "PUT", base + "/" + id, "caregiver", sessionBody("", start, end, "stopped_early"), 200, `"outcome":"stopped_early"`},
		{"update invalid", "PUT", base + "/" + id, "caregiver", sessionBody("", start, end, "nope"), 422, `"outcome"`},
		{"update by viewer", "PUT", base + "/" + id, "viewer", sessionBody("", start, end, "completed"), 403, ""},
		{"delete by other family", "DELETE", "/api/v1/babies/" + w.babyB + "/sessions/" + id, "other", "", 404, ""},
		{"delete", "DELETE", base + "/" + id, "owner", "", 204, ""},
		{"deleted", "GET", base + "/" + id, "owner", "", 404, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			token := map[string]string{"owner": w.owner.Token, "caregiver": w.caregiver.Token, "viewer": w.viewer.Token, "other": w.other.Token}[tc.who]
			var body any
			if tc.body != "" {
				body = tc.body
			}
			r := w.app.API(tc.method, tc.path, token, body)
			if r.Status != tc.status || !strings.Contains(r.Body, tc.want) {
				t.Fatalf("%s %s as %s: %d %s\nwant %d with %q", tc.method, tc.path, tc.who, r.Status, r.Body, tc.status, tc.want)
			}
		})
	}
	// The replay stored one record; the other family's post stored none.
	r := w.app.API("GET", base+"?limit=1000", w.owner.Token, nil)
	if n := strings.Count(r.Body, `"routine_id"`); n != 2 {
		t.Fatalf("want 2 sessions left, got %d: %s", n, r.Body)
	}
	r = w.app.API("GET", "/api/v1/babies/"+w.babyB+"/sessions", w.other.Token, nil)
	if strings.Contains(r.Body, `"routine_id"`) {
		t.Fatalf("other family got a session: %s", r.Body)
	}
}

func TestSessionsPaging(t *testing.T) {
	w := newWorld(t)
	base := "/api/v1/babies/" + w.babyA + "/sessions"
	now := apptest.Now().UTC().Truncate(time.Second)
	for i := 0; i < 5; i++ {
		s := now.Add(time.Duration(-i-1) * time.Hour)
		r := w.app.API("POST", base, w.owner.Token, fmt.Sprintf(`{"started_at":%q,"ended_at":%q,"outcome":"completed"}`, s.Format(time.RFC3339), s.Add(5*time.Minute).Format(time.RFC3339)))
		if r.Status != http.StatusCreated {
			t.Fatal(r.Body)
		}
	}
	seen := 0
	path := base + "?limit=2"
	for pages := 0; pages < 10; pages++ {
		m := w.app.API("GET", path, w.owner.Token, nil).JSON(t)
		seen += len(m["items"].([]any))
		if m["next"] == nil {
			break
		}
		path = base + "?limit=2&cursor=" + m["next"].(string)
	}
	if seen != 5 {
		t.Fatalf("paged through %d sessions, want 5", seen)
	}
	from := now.Add(-3*time.Hour - time.Minute).Format(time.RFC3339)
	m := w.app.API("GET", base+"?from="+from, w.owner.Token, nil).JSON(t)
	if n := len(m["items"].([]any)); n != 3 {
		t.Fatalf("from filter: %d", n)
	}
}

func TestReadinessAPI(t *testing.T) {
	w := newWorld(t) // babyA was born 2026-10-01, at term
	path := "/api/v1/babies/" + w.babyA + "/readiness"
	now := "2026-11-26T18:00:00+01:00"
	tests := []struct {
		name   string
		who    string
		body   string
		status int
		want   []string
	}{
		{"go", "viewer", `{"state":"quiet_alert","now":"` + now + `"}`, 200, []string{`"verdict":"go"`, `"retry_at":null`}},
		{"asleep", "owner", `{"state":"asleep","now":"` + now + `"}`, 200, []string{`"verdict":"wait"`, `"code":"asleep"`}},
		{"recently fed", "owner", `{"state":"quiet_alert","last_feed_at":"2026-11-26T17:50:00+01:00","now":"` + now + `"}`, 200, []string{`"verdict":"wait"`, `"retry_at":"2026-11-26T17:20:00Z"`}},
		{"fever young baby", "owner", `{"state":"quiet_alert","temperature_c":38.2,"now":"` + now + `"}`, 200, []string{`"verdict":"seek_help"`, `"code":"fever_young_baby"`, "doctor"}},
		{"vaccination", "owner", `{"state":"quiet_alert","vaccinated_at":"2026-11-26T09:00:00+01:00","now":"` + now + `"}`, 200, []string{`"verdict":"not_today"`, `"retry_at":"2026-11-28T08:00:00Z"`}},
		{"drowsy adjust", "owner", `{"state":"drowsy","now":"` + now + `"}`, 200, []string{`"verdict":"go"`, `"code":"gentle_bedtime"`}},
		{"unknown state", "owner", `{"state":"hungry","now":"` + now + `"}`, 422, []string{`"state"`}},
		{"missing state", "owner", `{"now":"` + now + `"}`, 422, []string{`"state"`}},
		{"feed in future", "owner", `{"state":"quiet_alert","last_feed_at":"2026-11-26T19:00:00+01:00","now":"` + now + `"}`, 422, []string{`"last_feed_at"`}},
		{"temperature out of range", "owner", `{"state":"quiet_alert","temperature_c":50,"now":"` + now + `"}`, 422, []string{`"temperature_c"`}},
		{"bad time", "owner", `{"state":"quiet_alert","now":"tonight"}`, 422, []string{`"now"`}},
		{"wrong type", "owner", `{"state":"quiet_alert","temperature_c":"hot"}`, 422, []string{`"temperature_c"`}},
		{"other family", "other", `{"state":"quiet_alert"}`, 404, []string{"Not found"}},
		{"unauthenticated", "none", `{"state":"quiet_alert"}`, 401, []string{"bearer"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			token := map[string]string{"owner": w.owner.Token, "viewer": w.viewer.Token, "other": w.other.Token}[tc.who]
			r := w.app.API("POST", path, token, tc.body)
			if r.Status != tc.status {
				t.Fatalf("status %d: %s", r.Status, r.Body)
			}
			for _, want := range tc.want {
				if !strings.Contains(r.Body, want) {
					t.Fatalf("body lacks %q: %s", want, r.Body)
				}
			}
		})
	}
}

// Every session goes through the readiness answer: the plan needs a go
// answer from the last 30 minutes, is cut to the baby's age and the
// answer's adjustments, and the session saved after it keeps its verdict.
func TestSessionPlanThroughReadiness(t *testing.T) {
	w := newWorld(t)
	young := w.app.Baby(w.owner, "Noé", apptest.DaysAgo(10)) // under 4 weeks: no oil, cord
	base := "/api/v1/babies/" + young
	check := func(body string) map[string]any {
		t.Helper()
		r := w.app.API("POST", base+"/readiness", w.owner.Token, body)
		if r.Status != 200 {
			t.Fatalf("readiness: %d %s", r.Status, r.Body)
		}
		return r.JSON(t)
	}
	plan := func(q string, status int) map[string]any {
		t.Helper()
		r := w.app.API("GET", base+"/session-plan?"+q, w.owner.Token, nil)
		if r.Status != status {
			t.Fatalf("plan %s: %d %s", q, r.Status, r.Body)
		}
		if status != 200 {
			return nil
		}
		return r.JSON(t)
	}
	stepIDs := func(m map[string]any) []string {
		var out []string
		for _, s := range m["steps"].([]any) {
			out = append(out, s.(map[string]any)["stroke_id"].(string))
		}
		return out
	}

	// No answer yet: check first.
	plan("routine=full_body", 409)
	// A wait answer does not open a session either.
	check(`{"state":"fussy"}`)
	plan("routine=full_body", 409)
	// An answer from an hour ago no longer stands.
	old := check(`{"state":"quiet_alert","now":"` + apptest.Now().Add(-time.Hour).UTC().Format(time.RFC3339) + `"}`)
	plan("routine=full_body&check="+old["id"].(string), 409)

	ok := check(`{"state":"quiet_alert"}`)
	if ok["verdict"] != "go" || ok["id"] == "" {
		t.Fatalf("check: %v", ok)
	}
	p := plan("routine=full_body", 200)
	ids := stepIDs(p)
	if p["readiness_check_id"] != ok["id"] || len(ids) == 0 {
		t.Fatalf("plan: %v", p)
	}
	for _, id := range ids {
		if slices.Contains([]string{"leg_indian_milking", "water_wheel", "back_and_forth", "i_love_you"}, id) {
			t.Errorf("a 10-day-old's plan holds %s (an oil or a tummy stroke)", id)
		}
	}
	if secs := p["seconds"].(float64); secs > 600 {
		t.Errorf("a 10-day-old's plan lasts %v s, over 10 minutes", secs)
	}
	// The named answer with a healed cord: the tummy strokes without oil
	// are still left out for their oil, the plan is valid.
	healed := check(`{"state":"quiet_alert","cord_healed":true}`)
	plan("routine=newborn_gentle&check="+healed["id"].(string), 200)
	plan("routine=nope", 422)

	// A session saved after the answer keeps its verdict; one recorded
	// after the fact says none, and so does one naming an answer this baby
	// does not have (an offline queue must not be stranded by it).
	now := apptest.Now().UTC().Truncate(time.Second)
	ses := func(extra string) apptest.Response {
		return w.app.API("POST", base+"/sessions", w.owner.Token, `{"routine_id":"newborn_gentle","started_at":"`+now.Add(-5*time.Minute).Format(time.RFC3339)+
			`","ended_at":"`+now.Format(time.RFC3339)+`","outcome":"completed"`+extra+`}`)
	}
	r := ses(`,"readiness_check_id":"` + ok["id"].(string) + `"`)
	if r.Status != 201 || !strings.Contains(r.Body, `"readiness":"go"`) {
		t.Fatalf("session after a check: %d %s", r.Status, r.Body)
	}
	if r := ses(``); r.Status != 201 || !strings.Contains(r.Body, `"readiness":"none"`) {
		t.Fatalf("session after the fact: %d %s", r.Status, r.Body)
	}
	if r := ses(`,"readiness_check_id":"` + uuid.NewString() + `"`); r.Status != 201 || !strings.Contains(r.Body, `"readiness":"none"`) ||
		!strings.Contains(r.Body, `"readiness_check_id":""`) {
		t.Fatalf("unknown check: %d %s", r.Status, r.Body)
	}
	// Another baby's answer is unknown to this one.
	other := w.app.API("POST", "/api/v1/babies/"+w.babyA+"/readiness", w.owner.Token, `{"state":"quiet_alert"}`).JSON(t)
	if r := ses(`,"readiness_check_id":"` + other["id"].(string) + `"`); r.Status != 201 || !strings.Contains(r.Body, `"readiness":"none"`) {
		t.Fatalf("another baby's check: %d %s", r.Status, r.Body)
	}
	// An answer from the future is refused; a replayed id is harmless.
	future := apptest.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	if r := w.app.API("POST", base+"/readiness", w.owner.Token, `{"state":"quiet_alert","now":"`+future+`"}`); r.Status != 422 || !strings.Contains(r.Body, `"now"`) {
		t.Fatalf("answer from the future: %d %s", r.Status, r.Body)
	}
	id := uuid.NewString()
	for range 2 {
		if r := w.app.API("POST", base+"/readiness", w.owner.Token, `{"id":"`+id+`","state":"quiet_alert"}`); r.Status != 200 || !strings.Contains(r.Body, id) {
			t.Fatalf("replayed answer: %d %s", r.Status, r.Body)
		}
	}
	if r := w.app.API("POST", "/api/v1/babies/"+w.babyB+"/readiness", w.other.Token, `{"id":"`+id+`","state":"quiet_alert"}`); r.Status != 409 {
		t.Fatalf("an id of another family: %d %s", r.Status, r.Body)
	}
	// The same id with another answer would show a verdict that is not
	// the one kept: refused, and the first answer stands.
	if r := w.app.API("POST", base+"/readiness", w.owner.Token, `{"id":"`+id+`","state":"asleep"}`); r.Status != 409 {
		t.Fatalf("replay with another answer: %d %s", r.Status, r.Body)
	}
	if r := w.app.API("GET", base+"/session-plan?routine=newborn_gentle", w.owner.Token, nil); r.Status != 200 || !strings.Contains(r.Body, id) {
		t.Fatalf("plan after a refused replay: %d %s", r.Status, r.Body)
	}
}

// The baby's latest answer decides, whoever gave it: a partner's "not
// today" holds back a session planned from an earlier go, and it stands
// past the 30 minutes a go answer lasts, until its own retry time.
func TestReadinessLatestAnswerStands(t *testing.T) {
	w := newWorld(t)
	baby := w.app.Baby(w.owner, "Lou", apptest.DaysAgo(120))
	base := "/api/v1/babies/" + baby
	now := apptest.Now().UTC()
	at := func(d time.Duration) string { return now.Add(d).Format(time.RFC3339) }
	ok := w.app.API("POST", base+"/readiness", w.owner.Token, `{"state":"quiet_alert","now":"`+at(-10*time.Minute)+`"}`).JSON(t)
	if ok["verdict"] != "go" {
		t.Fatalf("first answer: %v", ok)
	}
	plan := func(query string) int {
		return w.app.API("GET", base+"/session-plan?routine=newborn_gentle"+query, w.owner.Token, nil).Status
	}
	if st := plan("&check=" + ok["id"].(string)); st != 200 {
		t.Fatalf("plan from a go answer: %d", st)
	}
	// Bob, the father, answers a minute later: vaccinated two hours ago.
	r := w.app.API("POST", base+"/readiness", w.caregiver.Token, `{"state":"quiet_alert","now":"`+at(-9*time.Minute)+
		`","vaccinated_at":"`+at(-2*time.Hour)+`"}`)
	if r.Status != 200 || !strings.Contains(r.Body, `"not_today"`) {
		t.Fatalf("partner's answer: %d %s", r.Status, r.Body)
	}
	for _, q := range []string{"", "&check=" + ok["id"].(string)} {
		if st := plan(q); st != 409 {
			t.Errorf("plan%s after a partner's not today: %d", q, st)
		}
	}
	// A phone running ahead does not make its go outrank a later answer:
	// the moment kept is the server's.
	w3 := newWorld(t)
	baby3 := w3.app.Baby(w3.owner, "Eve", apptest.DaysAgo(120))
	base3 := "/api/v1/babies/" + baby3
	ahead := apptest.Now().Add(90 * time.Second).UTC().Format(time.RFC3339)
	if r := w3.app.API("POST", base3+"/readiness", w3.owner.Token, `{"state":"quiet_alert","now":"`+ahead+`"}`); r.Status != 200 {
		t.Fatalf("answer from a fast phone: %d %s", r.Status, r.Body)
	}
	time.Sleep(20 * time.Millisecond)
	if r := w3.app.API("POST", base3+"/readiness", w3.caregiver.Token, `{"state":"quiet_alert","temperature_c":38.5}`); r.Status != 200 || !strings.Contains(r.Body, "not_today") {
		t.Fatalf("fever: %d %s", r.Status, r.Body)
	}
	if st := w3.app.API("GET", base3+"/session-plan?routine=newborn_gentle", w3.owner.Token, nil).Status; st != 409 {
		t.Fatalf("plan after a fever answered after a fast phone's go: %d", st)
	}
	// Forty minutes on, the not today still stands; only a new answer
	// lifts it.
	w2 := newWorld(t)
	baby2 := w2.app.Baby(w2.owner, "Max", apptest.DaysAgo(120))
	base2 := "/api/v1/babies/" + baby2
	w2.app.API("POST", base2+"/readiness", w2.owner.Token, `{"state":"quiet_alert","now":"`+at(-40*time.Minute)+
		`","vaccinated_at":"`+at(-2*time.Hour)+`"}`)
	if st := w2.app.API("GET", base2+"/session-plan?routine=newborn_gentle", w2.owner.Token, nil).Status; st != 409 {
		t.Fatalf("plan 40 minutes after not today: %d", st)
	}
}

// Vaccinated in the week: under 12 months the plan leaves out every
// stroke over the thighs, leg movements included.
func TestSessionPlanInjectionSite(t *testing.T) {
	w := newWorld(t)
	baby := w.app.Baby(w.owner, "Lou", apptest.DaysAgo(120))
	base := "/api/v1/babies/" + baby
	vacc := apptest.Now().Add(-72 * time.Hour).UTC().Format(time.RFC3339)
	r := w.app.API("POST", base+"/readiness", w.owner.Token, `{"state":"quiet_alert","vaccinated_at":"`+vacc+`"}`)
	if r.Status != 200 || !strings.Contains(r.Body, "avoid_injection_site") {
		t.Fatalf("readiness: %d %s", r.Status, r.Body)
	}
	p := w.app.API("GET", base+"/session-plan?routine=full_body", w.owner.Token, nil)
	if p.Status != 200 {
		t.Fatalf("plan: %d %s", p.Status, p.Body)
	}
	for _, id := range []string{"leg_indian_milking", "marching", "knees_to_tummy", "bottom_relaxer", "integration_sweep"} {
		if strings.Contains(p.Body, `"`+id+`"`) {
			t.Errorf("plan after a thigh injection holds %s", id)
		}
	}
	if !strings.Contains(p.Body, `"arm_indian_milking"`) {
		t.Errorf("plan lost the arms: %s", p.Body)
	}
}
