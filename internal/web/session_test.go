package web_test

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"nurture/internal/apptest"
	"nurture/internal/content"
)

// sesWorld is a family with an owner, a caregiver and a viewer, three
// babies of different ages, and another family.
type sesWorld struct {
	app                      *apptest.App
	fam, other               apptest.Family
	owner, carer, viewer, xb *apptest.Browser
	baby, newborn, preterm   string
	otherBaby, caregiverID   string
}

// sesDaysAgo is the civil date n days ago in the families' time zone.
func sesDaysAgo(n int) string {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		loc = time.UTC
	}
	return apptest.Now().In(loc).AddDate(0, 0, -n).Format(time.DateOnly)
}

func newSesWorld(t *testing.T) *sesWorld {
	t.Helper()
	a := apptest.New(t)
	w := &sesWorld{app: a}
	w.fam = a.Signup("ann@example.org", "Ann", "Martin")
	w.caregiverID = a.Join(w.fam, "bob@example.org", "Bob", "caregiver", "father").UserID
	a.Join(w.fam, "gran@example.org", "Gran", "viewer", "grandparent")
	w.other = a.Signup("zoe@example.org", "Zoe", "Other")
	w.baby = a.Baby(w.fam, "Lou", sesDaysAgo(100))
	w.newborn = a.Baby(w.fam, "Tim", sesDaysAgo(10))
	r := a.API("POST", "/api/v1/babies", w.fam.Token, map[string]any{"name": "Pia", "birth_date": sesDaysAgo(21), "gestation_weeks": 32})
	if r.Status != http.StatusCreated {
		t.Fatalf("preterm baby: %d %s", r.Status, r.Body)
	}
	w.preterm = r.JSON(t)["id"].(string)
	w.otherBaby = a.Baby(w.other, "Max", sesDaysAgo(80))
	login := func(email string) *apptest.Browser {
		b := a.Browser()
		b.Login(email, "correct horse battery")
		return b
	}
	w.owner, w.carer, w.viewer, w.xb = login("ann@example.org"), login("bob@example.org"), login("gran@example.org"), login("zoe@example.org")
	return w
}

func (w *sesWorld) settings(t *testing.T, unit, urgent string) {
	t.Helper()
	r := w.owner.Post("/family/settings", url.Values{"name": {"Martin"}, "timezone": {"Europe/Paris"}, "lang1": {"en"},
		"feed_wait_min": {"30"}, "temp_unit": {unit}, "urgent_number": {urgent}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("settings: %d %.500s", r.Status, r.Body)
	}
}

// sesCase is one request and what its answer must (and must not) hold.
type sesCase struct {
	name   string
	who    *apptest.Browser
	method string
	path   string
	form   url.Values
	status int
	want   []string
	not    []string
}

func (c sesCase) run(t *testing.T) {
	t.Helper()
	var r apptest.Response
	if c.method == "GET" {
		r = c.who.Get(c.path)
	} else {
		r = c.who.Post(c.path, c.form)
	}
	if r.Status != c.status {
		t.Fatalf("%s %s: status %d, want %d\n%.1500s", c.method, c.path, r.Status, c.status, r.Body)
	}
	body := r.Body
	if r.Status >= 300 && r.Status < 400 {
		body = r.Header.Get("Location")
	}
	text := html.UnescapeString(body)
	for _, s := range c.want {
		if !strings.Contains(text, s) {
			t.Errorf("%s %s: answer lacks %q\n%.3000s", c.method, c.path, s, text)
		}
	}
	for _, s := range c.not {
		if strings.Contains(text, s) {
			t.Errorf("%s %s: answer has %q, it should not", c.method, c.path, s)
		}
	}
}

func TestReadyPage(t *testing.T) {
	w := newSesWorld(t)
	ready := "/babies/" + w.baby + "/ready"
	young := "/babies/" + w.newborn + "/ready"
	form := func(kv ...string) url.Values {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	const noDiag = "This app does not diagnose"
	for _, c := range []sesCase{
		{"form", w.owner, "GET", ready, nil, 200, []string{`id="quick-yes"`, "Yes, all of these", `name="state"`, "Calm and alert", `value="quiet_alert"`, `value="asleep"`, "Temperature in", `name="feed"`, `name="vacc"`, `name="site"`, `name="hungry"`, noDiag}, []string{`name="cord"`, `id="full-check" open`}},
		{"form opened from the player", w.owner, "GET", ready + "?full=1&routine=full_body", nil, 200, []string{`id="full-check" open`, `name="routine" value="full_body"`}, nil},
		{"go with a routine chosen starts it", w.owner, "POST", ready, form("state", "quiet_alert", "routine", "quick_legs_feet"), 303,
			[]string{"/babies/" + w.baby + "/session?check=", "routine=quick_legs_feet"}, nil},
		{"go with today's routine keeps its minutes", w.owner, "POST", ready, form("state", "quiet_alert", "routine", "today", "minutes", "5", "purpose", "sleep"), 303,
			[]string{"routine=today", "minutes=5", "purpose=sleep"}, nil},
		{"wait with a routine chosen does not start it", w.owner, "POST", ready, form("state", "asleep", "routine", "quick_legs_feet"), 200,
			[]string{"Not just now", "/ready?routine=quick_legs_feet"}, []string{"Choose a routine"}},
		{"hungry: feed first", w.owner, "POST", ready, form("state", "quiet_alert", "hungry", "1"), 200, []string{"Not just now", "Feed first"}, []string{"Choose a routine"}},
		{"unwell under 3 months: seek help, red flags", w.owner, "POST", young, form("state", "quiet_alert", "unwell", "1"), 200,
			[]string{"under 3 months old and seems unwell", "/crying?flags=1#cry-flags", `action="/family/urgent"`}, []string{"Choose a routine"}},
		{"the named injection site wins", w.owner, "POST", ready, form("state", "quiet_alert", "vacc", "week", "site", "arm"), 200,
			[]string{"A good moment", "upper arm"}, nil},
		{"unknown injection site", w.owner, "POST", ready, form("state", "quiet_alert", "vacc", "week", "site", "bottom"), 422, []string{"thigh or the arm"}, nil},
		{"form asks about the cord of a newborn", w.carer, "GET", young, nil, 200, []string{`name="cord"`}, nil},
		{"viewer may not check", w.viewer, "GET", ready, nil, 403, nil, nil},
		{"viewer may not post", w.viewer, "POST", ready, form("state", "quiet_alert"), 403, nil, nil},
		{"other family", w.xb, "GET", ready, nil, 404, nil, []string{"Lou"}},
		{"other family post", w.xb, "POST", ready, form("state", "quiet_alert"), 404, nil, []string{"Lou"}},
		{"anonymous", w.app.Browser(), "GET", ready, nil, 303, []string{"/login"}, nil},

		{"go", w.owner, "POST", ready, form("state", "quiet_alert", "feed", "60", "vacc", ""), 200,
			[]string{"A good moment", "Choose a routine", `value="quick_legs_feet"`, `value="full_body"`, `action="/babies/` + w.baby + `/session"`, "/library/routines/quick_legs_feet"},
			[]string{`value="crawler_playful"`, `value="toddler_playful"`, `value="preterm_still_touch"`, "check again after"}},
		{"go drowsy offers only a short bedtime sequence", w.owner, "POST", ready, form("state", "drowsy"), 200,
			[]string{"No full routine", "on their back in their own cot", `value="bedtime_wind_down" checked`, `name="check"`},
			[]string{`value="full_body"`, `value="colic_tummy"`, `name="adjust"`}},
		{"wait asleep", w.owner, "POST", ready, form("state", "asleep"), 200, []string{"Not just now", "Let them sleep", noDiag}, []string{"Choose a routine"}},
		{"wait fussy", w.owner, "POST", ready, form("state", "fussy"), 200, []string{"Not just now", "seems unsettled"}, nil},
		{"wait crying links the companion", w.owner, "POST", ready, form("state", "crying"), 200,
			[]string{"Comfort first", `href="/babies/` + w.baby + `/crying"`}, []string{"Choose a routine"}},
		{"wait after a feed with a time", w.owner, "POST", ready, form("state", "quiet_alert", "feed", "15"), 200,
			[]string{"Not just now", "just fed", "You can check again after"}, nil},
		{"not today after a vaccination", w.owner, "POST", ready, form("state", "quiet_alert", "vacc", "yesterday"), 200,
			[]string{"Not today", "vaccinated less than 48 hours ago", "You can check again after"}, nil},
		{"vaccination days ago adjusts", w.owner, "POST", ready, form("state", "quiet_alert", "vacc", "week"), 200,
			[]string{"A good moment", "leaves out every stroke over the legs and hips", `name="check"`}, nil},
		{"not today unwell", w.owner, "POST", ready, form("state", "quiet_alert", "unwell", "1"), 200,
			[]string{"Not today", "seems unwell"}, []string{"check again after", "Choose a routine"}},
		{"fever not today", w.owner, "POST", "/babies/" + w.baby + "/ready", form("state", "quiet_alert", "temperature", "38,2"), 200,
			[]string{"Not today", "temperature of 38"}, nil},
		{"seek help without a stored number", w.owner, "POST", young, form("state", "quiet_alert", "temperature", "38.4"), 200,
			[]string{"Contact a doctor or your local urgent number now", noDiag, "has not stored a local urgent number", `action="/family/urgent"`, `list="urgent-suggestions"`}, []string{"Choose a routine"}},
		{"seek help: high fever under 6 months", w.owner, "POST", ready, form("state", "quiet_alert", "temperature", "39.1"), 200,
			[]string{"Contact a doctor or your local urgent number now", "39"}, []string{"Choose a routine"}},
		{"seek help: low temperature", w.carer, "POST", ready, form("state", "quiet_alert", "temperature", "35.5"), 200,
			[]string{"below 36", "has not stored a local urgent number", "Ask a family owner"}, []string{`action="/family/urgent"`}},
		{"newborn adjustments", w.owner, "POST", young, form("state", "quiet_alert", "cord", "not_healed", "skin_issue", "1"), 200,
			[]string{"A good moment", "no oil", "cord area has not healed", "broken, bruised"}, []string{`value="full_body"`}},
		{"preterm gets still touch only", w.owner, "POST", "/babies/" + w.preterm + "/ready", form("state", "quiet_alert"), 200,
			[]string{"still touch only", `value="preterm_still_touch" checked`}, []string{`value="quick_legs_feet"`}},

		{"no state", w.owner, "POST", ready, form("feed", "30"), 422, []string{"Choose how your baby is right now", `value="30" checked`}, nil},
		{"unknown state", w.owner, "POST", ready, form("state", "dancing"), 422, []string{"Choose one of the listed states"}, nil},
		{"temperature not a number", w.owner, "POST", ready, form("state", "quiet_alert", "temperature", "hot"), 422, []string{"as a number", `value="hot"`}, nil},
		{"temperature out of range", w.owner, "POST", ready, form("state", "quiet_alert", "temperature", "98.6"), 422, []string{"between 30 and 45"}, nil},
		{"bad feed choice", w.owner, "POST", ready, form("state", "quiet_alert", "feed", "soon"), 422, []string{"choose one of the options"}, nil},
		{"bad vaccination choice", w.owner, "POST", ready, form("state", "quiet_alert", "vacc", "tomorrow"), 422, []string{"choose one of the options"}, nil},
	} {
		t.Run(c.name, c.run)
	}

	// In °F, with a stored urgent number.
	w.settings(t, "f", "15")
	for _, c := range []sesCase{
		{"form in °F", w.owner, "GET", ready, nil, 200, []string{"°F (optional)"}, nil},
		{"100.4 °F is a fever under 3 months", w.owner, "POST", young, form("state", "quiet_alert", "temperature", "100.4"), 200,
			[]string{"Contact a doctor or your local urgent number now", `href="tel:15"`, noDiag}, []string{"has not stored"}},
		{"98.6 °F is normal", w.owner, "POST", ready, form("state", "quiet_alert", "temperature", "98.6"), 200, []string{"A good moment"}, nil},
		{"37 in a °F field is out of range", w.owner, "POST", ready, form("state", "quiet_alert", "temperature", "37"), 422, []string{"between 86 and 113"}, nil},
	} {
		t.Run(c.name, c.run)
	}

	// In French.
	if r := w.carer.Post("/account", url.Values{"name": {"Bob"}, "locale": {"fr"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("locale: %d", r.Status)
	}
	for _, c := range []sesCase{
		{"french form", w.carer, "GET", ready, nil, 200, []string{"Est-ce le bon moment pour Lou ?", "Calme et éveillé", "Température en"}, nil},
		{"french go", w.carer, "POST", ready, form("state", "quiet_alert"), 200, []string{"Choisissez une routine", "Commencer"}, nil},
		{"french history", w.carer, "GET", "/babies/" + w.baby + "/sessions", nil, 200, []string{"Séances avec Lou", "Aucune séance"}, nil},
		{"french player", w.carer, "GET", "/babies/" + w.baby + "/session?routine=quick_legs_feet", nil, 200, []string{"Bébé dit oui", "Il aime ça", "Besoin d'une pause", "Bébé dit non"}, nil},
	} {
		t.Run(c.name, c.run)
	}
}

// sesPlan is the plan the session page hands to player.js.
type sesPlan struct {
	RoutineID  string  `json:"routine_id"`
	BabyID     string  `json:"baby_id"`
	Lang       string  `json:"lang"`
	Lang2      string  `json:"lang2"`
	Speed      float64 `json:"speed"`
	SaveURL    string  `json:"save_url"`
	Permission bool    `json:"permission"`
	Steps      []struct {
		StrokeID string `json:"stroke_id"`
		Seconds  int    `json:"seconds"`
		Still    bool   `json:"still"`
		WaitTap  bool   `json:"wait_tap"`
		Part     string `json:"part"`
		Stroke   string `json:"stroke"`
		Speak    string `json:"speak"`
		Speak2   string `json:"speak2"`
	} `json:"steps"`
	Text map[string]string `json:"text"`
}

var planScript = regexp.MustCompile(`(?s)<script type="application/json" id="plan">(.*?)</script>`)

func sesReadPlan(t *testing.T, body string) sesPlan {
	t.Helper()
	m := planScript.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no plan in the page:\n%.2000s", body)
	}
	var p sesPlan
	if err := json.Unmarshal([]byte(m[1]), &p); err != nil {
		t.Fatalf("plan is not JSON: %v\n%.2000s", err, m[1])
	}
	return p
}

func TestSessionPlayerPage(t *testing.T) {
	w := newSesWorld(t)
	lib := content.MustLoad()
	for _, rt := range lib.Routines() {
		t.Run(rt.ID, func(t *testing.T) {
			r := w.carer.Get("/babies/" + w.baby + "/session?routine=" + rt.ID)
			if r.Status != 200 {
				t.Fatalf("status %d\n%.1000s", r.Status, r.Body)
			}
			for _, s := range []string{"/player.js\" defer></script>", "player.css", `id="btn-enjoy"`, `id="btn-break"`, `id="btn-no"`} {
				if !strings.Contains(r.Body, s) {
					t.Errorf("page lacks %q", s)
				}
			}
			if strings.Contains(r.Body, " style=") || strings.Contains(r.Body, " onclick=") {
				t.Errorf("page has inline style or handlers, which the CSP forbids")
			}
			p := sesReadPlan(t, r.Body)
			if p.RoutineID != rt.ID || p.BabyID != w.baby || p.Lang != "en-GB" || p.Speed != 1 || p.SaveURL != "/api/v1/babies/"+w.baby+"/sessions" {
				t.Errorf("plan header: %+v", p)
			}
			if p.Permission == rt.StillTouchOnly {
				t.Errorf("permission = %v for a routine with still_touch_only = %v", p.Permission, rt.StillTouchOnly)
			}
			// Lou is 100 days old: strokes for older babies are left out.
			var want []content.Step
			for _, st := range rt.Steps {
				if s, _ := lib.Stroke(st.StrokeID); s.MinAgeWeeks*7 <= 100 {
					want = append(want, st)
				}
			}
			if len(p.Steps) != len(want) {
				t.Fatalf("plan has %d steps, want %d of the routine's %d", len(p.Steps), len(want), len(rt.Steps))
			}
			for i, st := range want {
				ps := p.Steps[i]
				if ps.StrokeID != st.StrokeID || ps.Seconds != st.Seconds {
					t.Errorf("step %d: %s/%d, want %s/%d", i, ps.StrokeID, ps.Seconds, st.StrokeID, st.Seconds)
				}
				if i == 0 && st.StrokeID == content.PermissionRitualID {
					continue
				}
				stroke, _ := lib.Stroke(st.StrokeID)
				text, _ := lib.StrokeText(st.StrokeID, "en")
				part, _ := lib.BodyPartText(stroke.BodyPart, "en")
				if ps.Part != part.Name || ps.Stroke != text.Name || ps.Still != stroke.Still {
					t.Errorf("step %d (%s): part %q stroke %q still %v", i, st.StrokeID, ps.Part, ps.Stroke, ps.Still)
				}
				if !strings.Contains(ps.Speak, text.Say) || !strings.Contains(ps.Speak, text.Name) {
					t.Errorf("step %d (%s): spoken %q lacks the name or the say line %q", i, st.StrokeID, ps.Speak, text.Say)
				}
				if ps.WaitTap != (st.StrokeID == content.TouchRelaxationID) {
					t.Errorf("step %d (%s): wait_tap %v", i, st.StrokeID, ps.WaitTap)
				}
			}
			for _, k := range []string{"step_of", "saved", "save_failed", "thanks", "break_spoken", "ask_failed"} {
				if p.Text[k] == "" {
					t.Errorf("plan text %q is empty", k)
				}
			}
		})
	}

	// The first spoken line of a body part names it.
	p := sesReadPlan(t, w.owner.Get("/babies/"+w.baby+"/session?routine=quick_legs_feet&speed=50").Body)
	if p.Speed != 50 {
		t.Errorf("speed %v, want 50", p.Speed)
	}
	if !strings.HasPrefix(p.Steps[2].Speak, "Now, your legs.") {
		t.Errorf("first leg step says %q", p.Steps[2].Speak)
	}

	// The query cannot change the plan: adjustments come from the stored
	// readiness answer only.
	p = sesReadPlan(t, w.owner.Get("/babies/"+w.baby+"/session?routine=full_body&adjust=bogus").Body)
	full, _ := lib.Routine("full_body")
	if len(p.Steps) != len(full.Steps) {
		t.Errorf("plan of a 100-day-old has %d steps of %d", len(p.Steps), len(full.Steps))
	}

	// A bilingual family hears the line in both languages.
	r := w.owner.Post("/family/settings", url.Values{"name": {"Martin"}, "timezone": {"Europe/Paris"}, "lang1": {"fr"}, "lang2": {"en"},
		"feed_wait_min": {"30"}, "temp_unit": {"c"}, "urgent_number": {""}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("settings: %d", r.Status)
	}
	p = sesReadPlan(t, w.owner.Get("/babies/"+w.baby+"/session?routine=quick_legs_feet").Body)
	fr, _ := lib.StrokeText("toe_roll", "fr")
	en, _ := lib.StrokeText("toe_roll", "en")
	for _, s := range p.Steps {
		if s.StrokeID == "toe_roll" && (!strings.Contains(s.Speak, fr.Say) || !strings.Contains(s.Speak2, en.Say) || !strings.Contains(s.Speak2, "your feet")) {
			t.Errorf("bilingual toe roll: %q / %q", s.Speak, s.Speak2)
		}
	}
	if p.Lang != "fr-FR" || p.Lang2 != "en-GB" {
		t.Errorf("languages %q %q", p.Lang, p.Lang2)
	}

	for _, c := range []sesCase{
		{"unknown routine", w.owner, "GET", "/babies/" + w.baby + "/session?routine=nope", nil, 404, nil, nil},
		{"viewer", w.viewer, "GET", "/babies/" + w.baby + "/session?routine=quick_legs_feet", nil, 403, nil, nil},
		{"other family", w.xb, "GET", "/babies/" + w.baby + "/session?routine=quick_legs_feet", nil, 404, nil, []string{"Lou"}},
		{"baby page links", w.carer, "GET", "/babies/" + w.baby, nil, 200, []string{"/babies/" + w.baby + "/ready", "/babies/" + w.baby + "/sessions"}, nil},
		{"baby page for a viewer links the history only", w.viewer, "GET", "/babies/" + w.baby, nil, 200, []string{"/babies/" + w.baby + "/sessions"}, []string{"/ready"}},
	} {
		t.Run(c.name, c.run)
	}
}

// sesPost stores a session through the API and returns its id.
func sesPost(t *testing.T, a *apptest.App, token, baby string, start time.Time, outcome string, extra map[string]any) string {
	t.Helper()
	body := map[string]any{"routine_id": "quick_legs_feet", "started_at": start.UTC().Format(time.RFC3339),
		"ended_at": start.Add(6 * time.Minute).UTC().Format(time.RFC3339), "outcome": outcome,
		"steps": []map[string]string{{"stroke_id": "permission_ritual", "response": "neutral"}, {"stroke_id": "toe_roll", "response": "engaged"}}}
	for k, v := range extra {
		body[k] = v
	}
	r := a.API("POST", "/api/v1/babies/"+baby+"/sessions", token, body)
	if r.Status != http.StatusCreated {
		t.Fatalf("post session: %d %s", r.Status, r.Body)
	}
	return r.JSON(t)["id"].(string)
}

func TestSessionHistoryEditDelete(t *testing.T) {
	w := newSesWorld(t)
	a := w.app
	now := apptest.Now().Add(-time.Hour).Truncate(time.Minute)
	carerToken := a.Join(w.fam, "eve@example.org", "Eve", "caregiver", "sibling").Token
	first := sesPost(t, a, w.fam.Token, w.baby, now.Add(-48*time.Hour), "completed", map[string]any{"parent_calm_before": 2})
	sesPost(t, a, carerToken, w.baby, now.Add(-24*time.Hour), "baby_declined", nil)
	for i := range 21 {
		sesPost(t, a, w.fam.Token, w.baby, now.Add(-time.Duration(100+i)*time.Hour), "stopped_early", nil)
	}
	list := "/babies/" + w.baby + "/sessions"
	edit := list + "/" + first + "/edit"
	del := list + "/" + first + "/delete"

	r := w.viewer.Get(list)
	if r.Status != 200 {
		t.Fatalf("history: %d", r.Status)
	}
	m := regexp.MustCompile(`href="(/babies/[^"]+/sessions\?cursor=[^"]+)"`).FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("no link to older sessions:\n%.3000s", r.Body)
	}
	if n := strings.Count(r.Body, `<p class="when">`); n != 20 {
		t.Errorf("first page shows %d sessions, want 20", n)
	}
	older := w.viewer.Get(html.UnescapeString(m[1]))
	if older.Status != 200 || strings.Count(older.Body, `<p class="when">`) != 3 || !strings.Contains(older.Body, "Newest") || strings.Contains(older.Body, "cursor=") {
		t.Errorf("older page: %d, %d sessions\n%.2000s", older.Status, strings.Count(older.Body, `<p class="when">`), older.Body)
	}

	// Two days ago is said with its weekday and the time (24 h in English
	// without a region).
	when := now.Add(-48 * time.Hour).In(mustZoneParis()).Format("Monday, 15:04")
	for _, c := range []sesCase{
		{"viewer reads", w.viewer, "GET", list, nil, 200,
			[]string{"Sessions with Lou", when, "Quick legs", "Ann", "Eve", "6 min", "Completed", "Baby said no — you listened", "Ended early", "enjoyed 1 step"},
			[]string{"/edit", "New session"}},
		{"owner sees edit links", w.owner, "GET", list, nil, 200, []string{edit, "New session"}, nil},
		{"bad cursor starts over", w.owner, "GET", list + "?cursor=%21%21", nil, 303, []string{list}, nil},
		{"other family", w.xb, "GET", list, nil, 404, nil, []string{"Lou"}},
		{"anonymous", a.Browser(), "GET", list, nil, 303, []string{"/login"}, nil},

		{"edit form", w.carer, "GET", edit, nil, 200, []string{`value="completed" checked`, `<option value="2" selected>`, "Delete this session"}, nil},
		{"edit viewer", w.viewer, "GET", edit, nil, 403, nil, nil},
		{"edit other family", w.xb, "GET", edit, nil, 404, nil, nil},
		{"edit unknown", w.owner, "GET", list + "/nope/edit", nil, 404, nil, nil},
		{"edit through another baby", w.owner, "GET", "/babies/" + w.newborn + "/sessions/" + first + "/edit", nil, 404, nil, nil},
		{"update viewer", w.viewer, "POST", edit, url.Values{"outcome": {"completed"}}, 403, nil, nil},
		{"update other family", w.xb, "POST", edit, url.Values{"outcome": {"completed"}}, 404, nil, nil},
		{"update invalid", w.owner, "POST", edit, url.Values{"outcome": {"finished"}, "calm_before": {"9"}, "calm_after": {"x"}, "asleep_min": {"999"}, "notes": {"kept"}}, 422,
			[]string{"choose one of the options", "Choose a number from 1 to 5", "between 0 and 240", ">kept</textarea>"}, nil},
		{"update", w.carer, "POST", edit, url.Values{"outcome": {"baby_declined"}, "calm_before": {"3"}, "calm_after": {"5"}, "asleep_min": {"12"}, "notes": {" Loved the toes "}}, 303,
			[]string{list + "?msg=saved"}, nil},
		{"delete viewer", w.viewer, "POST", del, url.Values{"confirm": {"yes"}}, 403, nil, nil},
		{"delete other family", w.xb, "POST", del, url.Values{"confirm": {"yes"}}, 404, nil, nil},
		{"delete unconfirmed", w.owner, "POST", del, nil, 422, []string{"Tick the box to confirm"}, nil},
	} {
		t.Run(c.name, c.run)
	}

	got := a.API("GET", "/api/v1/babies/"+w.baby+"/sessions/"+first, w.fam.Token, nil)
	if got.Status != 200 {
		t.Fatalf("read back: %d", got.Status)
	}
	s := got.JSON(t)
	if s["outcome"] != "baby_declined" || s["parent_calm_before"] != 3.0 || s["parent_calm_after"] != 5.0 || s["fell_asleep_after_min"] != 12.0 || s["notes"] != "Loved the toes" {
		t.Errorf("after edit: %v", s)
	}
	if steps := s["steps"].([]any); len(steps) != 2 {
		t.Errorf("edit lost the steps: %v", steps)
	}

	sesCase{"delete", w.owner, "POST", del, url.Values{"confirm": {"yes"}}, 303, []string{list + "?deleted=1"}, nil}.run(t)
	sesCase{"deleted message", w.owner, "GET", list + "?deleted=1", nil, 200, []string{"The session was deleted."}, []string{when}}.run(t)
	if r := a.API("GET", "/api/v1/babies/"+w.baby+"/sessions/"+first, w.fam.Token, nil); r.Status != 404 {
		t.Errorf("deleted session: %d", r.Status)
	}
	sesCase{"delete again", w.owner, "POST", del, url.Values{"confirm": {"yes"}}, 404, nil, nil}.run(t)
}

func mustZoneParis() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return time.UTC
	}
	return loc
}

// sesAskPlan is the part of the plan that says how the session follows
// the readiness answer.
type sesAskPlan struct {
	Ask     bool   `json:"ask"`
	CheckID string `json:"check_id"`
	Steps   []struct {
		StrokeID string `json:"stroke_id"`
		Seconds  int    `json:"seconds"`
	} `json:"steps"`
}

func sesReadAsk(t *testing.T, body string) sesAskPlan {
	t.Helper()
	m := planScript.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no plan in the page:\n%.2000s", body)
	}
	var p sesAskPlan
	if err := json.Unmarshal([]byte(m[1]), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// Every way into a session goes through the readiness answer, and the
// plan is cut on the server to the baby's cautious age and the answer.
func TestSessionThroughReadiness(t *testing.T) {
	w := newSesWorld(t)
	lib := content.MustLoad()
	player := "/babies/" + w.baby + "/session?routine=full_body"

	// No answer yet: the player asks the short question itself, with the
	// full questions one tap away.
	r := w.owner.Get(player)
	p := sesReadAsk(t, r.Body)
	if r.Status != 200 || !p.Ask || p.CheckID != "" || !strings.Contains(r.Body, `data-phase="ask"`) ||
		!strings.Contains(r.Body, `id="btn-ask-yes"`) || !strings.Contains(html.UnescapeString(r.Body), "/ready?full=1&routine=full_body") {
		t.Fatalf("player without an answer: %d ask=%v check=%q", r.Status, p.Ask, p.CheckID)
	}

	// A recent answer other than go sends the parent back to the questions.
	if r := w.owner.Post("/babies/"+w.baby+"/ready", url.Values{"state": {"fussy"}}); r.Status != 200 {
		t.Fatalf("fussy: %d", r.Status)
	}
	if r := w.owner.Get(player); r.Status != http.StatusSeeOther || !strings.Contains(r.Header.Get("Location"), "/ready?routine=full_body") {
		t.Fatalf("player after a wait answer: %d %s", r.Status, r.Header.Get("Location"))
	}
	if r := w.owner.Get(player + "&ask=1"); r.Status != http.StatusSeeOther {
		t.Fatalf("the kept player after a wait answer: %d", r.Status)
	}

	// A go answer with a routine chosen opens the player planned from it.
	r = w.owner.Post("/babies/"+w.baby+"/ready", url.Values{"state": {"quiet_alert"}, "vacc": {"week"}, "routine": {"full_body"}})
	loc := r.Header.Get("Location")
	if r.Status != http.StatusSeeOther || !strings.Contains(loc, "check=") {
		t.Fatalf("go: %d %s", r.Status, loc)
	}
	r = w.owner.Get(loc)
	p = sesReadAsk(t, r.Body)
	if p.Ask || p.CheckID == "" || !strings.Contains(r.Body, `data-phase="start"`) || !strings.Contains(r.Body, "leaves out every stroke over the legs") {
		t.Fatalf("player after a go answer: ask=%v check=%q", p.Ask, p.CheckID)
	}
	for _, s := range p.Steps {
		if st, _ := lib.Stroke(s.StrokeID); st.BodyPart == content.BodyPartLegs || s.StrokeID == "marching" || s.StrokeID == "knees_to_tummy" {
			t.Errorf("plan after a thigh injection keeps %s", s.StrokeID)
		}
	}
	// The baby's latest answer stands for 30 minutes without naming it,
	// whoever gave it; ask=1 (the page kept for offline use) always asks,
	// yet keeps the adjustments of a go answer that stands.
	for who, b := range map[string]*apptest.Browser{"Ann": w.owner, "Bob": w.carer} {
		if p2 := sesReadAsk(t, b.Get(player).Body); p2.CheckID != p.CheckID || p2.Ask {
			t.Errorf("%s: latest answer not used: %+v", who, p2)
		}
	}
	r = w.owner.Get(player + "&ask=1")
	p2 := sesReadAsk(t, r.Body)
	if !p2.Ask || p2.CheckID != "" || !strings.Contains(r.Body, "leaves out every stroke over the legs") {
		t.Errorf("ask=1 did not ask: %+v", p2)
	}
	for _, s := range p2.Steps {
		if st, _ := lib.Stroke(s.StrokeID); st.BodyPart == content.BodyPartLegs {
			t.Errorf("ask=1 forgot the standing answer's injection site: %s", s.StrokeID)
		}
	}
	// Bob then answers "vaccinated today": not today. Ann's go answer,
	// named or not, no longer opens the player.
	if r := w.carer.Post("/babies/"+w.baby+"/ready", url.Values{"state": {"quiet_alert"}, "vacc": {"today"}}); r.Status != 200 ||
		!strings.Contains(r.Body, "Not today") {
		t.Fatalf("vaccinated today: %d", r.Status)
	}
	for _, q := range []string{"", "&check=" + p.CheckID, "&ask=1"} {
		if r := w.owner.Get(player + q); r.Status != http.StatusSeeOther || !strings.Contains(r.Header.Get("Location"), "/ready") {
			t.Errorf("player%s after Bob's not today: %d", q, r.Status)
		}
	}
	// Where Start led, Ann reads why.
	if r := w.owner.Get("/babies/" + w.baby + "/ready?routine=full_body"); !strings.Contains(r.Body, "Bob answered at") ||
		!strings.Contains(r.Body, "Not today") || !strings.Contains(r.Body, "Sessions wait until") {
		t.Errorf("the readiness page does not say what holds the session:\n%.3000s", r.Body)
	}
	// An answer of not today from forty minutes ago still stands: the
	// player does not fall back to asking the short question.
	at := apptest.Now().UTC()
	sib := w.app.Baby(w.fam, "Sam", sesDaysAgo(200))
	w.app.API("POST", "/api/v1/babies/"+sib+"/readiness", w.fam.Token, map[string]any{"state": "quiet_alert",
		"now": at.Add(-40 * time.Minute).Format(time.RFC3339), "vaccinated_at": at.Add(-2 * time.Hour).Format(time.RFC3339)})
	if r := w.owner.Get("/babies/" + sib + "/session?routine=full_body"); r.Status != http.StatusSeeOther {
		t.Errorf("player 40 minutes after not today: %d", r.Status)
	}

	// A newborn: no oil strokes, the unhealed cord spares the tummy, ten
	// minutes at most; a baby before its due date: still touch only.
	p = sesReadAsk(t, w.owner.Get("/babies/"+w.newborn+"/session?routine=full_body").Body)
	secs := 0
	for _, s := range p.Steps {
		st, _ := lib.Stroke(s.StrokeID)
		if st.Oil || st.BodyPart == content.BodyPartTummy || st.MinAgeWeeks > 1 {
			t.Errorf("a 10-day-old's plan holds %s", s.StrokeID)
		}
		secs += s.Seconds
	}
	if secs > 600 || len(p.Steps) == 0 {
		t.Errorf("a 10-day-old's plan lasts %d s with %d steps", secs, len(p.Steps))
	}
	p = sesReadAsk(t, w.owner.Get("/babies/"+w.preterm+"/session?routine=full_body").Body)
	for _, s := range p.Steps {
		if st, _ := lib.Stroke(s.StrokeID); !st.Still {
			t.Errorf("a baby before its due date is offered %s", s.StrokeID)
		}
	}

	// The baby page and the insights start today's routine through the
	// player, which asks first; so does the offline page.
	for _, page := range []string{"/babies/" + w.baby, "/offline"} {
		body := html.UnescapeString(w.carer.Get(page).Body)
		if strings.Contains(body, "adjust=") {
			t.Errorf("%s carries adjustments in a link", page)
		}
	}
	off := html.UnescapeString(w.carer.Get("/offline").Body)
	if !strings.Contains(off, "/babies/"+w.preterm+"/session?routine=preterm_still_touch&ask=1") ||
		strings.Contains(off, "/babies/"+w.preterm+"/session?routine=full_body") ||
		strings.Contains(off, "/babies/"+w.newborn+"/session?routine=crawler_playful") {
		t.Errorf("offline page offers routines the rules refuse:\n%s", off)
	}
}

// The baby page says both ages in plain words: a baby before its due date
// is "due in N days", never a negative age.
func TestBabyAgesInPlainWords(t *testing.T) {
	w := newSesWorld(t) // Pia: 21 days old, born at 32 weeks (56 days early)
	for _, c := range []sesCase{
		{"before the due date", w.owner, "GET", "/babies/" + w.preterm, nil, 200, []string{"21 days old · due date in 35 days", "younger of the two ages"}, []string{"-35 day", "corrected age -"}}, // (a bare "-35" is in one id of a few hundred)
		{"at term only one age", w.owner, "GET", "/babies/" + w.baby, nil, 200, []string{"100 days old"}, []string{"due date", "corrected age"}},
	} {
		t.Run(c.name, c.run)
	}
	r := w.app.API("POST", "/api/v1/babies", w.fam.Token, map[string]any{"name": "Eli", "birth_date": sesDaysAgo(50), "gestation_weeks": 35})
	eli := r.JSON(t)["id"].(string)
	sesCase{"after the due date", w.owner, "GET", "/babies/" + eli, nil, 200, []string{"50 days old · 15 days since the due date (corrected age)"}, nil}.run(t)
}

// A screen that needs the urgent number and lacks it lets an owner set it
// right there, and goes back to that screen.
func TestUrgentNumberWhereNeeded(t *testing.T) {
	w := newSesWorld(t)
	crying := "/babies/" + w.baby + "/crying"
	for _, c := range []sesCase{
		{"crying page offers to set it", w.owner, "GET", crying, nil, 200, []string{`action="/family/urgent"`, `form="urgent-set"`, `list="urgent-suggestions"`}, nil},
		{"not to a caregiver", w.carer, "GET", crying, nil, 200, nil, []string{`action="/family/urgent"`}},
		{"caregiver may not set it", w.carer, "POST", "/family/urgent", url.Values{"urgent_number": {"15"}, "next": {crying}}, 403, nil, nil},
		{"not a phone number", w.owner, "POST", "/family/urgent", url.Values{"urgent_number": {"call mum"}, "next": {crying}}, 422, []string{"Use only digits"}, nil},
		{"empty", w.owner, "POST", "/family/urgent", url.Values{"urgent_number": {" "}, "next": {crying}}, 422, nil, nil},
		{"off-site next stays on the site", w.owner, "POST", "/family/urgent", url.Values{"urgent_number": {"112"}, "next": {"//evil.example"}}, 303, []string{"/?msg=urgent_saved"}, []string{"evil"}},
		{"saved, back where it was needed", w.owner, "POST", "/family/urgent", url.Values{"urgent_number": {"15"}, "next": {crying}}, 303, []string{crying + "?msg=urgent_saved"}, nil},
		{"then shown", w.owner, "GET", crying, nil, 200, []string{`href="tel:15"`}, []string{`action="/family/urgent"`}},
	} {
		t.Run(c.name, c.run)
	}
	// Asked when the family is made, never assumed.
	b := w.app.Browser()
	r := b.Get("/signup")
	if !strings.Contains(r.Body, `name="urgent_number"`) || !strings.Contains(r.Body, `<option value="112">`) || strings.Contains(r.Body, `name="urgent_number" type="tel" autocomplete="off" list="urgent-suggestions" value="1`) {
		t.Errorf("signup does not ask for the urgent number, or fills one in")
	}
	r = w.app.API("POST", "/api/v1/signup", "", map[string]string{"email": "new@example.org", "password": "correct horse battery", "name": "N", "family_name": "F", "urgent_number": "999"})
	if r.Status != http.StatusCreated {
		t.Fatalf("signup with a number: %d %s", r.Status, r.Body)
	}
	r = w.app.API("POST", "/api/v1/signup", "", map[string]string{"email": "new2@example.org", "password": "correct horse battery", "name": "N", "family_name": "F", "urgent_number": "ring\u0000me"})
	if r.Status != 422 || !strings.Contains(r.Body, "urgent_number") {
		t.Fatalf("signup with a bad number: %d %s", r.Status, r.Body)
	}
}

// The library filtered for a baby uses the cautious age too: a baby born
// two weeks late is not shown strokes for an older baby.
func TestLibraryForABabyUsesTheCautiousAge(t *testing.T) {
	w := newSesWorld(t)
	r := w.app.API("POST", "/api/v1/babies", w.fam.Token, map[string]any{"name": "Late", "birth_date": sesDaysAgo(20), "gestation_weeks": 42})
	late := r.JSON(t)["id"].(string) // 20 days old, 34 days from the due date
	sesCase{"post-term baby", w.owner, "GET", "/library?baby=" + late, nil, 200, []string{"Late (2 weeks)", "/library/strokes/leg_rolling"},
		[]string{"/library/strokes/water_wheel", "Late (4 weeks)"}}.run(t)
}

// Text typed into any form is checked in one place: invalid UTF-8, a NUL
// or a bare carriage return never reach the database.
func TestFormTextIsChecked(t *testing.T) {
	w := newSesWorld(t)
	settings := func(lines, urgent string) url.Values {
		return url.Values{"name": {"Martin"}, "timezone": {"Europe/Paris"}, "lang1": {"en"}, "feed_wait_min": {"30"}, "temp_unit": {"c"},
			"urgent_number": {urgent}, "support_lines": {lines}}
	}
	for _, c := range []sesCase{
		{"nul in support lines", w.owner, "POST", "/family/settings", settings("Mum\x00", ""), 422, []string{"cannot be stored"}, nil},
		{"nul in urgent number", w.owner, "POST", "/family/settings", settings("", "15\x00"), 422, []string{"Use only digits"}, nil},
		{"invalid utf-8 in a baby's name", w.owner, "POST", "/babies/new", url.Values{"name": {"Lo\xffu"}, "birth_date": {sesDaysAgo(3)}}, 422, []string{"not valid UTF-8"}, nil},
		{"line break in a name", w.owner, "POST", "/babies/new", url.Values{"name": {"Lou\rBEGIN:VEVENT"}, "birth_date": {sesDaysAgo(3)}}, 422, []string{"cannot be stored"}, nil},
		{"crlf in support lines is kept as lines", w.owner, "POST", "/family/settings", settings("Mum 0601\r\nDad 0602", ""), 303, nil, nil},
	} {
		t.Run(c.name, c.run)
	}
	r := w.app.API("GET", "/api/v1/family", w.fam.Token, nil)
	if r.Status != 200 {
		t.Fatal(r.Status)
	}
	sesCase{"settings kept the lines", w.owner, "GET", "/family/settings", nil, 200, []string{"Mum 0601\nDad 0602"}, []string{"\r"}}.run(t)
}

// An unknown page answers a 404 page in the layout, in the reader's
// language, with a way home; the API keeps its JSON 404.
func TestUnknownPages(t *testing.T) {
	w := newSesWorld(t)
	for _, c := range []sesCase{
		{"anonymous", w.app.Browser(), "GET", "/nothing-here", nil, 404, []string{"<header", `href="/"`, "<h1>"}, []string{"404 page not found"}},
		{"member", w.owner, "GET", "/babies/" + w.baby + "/nothing", nil, 404, []string{"<nav", `href="/"`}, nil},
		{"post", w.owner, "POST", "/nowhere", url.Values{}, 404, []string{"<h1>"}, nil},
	} {
		t.Run(c.name, c.run)
	}
	if r := w.carer.Post("/account", url.Values{"name": {"Bob"}, "locale": {"fr"}}); r.Status != http.StatusSeeOther {
		t.Fatal(r.Status)
	}
	sesCase{"in French", w.carer, "GET", "/rien", nil, 404, []string{`lang="fr"`, "accueil"}, nil}.run(t)
	if r := w.app.API("GET", "/api/v1/nothing", w.fam.Token, nil); r.Status != 404 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		t.Errorf("API 404: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
}

// The baby page is a dashboard: timers first, when the baby last had a
// massage, sleep and time in arms, today's routine one tap away, and one
// way to the crying companion (the header's).
func TestBabyDashboard(t *testing.T) {
	w := newSesWorld(t)
	now := apptest.Now().UTC().Truncate(time.Second)
	sesPost(t, w.app, w.fam.Token, w.baby, now.Add(-2*time.Hour-6*time.Minute), "completed", nil)
	r := w.app.API("POST", "/api/v1/babies/"+w.baby+"/touch", w.fam.Token, map[string]any{"kind": "holding",
		"started_at": now.Add(-50 * time.Minute).Format(time.RFC3339), "ended_at": now.Add(-40 * time.Minute).Format(time.RFC3339)})
	if r.Status != 201 {
		t.Fatal(r.Status, r.Body)
	}
	body := html.UnescapeString(w.owner.Get("/babies/" + w.baby).Body)
	timers, recent, start := strings.Index(body, `id="timers"`), strings.Index(body, `id="recent-h"`), strings.Index(body, `id="start-today"`)
	if timers < 0 || recent < timers || start < recent {
		t.Errorf("dashboard order: timers %d, recent %d, start %d", timers, recent, start)
	}
	for _, want := range []string{"Last massage", "2 h ago", "Last time in arms", "40 min ago", "Last sleep", "not yet", "/session?routine=today"} {
		if !strings.Contains(body, want) {
			t.Errorf("dashboard lacks %q", want)
		}
	}
	if n := strings.Count(body, "/crying\""); n != 1 {
		t.Errorf("%d ways to the crying companion on the baby page, want the header's one", n)
	}
}

// An invitation comes with Copy and Share (where the browser has them)
// and a QR code drawn on the server, inline.
func TestInvitationShareAndQR(t *testing.T) {
	w := newSesWorld(t)
	r := w.owner.Post("/family/invites", url.Values{"role": {"caregiver"}, "relation": {"grandparent"}})
	if r.Status != 200 {
		t.Fatalf("invite: %d", r.Status)
	}
	for _, want := range []string{`<svg class="qr" role="img"`, `data-copy="invite-url"`, `data-share="invite-url"`, "/app.js"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("invitation page lacks %q", want)
		}
	}
	// The code holds the link: a version-4 or larger QR code, 33+ modules.
	m := regexp.MustCompile(`viewBox="0 0 (\d+) (\d+)"`).FindStringSubmatch(r.Body)
	if n, _ := strconv.Atoi(m[1]); m == nil || m[1] != m[2] || n < 33 {
		t.Errorf("QR size: %v", m)
	}
}

// The login page says how to get a reset link.
func TestLoginForgotPassword(t *testing.T) {
	w := newSesWorld(t)
	sesCase{"login page", w.app.Browser(), "GET", "/login", nil, 200, []string{"Forgot your password?", "Reset link", "nurture user reset-password"}, nil}.run(t)
}
