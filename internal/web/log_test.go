package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"nurture/internal/apptest"
	"nurture/internal/domain"
)

// logStep is one request of a log scenario: the steps run in order, so a
// later step sees what an earlier one stored. Paths may hold ENTRY, which
// is replaced by the id of the last entry a step captured.
type logStep struct {
	name   string
	who    string
	method string
	path   string
	form   url.Values
	status int
	want   string // body fragment, or Location prefix for redirects
}

func logRun(t *testing.T, w *pageWorld, entry *string, steps []logStep) {
	t.Helper()
	for _, tc := range steps {
		t.Run(tc.name, func(t *testing.T) {
			b := map[string]*apptest.Browser{"owner": w.owner, "caregiver": w.caregiver, "viewer": w.viewer, "other": w.other, "anon": w.anon}[tc.who]
			path := strings.ReplaceAll(tc.path, "ENTRY", *entry)
			var r apptest.Response
			if tc.method == "GET" {
				r = b.Get(path)
			} else {
				r = b.Post(path, tc.form)
			}
			if r.Status != tc.status {
				t.Fatalf("%s %s as %s: status %d, want %d\n%.800s", tc.method, path, tc.who, r.Status, tc.status, r.Body)
			}
			if r.Status >= 300 && r.Status < 400 {
				if want := strings.ReplaceAll(tc.want, "ENTRY", *entry); !strings.HasPrefix(r.Header.Get("Location"), want) {
					t.Fatalf("redirect to %q, want prefix %q", r.Header.Get("Location"), want)
				}
				return
			}
			if !strings.Contains(r.Body, tc.want) {
				t.Fatalf("body lacks %q:\n%.2500s", tc.want, r.Body)
			}
			if tc.who == "other" && strings.Contains(r.Body, "Lou") {
				t.Fatalf("other family sees our baby")
			}
		})
	}
}

// logEntries lists a log of baby A through the API.
func logEntries(t *testing.T, w *pageWorld, log string) []map[string]any {
	t.Helper()
	r := w.app.API("GET", "/api/v1/babies/"+w.babyA+"/"+log, w.fam.Token, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("list %s: %d %s", log, r.Status, r.Body)
	}
	var out []map[string]any
	for _, it := range r.JSON(t)["items"].([]any) {
		out = append(out, it.(map[string]any))
	}
	return out
}

func TestLogTimers(t *testing.T) {
	w := newPageWorld(t)
	A, B := "/babies/"+w.babyA, "/babies/"+w.babyB
	start := func(kind, back string) url.Values { return url.Values{"kind": {kind}, "back": {back}} }
	var entry string
	logRun(t, w, &entry, []logStep{
		{"baby page has timer buttons", "owner", "GET", A, nil, 200, `action="` + A + `/timers/start"`},
		{"baby page for viewer has no buttons", "viewer", "GET", A, nil, 200, "caregivers and owners start and stop them"},
		{"log page", "caregiver", "GET", A + "/log", nil, 200, "Start: Skin-to-skin"},
		{"log page viewer", "viewer", "GET", A + "/log", nil, 200, "caregivers and owners start and stop them"},
		{"log page anon", "anon", "GET", A + "/log", nil, 303, "/login"},
		{"log page other family", "other", "GET", A + "/log", nil, 404, ""},
		{"start by viewer", "viewer", "POST", A + "/timers/start", start("skin_to_skin", "log"), 403, ""},
		{"start other family", "other", "POST", A + "/timers/start", start("skin_to_skin", "log"), 404, ""},
		{"start other family's baby from ours", "owner", "POST", B + "/timers/start", start("skin_to_skin", "log"), 404, ""},
		{"start unknown kind", "owner", "POST", A + "/timers/start", start("juggling", "log"), 422, "not known"},
		{"start skin-to-skin", "owner", "POST", A + "/timers/start", start("skin_to_skin", "home"), 303, A + "#timers"},
		{"start sleep", "caregiver", "POST", A + "/timers/start", start("sleep", "log"), 303, A + "/log"},
		{"start holding", "caregiver", "POST", A + "/timers/start", start("holding", "log"), 303, A + "/log"},
		{"start skin-to-skin twice", "caregiver", "POST", A + "/timers/start", start("skin_to_skin", "log"), 422, "overlaps the Skin-to-skin timer running since"},
		{"fragment shows it for everyone", "viewer", "GET", A + "/timers", nil, 200, "started by Ann"},
		{"fragment has stop buttons", "caregiver", "GET", A + "/timers?back=home", nil, 200, "Stop: Skin-to-skin"},
		{"fragment other family", "other", "GET", A + "/timers", nil, 404, ""},
	})
	running := logEntries(t, w, "touch")
	if len(running) != 2 {
		t.Fatalf("touch entries: %v", running)
	}
	for _, e := range running {
		if e["kind"] == "skin_to_skin" {
			entry = e["id"].(string)
			if e["caregiver_id"] != w.fam.UserID || e["ended_at"] != nil {
				t.Fatalf("running timer: %v", e)
			}
		}
	}
	logRun(t, w, &entry, []logStep{
		{"stop by viewer", "viewer", "POST", A + "/timers/touch/ENTRY/stop", url.Values{"back": {"log"}}, 403, ""},
		{"stop other family", "other", "POST", A + "/timers/touch/ENTRY/stop", nil, 404, ""},
		{"stop with the wrong log", "owner", "POST", A + "/timers/sleep/ENTRY/stop", nil, 404, ""},
		{"stop unknown log", "owner", "POST", A + "/timers/dance/ENTRY/stop", nil, 404, ""},
		{"stop", "caregiver", "POST", A + "/timers/touch/ENTRY/stop", url.Values{"back": {"home"}}, 303, A + "#timers"},
		{"stopping again is harmless", "caregiver", "POST", A + "/timers/touch/ENTRY/stop", nil, 303, A + "/log"},
	})
	for _, e := range logEntries(t, w, "touch") {
		if e["id"] == entry && e["ended_at"] == nil {
			t.Fatalf("timer not stopped: %v", e)
		}
	}
	if sl := logEntries(t, w, "sleep"); len(sl) != 1 || sl[0]["ended_at"] != nil {
		t.Fatalf("sleep timers: %v", sl)
	}
}

func TestLogManualEntries(t *testing.T) {
	w := newPageWorld(t)
	A := "/babies/" + w.babyA
	loc, _ := time.LoadLocation("Europe/Paris")
	now := apptest.Now().In(loc)
	exact := func(what string, from, to time.Time) url.Values {
		v := url.Values{"what": {what}, "start": {from.Format("2006-01-02T15:04")}}
		if !to.IsZero() {
			v.Set("end", to.Format("2006-01-02T15:04"))
		}
		return v
	}
	var entry string
	logRun(t, w, &entry, []logStep{
		{"backdated", "caregiver", "POST", A + "/entries", url.Values{"what": {"carrying"}, "ago": {"60"}, "minutes": {"20"}, "notes": {"sling walk"}}, 303, A + "/day?date="},
		{"backdated running timer", "caregiver", "POST", A + "/entries", url.Values{"what": {"sleep"}, "ago": {"5"}, "minutes": {""}}, 303, A + "/day?date="},
		{"overlapping the same kind", "owner", "POST", A + "/entries", url.Values{"what": {"carrying"}, "ago": {"45"}, "minutes": {"10"}}, 422, "overlaps the Carrying entry from"},
		{"another kind may overlap", "owner", "POST", A + "/entries", url.Values{"what": {"cuddle"}, "ago": {"45"}, "minutes": {"10"}}, 303, A + "/day"},
		{"ending in the future", "owner", "POST", A + "/entries", url.Values{"what": {"holding"}, "ago": {"5"}, "minutes": {"60"}}, 422, "This time is in the future."},
		{"unknown kind", "owner", "POST", A + "/entries", url.Values{"what": {"tickling"}, "ago": {"5"}, "minutes": {"5"}}, 422, "Please choose one of the options."},
		{"bad ago", "owner", "POST", A + "/entries", url.Values{"what": {"holding"}, "ago": {"soon"}}, 422, "Please choose one of the options."},
		{"exact future", "owner", "POST", A + "/entries", exact("holding", now.Add(3*time.Hour), now.Add(4*time.Hour)), 422, "in the future"},
		{"exact end before start", "owner", "POST", A + "/entries", exact("holding", now.Add(-2*time.Hour), now.Add(-3*time.Hour)), 422, "The end is before the start."},
		{"exact over a day", "owner", "POST", A + "/entries", exact("holding", now.Add(-30*time.Hour), now.Add(-time.Hour)), 422, "24 hours at most"},
		{"exact not a time", "owner", "POST", A + "/entries", url.Values{"what": {"holding"}, "start": {"yesterday"}}, 422, "Please give a date and time."},
		{"notes with control characters", "owner", "POST", A + "/entries", url.Values{"what": {"holding"}, "ago": {"5"}, "minutes": {"5"}, "notes": {"a\x00b"}}, 422, "cannot be stored"},
		{"exact", "owner", "POST", A + "/entries", exact("breastfeeding", now.Add(-3*time.Hour), now.Add(-150*time.Minute)), 303, A + "/day?date="},
		{"crying entry", "owner", "POST", A + "/entries", url.Values{"what": {"crying"}, "ago": {"120"}, "minutes": {"15"}}, 303, A + "/day"},
		{"viewer", "viewer", "POST", A + "/entries", url.Values{"what": {"holding"}, "ago": {"5"}, "minutes": {"5"}}, 403, ""},
		{"other family", "other", "POST", A + "/entries", url.Values{"what": {"holding"}, "ago": {"5"}, "minutes": {"5"}}, 404, ""},
	})
	var carrying map[string]any
	for _, e := range logEntries(t, w, "touch") {
		if e["kind"] == "carrying" {
			carrying = e
		}
	}
	if carrying == nil || carrying["notes"] != "sling walk" || carrying["ended_at"] == nil {
		t.Fatalf("carrying entry: %v", carrying)
	}
	entry = carrying["id"].(string)
	started, _ := time.Parse(time.RFC3339, carrying["started_at"].(string))
	st := started.In(loc)
	edit := func(kind string, from, to time.Time, notes string) url.Values {
		return url.Values{"kind": {kind}, "start": {from.Format("2006-01-02T15:04")}, "end": {to.Format("2006-01-02T15:04")}, "notes": {notes}}
	}
	E := A + "/entries/touch/ENTRY"
	logRun(t, w, &entry, []logStep{
		{"edit form", "caregiver", "GET", E, nil, 200, ">sling walk</textarea>"},
		{"edit form viewer", "viewer", "GET", E, nil, 403, ""},
		{"edit form other family", "other", "GET", E, nil, 404, ""},
		{"edit form wrong log", "owner", "GET", A + "/entries/sleep/ENTRY", nil, 404, ""},
		{"edit form unknown log", "owner", "GET", A + "/entries/naps/ENTRY", nil, 404, ""},
		{"edit form unknown id", "owner", "GET", A + "/entries/touch/nope", nil, 404, ""},
		{"edit invalid", "owner", "POST", E, edit("carrying", st, st.Add(-time.Hour), ""), 422, "The end is before the start."},
		{"edit without end", "owner", "POST", E, url.Values{"kind": {"carrying"}, "start": {st.Format("2006-01-02T15:04")}}, 422, "Please fill this in."},
		{"edit to overlap the cuddle", "owner", "POST", E, edit("cuddle", st, st.Add(25*time.Minute), ""), 422, "overlaps the Cuddle entry"},
		{"edit by viewer", "viewer", "POST", E, edit("carrying", st, st.Add(30*time.Minute), ""), 403, ""},
		{"edit other family", "other", "POST", E, edit("carrying", st, st.Add(30*time.Minute), ""), 404, ""},
		{"edit", "owner", "POST", E, edit("babywearing", st, st.Add(30*time.Minute), "longer"), 303, A + "/day?date=" + st.Format(time.DateOnly) + "&msg=saved"},
		{"day shows the change", "viewer", "GET", A + "/day?date=" + st.Format(time.DateOnly), nil, 200, "Babywearing"},
		{"delete confirm", "owner", "GET", E + "/delete", nil, 200, "Yes, delete it"},
		{"delete confirm viewer", "viewer", "GET", E + "/delete", nil, 403, ""},
		{"delete other family", "other", "POST", E + "/delete", nil, 404, ""},
		{"delete by viewer", "viewer", "POST", E + "/delete", nil, 403, ""},
		{"delete", "owner", "POST", E + "/delete", nil, 303, A + "/day?date="},
		{"deleted", "owner", "GET", E, nil, 404, ""},
	})
	crying := logEntries(t, w, "crying")
	if len(crying) != 1 {
		t.Fatalf("crying: %v", crying)
	}
	entry = crying[0]["id"].(string)
	cst, _ := time.Parse(time.RFC3339, crying[0]["started_at"].(string))
	cst = cst.In(loc)
	logRun(t, w, &entry, []logStep{
		{"crying edit form", "owner", "GET", A + "/entries/crying/ENTRY", nil, 200, "Was your baby held throughout?"},
		{"crying edit bad stress", "owner", "POST", A + "/entries/crying/ENTRY", url.Values{"start": {cst.Format("2006-01-02T15:04")}, "end": {cst.Add(10 * time.Minute).Format("2006-01-02T15:04")}, "parent_stress": {"7"}}, 422, "Choose a number from 1 to 5."},
		{"crying edit", "owner", "POST", A + "/entries/crying/ENTRY", url.Values{"start": {cst.Format("2006-01-02T15:04")}, "end": {cst.Add(10 * time.Minute).Format("2006-01-02T15:04")},
			"held": {"yes"}, "needs_checked": {"hungry", "wind"}, "soothed_by": {"rocking"}, "parent_stress": {"2"}}, 303, A + "/day"},
	})
	c := logEntries(t, w, "crying")[0]
	if c["held"] != true || c["parent_stress"] != float64(2) || len(c["needs_checked"].([]any)) != 2 {
		t.Fatalf("crying after edit: %v", c)
	}
}

func TestDayView(t *testing.T) {
	w := newPageWorld(t)
	A := "/babies/" + w.babyA
	ctx := context.Background()
	// A massage session and a touch entry on 2026-03-29 in Paris, the day
	// the clocks go forward, and a sleep over midnight into it.
	at := func(s string) time.Time {
		loc, _ := time.LoadLocation("Europe/Paris")
		t0, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return t0
	}
	for _, e := range []map[string]any{
		{"log": "touch", "kind": "skin_to_skin", "started_at": at("2026-03-29 04:00"), "ended_at": at("2026-03-29 04:45")},
		{"log": "sleep", "started_at": at("2026-03-28 22:00"), "ended_at": at("2026-03-29 01:00")},
	} {
		log := e["log"].(string)
		delete(e, "log")
		for k, v := range e {
			if tv, ok := v.(time.Time); ok {
				e[k] = tv.Format(time.RFC3339)
			}
		}
		if r := w.app.API("POST", "/api/v1/babies/"+w.babyA+"/"+log, w.fam.Token, e); r.Status != http.StatusCreated {
			t.Fatalf("seed %s: %d %s", log, r.Status, r.Body)
		}
	}
	if r := w.app.API("POST", "/api/v1/babies/"+w.babyA+"/sessions", w.fam.Token, map[string]any{
		"started_at": at("2026-03-29 10:00").Format(time.RFC3339), "ended_at": at("2026-03-29 10:12").Format(time.RFC3339), "outcome": "completed", "steps": []any{},
	}); r.Status != http.StatusCreated {
		t.Fatalf("seed session: %d %s", r.Status, r.Body)
	}
	var none string
	logRun(t, w, &none, []logStep{
		{"today", "owner", "GET", A + "/day", nil, 200, "Timeline"},
		{"viewer", "viewer", "GET", A + "/day?date=2026-11-01", nil, 200, `data-hours="24"`},
		{"anon", "anon", "GET", A + "/day", nil, 303, "/login"},
		{"other family", "other", "GET", A + "/day", nil, 404, ""},
		{"bad date", "owner", "GET", A + "/day?date=29/03/2026", nil, 400, "This is not a date we can show"},
		{"spring forward has 23 hours", "owner", "GET", A + "/day?date=2026-03-29", nil, 200, `data-hours="23"`},
		{"spring forward says so", "owner", "GET", A + "/day?date=2026-03-29", nil, 200, "this day lasts 23 hours"},
		{"fall back has 25 hours", "owner", "GET", A + "/day?date=2026-10-25", nil, 200, `data-hours="25"`},
		{"ordinary day", "owner", "GET", A + "/day?date=2026-03-30", nil, 200, `data-hours="24"`},
		{"prev and next", "owner", "GET", A + "/day?date=2026-03-29", nil, 200, `day?date=2026-03-28" rel="prev"`},
		{"next", "owner", "GET", A + "/day?date=2026-03-29", nil, 200, `day?date=2026-03-30" rel="next"`},
		{"entries with caregiver", "viewer", "GET", A + "/day?date=2026-03-29", nil, 200, "Ann"},
		{"massage session", "viewer", "GET", A + "/day?date=2026-03-29", nil, 200, "Massage"},
		{"nothing recorded", "owner", "GET", A + "/day?date=2026-05-01", nil, 200, "Nothing recorded"},
	})
	r := w.owner.Get(A + "/day?date=2026-03-29")
	body := r.Body
	// The hour after 01:00 is 03:00 on the day the clocks go forward.
	if !strings.Contains(body, ">01:00<") || strings.Contains(body, ">02:00<") || !strings.Contains(body, ">03:00<") {
		t.Errorf("spring-forward axis should skip 02:00")
	}
	// Sleep from 22:00 counts one hour on this day (00:00–01:00), touch
	// 45 min from 04:00, the massage 12 min. The sleep begun the day before
	// says its day in words.
	for _, want := range []string{"Sleep</dt><dd>1 h 00 min", "Skin-to-skin</dt><dd>45 min", "Massage</dt><dd>12 min", "28 March", ", 22:00–01:00", "04:00–04:45"} {
		if !strings.Contains(body, want) {
			t.Errorf("day view lacks %q", want)
		}
	}
	if n := len(regexp.MustCompile(`<rect class="bar cg`).FindAllString(body, -1)); n < 3 {
		t.Errorf("timeline bars: %d, want 3+ (legend swatches included)", n)
	}
	if strings.Contains(w.viewer.Get(A+"/day?date=2026-03-29").Body, "/entries/") {
		t.Errorf("viewers get no edit links")
	}
	fall := w.owner.Get(A + "/day?date=2026-10-25").Body
	if strings.Count(fall, ">02:00<") != 2 {
		t.Errorf("fall-back axis should show 02:00 twice")
	}
	_ = ctx
	_ = domain.Day
}

func TestCryingCompanion(t *testing.T) {
	w := newPageWorld(t)
	A := "/babies/" + w.babyA
	var entry string
	logRun(t, w, &entry, []logStep{
		{"one baby: straight to it", "owner", "GET", "/crying", nil, 303, A + "/crying"},
		{"crying link in the header", "viewer", "GET", A, nil, 200, `href="/crying"`},
		{"companion", "caregiver", "GET", A + "/crying", nil, 200, `action="` + A + `/crying/start"`},
		{"no numbers yet: owner gets the settings link", "owner", "GET", A + "/crying", nil, 200, `href="/family/settings"`},
		{"no numbers yet: examples only", "caregiver", "GET", A + "/crying", nil, 200, "Examples only"},
		{"safe-break plan", "caregiver", "GET", A + "/crying", nil, 200, "Never shake a baby"},
		{"red flags", "caregiver", "GET", A + "/crying", nil, 200, "a rash that does not fade"},
		{"period of crying", "caregiver", "GET", A + "/crying", nil, 200, "peaks around 6 to 8 weeks"},
		{"no history yet", "caregiver", "GET", A + "/crying", nil, 200, "Once a few crying episodes are saved"},
		{"without a timer: saved from when the page opened", "owner", "POST", A + "/crying/end",
			url.Values{"opened_at": {apptest.Now().Add(-3 * time.Hour).UTC().Format(time.RFC3339)}, "held": {"no"}}, 303, A + "/crying/"},
		{"viewer sees the help", "viewer", "GET", A + "/crying", nil, 200, "Caregivers and owners save crying episodes"},
		{"other family", "other", "GET", A + "/crying", nil, 404, ""},
		{"start by viewer", "viewer", "POST", A + "/crying/start", nil, 403, ""},
		{"start other family", "other", "POST", A + "/crying/start", nil, 404, ""},
		{"start", "caregiver", "POST", A + "/crying/start", nil, 303, A + "/crying"},
		{"start again keeps the timer", "owner", "POST", A + "/crying/start", nil, 303, A + "/crying"},
		{"timer shows on the page", "owner", "GET", A + "/crying", nil, 200, `data-entry="`},
		{"timer shows in the timers", "viewer", "GET", A + "/timers", nil, 200, "Crying timer running"},
	})
	cr := logEntries(t, w, "crying") // newest first
	if len(cr) != 2 || cr[0]["ended_at"] != nil || cr[0]["caregiver_id"] == w.fam.UserID || cr[1]["ended_at"] == nil || cr[1]["held"] != false {
		t.Fatalf("crying entries: %v", cr)
	}
	entry = cr[0]["id"].(string)
	end := url.Values{"eid": {entry}, "held": {"yes"}, "needs_checked": {"hungry", "nappy"}, "soothed_by": {"walking", "shushing"}, "parent_stress": {"4"}, "notes": {"long evening"}}
	bad := url.Values{"eid": {entry}, "parent_stress": {"9"}, "needs_checked": {"bored"}}
	logRun(t, w, &entry, []logStep{
		{"end invalid", "caregiver", "POST", A + "/crying/end", bad, 422, "Choose a number from 1 to 5."},
		{"end by viewer", "viewer", "POST", A + "/crying/end", end, 403, ""},
		{"end other family", "other", "POST", A + "/crying/end", end, 404, ""},
		{"end unknown entry", "owner", "POST", A + "/crying/end", url.Values{"eid": {"nope"}}, 404, ""},
		{"end", "caregiver", "POST", A + "/crying/end", end, 303, A + "/crying/ENTRY/done"},
		{"done", "caregiver", "GET", A + "/crying/ENTRY/done", nil, 200, "You stayed. That matters."},
		{"done at stress 4: a moment for yourself", "caregiver", "GET", A + "/crying/ENTRY/done", nil, 200, "take a moment for yourself"},
		{"done other family", "other", "GET", A + "/crying/ENTRY/done", nil, 404, ""},
		{"history card", "owner", "GET", A + "/crying", nil, 200, "from 2 saved episodes"},
		{"no timer any more", "owner", "GET", A + "/crying", nil, 200, `action="` + A + `/crying/start"`},
		{"overlapping an earlier episode", "owner", "POST", A + "/crying/end", url.Values{"opened_at": {apptest.Now().Add(-time.Hour).UTC().Format(time.RFC3339)}}, 422, "overlaps the crying entry"},
	})
	if b := w.caregiver.Get(A + "/crying/" + entry + "/done").Body; strings.Contains(b, "You deserve real help") {
		t.Errorf("stress 4 of 5 gets the at-the-limit help; only 5 should")
	}
	cr = logEntries(t, w, "crying")
	if len(cr) != 2 {
		t.Fatalf("crying episodes: %v", cr)
	}
	var saved map[string]any
	for _, e := range cr {
		if e["id"] == entry {
			saved = e
		}
	}
	if saved["ended_at"] == nil || saved["held"] != true || saved["parent_stress"] != float64(4) || saved["notes"] != "long evening" ||
		len(saved["needs_checked"].([]any)) != 2 || len(saved["soothed_by"].([]any)) != 2 {
		t.Fatalf("saved episode: %v", saved)
	}

	// The family's own numbers, from the settings.
	settings := url.Values{"name": {"Martin"}, "timezone": {"Europe/Paris"}, "lang1": {"en"}, "feed_wait_min": {"30"}, "temp_unit": {"c"},
		"urgent_number": {"15"}, "support_lines": {"Grandma Jo 06 12 34 56 78\nParents' helpline"}}
	logRun(t, w, &entry, []logStep{
		{"save numbers", "owner", "POST", "/family/settings", settings, 303, "/family/settings"},
		{"urgent number", "caregiver", "GET", A + "/crying", nil, 200, `href="tel:15"`},
		{"support line with number", "caregiver", "GET", A + "/crying", nil, 200, `href="tel:0612345678"`},
		{"support line without number", "caregiver", "GET", A + "/crying", nil, 200, "Parents&#39; helpline"},
	})
	if b := w.caregiver.Get(A + "/crying").Body; strings.Contains(b, "Examples only") {
		t.Errorf("examples still shown once the family has its numbers")
	}

	// Two babies: /crying asks which.
	w.app.Baby(w.fam, "Mia", "2026-11-01")
	logRun(t, w, &entry, []logStep{
		{"two babies: pick one", "owner", "GET", "/crying", nil, 200, "Which baby is crying?"},
	})
}
