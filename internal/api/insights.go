package api

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"nurture/internal/content"
	"nurture/internal/domain"
	"nurture/internal/i18n"
	"nurture/internal/insights"
	"nurture/internal/route"
	"nurture/internal/routine"
)

// insightsRoutes registers what the family learns from a baby's history
// and today's routine built from it.
func (h *Handler) insightsRoutes(mux *route.Mux) {
	mux.HandleFunc("GET /api/v1/babies/{id}/insights", h.member(h.babyInsights))
	mux.HandleFunc("GET /api/v1/babies/{id}/routine-suggestion", h.member(h.routineSuggestion))
}

// Query defaults.
const (
	defaultInsightDays = 28
	// suggestionDays is how far back today's routine looks: a baby's
	// likes change quickly in the first months.
	suggestionDays = 28
)

// libraryLookups answers the insights' questions about the library.
func (h *Handler) libraryLookups() (bodyPartOf func(string) string, stepSeconds func(string, int) (int, bool)) {
	parts := map[string]string{}
	for _, s := range h.Library.Strokes(content.AllStrokes) {
		parts[s.ID] = s.BodyPart
	}
	steps := map[string][]int{}
	for _, r := range h.Library.Routines() {
		for _, st := range r.Steps {
			steps[r.ID] = append(steps[r.ID], st.Seconds)
		}
	}
	return func(id string) string { return parts[id] }, func(routineID string, i int) (int, bool) {
		s := steps[routineID]
		if i < 0 || i >= len(s) {
			return 0, false
		}
		return s[i], true
	}
}

// computeInsights summarises the last days days of a baby of family f.
func (h *Handler) computeInsights(ctx context.Context, f domain.Family, babyID string, days int) (insights.Insights, error) {
	loc, now := f.Location(), h.Now()
	from, to, _ := insights.Window(now, loc, days)
	hist, err := h.Store.History(ctx, f.ID, babyID, from, to)
	if err != nil {
		return insights.Insights{}, err
	}
	members, err := h.Store.Members(ctx, f.ID)
	if err != nil {
		return insights.Insights{}, err
	}
	bodyPartOf, stepSeconds := h.libraryLookups()
	return insights.Compute(insights.Input{
		Sessions: hist.Sessions, Touch: hist.Touch, Sleep: hist.Sleep, Crying: hist.Crying, Members: members,
		BodyPartOf: bodyPartOf, BodyParts: h.Library.BodyParts(), StepSeconds: stepSeconds,
		Loc: loc, Now: now, Days: days,
	}), nil
}

func (h *Handler) babyInsights(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	baby, err := h.Store.Baby(r.Context(), id.Family.ID, r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	days := defaultInsightDays
	if v := r.URL.Query().Get("days"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || !insights.ValidDays(n) {
			h.invalid(w, r, domain.FieldErrors{"days": "insights.error.days"})
			return
		}
		days = n
	}
	out, err := h.computeInsights(r.Context(), id.Family, baby.ID, days)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

type reasonJSON struct {
	routine.Reason
	Message string `json:"message"`
}

// Suggestion is today's routine as the API and the pages show it.
type Suggestion = suggestionJSON

type suggestionJSON struct {
	Minutes           int    `json:"minutes"`
	Seconds           int    `json:"seconds"`
	Purpose           string `json:"purpose"`
	CorrectedAgeWeeks int    `json:"corrected_age_weeks"`
	// AgeWeeks is the cautious age the strokes were chosen for.
	AgeWeeks int            `json:"age_weeks"`
	Steps    []content.Step `json:"steps"`
	Why      []reasonJSON   `json:"why"`
}

func (h *Handler) routineSuggestion(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	baby, err := h.Store.Baby(r.Context(), id.Family.ID, r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	fe := domain.FieldErrors{}
	minutes := routine.DefaultMinutes
	if v := q.Get("minutes"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < routine.MinMinutes || n > routine.MaxMinutes {
			fe.Add("minutes", "insights.error.minutes")
		}
		minutes = n
	}
	purpose := q.Get("purpose")
	if purpose != "" && !slices.Contains(content.AllPurposes(), purpose) {
		fe.Add("purpose", "insights.error.purpose")
	}
	if !fe.OK() {
		h.invalid(w, r, fe)
		return
	}
	out, err := h.Suggest(r, id.Family, baby, minutes, purpose)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// Suggest builds today's routine for a baby from the last weeks of its
// sessions, with each reason said in the caller's language.
func (h *Handler) Suggest(r *http.Request, f domain.Family, baby domain.Baby, minutes int, purpose string) (suggestionJSON, error) {
	loc, now := f.Location(), h.Now()
	from, to, _ := insights.Window(now, loc, suggestionDays)
	sessions, err := h.Store.SessionsBetween(r.Context(), f.ID, baby.ID, from, to)
	if err != nil {
		return suggestionJSON{}, err
	}
	bodyPartOf, _ := h.libraryLookups()
	stats := insights.StrokeStats(sessions, bodyPartOf)
	// Strokes are chosen for the cautious age (the younger of the two).
	weeks := floorDiv(baby.CautiousAgeDays(now, loc), 7)
	s := routine.Suggest(routine.FromLibrary(h.Library), routine.Request{
		AgeWeeks: weeks, Purpose: purpose, Minutes: minutes,
		Stats: stats, BodyParts: insights.BodyPartStats(stats, h.Library.BodyParts()),
	})
	p := h.printer(r)
	out := suggestionJSON{Minutes: s.Minutes, Seconds: s.Seconds, Purpose: purpose, CorrectedAgeWeeks: floorDiv(baby.CorrectedAgeDays(now, loc), 7), AgeWeeks: weeks, Steps: s.Steps, Why: make([]reasonJSON, len(s.Why))}
	for i, why := range s.Why {
		out.Why[i] = reasonJSON{Reason: why, Message: h.whyMessage(p, why)}
	}
	return out, nil
}

// ComputeInsights is the summary of a baby's last days days, for pages.
func (h *Handler) ComputeInsights(ctx context.Context, f domain.Family, babyID string, days int) (insights.Insights, error) {
	return h.computeInsights(ctx, f, babyID, days)
}

// floorDiv rounds toward minus infinity: three days before the due date is
// week -1, not week 0.
func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

var purposeKeys = map[string]string{
	content.PurposeBonding: "library.purpose.bonding", content.PurposeRelaxation: "library.purpose.relaxation",
	content.PurposeSleep: "library.purpose.sleep", content.PurposeWindColic: "library.purpose.wind_colic",
	content.PurposeConstipation: "library.purpose.constipation", content.PurposeBodyAwareness: "library.purpose.body_awareness",
	content.PurposePlay: "library.purpose.play",
}

// whyMessage says a reason as a sentence in the caller's language.
func (h *Handler) whyMessage(p *i18n.Printer, why routine.Reason) string {
	stroke, _ := h.Library.StrokeText(why.StrokeID, p.Lang)
	part, _ := h.Library.BodyPartText(why.BodyPart, p.Lang)
	args := []any{"Stroke", stroke.Name, "Part", part.Name, "Count", why.Count, "Of", why.Of}
	// "enjoyed 3 of 5 times": the plural follows the whole, Done is the part.
	of := []any{"Stroke", stroke.Name, "Part", part.Name, "Done", why.Count}
	switch why.Code {
	case routine.WhyPermission:
		return p.T("insights.why.permission_first")
	case routine.WhyPreterm:
		return p.T("insights.why.preterm")
	case routine.WhyNoOil:
		return p.N("insights.why.no_oil_yet", why.Count)
	case routine.WhyNotYet:
		return p.N("insights.why.not_yet", why.Count)
	case routine.WhyEnjoyed:
		return p.N("insights.why.enjoyed", why.Of, of...)
	case routine.WhyEnjoyedPart:
		return p.N("insights.why.enjoyed_body_part", why.Of, of...)
	case routine.WhyLeftOut:
		return p.N("insights.why.left_out", why.Of, of...)
	case routine.WhyLeftOutPart:
		return p.N("insights.why.left_out_body_part", why.Of, of...)
	case routine.WhyPurpose:
		return p.T("insights.why.purpose", "Stroke", stroke.Name, "Purpose", strings.ToLower(p.T(purposeKeys[why.Purpose])))
	case routine.WhyNew:
		return p.T("insights.why.new_to_try", args...)
	case routine.WhyWholeBody:
		return p.T("insights.why.whole_body", args...)
	case routine.WhyClassOrder:
		return p.T("insights.why.class_order")
	case routine.WhyRestingHandsE:
		return p.T("insights.why.resting_hands_end")
	}
	return why.Code
}
