package web

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"nurture/internal/api"
	"nurture/internal/domain"
	"nurture/internal/i18n"
	"nurture/internal/route"
	"nurture/internal/store"
)

// logRoutes registers the nurturing-touch, sleep and crying pages: the
// timers on the baby's page, manual entries, the day view and the crying
// companion.
func (s *Server) logRoutes(mux *route.Mux) {
	mux.HandleFunc("GET /babies/{id}/log", s.member(s.logPage))
	mux.HandleFunc("GET /babies/{id}/timers", s.member(s.timersFragment))
	mux.HandleFunc("POST /babies/{id}/timers/start", s.writer(s.startTimer))
	mux.HandleFunc("POST /babies/{id}/timers/{type}/{eid}/stop", s.writer(s.stopTimer))
	mux.HandleFunc("POST /babies/{id}/entries", s.writer(s.createLogEntry))
	mux.HandleFunc("GET /babies/{id}/entries/{type}/{eid}", s.writer(s.editLogEntryForm))
	mux.HandleFunc("POST /babies/{id}/entries/{type}/{eid}", s.writer(s.updateLogEntry))
	mux.HandleFunc("GET /babies/{id}/entries/{type}/{eid}/delete", s.writer(s.deleteLogEntryForm))
	mux.HandleFunc("POST /babies/{id}/entries/{type}/{eid}/delete", s.writer(s.deleteLogEntry))
	mux.HandleFunc("GET /babies/{id}/day", s.member(s.dayPage))
	// The crying companion is open to viewers too — a grandparent holding a
	// crying baby needs the calm words and the numbers — but only writers
	// start and save an episode.
	mux.HandleFunc("GET /crying", s.member(s.cryingPick))
	mux.HandleFunc("GET /babies/{id}/crying", s.member(s.cryingPage))
	mux.HandleFunc("POST /babies/{id}/crying/start", s.writer(s.cryingStart))
	mux.HandleFunc("POST /babies/{id}/crying/end", s.writer(s.cryingEnd))
	mux.HandleFunc("GET /babies/{id}/crying/{eid}/done", s.member(s.cryingDone))
}

// Minutes of the "started … ago" and "lasted" choices of a quick entry.
var (
	agoChoices    = []int{0, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240}
	lastedChoices = []int{5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240}
)

// caregiverColours is how many colour classes (cg0…) log.css defines; the
// palette is chosen to read on both the day and the night backgrounds.
const caregiverColours = 6

// cryingHistoryDays is how far back the "period of crying" card looks.
const cryingHistoryDays = 28

// entryTypeOf reads a log type from the path; anything else is not found.
func entryTypeOf(s string) (domain.EntryType, bool) {
	switch t := domain.EntryType(s); t {
	case domain.TouchLog, domain.SleepLog, domain.CryingLog:
		return t, true
	}
	return "", false
}

// fmtMinutes writes a duration as "25 min" or "1 h 05 min", the same in
// English and French.
func fmtMinutes(d time.Duration) string {
	m := int(d.Round(time.Minute) / time.Minute)
	if m < 0 {
		m = 0
	}
	if m < 60 {
		return strconv.Itoa(m) + " min"
	}
	return fmt.Sprintf("%d h %02d min", m/60, m%60)
}

// entryWhat names an entry for people: its touch kind or its log.
func entryWhat(v *view, e domain.Entry) string {
	if e.Type == domain.TouchLog {
		return v.T("touch." + e.Kind)
	}
	return v.T("logpage.what_" + string(e.Type))
}

// memberNames maps user ids to names and colour classes, in the family's
// member order so each caregiver keeps one colour.
type memberNames struct {
	name   map[string]string
	colour map[string]string
	list   []legendItem
}

type legendItem struct{ Name, Class string }

func (s *Server) memberNames(r *http.Request, id domain.Identity) (*memberNames, error) {
	ms, err := s.Store.Members(r.Context(), id.Family.ID)
	if err != nil {
		return nil, err
	}
	mn := &memberNames{name: map[string]string{}, colour: map[string]string{}}
	for i, m := range ms {
		c := "cg" + strconv.Itoa(i%caregiverColours)
		mn.name[m.UserID], mn.colour[m.UserID] = m.Name, c
		mn.list = append(mn.list, legendItem{Name: m.Name, Class: c})
	}
	return mn, nil
}

func (mn *memberNames) who(v *view, userID string) string {
	if n, ok := mn.name[userID]; ok {
		return n
	}
	return v.T("logpage.former_member")
}

func (mn *memberNames) class(userID string) string {
	if c, ok := mn.colour[userID]; ok {
		return c
	}
	return "cgx"
}

// ---------------------------------------------------------------------
// Timers and quick entries

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
	_, err := s.Store.PutEntry(r.Context(), e)
	var o *domain.Overlap
	if errors.As(err, &o) {
		return api.OverlapText(p, id.Family, o, s.Now()), nil
	}
	return "", err
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

// lang is the user's language, as newView chooses it.
func (s *Server) lang(r *http.Request, id domain.Identity) string {
	return s.Catalog.Match(id.User.Locale, r.Header.Get("Accept-Language"))
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
		err = s.Store.UpdateEntry(r.Context(), e)
		var o *domain.Overlap
		if errors.As(err, &o) {
			s.logProblem(w, r, id, api.OverlapText(s.Catalog.For(s.lang(r, id)), id.Family, o, s.Now()), nil, nil)
			return
		} else if err != nil {
			s.fail(w, r, err)
			return
		}
	}
	afterTimer(w, r, babyID)
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

// ---------------------------------------------------------------------
// Editing and deleting an entry

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
		err = s.Store.UpdateEntry(r.Context(), e)
		var o *domain.Overlap
		if errors.As(err, &o) {
			v.Alert(api.OverlapText(v.Printer, id.Family, o, s.Now()))
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
	if err := s.Store.DeleteEntry(r.Context(), d.Entry.Type, id.Family.ID, d.Baby.ID, d.Entry.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/babies/"+d.Baby.ID+"/day?date="+d.Date+"&msg=saved", http.StatusSeeOther)
}

// ---------------------------------------------------------------------
// The day view

// Geometry of the day timeline (SVG user units).
const (
	dayHourH   = 28.0
	dayHeadH   = 30.0
	dayLabelW  = 46.0
	dayLaneW   = 72.0
	dayLaneGap = 6.0
)

type dayBar struct {
	X, Y, W, H float64
	Class      string
	Title      string
}

type dayTick struct {
	Y     float64
	Label string
	TextY float64
}

type dayLane struct {
	X, TextX float64
	Label    string
}

type dayRow struct {
	Time, What, Who, Duration string
	Class                     string
	Running                   bool
	EditURL                   string
}

type dayTotal struct {
	What, Value string
}

type dayData struct {
	*babyData
	Date, Prev, Next, Today string
	Heading                 string
	Hours                   int
	Width, Height           float64
	Ticks                   []dayTick
	Lanes                   []dayLane
	Bars                    []dayBar
	Rows                    []dayRow
	Totals                  []dayTotal
	Legend                  []legendItem
}

// dayLanes are the timeline's columns, in order.
var dayLanes = []string{"day.lane_touch", "day.lane_sleep", "day.lane_massage", "day.lane_crying"}

func (s *Server) dayPage(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	v, bd, err := s.babyView(r, id, "day.title")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	loc := id.Family.Location()
	now := s.Now()
	status := http.StatusOK
	date := r.URL.Query().Get("date")
	if date == "" {
		date = domain.DateOf(now, loc)
	}
	from, to, err := domain.Day(date, loc)
	if err != nil || from.Year() < 2000 || from.Year() > 2200 {
		status = http.StatusBadRequest
		v.Alert(v.T("day.bad_date"))
		date = domain.DateOf(now, loc)
		from, to, _ = domain.Day(date, loc)
	}
	mn, err := s.memberNames(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	hours := int(to.Sub(from).Round(time.Hour) / time.Hour)
	y, m, dd := from.Date()
	d := &dayData{babyData: bd, Date: date, Hours: hours, Today: domain.DateOf(now, loc),
		Prev:    time.Date(y, m, dd-1, 12, 0, 0, 0, loc).Format(time.DateOnly),
		Next:    time.Date(y, m, dd+1, 12, 0, 0, 0, loc).Format(time.DateOnly),
		Heading: v.LongDate(from.Add(12 * time.Hour).In(loc)), Legend: mn.list}
	d.Width = dayLabelW + float64(len(dayLanes))*(dayLaneW+dayLaneGap)
	d.Height = dayHeadH + float64(hours)*dayHourH + 8
	for i := 0; i <= hours; i++ {
		at := from.Add(time.Duration(i) * time.Hour)
		yy := dayHeadH + float64(i)*dayHourH
		label := ""
		if i < hours {
			label = v.Clock(at.In(loc))
		}
		d.Ticks = append(d.Ticks, dayTick{Y: yy, Label: label, TextY: yy + 17})
	}
	for i, l := range dayLanes {
		x := dayLabelW + float64(i)*(dayLaneW+dayLaneGap)
		d.Lanes = append(d.Lanes, dayLane{X: x, TextX: x + dayLaneW/2, Label: v.T(l)})
	}
	totals := map[string]time.Duration{}
	var order []string
	add := func(key string, dur time.Duration) {
		if _, ok := totals[key]; !ok {
			order = append(order, key)
		}
		totals[key] += dur
	}
	type item struct {
		start, end time.Time
		lane       int
		what, who  string
		class      string
		running    bool
		edit       string
		totalKey   string
	}
	var items []item
	for li, t := range []domain.EntryType{domain.TouchLog, domain.SleepLog, domain.CryingLog} {
		list, err := s.Store.EntriesDuring(r.Context(), t, id.Family.ID, bd.Baby.ID, from, to)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		lane := li
		if t == domain.CryingLog {
			lane = 3
		}
		for _, e := range list {
			end := now
			if e.EndedAt != nil {
				end = *e.EndedAt
			}
			key := "logpage.what_" + string(t)
			if t == domain.TouchLog {
				key = "touch." + e.Kind
			}
			it := item{start: e.StartedAt, end: end, lane: lane, what: entryWhat(v, e), who: mn.who(v, e.CaregiverID),
				class: mn.class(e.CaregiverID), running: e.Running(), totalKey: key}
			if v.CanWrite() {
				it.edit = "/babies/" + bd.Baby.ID + "/entries/" + string(t) + "/" + e.ID
			}
			items = append(items, it)
		}
	}
	sessions, _, err := s.Store.Sessions(r.Context(), id.Family.ID, bd.Baby.ID, store.Page{From: from.Add(-domain.MaxSpan), To: to, Limit: store.MaxLimit})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, x := range sessions {
		if !x.EndedAt.After(from) {
			continue
		}
		it := item{start: x.StartedAt, end: x.EndedAt, lane: 2, what: v.T("day.massage"), who: mn.who(v, x.CaregiverID),
			class: mn.class(x.CaregiverID), totalKey: "day.massage"}
		if v.CanWrite() {
			it.edit = "/babies/" + bd.Baby.ID + "/sessions/" + x.ID + "/edit"
		}
		items = append(items, it)
	}
	slices.SortStableFunc(items, func(a, b item) int { return a.start.Compare(b.start) })
	for _, it := range items {
		a, b := it.start, it.end
		if a.Before(from) {
			a = from
		}
		if b.After(to) {
			b = to
		}
		if b.Before(a) {
			b = a
		}
		add(it.totalKey, b.Sub(a))
		if it.lane == 0 {
			add("day.total_touch", b.Sub(a))
		}
		y0 := dayHeadH + a.Sub(from).Hours()*dayHourH
		h := b.Sub(a).Hours() * dayHourH
		if h < 3 {
			h = 3 // a very short entry stays visible
		}
		x := dayLabelW + float64(it.lane)*(dayLaneW+dayLaneGap)
		// A bar begun the day before says its day: "yesterday, 23:10–00:40".
		startText := v.Clock(it.start.In(loc))
		if domain.DateOf(it.start, loc) != date {
			startText = v.At(it.start)
		}
		timeText := startText + "–"
		if it.running {
			timeText += v.T("day.now")
		} else {
			timeText += v.Clock(it.end.In(loc))
		}
		d.Bars = append(d.Bars, dayBar{X: x + 4, Y: y0, W: dayLaneW - 8, H: h, Class: it.class,
			Title: it.what + " · " + it.who + " · " + timeText})
		d.Rows = append(d.Rows, dayRow{Time: timeText, What: it.what, Who: it.who, Duration: fmtMinutes(it.end.Sub(it.start)),
			Class: it.class, Running: it.running, EditURL: it.edit})
	}
	for _, k := range order {
		if k == "day.total_touch" {
			continue
		}
		d.Totals = append(d.Totals, dayTotal{What: v.T(k), Value: fmtMinutes(totals[k])})
	}
	if t, ok := totals["day.total_touch"]; ok {
		d.Totals = append(d.Totals, dayTotal{What: v.T("day.total_touch"), Value: fmtMinutes(t)})
	}
	v.Data = d
	v.Title = v.T("day.title_for", "Name", bd.Baby.Name, "Date", d.Heading)
	s.render(w, r, status, "day", v)
}

// ---------------------------------------------------------------------
// The crying companion

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
	_, err := s.Store.PutEntry(r.Context(), e)
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
			err = s.Store.UpdateEntry(r.Context(), e)
			var o *domain.Overlap
			if errors.As(err, &o) {
				err = nil
				fe.Add("overlap", "")
				v.Alert(api.OverlapText(v.Printer, id.Family, o, s.Now()))
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
