package web

// The session history: the list of past sessions, and editing and deleting one.

import (
	"errors"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"nurture/internal/domain"
	"nurture/internal/store"
)

// historyPage is how many sessions the history shows at once.
const historyPage = 20

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
	if err := s.cases.EditSession(r.Context(), x, false); err != nil {
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
	if err := s.cases.DeleteSession(r.Context(), id.Family.ID, d.Baby.ID, d.Session.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/babies/"+d.Baby.ID+"/sessions?deleted=1", http.StatusSeeOther)
}
