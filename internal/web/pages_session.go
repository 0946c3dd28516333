package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"nurture/internal/app"
	"nurture/internal/content"
	"nurture/internal/domain"
	"nurture/internal/readiness"
	"nurture/internal/route"
	"nurture/internal/store"
	"nurture/internal/voice"
)

// sessionRoutes registers the readiness check, the guided session player
// and the session history pages.
func (s *Server) sessionRoutes(mux *route.Mux) {
	mux.HandleFunc("GET /babies/{id}/ready", s.writer(s.readyForm))
	mux.HandleFunc("POST /babies/{id}/ready", s.writer(s.readyCheck))
	mux.HandleFunc("GET /babies/{id}/session", s.writer(s.sessionPlayer))
	mux.HandleFunc("GET /babies/{id}/sessions", s.member(s.sessionHistory))
	mux.HandleFunc("GET /babies/{id}/sessions/{sid}/edit", s.writer(s.sessionEditForm))
	mux.HandleFunc("POST /babies/{id}/sessions/{sid}/edit", s.writer(s.sessionUpdate))
	mux.HandleFunc("POST /babies/{id}/sessions/{sid}/delete", s.writer(s.sessionDelete))
}

// Literal message keys of values chosen at run time, so the catalogs can be
// checked for unused messages.
var (
	stateLabels = map[readiness.State][2]string{
		readiness.QuietAlert:  {"session.state.quiet_alert", "session.state.quiet_alert_hint"},
		readiness.ActiveAlert: {"session.state.active_alert", "session.state.active_alert_hint"},
		readiness.Drowsy:      {"session.state.drowsy", "session.state.drowsy_hint"},
		readiness.Fussy:       {"session.state.fussy", "session.state.fussy_hint"},
		readiness.Crying:      {"session.state.crying", "session.state.crying_hint"},
		readiness.Asleep:      {"session.state.asleep", "session.state.asleep_hint"},
	}
	outcomeLabels = map[domain.Outcome]string{
		domain.Completed:    "session.outcome.completed",
		domain.BabyDeclined: "session.outcome.baby_declined",
		domain.StoppedEarly: "session.outcome.stopped_early",
	}
	feedChoices = []choice{
		{"", "session.ready.feed_unsure"}, {"0", "session.ready.feed_now"}, {"15", "session.ready.feed_15"},
		{"30", "session.ready.feed_30"}, {"60", "session.ready.feed_60"},
	}
	vaccChoices = []choice{
		{"", "session.ready.vacc_none"}, {"today", "session.ready.vacc_today"},
		{"yesterday", "session.ready.vacc_yesterday"}, {"week", "session.ready.vacc_week"},
	}
	siteChoices = []choice{
		{"", "session.ready.site_usual"}, {readiness.SiteThigh, "session.ready.site_thigh"}, {readiness.SiteArm, "session.ready.site_arm"},
	}
)

// choice is one radio button: its value and the key of its label.
type choice struct{ Value, Label string }

// sessionAsk is which session a parent asked to start.
type sessionAsk struct {
	Routine, Minutes, Purpose string
}

// askFrom reads the session asked for from a query or form; an unknown
// routine is dropped.
func (s *Server) askFrom(get func(string) string) sessionAsk {
	a := sessionAsk{Routine: get("routine"), Minutes: get("minutes"), Purpose: get("purpose")}
	if _, ok := s.Library.Routine(a.Routine); !ok && a.Routine != "today" {
		return sessionAsk{}
	}
	if a.Routine != "today" {
		a.Minutes, a.Purpose = "", ""
	}
	return a
}

// query is the session's part of a player or readiness URL.
func (a sessionAsk) query() url.Values {
	q := url.Values{}
	if a.Routine == "" {
		return q
	}
	q.Set("routine", a.Routine)
	if a.Minutes != "" {
		q.Set("minutes", a.Minutes)
	}
	if a.Purpose != "" {
		q.Set("purpose", a.Purpose)
	}
	return q
}

// Query is the URL query of the session asked for ("" when none).
func (a sessionAsk) Query() string { return a.query().Encode() }

// planStep is one step of the guided session as the player needs it.
type planStep struct {
	StrokeID string `json:"stroke_id"`
	Seconds  int    `json:"seconds"`
	Still    bool   `json:"still"`
	// WaitTap steps (touch relaxation) go on only when the parent taps
	// "relaxed": softening cannot be timed.
	WaitTap bool   `json:"wait_tap"`
	Part    string `json:"part"`
	Stroke  string `json:"stroke"`
	// Speak is said in the family's main language, Speak2 in the second.
	Speak  string `json:"speak"`
	Speak2 string `json:"speak2,omitempty"`
	// New marks a stroke the caregiver's course introduces today: marked,
	// drawn and said a little slower.
	New bool `json:"new,omitempty"`
	// Clips are what is said in the main language, piece by piece: each
	// plays the family's recording of its key when there is one, and is
	// spoken by the device otherwise.
	Clips []clip `json:"clips,omitempty"`
}

// clip is one piece of what the player says. Also is said by the device
// after the family's recording of it: a stroke's recording has its name
// and the words to the baby, and the parent still hears what to do.
type clip struct {
	Key  string `json:"key"`
	Text string `json:"text"`
	Also string `json:"also,omitempty"`
}

// plan is the whole session, rendered into the page as JSON.
type plan struct {
	RoutineID  string            `json:"routine_id"`
	BabyID     string            `json:"baby_id"`
	Lang       string            `json:"lang"`
	Lang2      string            `json:"lang2,omitempty"`
	Speed      float64           `json:"speed"`
	SaveURL    string            `json:"save_url"`
	Permission bool              `json:"permission"`
	Steps      []planStep        `json:"steps"`
	Text       map[string]string `json:"text"`
	// CheckID is the readiness answer the session follows. With Ask the
	// player first asks the short readiness question itself and sends the
	// answer to ReadinessURL (queued when offline); the steps are already
	// those the rules allow after that answer.
	CheckID      string `json:"check_id,omitempty"`
	Ask          bool   `json:"ask"`
	ReadinessURL string `json:"readiness_url"`
	// Voice maps the keys this session says to the family's recording in
	// use (its URL names its content hash); Phrases the player's own lines
	// to their keys.
	Voice   map[string]string `json:"voice"`
	Phrases map[string]string `json:"phrases"`
}

type sessionPageData struct {
	*babyData
	Routine content.LocalizedRoutine
	Plan    plan
	Adjust  []string
	// StillOnly routines start without the ritual: the voice is the cue.
	StillOnly bool
	Scale     []int
	// Ask: the page asks the short readiness question first; FeedWaitMin
	// is the family's wait after a feed, FullCheck the full questions.
	Ask         bool
	FeedWaitMin int
	FullCheck   string
	// Diagrams show how each stroke the course introduces today goes.
	Diagrams []strokeDiagram
}

type strokeDiagram struct {
	StrokeID string
	Diagram  diagramView
}

// speechLangs maps a family language to a speech-synthesis language.
var speechLangs = map[string]string{"en": "en-GB", "es": "es-ES", "fr": "fr-FR"}

func speechLang(l string) string {
	if s, ok := speechLangs[l]; ok {
		return s
	}
	return l
}

// buildPlan turns the planned steps into what the player speaks. Each step
// names the body part when it changes ("Now your feet."), then the stroke,
// its first instruction and the line to say to the baby; a bilingual family
// hears the part and the line in the second language too.
//
// Each piece is also a clip: a body part's key, the stroke's key (whose
// recording says its name and the line to the baby, the instruction
// staying on screen), and the player's phrases; recorded holds the
// family's recordings in use.
func (s *Server) buildPlan(v *view, babyID, routineID string, steps []content.Step, fresh []string, fam domain.Family, speed float64, recorded []store.Recording) plan {
	langs := fam.Languages
	if len(langs) == 0 {
		langs = []string{v.Lang}
	}
	main := s.Library.Locale(langs[0])
	p := plan{RoutineID: routineID, BabyID: babyID, Lang: speechLang(main), Speed: speed,
		SaveURL: s.Base.Path("/api/v1/babies/" + babyID + "/sessions"), ReadinessURL: s.Base.Path("/api/v1/babies/" + babyID + "/readiness"),
		Permission: len(steps) > 0 && steps[0].StrokeID == content.PermissionRitualID, Steps: []planStep{}}
	second := ""
	if len(langs) > 1 {
		second = s.Library.Locale(langs[1])
		if second == main {
			second = ""
		}
	}
	if second != "" {
		p.Lang2 = speechLang(second)
	}
	say := s.Catalog.For(main)
	say2 := s.Catalog.For(second)
	prevPart := ""
	for i, step := range steps {
		st, ok := s.Library.Stroke(step.StrokeID)
		if !ok {
			continue
		}
		if i == 0 && st.ID == content.PermissionRitualID {
			// The ritual is the start screen; it stays in the plan so the
			// stored session lists it.
			p.Steps = append(p.Steps, planStep{StrokeID: st.ID, Seconds: step.Seconds})
			continue
		}
		text, _ := s.Library.StrokeText(st.ID, main)
		shown, _ := s.Library.StrokeText(st.ID, v.Lang)
		shownPart, _ := s.Library.BodyPartText(st.BodyPart, v.Lang)
		var clips []clip
		if st.BodyPart != prevPart && st.BodyPart != content.BodyPartWholeBody {
			clips = append(clips, clip{Key: voice.Key{Kind: voice.KindPart, Name: st.BodyPart}.String(), Text: s.cases.PartWords(say, main, st.BodyPart)})
		}
		words, how := text.Name+". ", ""
		if len(text.Steps) > 0 {
			how = text.Steps[0]
			words += how + " "
		}
		clips = append(clips, clip{voice.Key{Kind: voice.KindStroke, Name: st.ID}.String(), strings.TrimSpace(words + text.Say), how})
		spoken := make([]string, len(clips))
		for i, c := range clips {
			spoken[i] = c.Text
		}
		ps := planStep{StrokeID: st.ID, Seconds: step.Seconds, Still: st.Still, WaitTap: st.ID == content.TouchRelaxationID,
			Part: shownPart.Name, Stroke: shown.Name, Speak: strings.Join(spoken, " "), Clips: clips}
		if second != "" {
			t2, _ := s.Library.StrokeText(st.ID, second)
			p2, _ := s.Library.BodyPartText(st.BodyPart, second)
			ps.Speak2 = strings.TrimSpace(say2.T("session.spoken.now", "Part", p2.Your) + " " + t2.Say)
		}
		// Marked and said slower, never longer: the plan's length is the
		// rules' (a newborn's ten minutes, a drowsy baby's five).
		ps.New = slices.Contains(fresh, st.ID)
		prevPart = st.BodyPart
		p.Steps = append(p.Steps, ps)
	}
	p.Text = map[string]string{
		"step_of":      v.T("session.player.step_of"),
		"saving":       v.T("session.summary.saving"),
		"saved":        v.T("session.summary.saved"),
		"save_failed":  v.T("session.summary.save_failed"),
		"offline":      v.T("session.summary.offline"),
		"ask_what":     v.T("session.ask.queued_what"),
		"time_left":    v.T("session.player.time_left"),
		"pause":        v.T("session.player.pause"),
		"resume":       v.T("session.player.resume"),
		"ask_failed":   v.T("session.ask.failed"),
		"break_spoken": app.PhraseWords(say, "break"),
		"end_spoken":   app.PhraseWords(say, "end"),
		"thanks":       app.PhraseWords(say, "thanks"),
		"relax_wait":   app.PhraseWords(say, "relax_wait"),
	}
	p.Phrases = map[string]string{"break_spoken": "phrase:break", "end_spoken": "phrase:end", "thanks": "phrase:thanks", "relax_wait": "phrase:relax_wait"}
	// Only the recordings this session says are fetched and kept offline.
	said := map[string]bool{}
	for _, k := range p.Phrases {
		said[k] = true
	}
	for _, st := range p.Steps {
		for _, c := range st.Clips {
			said[c.Key] = true
		}
	}
	p.Voice = map[string]string{}
	for _, r := range recorded {
		if r.InUse && said[r.Key] {
			p.Voice[r.Key] = s.Base.Path(voice.URL(r.Key, r.SHA256, ""))
		}
	}
	return p
}

// sessionPlayer is the guided session. Every way in goes through the
// readiness answer (app.Care.CurrentCheck): while the baby's latest answer
// other than go stands, the parent is sent back to the questions; a go
// answer from the last 30 minutes (named by check=, or the latest) plans
// the session; with none the page asks the short question itself ("calm,
// fed a while ago, well") and the full questions are one tap away. ask=1
// always asks: it is the page kept for offline use, where no earlier
// answer can be trusted, though a go answer's adjustments still apply. The
// steps are always cut on the server to the baby's cautious age and the
// answer's adjustments.
func (s *Server) sessionPlayer(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	v, bd, err := s.babyView(r, id, "session.player.title")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	ask := s.askFrom(q.Get)
	if ask.Routine == "" {
		s.notFound(w, r)
		return
	}
	minutes, _ := strconv.Atoi(ask.Minutes)
	plan, err := s.cases.PlanSession(r.Context(), id, bd.Baby, app.PlanRequest{Routine: ask.Routine, Minutes: minutes, Purpose: ask.Purpose,
		MayAsk: true, AlwaysAsk: q.Get("ask") == "1"})
	switch {
	case errors.Is(err, app.ErrNotReady):
		http.Redirect(w, r, "/babies/"+bd.Baby.ID+"/ready?"+ask.Query(), http.StatusSeeOther)
		return
	case errors.Is(err, app.ErrNothingAllowed):
		// Nothing of this routine is allowed now: choose another.
		http.Redirect(w, r, "/babies/"+bd.Baby.ID+"/ready", http.StatusSeeOther)
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	d := &sessionPageData{babyData: bd, Scale: []int{1, 2, 3, 4, 5}, Ask: plan.Ask}
	if plan.RoutineID == domain.TodayRoutineID {
		d.Routine = content.LocalizedRoutine{Name: v.T("insightspage.today")}
	} else {
		d.Routine, _ = s.Library.LocalizedRoutine(plan.RoutineID, v.Lang)
	}
	speed := 1.0
	if sp, err := strconv.ParseFloat(q.Get("speed"), 64); err == nil && sp >= 0.1 && sp <= 1000 {
		speed = sp
	}
	recorded, err := s.Store.Recordings(r.Context(), id.Family.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Plan = s.buildPlan(v, bd.Baby.ID, plan.RoutineID, plan.Steps, plan.New, id.Family, speed, recorded)
	for _, sid := range plan.New {
		st, ok := s.Library.Stroke(sid)
		if !ok {
			continue
		}
		text, _ := s.Library.StrokeText(sid, v.Lang)
		dg := newDiagram(v, st.Diagram, text.Direction)
		dg.Key = "diagram-" + sid
		d.Diagrams = append(d.Diagrams, strokeDiagram{StrokeID: sid, Diagram: dg})
	}
	d.StillOnly = !d.Plan.Permission
	d.Plan.Ask = plan.Ask
	d.Plan.CheckID = plan.Check.ID
	d.FeedWaitMin = int(app.ReadinessSettings(id.Family).FeedWait.Minutes())
	d.FullCheck = "/babies/" + bd.Baby.ID + "/ready?full=1&" + ask.Query()
	for _, c := range plan.Adjust {
		d.Adjust = append(d.Adjust, v.T("readiness."+c))
	}
	v.Data = d
	v.Title = d.Routine.Name
	s.render(w, r, http.StatusOK, "session", v)
}
