package web

import (
	"errors"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"nurture/internal/app"
	"nurture/internal/content"
	"nurture/internal/domain"
	"nurture/internal/readiness"
	"nurture/internal/route"
	"nurture/internal/routine"
	"nurture/internal/store"
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

// historyPage is how many sessions the history shows at once.
const historyPage = 20

type stateChoice struct {
	Value       string
	Label, Hint string
}

type routineChoice struct {
	ID, Name, Description string
	Minutes               int
	Checked               bool
}

type readyResult struct {
	Verdict  string
	Reasons  []string
	Adjust   []string
	Retry    string
	Crying   bool
	SeekHelp bool
	// AdjustCodes travel to the session page, which leaves out the strokes
	// they rule out.
	AdjustCodes string
}

type readyData struct {
	*babyData
	States   []stateChoice
	Feeds    []choice
	Vaccs    []choice
	Sites    []choice
	TempUnit string
	AskCord  bool
	Result   *readyResult
	Routines []routineChoice
	// CheckID names the stored answer the routine choices start from.
	CheckID string
	// Next is the session asked for before the check (routine, minutes,
	// purpose), carried through the form; empty when none.
	Next sessionAsk
	// FeedWaitMin is the family's wait after a feed; Open shows the full
	// questions at once (asked for with full=1).
	FeedWaitMin int
	Open        bool
	// Standing is the baby's latest answer other than go while it still
	// holds sessions back, said above the questions.
	Standing *standingAnswer
}

// standingAnswer says who answered what, and until when it stands.
type standingAnswer struct {
	Who, At, Verdict, Until string
}

// AgainURL is the readiness page again, for the same session.
func (d *readyData) AgainURL() string {
	u := "/babies/" + d.Baby.ID + "/ready"
	if q := d.Next.Query(); q != "" {
		u += "?" + q
	}
	return u
}

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

func (s *Server) readyView(r *http.Request, id domain.Identity) (*view, *readyData, error) {
	v, bd, err := s.babyView(r, id, "session.ready.title")
	if err != nil {
		return nil, nil, err
	}
	d := &readyData{babyData: bd, Feeds: feedChoices, Vaccs: vaccChoices, Sites: siteChoices, TempUnit: "c",
		AskCord: bd.AgeDays < readiness.CordDays, Next: s.askFrom(r.FormValue), Open: r.URL.Query().Get("full") == "1",
		FeedWaitMin: int(domain.ReadinessSettings(id.Family).FeedWait.Minutes())}
	if id.Family.TempUnit == "f" {
		d.TempUnit = "f"
	}
	for _, st := range readiness.States() {
		l := stateLabels[st]
		d.States = append(d.States, stateChoice{Value: string(st), Label: v.T(l[0]), Hint: v.T(l[1])})
	}
	v.Data = d
	return v, d, nil
}

func (s *Server) readyForm(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	v, d, err := s.readyView(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// A parent sent here from Start learns why: an earlier answer holds.
	if chk, err := s.care.CurrentCheck(r.Context(), id, d.Baby.ID, ""); err == nil && !chk.Go() {
		who := v.T("session.ready.someone")
		if chk.UserID == id.User.ID {
			who = v.T("session.ready.you")
		} else if ms, err := s.Store.Members(r.Context(), id.Family.ID); err == nil {
			for _, m := range ms {
				if m.UserID == chk.UserID {
					who = m.Name
				}
			}
		}
		d.Standing = &standingAnswer{Who: who, At: v.At(chk.CheckedAt), Verdict: v.T("readiness.verdict." + chk.Verdict), Until: v.At(chk.Until)}
	}
	v.Form = map[string]string{}
	s.render(w, r, http.StatusOK, "ready", v)
}

// readyInput turns the form into a readiness input. Relative answers ("15
// minutes ago", "yesterday") become times before now; when unsure, the
// later time is taken, so a wait errs on the long side.
func readyInput(f map[string]string, unit string, askCord bool, now time.Time) (readiness.Input, domain.FieldErrors) {
	fe := domain.FieldErrors{}
	in := readiness.Input{State: readiness.State(f["state"]), Now: now, Unwell: f["unwell"] != "", SkinIssue: f["skin_issue"] != "",
		Hungry: f["hungry"] != "", InjectionSite: f["site"]}
	if m := f["feed"]; m != "" {
		n, err := strconv.Atoi(m)
		if err != nil || n < 0 || n > 24*60 {
			fe.Add("feed", "error.choice")
		} else {
			t := now.Add(-time.Duration(n) * time.Minute)
			in.LastFeedAt = &t
		}
	}
	var ago time.Duration
	switch f["vacc"] {
	case "":
		ago = -1
	case "today":
		ago = 0
	case "yesterday":
		ago = 24 * time.Hour
	case "week":
		ago = readiness.DefaultVaccinationWait // the first moment of "2 to 7 days"
	default:
		fe.Add("vacc", "error.choice")
		ago = -1
	}
	if ago >= 0 {
		t := now.Add(-ago)
		in.VaccinatedAt = &t
	}
	if raw := strings.TrimSpace(strings.ReplaceAll(f["temperature"], ",", ".")); raw != "" {
		t, err := strconv.ParseFloat(raw, 64)
		if err != nil || math.IsNaN(t) || math.IsInf(t, 0) {
			fe.Add("temperature", "session.ready.error_temperature_number")
		} else {
			if unit == "f" {
				t = (t - 32) * 5 / 9
			}
			in.TemperatureC = &t
		}
	}
	if askCord {
		switch f["cord"] {
		case "healed":
			in.CordHealed = new(true)
		case "not_healed":
			in.CordHealed = new(false)
		}
	}
	return in, fe
}

func (s *Server) readyCheck(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	v, d, err := s.readyView(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := formValues(r, "state", "feed", "vacc", "site", "temperature", "unwell", "hungry", "skin_issue", "cord")
	now := s.Now()
	in, fe := readyInput(f, d.TempUnit, d.AskCord, now)
	var res readiness.Result
	var chk domain.ReadinessCheck
	if fe.OK() {
		res, chk, err = s.care.CheckReadiness(r.Context(), id, d.Baby, "", in)
		var ve *readiness.ValidationError
		if errors.As(err, &ve) {
			// The page's field names, not the API's.
			field := map[string]string{readiness.FieldLastFeedAt: "feed", readiness.FieldVaccinatedAt: "vacc", readiness.FieldTemperatureC: "temperature",
				readiness.FieldInjectionSite: "site"}
			for _, e := range ve.Fields {
				name, key := e.Field, "readiness.error."+e.Code
				if n, ok := field[name]; ok {
					name = n
				}
				if e.Code == readiness.ErrTemperatureOutOfRange && d.TempUnit == "f" {
					key = "session.ready.error_temperature_f"
				}
				fe.Add(name, key)
			}
		} else if err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if !fe.OK() {
		v.Errors, v.Form = fe, f
		s.render(w, r, http.StatusUnprocessableEntity, "ready", v)
		return
	}
	out := &readyResult{Verdict: res.Verdict.String(), SeekHelp: res.Verdict == readiness.SeekHelp}
	var codes []string
	for _, x := range res.Reasons {
		out.Reasons = append(out.Reasons, v.T("readiness."+x.Code))
		out.Crying = out.Crying || x.Code == readiness.CodeCrying
	}
	for _, x := range res.Adjust {
		out.Adjust = append(out.Adjust, v.T("readiness."+x.Code))
		codes = append(codes, x.Code)
	}
	out.AdjustCodes = strings.Join(codes, ",")
	if res.RetryAt != nil {
		out.Retry = v.At(*res.RetryAt)
	}
	d.Result = out
	if res.Verdict == readiness.Go {
		if d.Next.Routine != "" {
			// The parent chose the session before the check: start it.
			q := d.Next.query()
			q.Set("check", chk.ID)
			http.Redirect(w, r, "/babies/"+d.Baby.ID+"/session?"+q.Encode(), http.StatusSeeOther)
			return
		}
		d.CheckID = chk.ID
		d.Routines = s.routineChoices(v.Lang, s.care.Rules(d.Baby, id.Family, codes), in.State == readiness.Drowsy)
	}
	v.Title = v.T("session.ready.result_title")
	s.render(w, r, http.StatusOK, "ready", v)
}

// routineChoices lists the routines the rules allow this baby now: from
// the routine's own minimum age (cautious age), still touch only before
// the due date, and for a drowsy baby only the bedtime sequence and the
// still ones. Minutes are those of the plan the rules leave. The first
// one, or the bedtime routine for a drowsy baby, is pre-selected.
func (s *Server) routineChoices(lang string, rules routine.Rules, drowsy bool) []routineChoice {
	var out []routineChoice
	for _, rt := range s.Library.Routines() {
		if rules.BeforeDue != rt.StillTouchOnly || (!rules.BeforeDue && rt.MinAgeWeeks*7 > rules.AgeDays) {
			continue
		}
		if drowsy && rt.ID != bedtimeRoutine && !rt.StillTouchOnly && rt.Purpose != content.PurposeRelaxation {
			continue
		}
		plan := s.care.Plan(rt.Steps, rules)
		if len(plan) == 0 {
			continue
		}
		lr, _ := s.Library.LocalizedRoutine(rt.ID, lang)
		secs := 0
		for _, st := range plan {
			secs += st.Seconds
		}
		out = append(out, routineChoice{ID: rt.ID, Name: lr.Name, Description: lr.Description, Minutes: max(1, (secs+30)/60)})
	}
	pick := 0
	for i, c := range out {
		if drowsy && c.ID == bedtimeRoutine {
			pick = i
		}
	}
	if len(out) > 0 {
		out[pick].Checked = true
	}
	return out
}

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
}

// speechLangs maps a family language to a speech-synthesis language.
var speechLangs = map[string]string{"en": "en-GB", "fr": "fr-FR"}

func speechLang(l string) string {
	if s, ok := speechLangs[l]; ok {
		return s
	}
	return l
}

// bedtimeRoutine is the short sequence offered to a drowsy baby.
const bedtimeRoutine = "bedtime_wind_down"

// buildPlan turns the planned steps into what the player speaks. Each step
// names the body part when it changes ("Now your feet."), then the stroke,
// its first instruction and the line to say to the baby; a bilingual family
// hears the part and the line in the second language too.
func (s *Server) buildPlan(v *view, babyID, routineID string, steps []content.Step, fam domain.Family, speed float64) plan {
	langs := fam.Languages
	if len(langs) == 0 {
		langs = []string{v.Lang}
	}
	main := s.Library.Locale(langs[0])
	p := plan{RoutineID: routineID, BabyID: babyID, Lang: speechLang(main), Speed: speed,
		SaveURL: "/api/v1/babies/" + babyID + "/sessions", ReadinessURL: "/api/v1/babies/" + babyID + "/readiness",
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
		part, _ := s.Library.BodyPartText(st.BodyPart, main)
		shown, _ := s.Library.StrokeText(st.ID, v.Lang)
		shownPart, _ := s.Library.BodyPartText(st.BodyPart, v.Lang)
		var b strings.Builder
		if st.BodyPart != prevPart && st.BodyPart != content.BodyPartWholeBody {
			b.WriteString(say.T("session.spoken.now", "Part", part.Your) + " ")
		}
		b.WriteString(text.Name + ". ")
		if len(text.Steps) > 0 {
			b.WriteString(text.Steps[0] + " ")
		}
		b.WriteString(text.Say)
		ps := planStep{StrokeID: st.ID, Seconds: step.Seconds, Still: st.Still, WaitTap: st.ID == content.TouchRelaxationID,
			Part: shownPart.Name, Stroke: shown.Name, Speak: strings.TrimSpace(b.String())}
		if second != "" {
			t2, _ := s.Library.StrokeText(st.ID, second)
			p2, _ := s.Library.BodyPartText(st.BodyPart, second)
			ps.Speak2 = strings.TrimSpace(say2.T("session.spoken.now", "Part", p2.Your) + " " + t2.Say)
		}
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
		"break_spoken": say.T("session.spoken.break"),
		"end_spoken":   say.T("session.spoken.end"),
		"thanks":       say.T("session.spoken.thanks"),
		"relax_wait":   say.T("session.spoken.relax_wait"),
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
	chk, err := s.care.CurrentCheck(r.Context(), id, bd.Baby.ID, q.Get("check"))
	asking := q.Get("ask") == "1" || errors.Is(err, app.ErrNoCheck)
	switch {
	case err == nil && !chk.Go():
		http.Redirect(w, r, "/babies/"+bd.Baby.ID+"/ready?"+ask.Query(), http.StatusSeeOther)
		return
	case err != nil && !errors.Is(err, app.ErrNoCheck):
		s.fail(w, r, err)
		return
	}
	var adjust []string
	if asking {
		// What the short answer gives for this baby now: the age's own
		// adjustments (no oil, the cord, still touch before the due date).
		res, err := readiness.Check(readiness.Input{State: readiness.QuietAlert, Now: s.Now()},
			domain.ReadinessBaby(bd.Baby, id.Family), domain.ReadinessSettings(id.Family))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, f := range res.Adjust {
			adjust = append(adjust, f.Code)
		}
		// A go answer that still stands may ask for more care (a drowsy
		// baby, the arm of yesterday's injection): asking again never
		// loosens it.
		if err == nil {
			for _, c := range chk.Adjust {
				if !slices.Contains(adjust, c) {
					adjust = append(adjust, c)
				}
			}
		}
	} else {
		adjust = chk.Adjust
	}

	d := &sessionPageData{babyData: bd, Scale: []int{1, 2, 3, 4, 5}, Ask: asking}
	var steps []content.Step
	routineID := ask.Routine
	if ask.Routine == "today" {
		// Today's routine, built from what this baby enjoyed lately.
		minutes, err := strconv.Atoi(ask.Minutes)
		if err != nil || minutes < routine.MinMinutes || minutes > routine.MaxMinutes {
			minutes = routine.DefaultMinutes
		}
		purpose := ask.Purpose
		if !slices.Contains(content.AllPurposes(), purpose) {
			purpose = ""
		}
		sug, err := s.api.Suggest(r, id.Family, bd.Baby, minutes, purpose)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		steps, routineID = sug.Steps, domain.TodayRoutineID
		d.Routine = content.LocalizedRoutine{Name: v.T("insightspage.today")}
	} else {
		rt, _ := s.Library.Routine(ask.Routine)
		steps = rt.Steps
		d.Routine, _ = s.Library.LocalizedRoutine(rt.ID, v.Lang)
	}
	rules := s.care.Rules(bd.Baby, id.Family, adjust)
	planned := s.care.Plan(steps, rules)
	if len(planned) == 0 {
		// Nothing of this routine is allowed now: choose another.
		http.Redirect(w, r, "/babies/"+bd.Baby.ID+"/ready", http.StatusSeeOther)
		return
	}
	speed := 1.0
	if sp, err := strconv.ParseFloat(q.Get("speed"), 64); err == nil && sp >= 0.1 && sp <= 1000 {
		speed = sp
	}
	d.Plan = s.buildPlan(v, bd.Baby.ID, routineID, planned, id.Family, speed)
	d.StillOnly = !d.Plan.Permission
	d.Plan.Ask = asking
	if !asking {
		d.Plan.CheckID = chk.ID
	}
	d.FeedWaitMin = int(domain.ReadinessSettings(id.Family).FeedWait.Minutes())
	d.FullCheck = "/babies/" + bd.Baby.ID + "/ready?full=1&" + ask.Query()
	for _, c := range adjust {
		d.Adjust = append(d.Adjust, v.T("readiness."+c))
	}
	v.Data = d
	v.Title = d.Routine.Name
	s.render(w, r, http.StatusOK, "session", v)
}

type historyRow struct {
	ID       string
	When     string
	Routine  string
	Who      string
	Minutes  int
	Outcome  string
	Declined bool
	Engaged  int
}

type historyData struct {
	*babyData
	Rows  []historyRow
	Older string
	Newer bool
}

func (s *Server) sessionHistory(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	v, bd, err := s.babyView(r, id, "session.history.title")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cur := r.URL.Query().Get("cursor")
	list, next, err := s.Store.Sessions(r.Context(), id.Family.ID, bd.Baby.ID, store.Page{Limit: historyPage, Cursor: cur})
	if errors.Is(err, store.ErrCursor) {
		http.Redirect(w, r, "/babies/"+bd.Baby.ID+"/sessions", http.StatusSeeOther)
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	members, err := s.Store.Members(r.Context(), id.Family.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	names := map[string]string{}
	for _, m := range members {
		names[m.UserID] = m.Name
	}
	d := &historyData{babyData: bd, Newer: cur != ""}
	if next != "" {
		d.Older = "/babies/" + bd.Baby.ID + "/sessions?cursor=" + url.QueryEscape(next)
	}
	for _, x := range list {
		row := historyRow{ID: x.ID, When: v.At(x.StartedAt), Who: names[x.CaregiverID],
			Minutes: int(math.Round(x.EndedAt.Sub(x.StartedAt).Minutes())), Outcome: v.T(outcomeLabels[x.Outcome]),
			Declined: x.Outcome == domain.BabyDeclined}
		if row.Who == "" {
			row.Who = v.T("session.history.former_member")
		}
		if lr, ok := s.Library.LocalizedRoutine(x.RoutineID, v.Lang); ok {
			row.Routine = lr.Name
		} else if x.RoutineID == domain.TodayRoutineID {
			row.Routine = v.T("insightspage.today")
		} else {
			row.Routine = v.T("session.history.no_routine")
		}
		for _, st := range x.Steps {
			if st.Response == domain.Engaged {
				row.Engaged++
			}
		}
		d.Rows = append(d.Rows, row)
	}
	v.Data = d
	if r.URL.Query().Get("deleted") != "" {
		v.Flash = v.T("session.history.deleted")
	}
	s.render(w, r, http.StatusOK, "sessions", v)
}

type editData struct {
	*babyData
	Session  domain.Session
	When     string
	Routine  string
	Outcomes []choice
	Scale    []int
}

func (s *Server) editView(r *http.Request, id domain.Identity) (*view, *editData, error) {
	v, bd, err := s.babyView(r, id, "session.edit.title")
	if err != nil {
		return nil, nil, err
	}
	x, err := s.Store.Session(r.Context(), id.Family.ID, bd.Baby.ID, r.PathValue("sid"))
	if err != nil {
		return nil, nil, err
	}
	d := &editData{babyData: bd, Session: x, When: v.At(x.StartedAt), Scale: []int{1, 2, 3, 4, 5}}
	if lr, ok := s.Library.LocalizedRoutine(x.RoutineID, v.Lang); ok {
		d.Routine = lr.Name
	} else if x.RoutineID == domain.TodayRoutineID {
		d.Routine = v.T("insightspage.today")
	}
	for _, o := range domain.Outcomes {
		d.Outcomes = append(d.Outcomes, choice{string(o), outcomeLabels[o]})
	}
	v.Data = d
	return v, d, nil
}

func optInt(p *int) string {
	if p == nil {
		return ""
	}
	return strconv.Itoa(*p)
}

func (s *Server) sessionEditForm(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	v, d, err := s.editView(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	x := d.Session
	v.Form = map[string]string{"outcome": string(x.Outcome), "calm_before": optInt(x.ParentCalmBefore),
		"calm_after": optInt(x.ParentCalmAfter), "asleep_min": optInt(x.FellAsleepAfterMin), "notes": x.Notes}
	s.render(w, r, http.StatusOK, "session_edit", v)
}

// formInt reads an optional whole number; a bad one is reported as field.
func formInt(fe domain.FieldErrors, f map[string]string, name, key string) *int {
	raw := strings.TrimSpace(f[name])
	if raw == "" {
		return nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil {
		fe.Add(name, key)
		return nil
	}
	return &n
}

func (s *Server) sessionUpdate(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	v, d, err := s.editView(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := formValues(r, "outcome", "calm_before", "calm_after", "asleep_min", "notes")
	x := d.Session
	fe := domain.FieldErrors{}
	x.Outcome = domain.Outcome(f["outcome"])
	x.ParentCalmBefore = formInt(fe, f, "calm_before", "error.scale")
	x.ParentCalmAfter = formInt(fe, f, "calm_after", "error.scale")
	x.FellAsleepAfterMin = formInt(fe, f, "asleep_min", "error.asleep_minutes")
	x.Notes = f["notes"]
	knownStroke := func(id string) bool { _, ok := s.Library.Stroke(id); return ok }
	knownRoutine := func(id string) bool { _, ok := s.Library.Routine(id); return ok }
	// Form names differ from the domain's field names.
	rename := map[string]string{"parent_calm_before": "calm_before", "parent_calm_after": "calm_after", "fell_asleep_after_min": "asleep_min"}
	for k, msg := range x.Validate(s.Now(), knownStroke, knownRoutine) {
		if n, ok := rename[k]; ok {
			k = n
		}
		fe.Add(k, msg)
	}
	if !fe.OK() {
		v.Errors, v.Form = fe, f
		s.render(w, r, http.StatusUnprocessableEntity, "session_edit", v)
		return
	}
	x.UpdatedAt = s.Now().UTC()
	if err := s.Store.UpdateSession(r.Context(), x); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/babies/"+d.Baby.ID+"/sessions?msg=saved", http.StatusSeeOther)
}

func (s *Server) sessionDelete(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	v, d, err := s.editView(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if r.PostFormValue("confirm") != "yes" {
		x := d.Session
		v.Form = map[string]string{"outcome": string(x.Outcome), "calm_before": optInt(x.ParentCalmBefore),
			"calm_after": optInt(x.ParentCalmAfter), "asleep_min": optInt(x.FellAsleepAfterMin), "notes": x.Notes}
		v.Errors = domain.FieldErrors{"confirm": "session.edit.confirm_needed"}
		s.render(w, r, http.StatusUnprocessableEntity, "session_edit", v)
		return
	}
	if err := s.Store.DeleteSession(r.Context(), id.Family.ID, d.Baby.ID, d.Session.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/babies/"+d.Baby.ID+"/sessions?deleted=1", http.StatusSeeOther)
}
