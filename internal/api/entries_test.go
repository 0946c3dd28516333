package api_test

import (
	"encoding/json"
	"fmt"
	"nurture/internal/apptest"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

func TestEntriesAPI(t *testing.T) {
	w := newWorld(t)
	now := apptest.Now().UTC().Truncate(time.Second)
	at := func(min int) string { return now.Add(time.Duration(min) * time.Minute).Format(time.RFC3339) }
	b := "/api/v1/babies/" + w.babyA
	id := "3f1e2d3c-4b5a-4697-8877-665544332211"
	tests := []struct {
		name   string
		method string
		path   string
		who    string
		body   string
		status int
		want   string
	}{
		{"touch", "POST", b + "/touch", "caregiver", fmt.Sprintf(`{"id":%q,"kind":"skin_to_skin","started_at":%q,"ended_at":%q,"notes":"after bath"}`, id, at(-120), at(-90)), 201, `"kind":"skin_to_skin"`},
		{"touch replay", "POST", b + "/touch", "caregiver", fmt.Sprintf(`{"id":%q,"kind":"skin_to_skin","started_at":%q,"ended_at":%q,"notes":"after bath"}`, id, at(-120), at(-90)), 200, id},
		{"touch overlap same kind", "POST", b + "/touch", "owner", fmt.Sprintf(`{"kind":"skin_to_skin","started_at":%q,"ended_at":%q}`, at(-100), at(-80)), 422, "overlaps the Skin-to-skin entry"},
		{"touch other kind may overlap", "POST", b + "/touch", "owner", fmt.Sprintf(`{"kind":"breastfeeding","started_at":%q,"ended_at":%q}`, at(-100), at(-80)), 201, "breastfeeding"},
		{"touch touching ends is fine", "POST", b + "/touch", "owner", fmt.Sprintf(`{"kind":"skin_to_skin","started_at":%q,"ended_at":%q}`, at(-90), at(-85)), 201, "skin_to_skin"},
		{"touch bad kind", "POST", b + "/touch", "owner", fmt.Sprintf(`{"kind":"tickling","started_at":%q,"ended_at":%q}`, at(-60), at(-50)), 422, `"kind"`},
		{"touch future", "POST", b + "/touch", "owner", fmt.Sprintf(`{"kind":"holding","started_at":%q,"ended_at":%q}`, at(-10), at(30)), 422, "future"},
		{"touch end before start", "POST", b + "/touch", "owner", fmt.Sprintf(`{"kind":"holding","started_at":%q,"ended_at":%q}`, at(-10), at(-20)), 422, "before the start"},
		{"touch over a day", "POST", b + "/touch", "owner", fmt.Sprintf(`{"kind":"holding","started_at":%q,"ended_at":%q}`, at(-26*60), at(-10)), 422, "24 hours"},
		{"touch timer starts", "POST", b + "/touch", "owner", fmt.Sprintf(`{"kind":"carrying","started_at":%q}`, at(-5)), 201, `"ended_at":null`},
		{"second timer same kind refused", "POST", b + "/touch", "caregiver", fmt.Sprintf(`{"kind":"carrying","started_at":%q}`, at(-1)), 422, "timer running since"},
		{"timers list", "GET", b + "/timers", "viewer", "", 200, `"kind":"carrying"`},
		{"touch by viewer", "POST", b + "/touch", "viewer", fmt.Sprintf(`{"kind":"holding","started_at":%q,"ended_at":%q}`, at(-60), at(-50)), 403, ""},
		{"touch other family", "POST", b + "/touch", "other", fmt.Sprintf(`{"kind":"holding","started_at":%q,"ended_at":%q}`, at(-60), at(-50)), 404, ""},
		{"touch list", "GET", b + "/touch", "viewer", "", 200, `"notes":"after bath"`},
		{"touch list other family", "GET", b + "/touch", "other", "", 404, ""},
		{"touch list bad limit", "GET", b + "/touch?limit=0", "viewer", "", 422, `"limit"`},
		{"touch list other family, bad limit", "GET", b + "/touch?limit=0", "other", "", 404, ""},
		{"touch list other family, bad cursor", "GET", b + "/touch?cursor=x", "other", "", 404, ""},
		{"crying list empty", "GET", b + "/crying", "viewer", "", 200, `"items":[]`},
		{"touch edit", "PUT", b + "/touch/" + id, "owner", fmt.Sprintf(`{"kind":"skin_to_skin","started_at":%q,"ended_at":%q,"notes":"edited"}`, at(-125), at(-91)), 200, `"notes":"edited"`},
		{"touch edit into overlap", "PUT", b + "/touch/" + id, "owner", fmt.Sprintf(`{"kind":"skin_to_skin","started_at":%q,"ended_at":%q}`, at(-125), at(-86)), 422, "overlaps"},
		{"touch edit other family", "PUT", "/api/v1/babies/" + w.babyB + "/touch/" + id, "other", fmt.Sprintf(`{"kind":"holding","started_at":%q,"ended_at":%q}`, at(-60), at(-50)), 404, ""},
		{"kind on sleep refused", "POST", b + "/sleep", "owner", fmt.Sprintf(`{"kind":"nap","started_at":%q,"ended_at":%q}`, at(-300), at(-240)), 422, `"kind"`},
		{"crying fields on sleep refused", "POST", b + "/sleep", "owner", fmt.Sprintf(`{"held":true,"started_at":%q,"ended_at":%q}`, at(-300), at(-240)), 422, `"held"`},
		{"sleep", "POST", b + "/sleep", "owner", fmt.Sprintf(`{"started_at":%q,"ended_at":%q}`, at(-300), at(-240)), 201, `"type":"sleep"`},
		{"sleep overlap", "POST", b + "/sleep", "caregiver", fmt.Sprintf(`{"started_at":%q,"ended_at":%q}`, at(-250), at(-200)), 422, "sleep entry"},
		{"crying", "POST", b + "/crying", "caregiver", fmt.Sprintf(`{"started_at":%q,"ended_at":%q,"held":true,"needs_checked":["hungry","nappy","hungry"],"soothed_by":["walking"],"parent_stress":4,"notes":"<script>x</script>"}`, at(-70), at(-55)), 201, `"needs_checked":["hungry","nappy"]`},
		{"crying bad need", "POST", b + "/crying", "caregiver", fmt.Sprintf(`{"started_at":%q,"ended_at":%q,"needs_checked":["bored"]}`, at(-50), at(-45)), 422, `"needs_checked"`},
		{"crying bad stress", "POST", b + "/crying", "caregiver", fmt.Sprintf(`{"started_at":%q,"ended_at":%q,"parent_stress":9}`, at(-50), at(-45)), 422, `"parent_stress"`},
		{"crying list", "GET", b + "/crying", "viewer", "", 200, `"held":true`},
		{"delete", "DELETE", b + "/touch/" + id, "caregiver", "", 204, ""},
		{"deleted", "GET", b + "/touch/" + id, "caregiver", "", 404, ""},
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
	// Stopping the running timer is an edit that sets ended_at.
	timers := w.app.API("GET", b+"/timers", w.owner.Token, nil).JSON(t)["items"].([]any)
	if len(timers) != 1 {
		t.Fatalf("timers: %v", timers)
	}
	tm := timers[0].(map[string]any)
	r := w.app.API("PUT", b+"/touch/"+tm["id"].(string), w.caregiver.Token, fmt.Sprintf(`{"kind":"carrying","started_at":%q,"ended_at":%q}`, tm["started_at"], at(0)))
	if r.Status != 200 || strings.Contains(r.Body, `"ended_at":null`) {
		t.Fatalf("stop timer: %d %s", r.Status, r.Body)
	}
	// Editing keeps the caregiver who started it.
	if !strings.Contains(r.Body, w.owner.UserID) {
		t.Fatalf("caregiver changed by the edit: %s", r.Body)
	}
	if n := len(w.app.API("GET", b+"/timers", w.owner.Token, nil).JSON(t)["items"].([]any)); n != 0 {
		t.Fatalf("timer still running")
	}
}

// A POST answers with the record exactly as a later GET reads it back,
// though it does not read it back itself.
func TestCreatedAnswerIsWhatIsStored(t *testing.T) {
	w := newWorld(t)
	now := apptest.Now().UTC()
	at := func(min int) string { // sub-second precision on purpose
		return now.Add(time.Duration(min)*time.Minute + 123456789*time.Nanosecond).Format(time.RFC3339Nano)
	}
	b := "/api/v1/babies/" + w.babyA
	for _, c := range []struct{ path, body string }{
		{b + "/touch", fmt.Sprintf(`{"kind":"skin_to_skin","started_at":%q,"ended_at":%q,"notes":"after bath"}`, at(-120), at(-90))},
		{b + "/touch", fmt.Sprintf(`{"kind":"carrying","started_at":%q}`, at(-5))},
		{b + "/sleep", fmt.Sprintf(`{"started_at":%q,"ended_at":%q}`, at(-300), at(-200))},
		{b + "/crying", fmt.Sprintf(`{"started_at":%q,"ended_at":%q,"held":true,"needs_checked":["hungry","nappy","hungry"],"soothed_by":[],"parent_stress":3}`, at(-60), at(-45))},
		{b + "/crying", fmt.Sprintf(`{"started_at":%q,"ended_at":%q}`, at(-40), at(-35))},
		{b + "/sessions", fmt.Sprintf(`{"started_at":%q,"ended_at":%q,"outcome":"completed","steps":[{"stroke_id":"toe_roll","response":"engaged"},{"stroke_id":"marching","response":"skipped"}],"parent_calm_before":2,"parent_calm_after":4,"notes":"calm"}`, at(-30), at(-20))},
		{b + "/sessions", fmt.Sprintf(`{"started_at":%q,"ended_at":%q,"outcome":"baby_declined","steps":[]}`, at(-15), at(-14))},
	} {
		posted := w.app.API("POST", c.path, w.owner.Token, c.body)
		if posted.Status != 201 {
			t.Fatalf("POST %s: %d %s", c.path, posted.Status, posted.Body)
		}
		var rec struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal([]byte(posted.Body), &rec); err != nil || rec.ID == "" {
			t.Fatalf("POST %s: no id in %s", c.path, posted.Body)
		}
		got := w.app.API("GET", c.path+"/"+rec.ID, w.owner.Token, nil)
		if got.Status != 200 || strings.TrimSpace(got.Body) != strings.TrimSpace(posted.Body) {
			t.Errorf("%s\nPOST answered %s\nGET reads    %s", c.path, posted.Body, got.Body)
		}
	}
}

// A replayed POST whose content differs is applied as an update (the
// latest edit wins) or answered 409 with the stored record, never a silent
// 200 that drops what was sent: a timer's stop merged offline into its
// start is not lost.
func TestReplayWithOtherContent(t *testing.T) {
	w := newWorld(t)
	b := "/api/v1/babies/" + w.babyA
	now := apptest.Now().UTC().Truncate(time.Second)
	at := func(m int) string { return now.Add(time.Duration(m) * time.Minute).Format(time.RFC3339) }
	id := uuid.NewString()
	r := w.app.API("POST", b+"/touch", w.owner.Token, fmt.Sprintf(`{"id":%q,"kind":"holding","started_at":%q,"updated_at":%q}`, id, at(-30), at(-30)))
	if r.Status != 201 || !strings.Contains(r.Body, `"ended_at":null`) {
		t.Fatalf("start: %d %s", r.Status, r.Body)
	}
	r = w.app.API("POST", b+"/touch", w.owner.Token, fmt.Sprintf(`{"id":%q,"kind":"holding","started_at":%q,"ended_at":%q,"updated_at":%q}`, id, at(-30), at(-5), at(-5)))
	if r.Status != 200 || !strings.Contains(r.Body, `"ended_at":"`+at(-5)) {
		t.Fatalf("stop merged into the start: %d %s", r.Status, r.Body)
	}
	if t2 := w.app.API("GET", b+"/timers", w.owner.Token, nil); strings.Contains(t2.Body, id) {
		t.Fatalf("the timer runs on: %s", t2.Body)
	}
	r = w.app.API("POST", b+"/touch", w.owner.Token, fmt.Sprintf(`{"id":%q,"kind":"holding","started_at":%q,"notes":"older","updated_at":%q}`, id, at(-30), at(-20)))
	if r.Status != 409 || !strings.Contains(r.Body, `"current"`) || !strings.Contains(r.Body, `"ended_at":"`+at(-5)) {
		t.Fatalf("an older version: %d %s", r.Status, r.Body)
	}
	// The same for a session.
	sid := uuid.NewString()
	ses := func(outcome, updated string) apptest.Response {
		return w.app.API("POST", b+"/sessions", w.owner.Token, fmt.Sprintf(`{"id":%q,"started_at":%q,"ended_at":%q,"outcome":%q,"updated_at":%q}`,
			sid, at(-60), at(-50), outcome, updated))
	}
	if r := ses("completed", at(-50)); r.Status != 201 {
		t.Fatalf("session: %d %s", r.Status, r.Body)
	}
	if r := ses("completed", at(-50)); r.Status != 200 {
		t.Fatalf("same session again: %d %s", r.Status, r.Body)
	}
	if r := ses("baby_declined", at(-40)); r.Status != 200 || !strings.Contains(r.Body, `"outcome":"baby_declined"`) {
		t.Fatalf("newer session version: %d %s", r.Status, r.Body)
	}
	if r := ses("stopped_early", at(-45)); r.Status != 409 || !strings.Contains(r.Body, `"outcome":"baby_declined"`) {
		t.Fatalf("older session version: %d %s", r.Status, r.Body)
	}
}
