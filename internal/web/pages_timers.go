package web

// Timers: the running touch and sleep timers on the baby's page and the log page, and starting and stopping them.

import (
	"bytes"
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/google/uuid"

	"nurture/internal/app"
	"nurture/internal/domain"
)

// Minutes of the "started … ago" and "lasted" choices of a quick entry.
var (
	agoChoices    = []int{0, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240}
	lastedChoices = []int{5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240}
)

type timerRow struct {
	Type, ID, What, Who string
	Since               string // local clock time it started
	Start               string // RFC 3339, for log.js to tick
	Elapsed             string
}

type timerButton struct {
	Kind, Label string
	Running     *timerRow
}

type timersData struct {
	BabyID   string
	Back     string
	CanWrite bool
	Buttons  []timerButton
	Crying   *timerRow
}

type logData struct {
	*babyData
	Timers        *timersData
	AgoChoices    []int
	LastedChoices []int
	Kinds         []string
}

func (s *Server) timers(r *http.Request, id domain.Identity, v *view, babyID, back string) (*timersData, error) {
	running, err := s.Store.Running(r.Context(), id.Family.ID, babyID)
	if err != nil {
		return nil, err
	}
	mn, err := s.memberNames(r, id)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	loc := id.Family.Location()
	td := &timersData{BabyID: babyID, Back: back, CanWrite: v.CanWrite()}
	rows := map[string]*timerRow{}
	for _, e := range running {
		row := &timerRow{Type: string(e.Type), ID: e.ID, What: entryWhat(v, e), Who: mn.who(v, e.CaregiverID),
			Since: v.Clock(e.StartedAt.In(loc)), Start: e.StartedAt.UTC().Format(time.RFC3339), Elapsed: fmtMinutes(e.Duration(now))}
		switch e.Type {
		case domain.TouchLog:
			rows[e.Kind] = row
		case domain.SleepLog:
			rows["sleep"] = row
		case domain.CryingLog:
			td.Crying = row
		}
	}
	for _, k := range append(slices.Clone(domain.TouchKinds), "sleep") {
		label := v.T("logpage.what_sleep")
		if k != "sleep" {
			label = v.T("touch." + k)
		}
		td.Buttons = append(td.Buttons, timerButton{Kind: k, Label: label, Running: rows[k]})
	}
	return td, nil
}

func (s *Server) logView(r *http.Request, id domain.Identity) (*view, *logData, error) {
	v, bd, err := s.babyView(r, id, "logpage.title")
	if err != nil {
		return nil, nil, err
	}
	td, err := s.timers(r, id, v, bd.Baby.ID, "log")
	if err != nil {
		return nil, nil, err
	}
	d := &logData{babyData: bd, Timers: td, AgoChoices: agoChoices, LastedChoices: lastedChoices, Kinds: domain.TouchKinds}
	v.Data = d
	v.Form = map[string]string{"what": "skin_to_skin", "ago": "15", "minutes": "15"}
	return v, d, nil
}

func (s *Server) logPage(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	v, _, err := s.logView(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "log", v)
}

// timersFragment is the timers block alone, which log.js puts into the
// baby's page and refreshes so every caregiver sees the same timers.
func (s *Server) timersFragment(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	v, bd, err := s.babyView(r, id, "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	back := "log"
	if r.URL.Query().Get("back") == "home" {
		back = "home"
	}
	td, err := s.timers(r, id, v, bd.Baby.ID, back)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.Data = &logData{babyData: bd, Timers: td}
	var buf bytes.Buffer
	if err := s.pages.byName["log"].ExecuteTemplate(&buf, "timers", v); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}

// afterTimer sends the browser back where the timer button was.
func afterTimer(w http.ResponseWriter, r *http.Request, babyID string) {
	if r.PostFormValue("back") == "home" {
		http.Redirect(w, r, "/babies/"+babyID+"#timers", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/babies/"+babyID+"/log", http.StatusSeeOther)
}

func (s *Server) startTimer(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	babyID := r.PathValue("id")
	if _, err := s.Store.Baby(r.Context(), id.Family.ID, babyID); err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.Now().UTC()
	kind := r.PostFormValue("kind")
	e := domain.Entry{Type: domain.TouchLog, ID: uuid.NewString(), FamilyID: id.Family.ID, BabyID: babyID, CaregiverID: id.User.ID,
		Kind: kind, StartedAt: now, CreatedAt: now, UpdatedAt: now}
	if kind == "sleep" {
		e.Type, e.Kind = domain.SleepLog, ""
	}
	if fe := e.Validate(now); !fe.OK() {
		s.logProblem(w, r, id, s.Catalog.For(s.lang(r, id)).T("logpage.unknown_kind"), nil, nil)
		return
	}
	msg, err := s.putEntry(r, id, s.Catalog.For(s.lang(r, id)), e)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if msg != "" {
		s.logProblem(w, r, id, msg, nil, nil)
		return
	}
	afterTimer(w, r, babyID)
}

func (s *Server) stopTimer(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	t, ok := entryTypeOf(r.PathValue("type"))
	if !ok {
		s.notFound(w, r)
		return
	}
	babyID := r.PathValue("id")
	e, err := s.Store.Entry(r.Context(), t, id.Family.ID, babyID, r.PathValue("eid"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if e.Running() {
		now := s.Now().UTC()
		if now.Sub(e.StartedAt) > domain.MaxSpan {
			// A timer forgotten for over a day stops at its 24-hour limit.
			now = e.StartedAt.Add(domain.MaxSpan)
		}
		if now.Before(e.StartedAt) {
			now = e.StartedAt
		}
		e.EndedAt, e.UpdatedAt = &now, s.Now().UTC()
		err = s.cases.EditEntry(r.Context(), e, false)
		var o *domain.Overlap
		if errors.As(err, &o) {
			s.logProblem(w, r, id, app.OverlapText(s.Catalog.For(s.lang(r, id)), id.Family, o, s.Now()), nil, nil)
			return
		} else if err != nil {
			s.fail(w, r, err)
			return
		}
	}
	afterTimer(w, r, babyID)
}
