package api

import (
	"errors"
	"net/http"
	"time"

	"nurture/internal/domain"
	"nurture/internal/readiness"
)

type findingJSON struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

type readinessJSON struct {
	Verdict readiness.Verdict `json:"verdict"`
	Reasons []findingJSON     `json:"reasons"`
	Adjust  []findingJSON     `json:"adjust"`
	RetryAt *string           `json:"retry_at"`
}

func (h *Handler) readiness(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	b, err := h.Store.Baby(r.Context(), id.Family.ID, r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var in struct {
		State        string   `json:"state"`
		LastFeedAt   string   `json:"last_feed_at"`
		VaccinatedAt string   `json:"vaccinated_at"`
		TemperatureC *float64 `json:"temperature_c"`
		Unwell       bool     `json:"unwell"`
		SkinIssue    bool     `json:"skin_issue"`
		CordHealed   *bool    `json:"cord_healed"`
		Now          string   `json:"now"`
	}
	if !h.decode(w, r, &in) {
		return
	}
	fe := domain.FieldErrors{}
	ri := readiness.Input{State: readiness.State(in.State), TemperatureC: in.TemperatureC, Unwell: in.Unwell,
		SkinIssue: in.SkinIssue, CordHealed: in.CordHealed, Now: h.Now()}
	var feed, vacc time.Time
	parseTime(fe, "last_feed_at", in.LastFeedAt, &feed)
	parseTime(fe, "vaccinated_at", in.VaccinatedAt, &vacc)
	parseTime(fe, "now", in.Now, &ri.Now)
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
	res, err := readiness.Check(ri, domain.ReadinessBaby(b, id.Family), domain.ReadinessSettings(id.Family))
	var ve *readiness.ValidationError
	if errors.As(err, &ve) {
		for f, code := range ve.Map() {
			fe.Add(f, "readiness.error."+code)
		}
		h.invalid(w, r, fe)
		return
	} else if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.printer(r)
	out := readinessJSON{Verdict: res.Verdict, Reasons: []findingJSON{}, Adjust: []findingJSON{}}
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
