package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"nurture/internal/domain"
	"nurture/internal/store"
)

func babyForm(r *http.Request) (domain.BabyInput, map[string]string) {
	f := formValues(r, "name", "birth_date", "gestation_weeks")
	in := domain.BabyInput{Name: f["name"], BirthDate: f["birth_date"]}
	if g := strings.TrimSpace(f["gestation_weeks"]); g != "" {
		n, err := strconv.Atoi(g)
		if err != nil {
			n = -1 // shown as out of range
		}
		in.GestationWeeks = n
	}
	return in, f
}

func today(id domain.Identity, now time.Time) string {
	return now.In(id.Family.Location()).Format(time.DateOnly)
}

func (s *Server) babyForm(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	v := s.newView(r, "baby.new_title", nil)
	v.Form = map[string]string{"gestation_weeks": "40"}
	s.render(w, r, http.StatusOK, "baby_form", v)
}

func (s *Server) createBaby(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	in, f := babyForm(r)
	if fe := in.Validate(today(id, s.Now())); !fe.OK() {
		v := s.newView(r, "baby.new_title", nil)
		v.Errors, v.Form = fe, f
		s.render(w, r, http.StatusUnprocessableEntity, "baby_form", v)
		return
	}
	b := domain.Baby{ID: uuid.NewString(), FamilyID: id.Family.ID, Name: in.Name, BirthDate: in.BirthDate,
		GestationWeeks: in.GestationWeeks, CreatedAt: s.Now().UTC()}
	if err := s.Store.CreateBaby(r.Context(), b); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/babies/"+b.ID+"?msg=baby_added", http.StatusSeeOther)
}

type babyData struct {
	Baby domain.Baby
	// Timers are the running timers and start buttons (the baby's page).
	Timers *timersData
	// Recent says when the baby last had each kind of care, in words
	// ("2 h ago"); the baby's page only.
	Recent []recentCare
	// Course is the viewer's learning path in a line (the baby's page and
	// the insights).
	Course        *courseSummary
	AgeDays       int
	CorrectedDays int
	Preterm       bool
}

// DueInDays is how many days remain before the due date (a baby born
// early, before it): said as "due date in 7 days", never as a negative age.
func (d *babyData) DueInDays() int { return -d.CorrectedDays }

func (s *Server) babyView(r *http.Request, id domain.Identity, title string) (*view, *babyData, error) {
	b, err := s.Store.Baby(r.Context(), id.Family.ID, r.PathValue("id"))
	if err != nil {
		return nil, nil, err
	}
	loc := id.Family.Location()
	d := &babyData{Baby: b, AgeDays: b.AgeDays(s.Now(), loc), CorrectedDays: b.CorrectedAgeDays(s.Now(), loc), Preterm: b.GestationWeeks < 37}
	v := s.newView(r, title, d)
	return v, d, nil
}

func (s *Server) babyHome(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	v, d, err := s.babyView(r, id, "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.Title = d.Baby.Name
	if d.Timers, err = s.timers(r, id, v, d.Baby.ID, "home"); err != nil {
		s.fail(w, r, err)
		return
	}
	if d.Recent, err = s.recentCare(r, id, v, d.Baby.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	if v.CanWrite() {
		if d.Course, err = s.courseSummary(r, id, v, d.Baby); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "baby", v)
}

func (s *Server) editBabyForm(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	v, d, err := s.babyView(r, id, "baby.edit_title")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.Form = map[string]string{"name": d.Baby.Name, "birth_date": d.Baby.BirthDate, "gestation_weeks": strconv.Itoa(d.Baby.GestationWeeks)}
	s.render(w, r, http.StatusOK, "baby_form", v)
}

func (s *Server) updateBaby(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	v, d, err := s.babyView(r, id, "baby.edit_title")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in, f := babyForm(r)
	if fe := in.Validate(today(id, s.Now())); !fe.OK() {
		v.Errors, v.Form = fe, f
		s.render(w, r, http.StatusUnprocessableEntity, "baby_form", v)
		return
	}
	if err := s.Store.UpdateBaby(r.Context(), id.Family.ID, d.Baby.ID, in); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/babies/"+d.Baby.ID+"?msg=saved", http.StatusSeeOther)
}

func (s *Server) archiveBaby(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	now := s.Now().UTC()
	if err := s.Store.SetBabyArchived(r.Context(), id.Family.ID, r.PathValue("id"), &now); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/family?msg=baby_archived", http.StatusSeeOther)
}

func (s *Server) restoreBaby(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	bid := r.PathValue("id")
	if err := s.Store.SetBabyArchived(r.Context(), id.Family.ID, bid, nil); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/babies/"+bid+"?msg=baby_restored", http.StatusSeeOther)
}

// recentCare is one line of the baby's dashboard: what, and how long ago.
type recentCare struct {
	What, When string
	Href       string
}

// recentCare reads the newest session, sleep and time in arms.
func (s *Server) recentCare(r *http.Request, id domain.Identity, v *view, babyID string) ([]recentCare, error) {
	ctx, now := r.Context(), s.Now()
	out := []recentCare{}
	ses, _, err := s.Store.Sessions(ctx, id.Family.ID, babyID, store.Page{Limit: 1})
	if err != nil {
		return nil, err
	}
	when := v.T("baby.recent_never")
	if len(ses) > 0 {
		when = ago(v, ses[0].EndedAt, now)
	}
	out = append(out, recentCare{What: v.T("baby.recent_massage"), When: when, Href: "/babies/" + babyID + "/sessions"})
	for _, k := range []struct {
		t    domain.EntryType
		what string
	}{{domain.SleepLog, "baby.recent_sleep"}, {domain.TouchLog, "baby.recent_arms"}} {
		es, _, err := s.Store.Entries(ctx, k.t, id.Family.ID, babyID, store.Page{Limit: 1})
		if err != nil {
			return nil, err
		}
		when := v.T("baby.recent_never")
		if len(es) > 0 {
			if es[0].EndedAt == nil {
				when = v.T("baby.recent_now")
			} else {
				when = ago(v, *es[0].EndedAt, now)
			}
		}
		out = append(out, recentCare{What: v.T(k.what), When: when, Href: "/babies/" + babyID + "/day"})
	}
	return out, nil
}

// ago says how long ago t was, in the reader's words and plural rules.
func ago(v *view, t, now time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return v.T("baby.ago_now")
	case d < time.Hour:
		return v.N("baby.ago_min", int(d/time.Minute))
	case d < 24*time.Hour:
		return v.N("baby.ago_hours", int(d/time.Hour))
	}
	return v.N("baby.ago_days", int(d/(24*time.Hour)))
}
