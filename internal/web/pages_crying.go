package web

// The crying companion: calm words, support lines, the crying timer and the period-of-crying card.

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/google/uuid"

	"nurture/internal/app"
	"nurture/internal/domain"
	"nurture/internal/store"
)

// cryingHistoryDays is how far back the "period of crying" card looks.
const cryingHistoryDays = 28

type supportLine struct {
	Text string
	Tel  template.URL
}

type hourBar struct {
	Hour           int
	Label          string
	Minutes        int
	X, Y, W, H     float64
	LabelX, LabelY float64
	ShowLabel      bool
}

type cryingData struct {
	*babyData
	Running    *domain.Entry
	Entry      domain.Entry // the answers given, to refill the form
	Start      string       // RFC 3339
	OpenedAt   string       // RFC 3339, the start when the page saves without a timer
	Since      string
	Needs      []string
	Soothers   []string
	Scale      []int
	Urgent     string
	UrgentTel  template.URL
	Support    []supportLine
	AgeWeeks   int
	Episodes   int
	HourBars   []hourBar
	MaxMinutes int
	Peak       string
	SpeechLang string
	APIURL     string
}

var telNumber = regexp.MustCompile(`\+?[0-9][0-9 ().\-]{1,}[0-9]`)

// telHref keeps the digits (and a leading +) of a phone number for tel:;
// made of those alone, it is a safe URL.
func telHref(s string) template.URL {
	var b strings.Builder
	for i, r := range s {
		if (r >= '0' && r <= '9') || (r == '+' && i == 0) {
			b.WriteRune(r)
		}
	}
	if b.Len() < 2 {
		return ""
	}
	return template.URL("tel:" + b.String())
}

func supportLines(text string) []supportLine {
	var out []supportLine
	for _, l := range strings.Split(text, "\n") {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		sl := supportLine{Text: l}
		if m := telNumber.FindString(l); m != "" {
			sl.Tel = telHref(m)
		}
		out = append(out, sl)
	}
	return out
}

func (s *Server) cryingPick(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	v := s.newView(r, "crying.pick_title", nil)
	if len(v.Babies) == 1 {
		http.Redirect(w, r, "/babies/"+v.Babies[0].ID+"/crying", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "crying_pick", v)
}

func (s *Server) cryingView(r *http.Request, id domain.Identity) (*view, *cryingData, error) {
	v, bd, err := s.babyView(r, id, "crying.title")
	if err != nil {
		return nil, nil, err
	}
	now := s.Now()
	loc := id.Family.Location()
	d := &cryingData{babyData: bd, Needs: domain.CryNeeds, Soothers: domain.Soothers, Scale: []int{1, 2, 3, 4, 5},
		Urgent: id.Family.UrgentNumber, UrgentTel: telHref(id.Family.UrgentNumber), Support: supportLines(id.Family.SupportLines),
		AgeWeeks: max(bd.CorrectedDays, 0) / 7, OpenedAt: now.UTC().Format(time.RFC3339), SpeechLang: v.Lang,
		APIURL: "/api/v1/babies/" + bd.Baby.ID + "/crying"}
	running, err := s.Store.Running(r.Context(), id.Family.ID, bd.Baby.ID)
	if err != nil {
		return nil, nil, err
	}
	for _, e := range running {
		if e.Type == domain.CryingLog {
			e := e
			d.Running, d.Start, d.Since = &e, e.StartedAt.UTC().Format(time.RFC3339), v.Clock(e.StartedAt.In(loc))
		}
	}
	if err := s.cryingHistory(r, id, d, v); err != nil {
		return nil, nil, err
	}
	v.Data = d
	return v, d, nil
}

// cryingHistory adds up the baby's crying minutes by hour of the day over
// the last four weeks, for the "period of crying" card.
func (s *Server) cryingHistory(r *http.Request, id domain.Identity, d *cryingData, v *view) error {
	now := s.Now()
	loc := id.Family.Location()
	list, _, err := s.Store.Entries(r.Context(), domain.CryingLog, id.Family.ID, d.Baby.ID,
		store.Page{From: now.Add(-cryingHistoryDays * 24 * time.Hour), To: now, Limit: store.MaxLimit})
	if err != nil {
		return err
	}
	var mins [24]float64
	for _, e := range list {
		if e.EndedAt == nil {
			continue
		}
		d.Episodes++
		for t := e.StartedAt; t.Before(*e.EndedAt); {
			lt := t.In(loc)
			next := time.Date(lt.Year(), lt.Month(), lt.Day(), lt.Hour()+1, 0, 0, 0, loc)
			if !next.After(t) { // a clock change repeating an hour
				next = t.Add(time.Hour).Truncate(time.Hour)
			}
			if next.After(*e.EndedAt) {
				next = *e.EndedAt
			}
			mins[lt.Hour()] += next.Sub(t).Minutes()
			t = next
		}
	}
	if d.Episodes == 0 {
		return nil
	}
	peak := 0
	for h, m := range mins {
		d.MaxMinutes = max(d.MaxMinutes, int(m+0.5))
		if m > mins[peak] {
			peak = h
		}
	}
	scale := max(d.MaxMinutes, 1)
	const chartH, barW = 100.0, 12.0
	for h, m := range mins {
		n := int(m + 0.5)
		bh := chartH * float64(n) / float64(scale)
		x := 4 + float64(h)*(barW+2)
		d.HourBars = append(d.HourBars, hourBar{Hour: h, Label: fmt.Sprintf("%02d:00", h), Minutes: n,
			X: x, Y: 4 + chartH - bh, W: barW, H: bh, LabelX: x + barW/2, LabelY: chartH + 20, ShowLabel: h%3 == 0})
	}
	if mins[peak] > 0 {
		d.Peak = fmt.Sprintf("%02d:00–%02d:00", peak, (peak+1)%24)
	}
	return nil
}

func (s *Server) cryingPage(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	v, _, err := s.cryingView(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "crying", v)
}

// cryingStart starts the crying timer (the button for browsers without
// scripts; crying.js uses the JSON API). A timer already running is kept.
func (s *Server) cryingStart(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	babyID := r.PathValue("id")
	if _, err := s.Store.Baby(r.Context(), id.Family.ID, babyID); err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.Now().UTC()
	e := domain.Entry{Type: domain.CryingLog, ID: uuid.NewString(), FamilyID: id.Family.ID, BabyID: babyID, CaregiverID: id.User.ID,
		StartedAt: now, CreatedAt: now, UpdatedAt: now}
	err := s.cases.AddEntry(r.Context(), e)
	var o *domain.Overlap
	if err != nil && !errors.As(err, &o) {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/babies/"+babyID+"/crying#cry-needs", http.StatusSeeOther)
}

// cryingEnd saves the episode: it stops the running timer, or, when none
// was started (no scripts, no Start), records it from when the page opened.
func (s *Server) cryingEnd(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	v, d, err := s.cryingView(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.Now().UTC()
	fe := domain.FieldErrors{}
	var e domain.Entry
	eid := r.PostFormValue("eid")
	creating := eid == ""
	if !creating {
		e, err = s.Store.Entry(r.Context(), domain.CryingLog, id.Family.ID, d.Baby.ID, eid)
		if err != nil {
			s.fail(w, r, err)
			return
		}
	} else {
		start, err := time.Parse(time.RFC3339, r.PostFormValue("opened_at"))
		if err != nil {
			start = now
		}
		e = domain.Entry{Type: domain.CryingLog, ID: uuid.NewString(), FamilyID: id.Family.ID, BabyID: d.Baby.ID,
			CaregiverID: id.User.ID, StartedAt: start, CreatedAt: now}
	}
	if e.Running() {
		end := now
		if end.Sub(e.StartedAt) > domain.MaxSpan {
			end = e.StartedAt.Add(domain.MaxSpan)
		}
		if end.Before(e.StartedAt) {
			end = e.StartedAt
		}
		e.EndedAt = &end
	}
	cryingFields(r, &e, fe)
	e.Notes, e.UpdatedAt = r.PostFormValue("notes"), now
	if fe.OK() {
		fe = e.Validate(now)
	}
	if fe.OK() {
		if creating {
			var msg string
			msg, err = s.putEntry(r, id, v.Printer, e)
			if msg != "" {
				fe.Add("overlap", "")
				v.Alert(msg)
			}
		} else {
			err = s.cases.EditEntry(r.Context(), e, false)
			var o *domain.Overlap
			if errors.As(err, &o) {
				err = nil
				fe.Add("overlap", "")
				v.Alert(app.OverlapText(v.Printer, id.Family, o, s.Now()))
			}
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if !fe.OK() {
		if v.Flash == "" {
			v.Alert(v.T("logpage.fix_below"))
		}
		delete(fe, "overlap")
		v.Errors = fe
		v.Form = formValues(r, "held", "parent_stress", "notes")
		if creating {
			if _, err := time.Parse(time.RFC3339, r.PostFormValue("opened_at")); err == nil {
				d.OpenedAt = r.PostFormValue("opened_at")
			}
		} else {
			d.Running = &e
			d.Start = e.StartedAt.UTC().Format(time.RFC3339)
		}
		d.Entry = e
		s.render(w, r, http.StatusUnprocessableEntity, "crying", v)
		return
	}
	http.Redirect(w, r, "/babies/"+d.Baby.ID+"/crying/"+e.ID+"/done", http.StatusSeeOther)
}

type cryingDoneData struct {
	*babyData
	Entry    domain.Entry
	Duration string
	Needs    []string
	Soothers []string
	Date     string
	// AtLimit is set when the parent rated their stress at the top of the
	// scale: the page then offers real help (their doctor or health
	// visitor, postnatal depression support, a crisis line, the family's
	// own support lines), not only "take a moment".
	AtLimit   bool
	Support   []supportLine
	Urgent    string
	UrgentTel template.URL
}

// stressAtLimit is the top of the 1–5 parent stress scale.
const stressAtLimit = 5

func (s *Server) cryingDone(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	v, bd, err := s.babyView(r, id, "crying.done_title")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	e, err := s.Store.Entry(r.Context(), domain.CryingLog, id.Family.ID, bd.Baby.ID, r.PathValue("eid"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &cryingDoneData{babyData: bd, Entry: e, Duration: fmtMinutes(e.Duration(s.Now())), Date: domain.DateOf(e.StartedAt, id.Family.Location())}
	if e.ParentStress != nil && *e.ParentStress >= stressAtLimit {
		d.AtLimit, d.Support = true, supportLines(id.Family.SupportLines)
		d.Urgent, d.UrgentTel = id.Family.UrgentNumber, telHref(id.Family.UrgentNumber)
	}
	for _, n := range e.NeedsChecked {
		d.Needs = append(d.Needs, v.T("cry.need."+n))
	}
	for _, x := range e.SoothedBy {
		d.Soothers = append(d.Soothers, v.T("cry.soothe."+x))
	}
	v.Data = d
	s.render(w, r, http.StatusOK, "crying_done", v)
}
