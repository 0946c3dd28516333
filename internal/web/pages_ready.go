package web

// The readiness check: the questions before a session, the answer and the routines it allows.

import (
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"nurture/internal/app"
	"nurture/internal/content"
	"nurture/internal/domain"
	"nurture/internal/readiness"
	"nurture/internal/routine"
)

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

func (s *Server) readyView(r *http.Request, id domain.Identity) (*view, *readyData, error) {
	v, bd, err := s.babyView(r, id, "session.ready.title")
	if err != nil {
		return nil, nil, err
	}
	d := &readyData{babyData: bd, Feeds: feedChoices, Vaccs: vaccChoices, Sites: siteChoices, TempUnit: "c",
		AskCord: bd.AgeDays < readiness.CordDays, Next: s.askFrom(r.FormValue), Open: r.URL.Query().Get("full") == "1",
		FeedWaitMin: int(app.ReadinessSettings(id.Family).FeedWait.Minutes())}
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
	if chk, err := s.cases.CurrentCheck(r.Context(), id, d.Baby.ID); err == nil && !chk.Go() {
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
		res, chk, err = s.cases.CheckReadiness(r.Context(), id, d.Baby, "", in)
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
		d.Routines = s.routineChoices(v.Lang, s.cases.Rules(d.Baby, id.Family, codes), in.State == readiness.Drowsy)
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
		plan := s.cases.Plan(rt.Steps, rules)
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

// bedtimeRoutine is the short sequence offered to a drowsy baby.
const bedtimeRoutine = "bedtime_wind_down"
