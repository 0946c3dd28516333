package web

import (
	"bytes"
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"nurture/internal/auth"
	"nurture/internal/calendar"
	"nurture/internal/domain"
	"nurture/internal/route"
	"nurture/internal/store"
)

// maxMomentsPerBaby keeps a baby's calendar readable.
const maxMomentsPerBaby = 20

// reminderRoutes registers the massage moments of each baby, the
// caregiver's calendar link, and the calendar feed itself, which needs no
// login: its unguessable URL is the key.
func (s *Server) reminderRoutes(mux *route.Mux) {
	mux.HandleFunc("GET /babies/{id}/reminders", s.member(s.reminders))
	mux.HandleFunc("POST /babies/{id}/reminders", s.writer(s.addMoment))
	mux.HandleFunc("POST /babies/{id}/reminders/{moment}/delete", s.writer(s.deleteMoment))

	mux.HandleFunc("GET /account/calendar", s.member(s.calendarLink))
	mux.HandleFunc("POST /account/calendar", s.member(s.newCalendarLink))
	mux.HandleFunc("POST /account/calendar/off", s.member(s.calendarLinkOff))

	mux.HandleFunc("GET /cal/{file}", s.calendarFeed)
}

// weekday is a day as the form offers it, Monday first.
type weekday struct {
	Day  time.Weekday
	Code string // RFC 5545, the form value
	Key  string // message id of its short name
}

var weekdays = []weekday{
	{time.Monday, "MO", "reminders.day.mo"},
	{time.Tuesday, "TU", "reminders.day.tu"},
	{time.Wednesday, "WE", "reminders.day.we"},
	{time.Thursday, "TH", "reminders.day.th"},
	{time.Friday, "FR", "reminders.day.fr"},
	{time.Saturday, "SA", "reminders.day.sa"},
	{time.Sunday, "SU", "reminders.day.su"},
}

// reminderFlashes are the confirmations the reminder pages show after a
// redirect, by ?msg= value.
var reminderFlashes = map[string]string{
	"moment_added":   "reminders.flash.added",
	"moment_deleted": "reminders.flash.deleted",
	"calendar_off":   "reminders.cal.flash_off",
}

func (s *Server) reminderView(r *http.Request, title string, data any) *view {
	v := s.newView(r, title, data)
	if k, ok := reminderFlashes[r.URL.Query().Get("msg")]; ok {
		v.Flash = v.T(k)
	}
	return v
}

type momentRow struct {
	store.Moment
	Days string
}

type remindersData struct {
	Baby     domain.Baby
	Moments  []momentRow
	Weekdays []weekday
	Checked  map[string]bool
	Zone     string
}

// daysText says a moment's days in the viewer's language.
func daysText(v *view, days []time.Weekday) string {
	if len(days) == 7 {
		return v.T("reminders.every_day")
	}
	var names []string
	for _, w := range weekdays {
		for _, d := range days {
			if d == w.Day {
				names = append(names, v.T(w.Key))
				break
			}
		}
	}
	return strings.Join(names, ", ")
}

// remindersPage loads the baby (404 for another family's) and its moments.
func (s *Server) remindersPage(r *http.Request, id domain.Identity) (*view, *remindersData, error) {
	b, err := s.Store.Baby(r.Context(), id.Family.ID, r.PathValue("id"))
	if err != nil {
		return nil, nil, err
	}
	ms, err := s.Store.Moments(r.Context(), id.Family.ID, b.ID)
	if err != nil {
		return nil, nil, err
	}
	d := &remindersData{Baby: b, Weekdays: weekdays, Checked: map[string]bool{}, Zone: id.Family.Location().String()}
	v := s.reminderView(r, "reminders.title", d)
	v.Title = v.T("reminders.heading", "Name", b.Name)
	for _, m := range ms {
		d.Moments = append(d.Moments, momentRow{Moment: m, Days: daysText(v, m.Weekdays)})
	}
	return v, d, nil
}

func (s *Server) reminders(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	v, d, err := s.remindersPage(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, wd := range weekdays {
		d.Checked[wd.Code] = true
	}
	v.Form = map[string]string{"duration": strconv.Itoa(calendar.DefaultMomentMinutes)}
	s.render(w, r, http.StatusOK, "reminders", v)
}

// momentForm reads and checks a new moment; field problems are message ids.
func momentForm(r *http.Request) (store.Moment, map[string]string, map[string]bool, domain.FieldErrors) {
	f := formValues(r, "label", "time", "duration")
	var m store.Moment
	checked := map[string]bool{}
	for _, c := range r.PostForm["days"] {
		checked[c] = true
	}
	for _, wd := range weekdays {
		if checked[wd.Code] {
			m.Weekdays = append(m.Weekdays, wd.Day)
		}
	}
	m.TimeOfDay = strings.TrimSpace(f["time"])
	m.DurationMin = calendar.DefaultMomentMinutes
	badNumber := false
	if ds := strings.TrimSpace(f["duration"]); ds != "" {
		n, err := strconv.Atoi(ds)
		badNumber = err != nil
		m.DurationMin = n
	}
	var fe domain.FieldErrors
	m.Label, fe = calendar.ValidateMoment(f["label"], m.Weekdays, m.TimeOfDay, m.DurationMin)
	if len(m.Weekdays) != len(checked) {
		fe.Add("days", "reminders.error.days") // an unknown day code
	}
	if badNumber {
		fe.Add("duration", "reminders.error.duration")
	}
	return m, f, checked, fe
}

func (s *Server) addMoment(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, err)
		return
	}
	v, d, err := s.remindersPage(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	m, f, checked, fe := momentForm(r)
	if fe.OK() && len(d.Moments) >= maxMomentsPerBaby {
		v.Alert(v.T("reminders.error.too_many"))
		fe.Add("form", "reminders.error.too_many")
	}
	if !fe.OK() {
		v.Errors, v.Form, d.Checked = fe, f, checked
		s.render(w, r, http.StatusUnprocessableEntity, "reminders", v)
		return
	}
	m.ID, m.FamilyID, m.BabyID, m.CreatedBy, m.CreatedAt = uuid.NewString(), id.Family.ID, d.Baby.ID, id.User.ID, s.Now().UTC()
	if err := s.Store.CreateMoment(r.Context(), m); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/babies/"+d.Baby.ID+"/reminders?msg=moment_added", http.StatusSeeOther)
}

func (s *Server) deleteMoment(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	bid := r.PathValue("id")
	if err := s.Store.DeleteMoment(r.Context(), id.Family.ID, bid, r.PathValue("moment")); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/babies/"+bid+"/reminders?msg=moment_deleted", http.StatusSeeOther)
}

type calendarData struct {
	Has       bool
	CreatedAt time.Time
	Moments   int
	// URL and Webcal are set only right after the link is made: the
	// secret is stored hashed and cannot be shown again.
	URL    string
	Webcal template.URL
}

func (s *Server) calendarView(r *http.Request, id domain.Identity, d *calendarData) (*view, error) {
	at, err := s.Store.CalendarFeed(r.Context(), id.User.ID)
	switch {
	case err == nil:
		d.Has, d.CreatedAt = true, at
	case !errors.Is(err, store.ErrNotFound):
		return nil, err
	}
	ms, err := s.Store.FamilyMoments(r.Context(), id.Family.ID)
	if err != nil {
		return nil, err
	}
	d.Moments = len(ms)
	return s.reminderView(r, "reminders.cal.title", d), nil
}

func (s *Server) calendarLink(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	v, err := s.calendarView(r, id, &calendarData{})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "reminders_calendar", v)
}

// newCalendarLink makes the user's calendar link, or replaces it: the old
// URL stops working at once.
func (s *Server) newCalendarLink(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	secret, hash := auth.NewSecret()
	if err := s.Store.SetCalendarFeed(r.Context(), id.User.ID, hash, s.Now().UTC()); err != nil {
		s.fail(w, r, err)
		return
	}
	u := s.Base.URL(r, "/cal/"+secret+".ics")
	d := &calendarData{URL: u, Webcal: template.URL("webcal" + u[strings.Index(u, "://"):])}
	v, err := s.calendarView(r, id, d)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "reminders_calendar", v)
}

func (s *Server) calendarLinkOff(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	if err := s.Store.DeleteCalendarFeed(r.Context(), id.User.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/account/calendar?msg=calendar_off", http.StatusSeeOther)
}

// calendarFeed serves /cal/{secret}.ics to calendar apps, in the language
// of the link's owner. An unknown or replaced secret is a plain 404.
func (s *Server) calendarFeed(w http.ResponseWriter, r *http.Request) {
	secret, ok := strings.CutSuffix(r.PathValue("file"), ".ics")
	if !ok || secret == "" || len(secret) > 128 {
		http.NotFound(w, r)
		return
	}
	u, fam, err := s.Store.CalendarFeedOwner(r.Context(), auth.HashSecret(secret))
	if errors.Is(err, store.ErrNotFound) {
		http.NotFound(w, r)
		return
	} else if err != nil {
		s.Log.Error("calendar feed", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	ms, err := s.Store.FamilyMoments(r.Context(), fam.ID)
	if err != nil {
		s.Log.Error("calendar feed", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	p := s.Catalog.For(s.Catalog.Match(u.Locale, strings.Join(fam.Languages, ",")))
	feed := calendar.Feed{Name: p.T("reminders.ics.name"), Timezone: fam.Location().String(), Stamp: s.Now().UTC()}
	for _, m := range ms {
		summary := p.T("reminders.ics.summary", "Name", m.BabyName, "Label", m.Label)
		feed.Events = append(feed.Events, calendar.Event{
			UID: m.ID + "@nurture", Summary: summary, Alarm: summary,
			Description: p.T("reminders.ics.description", "Name", m.BabyName),
			Weekdays:    m.Weekdays, TimeOfDay: m.TimeOfDay,
			Duration: time.Duration(m.DurationMin) * time.Minute, From: m.CreatedAt,
		})
	}
	var buf bytes.Buffer
	if err := calendar.Write(&buf, feed); err != nil {
		s.Log.Error("calendar feed", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/calendar; charset=utf-8")
	h.Set("Content-Disposition", `inline; filename="nurture.ics"`)
	// Calendars poll; a reset must take effect on their next visit.
	h.Set("Cache-Control", "private, no-cache")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Robots-Tag", "noindex")
	w.Write(buf.Bytes())
}
