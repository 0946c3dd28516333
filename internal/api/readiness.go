package api

import (
	"errors"
	"net/http"
	"time"

	"nurture/internal/app"
	"nurture/internal/content"
	"nurture/internal/domain"
	"nurture/internal/readiness"
	"nurture/internal/routine"
	"nurture/internal/store"

	"github.com/google/uuid"
)

type findingJSON struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

type readinessJSON struct {
	// ID names the stored answer; a session planned from it (see
	// session-plan) or saved after it names it as readiness_check_id.
	ID        string            `json:"id"`
	CheckedAt string            `json:"checked_at"`
	Verdict   readiness.Verdict `json:"verdict"`
	Reasons   []findingJSON     `json:"reasons"`
	Adjust    []findingJSON     `json:"adjust"`
	RetryAt   *string           `json:"retry_at"`
}

func (h *Handler) readiness(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	b, err := h.Store.Baby(r.Context(), id.Family.ID, r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var in struct {
		ID            string   `json:"id"`
		State         string   `json:"state"`
		LastFeedAt    string   `json:"last_feed_at"`
		VaccinatedAt  string   `json:"vaccinated_at"`
		InjectionSite string   `json:"injection_site"`
		TemperatureC  *float64 `json:"temperature_c"`
		Unwell        bool     `json:"unwell"`
		Hungry        bool     `json:"hungry"`
		SkinIssue     bool     `json:"skin_issue"`
		CordHealed    *bool    `json:"cord_healed"`
		Now           string   `json:"now"`
	}
	if !h.decode(w, r, &in) {
		return
	}
	fe := domain.FieldErrors{}
	serverNow := h.Now()
	ri := readiness.Input{State: readiness.State(in.State), TemperatureC: in.TemperatureC, Unwell: in.Unwell, Hungry: in.Hungry,
		SkinIssue: in.SkinIssue, CordHealed: in.CordHealed, InjectionSite: in.InjectionSite, Now: serverNow}
	var feed, vacc time.Time
	parseTime(fe, "last_feed_at", in.LastFeedAt, &feed)
	parseTime(fe, "vaccinated_at", in.VaccinatedAt, &vacc)
	parseTime(fe, "now", in.Now, &ri.Now)
	// An answer given offline arrives later with its own moment; one from
	// the future would stand longer than it should.
	if ri.Now.After(serverNow.Add(domain.ClockSkew)) {
		fe.Add("now", "error.future")
	}
	if in.ID != "" {
		if u, err := uuid.Parse(in.ID); err != nil {
			fe.Add("id", "error.uuid")
		} else {
			in.ID = u.String()
		}
	}
	if !feed.IsZero() {
		ri.LastFeedAt = &feed
	}
	if !vacc.IsZero() {
		ri.VaccinatedAt = &vacc
	}
	if !fe.OK() {
		h.invalid(w, r, fe)
		return
	}
	res, chk, err := h.Cases.CheckReadiness(r.Context(), id, b, in.ID, ri)
	var ve *readiness.ValidationError
	if errors.As(err, &ve) {
		for f, code := range ve.Map() {
			fe.Add(f, "readiness.error."+code)
		}
		h.invalid(w, r, fe)
		return
	} else if errors.Is(err, store.ErrConflict) {
		h.error(w, r, http.StatusConflict, "api.id_taken")
		return
	} else if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.printer(r)
	out := readinessJSON{ID: chk.ID, CheckedAt: rfc3339(chk.CheckedAt), Verdict: res.Verdict, Reasons: []findingJSON{}, Adjust: []findingJSON{}}
	for _, f := range res.Reasons {
		out.Reasons = append(out.Reasons, findingJSON{f.Code, p.T("readiness." + f.Code)})
	}
	for _, f := range res.Adjust {
		out.Adjust = append(out.Adjust, findingJSON{f.Code, p.T("readiness." + f.Code)})
	}
	if res.RetryAt != nil {
		s := rfc3339(*res.RetryAt)
		out.RetryAt = &s
	}
	writeJSON(w, http.StatusOK, out)
}

type planJSON struct {
	RoutineID        string         `json:"routine_id"`
	ReadinessCheckID string         `json:"readiness_check_id"`
	Seconds          int            `json:"seconds"`
	Steps            []content.Step `json:"steps"`
	Adjust           []findingJSON  `json:"adjust"`
}

// sessionPlan answers the steps of a session the rules allow now: the
// routine (or today's suggestion, routine=today) cut to the baby's
// cautious age and the adjustments of a go answer from the last 30
// minutes. Without one, or while the baby's latest answer says otherwise
// (app.Care.CurrentCheck), it is 409: check first.
func (h *Handler) sessionPlan(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	b, err := h.Store.Baby(r.Context(), id.Family.ID, r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	routineID := q.Get("routine")
	if routineID == "" {
		routineID = "-" // not "today", not a routine
	}
	plan, err := h.Cases.PlanSession(r.Context(), id, b, app.PlanRequest{Routine: routineID, Minutes: routine.DefaultMinutes})
	switch {
	case errors.Is(err, app.ErrUnknownRoutine):
		h.invalid(w, r, domain.FieldErrors{"routine": "api.unknown_routine"})
		return
	case errors.Is(err, app.ErrNoCheck), errors.Is(err, app.ErrNotReady):
		h.error(w, r, http.StatusConflict, "api.check_first")
		return
	case errors.Is(err, app.ErrNothingAllowed):
		// Nothing of it is allowed now: an empty plan says so.
	case err != nil:
		h.fail(w, r, err)
		return
	}
	p := h.printer(r)
	out := planJSON{RoutineID: plan.RoutineID, ReadinessCheckID: plan.Check.ID, Steps: plan.Steps, Adjust: []findingJSON{}}
	if out.RoutineID == domain.TodayRoutineID {
		out.RoutineID = "" // the API's word for today's routine
	}
	if out.Steps == nil {
		out.Steps = []content.Step{}
	}
	for _, st := range plan.Steps {
		out.Seconds += st.Seconds
	}
	for _, c := range plan.Adjust {
		out.Adjust = append(out.Adjust, findingJSON{c, p.T("readiness." + c)})
	}
	writeJSON(w, http.StatusOK, out)
}
