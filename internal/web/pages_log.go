package web

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"nurture/internal/domain"
	"nurture/internal/route"
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
	// Kept and tagged as the home page is: by reader, family version and
	// minute (a running timer's bar grows by the minute).
	mux.HandleFunc("GET /babies/{id}/day", s.cachedPage(s.member(s.dayPage)))
	// The crying companion is open to viewers too — a grandparent holding a
	// crying baby needs the calm words and the numbers — but only writers
	// start and save an episode.
	mux.HandleFunc("GET /crying", s.member(s.cryingPick))
	mux.HandleFunc("GET /babies/{id}/crying", s.member(s.cryingPage))
	mux.HandleFunc("POST /babies/{id}/crying/start", s.writer(s.cryingStart))
	mux.HandleFunc("POST /babies/{id}/crying/end", s.writer(s.cryingEnd))
	mux.HandleFunc("GET /babies/{id}/crying/{eid}/done", s.member(s.cryingDone))
}

// caregiverColours is how many colour classes (cg0…) log.css defines; the
// palette is chosen to read on both the day and the night backgrounds.
const caregiverColours = 6

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

// lang is the user's language, as newView chooses it.
func (s *Server) lang(r *http.Request, id domain.Identity) string {
	return s.Catalog.Match(id.User.Locale, r.Header.Get("Accept-Language"))
}
