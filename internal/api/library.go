package api

import (
	"net/http"
	"slices"

	"nurture/internal/auth"
	"nurture/internal/content"
	"nurture/internal/domain"
	"nurture/internal/route"
)

// libraryRoutes registers GET /api/v1/strokes and /api/v1/routines. They
// are public: the library is the same for everyone. A valid token only
// chooses the default language.
func (h *Handler) libraryRoutes(mux *route.Mux) {
	mux.HandleFunc("GET /api/v1/strokes", h.public(h.listStrokes))
	mux.HandleFunc("GET /api/v1/strokes/{id}", h.public(h.getStroke))
	mux.HandleFunc("GET /api/v1/routines", h.public(h.listRoutines))
	mux.HandleFunc("GET /api/v1/routines/{id}", h.public(h.getRoutine))
}

// public serves a route anyone may call; a working bearer token makes the
// caller known (for their language), a failing one is simply ignored.
func (h *Handler) public(fn http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if id, ok := h.identify(r); ok {
			r = r.WithContext(auth.WithIdentity(r.Context(), id))
		}
		fn(w, r)
	}
}

// strokeJSON is an item of GET /api/v1/strokes, exactly as DESIGN.md has it.
type strokeJSON struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	BodyPart    string   `json:"body_part"`
	Tradition   string   `json:"tradition"`
	Direction   string   `json:"direction"`
	Purposes    []string `json:"purposes"`
	MinAgeWeeks int      `json:"min_age_weeks"`
	Oil         bool     `json:"oil"`
	Reps        string   `json:"reps"`
	Steps       []string `json:"steps"`
	Say         string   `json:"say"`
	Cautions    []string `json:"cautions"`
	Sources     []string `json:"sources"`
}

func newStrokeJSON(s content.LocalizedStroke) strokeJSON {
	return strokeJSON{ID: s.ID, Name: s.Name, BodyPart: s.BodyPart, Tradition: s.Tradition, Direction: s.Direction,
		Purposes: orEmpty(s.Purposes), MinAgeWeeks: s.MinAgeWeeks, Oil: s.Oil, Reps: s.Reps, Steps: orEmpty(s.Steps),
		Say: s.Say, Cautions: orEmpty(s.Cautions), Sources: orEmpty(s.Sources)}
}

// routineJSON is an item of GET /api/v1/routines.
type routineJSON struct {
	ID          string         `json:"id"`
	Name        string         `json:"name"`
	Purpose     string         `json:"purpose"`
	Minutes     int            `json:"minutes"`
	MinAgeWeeks int            `json:"min_age_weeks"`
	Steps       []content.Step `json:"steps"`
}

func newRoutineJSON(r content.LocalizedRoutine) routineJSON {
	steps := r.Steps
	if steps == nil {
		steps = []content.Step{}
	}
	return routineJSON{ID: r.ID, Name: r.Name, Purpose: r.Purpose, Minutes: r.Minutes, MinAgeWeeks: r.MinAgeWeeks, Steps: steps}
}

// orEmpty keeps lists as [] rather than null in the JSON.
func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// contentLang is the content language: ?lang= when given, else the
// caller's language; an unknown one falls back to English.
func (h *Handler) contentLang(r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l != "" {
		return h.Library.Locale(l)
	}
	return h.Library.Locale(h.printer(r).Lang)
}

func (h *Handler) listStrokes(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := content.Filter{AgeWeeks: content.AnyAge}
	fe := domain.FieldErrors{}
	for _, c := range []struct {
		field, key string
		allowed    []string
		dst        *string
	}{
		{"body_part", "library.error.body_part", content.AllBodyParts(), &f.BodyPart},
		{"tradition", "library.error.tradition", content.AllTraditions(), &f.Tradition},
		{"purpose", "library.error.purpose", content.AllPurposes(), &f.Purpose},
	} {
		v := q.Get(c.field)
		if v != "" && !slices.Contains(c.allowed, v) {
			fe.Add(c.field, c.key)
		}
		*c.dst = v
	}
	if !fe.OK() {
		h.invalid(w, r, fe)
		return
	}
	items := []strokeJSON{}
	for _, s := range h.Library.LocalizedStrokes(f, h.contentLang(r)) {
		items = append(items, newStrokeJSON(s))
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "next": nil})
}

func (h *Handler) getStroke(w http.ResponseWriter, r *http.Request) {
	s, ok := h.Library.Stroke(r.PathValue("id"))
	if !ok {
		h.error(w, r, http.StatusNotFound, "api.not_found")
		return
	}
	t, _ := h.Library.StrokeText(s.ID, h.contentLang(r))
	writeJSON(w, http.StatusOK, newStrokeJSON(content.LocalizedStroke{Stroke: s, StrokeText: t}))
}

func (h *Handler) listRoutines(w http.ResponseWriter, r *http.Request) {
	items := []routineJSON{}
	for _, rt := range h.Library.LocalizedRoutines(h.contentLang(r)) {
		items = append(items, newRoutineJSON(rt))
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "next": nil})
}

func (h *Handler) getRoutine(w http.ResponseWriter, r *http.Request) {
	rt, ok := h.Library.LocalizedRoutine(r.PathValue("id"), h.contentLang(r))
	if !ok {
		h.error(w, r, http.StatusNotFound, "api.not_found")
		return
	}
	writeJSON(w, http.StatusOK, newRoutineJSON(rt))
}
