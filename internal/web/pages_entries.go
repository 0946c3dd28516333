package web

// Entries: the quick log form, backdated entries, and editing and deleting an entry.

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"nurture/internal/app"
	"nurture/internal/domain"
	"nurture/internal/i18n"
	"nurture/internal/store"
)

// logProblem shows the log page again with a message and the form as sent.
func (s *Server) logProblem(w http.ResponseWriter, r *http.Request, id domain.Identity, msg string, fe domain.FieldErrors, form map[string]string) {
	v, _, err := s.logView(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if msg != "" {
		v.Alert(msg)
	}
	if fe != nil {
		v.Errors = fe
		v.Alert(v.T("logpage.fix_below"))
	}
	if form != nil {
		v.Form = form
	}
	s.render(w, r, http.StatusUnprocessableEntity, "log", v)
}

// putEntry stores a new entry; an overlap comes back as a message.
func (s *Server) putEntry(r *http.Request, id domain.Identity, p *i18n.Printer, e domain.Entry) (string, error) {
	err := s.cases.AddEntry(r.Context(), e)
	var o *domain.Overlap
	if errors.As(err, &o) {
		return app.OverlapText(p, id.Family, o, s.Now()), nil
	}
	return "", err
}

// localTime parses a datetime-local value in the family's time zone.
func localTime(s string, loc *time.Location) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func (s *Server) createLogEntry(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	babyID := r.PathValue("id")
	if _, err := s.Store.Baby(r.Context(), id.Family.ID, babyID); err != nil {
		s.fail(w, r, err)
		return
	}
	f := formValues(r, "what", "ago", "minutes", "start", "end", "notes")
	now := s.Now().UTC()
	loc := id.Family.Location()
	fe := domain.FieldErrors{}
	e := domain.Entry{Type: domain.TouchLog, ID: uuid.NewString(), FamilyID: id.Family.ID, BabyID: babyID, CaregiverID: id.User.ID,
		Kind: f["what"], Notes: f["notes"], CreatedAt: now, UpdatedAt: now}
	switch f["what"] {
	case "sleep":
		e.Type, e.Kind = domain.SleepLog, ""
	case "crying":
		e.Type, e.Kind = domain.CryingLog, ""
	}
	if strings.TrimSpace(f["start"]) != "" {
		// Exact times win over "started … ago".
		start, ok := localTime(f["start"], loc)
		if !ok {
			fe.Add("start", "logpage.error_datetime")
		}
		e.StartedAt = start
		if strings.TrimSpace(f["end"]) != "" {
			end, ok := localTime(f["end"], loc)
			if !ok {
				fe.Add("end", "logpage.error_datetime")
			}
			e.EndedAt = &end
		}
	} else {
		ago, err := strconv.Atoi(f["ago"])
		if err != nil || ago < 0 || ago > 24*60 {
			fe.Add("ago", "error.choice")
		}
		e.StartedAt = now.Add(-time.Duration(ago) * time.Minute).Truncate(time.Minute)
		if f["minutes"] != "" {
			m, err := strconv.Atoi(f["minutes"])
			if err != nil || m <= 0 || m > 24*60 {
				fe.Add("minutes", "error.choice")
			}
			end := e.StartedAt.Add(time.Duration(m) * time.Minute)
			e.EndedAt = &end
		}
	}
	if fe.OK() {
		for k, msg := range e.Validate(now) {
			fe.Add(entryField(k, f["start"] != ""), msg)
		}
	}
	if !fe.OK() {
		s.logProblem(w, r, id, "", fe, f)
		return
	}
	msg, err := s.putEntry(r, id, s.Catalog.For(s.lang(r, id)), e)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if msg != "" {
		s.logProblem(w, r, id, msg, nil, f)
		return
	}
	http.Redirect(w, r, "/babies/"+babyID+"/day?date="+domain.DateOf(e.StartedAt, loc)+"&msg=saved", http.StatusSeeOther)
}

// entryField maps a validation field of an entry to the form's field.
func entryField(k string, exact bool) string {
	switch {
	case k == "kind":
		return "what"
	case k == "started_at" && exact:
		return "start"
	case k == "started_at":
		return "ago"
	case k == "ended_at" && exact:
		return "end"
	case k == "ended_at":
		return "minutes"
	}
	return k
}

type entryEditData struct {
	*babyData
	Entry    domain.Entry
	What     string
	Kinds    []string
	Needs    []string
	Soothers []string
	Scale    []int
	Date     string
}

func (s *Server) entryEditView(r *http.Request, id domain.Identity) (*view, *entryEditData, error) {
	t, ok := entryTypeOf(r.PathValue("type"))
	if !ok {
		return nil, nil, store.ErrNotFound
	}
	v, bd, err := s.babyView(r, id, "logpage.edit_title")
	if err != nil {
		return nil, nil, err
	}
	e, err := s.Store.Entry(r.Context(), t, id.Family.ID, bd.Baby.ID, r.PathValue("eid"))
	if err != nil {
		return nil, nil, err
	}
	loc := id.Family.Location()
	d := &entryEditData{babyData: bd, Entry: e, What: entryWhat(v, e), Kinds: domain.TouchKinds, Needs: domain.CryNeeds,
		Soothers: domain.Soothers, Scale: []int{1, 2, 3, 4, 5}, Date: domain.DateOf(e.StartedAt, loc)}
	v.Data = d
	v.Form = map[string]string{"kind": e.Kind, "start": e.StartedAt.In(loc).Format("2006-01-02T15:04"), "notes": e.Notes}
	if e.EndedAt != nil {
		v.Form["end"] = e.EndedAt.In(loc).Format("2006-01-02T15:04")
	}
	if e.Held {
		v.Form["held"] = "yes"
	} else if !e.Running() {
		v.Form["held"] = "no"
	}
	if e.ParentStress != nil {
		v.Form["parent_stress"] = strconv.Itoa(*e.ParentStress)
	}
	return v, d, nil
}

func (s *Server) editLogEntryForm(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	v, _, err := s.entryEditView(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "log_entry", v)
}

// cryingFields reads the crying episode's answers from a form.
func cryingFields(r *http.Request, e *domain.Entry, fe domain.FieldErrors) {
	e.Held = r.PostFormValue("held") == "yes"
	e.NeedsChecked = r.PostForm["needs_checked"]
	e.SoothedBy = r.PostForm["soothed_by"]
	e.ParentStress = nil
	if p := r.PostFormValue("parent_stress"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil {
			fe.Add("parent_stress", "error.scale")
		}
		e.ParentStress = &n
	}
}

func (s *Server) updateLogEntry(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	v, d, err := s.entryEditView(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	loc := id.Family.Location()
	f := formValues(r, "kind", "start", "end", "notes", "held", "parent_stress")
	e := d.Entry
	fe := domain.FieldErrors{}
	now := s.Now().UTC()
	if start, ok := localTime(f["start"], loc); ok {
		e.StartedAt = start
	} else {
		fe.Add("start", "logpage.error_datetime")
	}
	e.EndedAt = nil
	if strings.TrimSpace(f["end"]) != "" {
		if end, ok := localTime(f["end"], loc); ok {
			e.EndedAt = &end
		} else {
			fe.Add("end", "logpage.error_datetime")
		}
	} else if !d.Entry.Running() {
		fe.Add("end", "error.required") // a finished entry does not restart
	}
	if e.Type == domain.TouchLog {
		e.Kind = f["kind"]
	}
	if e.Type == domain.CryingLog {
		cryingFields(r, &e, fe)
	}
	e.Notes, e.UpdatedAt = f["notes"], now
	if fe.OK() {
		for k, msg := range e.Validate(now) {
			fe.Add(entryField(k, true), msg)
		}
	}
	if fe.OK() {
		err = s.cases.EditEntry(r.Context(), e, false)
		var o *domain.Overlap
		if errors.As(err, &o) {
			v.Alert(app.OverlapText(v.Printer, id.Family, o, s.Now()))
			v.Form = f
			d.Entry = e
			s.render(w, r, http.StatusUnprocessableEntity, "log_entry", v)
			return
		} else if err != nil {
			s.fail(w, r, err)
			return
		}
		http.Redirect(w, r, "/babies/"+d.Baby.ID+"/day?date="+domain.DateOf(e.StartedAt, loc)+"&msg=saved", http.StatusSeeOther)
		return
	}
	v.Errors, v.Form = fe, f
	v.Alert(v.T("logpage.fix_below"))
	d.Entry.NeedsChecked, d.Entry.SoothedBy = e.NeedsChecked, e.SoothedBy
	s.render(w, r, http.StatusUnprocessableEntity, "log_entry", v)
}

func (s *Server) deleteLogEntryForm(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	v, _, err := s.entryEditView(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.Title = v.T("logpage.delete_title")
	s.render(w, r, http.StatusOK, "log_delete", v)
}

func (s *Server) deleteLogEntry(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	_, d, err := s.entryEditView(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.cases.DeleteEntry(r.Context(), d.Entry.Type, id.Family.ID, d.Baby.ID, d.Entry.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/babies/"+d.Baby.ID+"/day?date="+d.Date+"&msg=saved", http.StatusSeeOther)
}
