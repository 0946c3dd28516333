package api

import (
	"errors"
	"net/http"

	"nurture/internal/app"
	"nurture/internal/course"
	"nurture/internal/domain"
	"nurture/internal/route"
)

// courseRoutes registers the learning path: a caregiver's five weeks with
// a baby.
func (h *Handler) courseRoutes(mux *route.Mux) {
	mux.HandleFunc("GET /api/v1/babies/{id}/course", h.member(h.getCourse))
	mux.HandleFunc("POST /api/v1/babies/{id}/course/advance", h.writer(h.changeCourse("advance")))
	mux.HandleFunc("POST /api/v1/babies/{id}/course/pause", h.writer(h.changeCourse("pause")))
	mux.HandleFunc("POST /api/v1/babies/{id}/course/resume", h.writer(h.changeCourse("resume")))
}

type courseWeekJSON struct {
	Week      int            `json:"week"`
	Title     string         `json:"title"`
	Intro     string         `json:"intro"`
	Strokes   []string       `json:"strokes"`
	Waiting   []string       `json:"waiting"`
	Practised map[string]int `json:"practised"`
	Open      bool           `json:"open"`
	Learned   bool           `json:"learned"`
}

type courseJSON struct {
	CaregiverID string           `json:"caregiver_id"`
	Week        int              `json:"week"`
	Started     bool             `json:"started"`
	Paused      bool             `json:"paused"`
	Done        bool             `json:"done"`
	DaysToLearn int              `json:"days_to_learn"`
	New         []string         `json:"new"`
	Weeks       []courseWeekJSON `json:"weeks"`
}

func (h *Handler) courseJSON(r *http.Request, caregiverID string, p course.Progress) courseJSON {
	lang := h.printer(r).Lang
	out := courseJSON{CaregiverID: caregiverID, Week: p.Week, Started: p.Started, Paused: p.Paused, Done: p.Done,
		DaysToLearn: course.DaysToLearn, New: p.New(), Weeks: []courseWeekJSON{}}
	if out.New == nil {
		out.New = []string{}
	}
	for _, w := range p.Weeks {
		t, _ := h.Library.CourseWeekText(w.Number, lang)
		out.Weeks = append(out.Weeks, courseWeekJSON{Week: w.Number, Title: t.Title, Intro: t.Intro, Strokes: w.Strokes, Waiting: w.Waiting,
			Practised: w.Practised, Open: w.Open, Learned: w.Learned})
	}
	return out
}

// courseError answers the course use cases' typed errors.
func (h *Handler) courseError(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, app.ErrNotMember):
		h.invalid(w, r, domain.FieldErrors{"caregiver_id": "api.not_member"})
	case errors.Is(err, app.ErrNotYours):
		h.error(w, r, http.StatusForbidden, "api.forbidden")
	default:
		h.fail(w, r, err)
	}
}

// getCourse answers the caller's course with a baby, or another member's
// (?caregiver=): the family sees each other's progress.
func (h *Handler) getCourse(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	b, err := h.Store.Baby(r.Context(), id.Family.ID, r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	who := r.URL.Query().Get("caregiver")
	if who == "" {
		who = id.User.ID
	}
	p, err := h.Cases.Course(r.Context(), id.Family, b, who)
	if err != nil {
		h.courseError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, h.courseJSON(r, who, p))
}

type courseChange struct {
	CaregiverID string `json:"caregiver_id"`
	Week        *int   `json:"week"`
}

// changeCourse opens the next week early (or up to "week", to follow
// another caregiver), pauses or resumes; resuming a course never started
// starts it. The caller's own course, or as an owner another member's.
func (h *Handler) changeCourse(what string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, id domain.Identity) {
		b, err := h.Store.Baby(r.Context(), id.Family.ID, r.PathValue("id"))
		if err != nil {
			h.fail(w, r, err)
			return
		}
		var in courseChange
		if !h.decode(w, r, &in) {
			return
		}
		week := 0 // the next one
		if in.Week != nil {
			if week = *in.Week; week < 1 || week > len(h.Library.Course()) {
				h.invalid(w, r, domain.FieldErrors{"week": "api.course_week"})
				return
			}
		}
		who := in.CaregiverID
		if who == "" {
			who = id.User.ID
		}
		var p course.Progress
		switch what {
		case "advance":
			p, err = h.Cases.OpenWeek(r.Context(), id, b, who, week)
		case "pause":
			p, err = h.Cases.PauseCourse(r.Context(), id, b, who, true)
		default:
			p, err = h.Cases.PauseCourse(r.Context(), id, b, who, false)
		}
		if err != nil {
			h.courseError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, h.courseJSON(r, who, p))
	}
}
