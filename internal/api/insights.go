package api

import (
	"net/http"
	"slices"
	"strconv"

	"nurture/internal/app"
	"nurture/internal/content"
	"nurture/internal/domain"
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
)

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
	out, err := h.Cases.Insights(r.Context(), id.Family, baby.ID, days)
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
	sug, err := h.Cases.Suggest(r.Context(), id.Family, baby, id.User.ID, minutes, purpose)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, h.suggestion(r, sug))
}

// suggestion is today's routine as the API answers it, each reason said
// in the caller's language.
func (h *Handler) suggestion(r *http.Request, sug app.Suggestion) suggestionJSON {
	p := h.printer(r)
	out := suggestionJSON{Minutes: sug.Minutes, Seconds: sug.Seconds, Purpose: sug.Purpose, CorrectedAgeWeeks: sug.CorrectedAgeWeeks,
		AgeWeeks: sug.AgeWeeks, Steps: sug.Steps, Why: make([]reasonJSON, len(sug.Why))}
	for i, why := range sug.Why {
		out.Why[i] = reasonJSON{Reason: why, Message: h.Cases.WhyText(p, why)}
	}
	return out
}
