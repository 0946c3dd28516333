package web

// The learning path: a caregiver's five weeks with a baby, and the
// family's progress side by side.

import (
	"errors"
	"net/http"
	"strconv"

	"nurture/internal/app"
	"nurture/internal/course"
	"nurture/internal/domain"
	"nurture/internal/route"
)

func (s *Server) courseRoutes(mux *route.Mux) {
	mux.HandleFunc("GET /babies/{id}/course", s.member(s.coursePage))
	mux.HandleFunc("POST /babies/{id}/course", s.writer(s.courseChange))
}

type courseStrokeView struct {
	ID, Name string
	Days     int
	Learned  bool
	New      bool
	// Answers says how the baby received it lately ("enjoyed 2 of 3
	// times"); empty before any answer.
	Answers string
}

type courseWeekView struct {
	Number         int
	Title, Intro   string
	Open, Learned  bool
	Current        bool
	Strokes        []courseStrokeView
	Waiting        int
	LearnedStrokes int
}

type otherCourse struct {
	UserID, Name string
	Week         int
	Started      bool
}

type courseData struct {
	*babyData
	Progress    course.Progress
	Weeks       []courseWeekView
	Current     courseWeekView
	Next        string
	Others      []otherCourse
	DaysToLearn int
}

// courseSummary is the course in a line, for the baby's page and the
// insights: the week and its title, strokes learned.
type courseSummary struct {
	Started, Paused, Done bool
	Week, Learned         int
	Title                 string
}

func (s *Server) courseSummary(r *http.Request, id domain.Identity, v *view, baby domain.Baby) (*courseSummary, error) {
	// The baby's page is the most visited: a course never started costs
	// one read, not the weeks and every past session.
	if st, err := s.Store.CourseState(r.Context(), id.Family.ID, baby.ID, id.User.ID); err != nil || !st.Started {
		return &courseSummary{}, err
	}
	p, err := s.cases.Course(r.Context(), id.Family, baby, id.User.ID)
	if err != nil {
		return nil, err
	}
	t, _ := s.Library.CourseWeekText(p.Week, v.Lang)
	return &courseSummary{Started: p.Started, Paused: p.Paused, Done: p.Done, Week: p.Week, Learned: p.Learned(), Title: t.Title}, nil
}

func (s *Server) coursePage(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	v, bd, err := s.babyView(r, id, "course.title")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	members, err := s.Store.Members(r.Context(), id.Family.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The caller's course and every other caregiver's, fitted once.
	ids := []string{id.User.ID}
	for _, m := range members {
		if m.UserID != id.User.ID && m.Role.CanWrite() {
			ids = append(ids, m.UserID)
		}
	}
	all, err := s.cases.Courses(r.Context(), id.Family, bd.Baby, ids)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := all[id.User.ID]
	answers, err := s.cases.StrokeAnswers(r.Context(), id.Family, bd.Baby)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &courseData{babyData: bd, Progress: p, DaysToLearn: course.DaysToLearn}
	isNew := map[string]bool{}
	for _, sid := range p.New() {
		isNew[sid] = true
	}
	for _, wk := range p.Weeks {
		t, _ := s.Library.CourseWeekText(wk.Number, v.Lang)
		wv := courseWeekView{Number: wk.Number, Title: t.Title, Intro: t.Intro, Open: wk.Open, Learned: wk.Learned,
			Current: wk.Number == p.Week, Waiting: len(wk.Waiting)}
		for _, sid := range wk.Strokes {
			st, _ := s.Library.StrokeText(sid, v.Lang)
			sv := courseStrokeView{ID: sid, Name: st.Name, Days: wk.Practised[sid], Learned: wk.Practised[sid] >= course.DaysToLearn,
				New: wv.Current && p.Started && isNew[sid]}
			if a, ok := answers[sid]; ok && a.Responses > 0 {
				sv.Answers = v.N("course.enjoyed", a.Responses, "Done", a.Engaged)
			}
			if sv.Learned {
				wv.LearnedStrokes++
			}
			wv.Strokes = append(wv.Strokes, sv)
		}
		if wv.Current {
			d.Current = wv
		}
		d.Weeks = append(d.Weeks, wv)
	}
	if p.Week < len(p.Weeks) {
		t, _ := s.Library.CourseWeekText(p.Week+1, v.Lang)
		d.Next = t.Title
	}
	for _, m := range members {
		if op, ok := all[m.UserID]; ok && m.UserID != id.User.ID {
			d.Others = append(d.Others, otherCourse{UserID: m.UserID, Name: m.Name, Week: op.Week, Started: op.Started})
		}
	}
	v.Data = d
	s.render(w, r, http.StatusOK, "course", v)
}

// courseChange starts, pauses or resumes the caller's course, opens the
// next week early, or follows another caregiver's week.
func (s *Server) courseChange(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	b, err := s.Store.Baby(r.Context(), id.Family.ID, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	switch r.FormValue("action") {
	case "start", "resume":
		_, err = s.cases.PauseCourse(r.Context(), id, b, id.User.ID, false)
	case "pause":
		_, err = s.cases.PauseCourse(r.Context(), id, b, id.User.ID, true)
	case "advance":
		_, err = s.cases.OpenWeek(r.Context(), id, b, id.User.ID, 0)
	case "follow":
		week, convErr := strconv.Atoi(r.FormValue("week"))
		if convErr != nil || week < 1 || week > len(s.Library.Course()) {
			http.Redirect(w, r, "/babies/"+b.ID+"/course", http.StatusSeeOther)
			return
		}
		_, err = s.cases.OpenWeek(r.Context(), id, b, id.User.ID, week)
	default:
		http.Redirect(w, r, "/babies/"+b.ID+"/course", http.StatusSeeOther)
		return
	}
	if errors.Is(err, app.ErrNotYours) {
		s.forbidden(w, r, id)
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/babies/"+b.ID+"/course?msg=saved", http.StatusSeeOther)
}
