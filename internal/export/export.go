// Package export turns a family's data into the versioned JSON document
// (and CSV files) a family takes away, and reads such a document back,
// checking every record before anything is stored.
package export

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"time"

	"github.com/google/uuid"

	"nurture/internal/calendar"
	"nurture/internal/domain"
	"nurture/internal/store"
)

// Format and Version name the document; a reader refuses others.
const (
	Format  = "nurture-export"
	Version = 1
)

// Document is the export file. Times are RFC 3339 in UTC.
type Document struct {
	Format     string    `json:"format"`
	Version    int       `json:"version"`
	ExportedAt string    `json:"exported_at"`
	Family     Family    `json:"family"`
	Members    []Member  `json:"members"`
	Babies     []Baby    `json:"babies"`
	Sessions   []Session `json:"sessions"`
	Touch      []Entry   `json:"touch"`
	Sleep      []Entry   `json:"sleep"`
	Crying     []Entry   `json:"crying"`
	Moments    []Moment  `json:"moments"`
}

// Moment is a chosen massage moment, shared in the calendar feed.
type Moment struct {
	ID          string   `json:"id"`
	BabyID      string   `json:"baby_id"`
	Label       string   `json:"label"`
	Weekdays    []string `json:"weekdays"` // MO, TU, … SU
	TimeOfDay   string   `json:"time_of_day"`
	DurationMin int      `json:"duration_min"`
	CreatedBy   string   `json:"created_by"`
	CreatedAt   string   `json:"created_at"`
}

// Family holds the family's settings.
type Family struct {
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	Timezone     string   `json:"timezone"`
	Languages    []string `json:"languages"`
	FeedWaitMin  int      `json:"feed_wait_min"`
	TempUnit     string   `json:"temp_unit"`
	UrgentNumber string   `json:"urgent_number"`
	SupportLines string   `json:"support_lines"`
	CreatedAt    string   `json:"created_at"`
}

// Member is a caregiver, without any password or token.
type Member struct {
	UserID   string          `json:"user_id"`
	Email    string          `json:"email"`
	Name     string          `json:"name"`
	Locale   string          `json:"locale"`
	Role     domain.Role     `json:"role"`
	Relation domain.Relation `json:"relation"`
	JoinedAt string          `json:"joined_at"`
}

// Baby is a child of the family.
type Baby struct {
	ID             string  `json:"id"`
	Name           string  `json:"name"`
	BirthDate      string  `json:"birth_date"`
	GestationWeeks int     `json:"gestation_weeks"`
	ArchivedAt     *string `json:"archived_at"`
	CreatedAt      string  `json:"created_at"`
}

// Step is one stroke of a session.
type Step struct {
	StrokeID string          `json:"stroke_id"`
	Response domain.Response `json:"response"`
}

// Session is a massage session.
type Session struct {
	ID                 string         `json:"id"`
	BabyID             string         `json:"baby_id"`
	CaregiverID        string         `json:"caregiver_id"`
	RoutineID          string         `json:"routine_id"`
	StartedAt          string         `json:"started_at"`
	EndedAt            string         `json:"ended_at"`
	Outcome            domain.Outcome `json:"outcome"`
	Steps              []Step         `json:"steps"`
	ParentCalmBefore   *int           `json:"parent_calm_before"`
	ParentCalmAfter    *int           `json:"parent_calm_after"`
	FellAsleepAfterMin *int           `json:"fell_asleep_after_min"`
	Notes              string         `json:"notes"`
	CreatedAt          string         `json:"created_at"`
	UpdatedAt          string         `json:"updated_at"`
	// Readiness is the verdict of the readiness answer before the session
	// ("none" after the fact); absent in exports made before it existed.
	Readiness string `json:"readiness,omitempty"`
}

// readinessVerdicts are the values a session's readiness may take.
var readinessVerdicts = []string{"go", "wait", "not_today", "seek_help", domain.ReadinessNone}

// Entry is a touch, sleep or crying entry; the crying fields are only
// present on crying episodes.
type Entry struct {
	ID           string   `json:"id"`
	BabyID       string   `json:"baby_id"`
	CaregiverID  string   `json:"caregiver_id"`
	Kind         string   `json:"kind,omitempty"`
	StartedAt    string   `json:"started_at"`
	EndedAt      *string  `json:"ended_at"`
	Notes        string   `json:"notes"`
	Held         *bool    `json:"held,omitempty"`
	NeedsChecked []string `json:"needs_checked,omitempty"`
	SoothedBy    []string `json:"soothed_by,omitempty"`
	ParentStress *int     `json:"parent_stress,omitempty"`
	CreatedAt    string   `json:"created_at"`
	UpdatedAt    string   `json:"updated_at"`
}

func ts(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func tsp(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := ts(*t)
	return &s
}

// Build makes the document of a snapshot.
func Build(snap store.Snapshot, now time.Time) Document {
	f := snap.Family
	d := Document{Format: Format, Version: Version, ExportedAt: ts(now),
		Family: Family{ID: f.ID, Name: f.Name, Timezone: f.Timezone, Languages: nonNil(f.Languages), FeedWaitMin: f.FeedWaitMin,
			TempUnit: f.TempUnit, UrgentNumber: f.UrgentNumber, SupportLines: f.SupportLines, CreatedAt: ts(f.CreatedAt)},
		Members: []Member{}, Babies: []Baby{}, Sessions: []Session{}, Touch: []Entry{}, Sleep: []Entry{}, Crying: []Entry{}, Moments: []Moment{}}
	for _, m := range snap.Members {
		d.Members = append(d.Members, Member{UserID: m.UserID, Email: m.Email, Name: m.Name, Locale: m.Locale, Role: m.Role, Relation: m.Relation, JoinedAt: ts(m.JoinedAt)})
	}
	for _, b := range snap.Babies {
		d.Babies = append(d.Babies, Baby{ID: b.ID, Name: b.Name, BirthDate: b.BirthDate, GestationWeeks: b.GestationWeeks, ArchivedAt: tsp(b.ArchivedAt), CreatedAt: ts(b.CreatedAt)})
	}
	for _, s := range snap.Sessions {
		x := Session{ID: s.ID, BabyID: s.BabyID, CaregiverID: s.CaregiverID, RoutineID: s.RoutineID, StartedAt: ts(s.StartedAt), EndedAt: ts(s.EndedAt),
			Outcome: s.Outcome, Steps: []Step{}, ParentCalmBefore: s.ParentCalmBefore, ParentCalmAfter: s.ParentCalmAfter,
			FellAsleepAfterMin: s.FellAsleepAfterMin, Notes: s.Notes, CreatedAt: ts(s.CreatedAt), UpdatedAt: ts(s.UpdatedAt),
			Readiness: s.Readiness}
		if x.Readiness == "" {
			x.Readiness = domain.ReadinessNone
		}
		for _, st := range s.Steps {
			x.Steps = append(x.Steps, Step{st.StrokeID, st.Response})
		}
		d.Sessions = append(d.Sessions, x)
	}
	for _, e := range snap.Entries {
		x := Entry{ID: e.ID, BabyID: e.BabyID, CaregiverID: e.CaregiverID, Kind: e.Kind, StartedAt: ts(e.StartedAt), EndedAt: tsp(e.EndedAt),
			Notes: e.Notes, CreatedAt: ts(e.CreatedAt), UpdatedAt: ts(e.UpdatedAt)}
		switch e.Type {
		case domain.TouchLog:
			d.Touch = append(d.Touch, x)
		case domain.SleepLog:
			d.Sleep = append(d.Sleep, x)
		case domain.CryingLog:
			held := e.Held
			x.Held, x.NeedsChecked, x.SoothedBy, x.ParentStress = &held, nonNil(e.NeedsChecked), nonNil(e.SoothedBy), e.ParentStress
			d.Crying = append(d.Crying, x)
		}
	}
	for _, m := range snap.Moments {
		x := Moment{ID: m.ID, BabyID: m.BabyID, Label: m.Label, Weekdays: []string{}, TimeOfDay: m.TimeOfDay, DurationMin: m.DurationMin,
			CreatedBy: m.CreatedBy, CreatedAt: ts(m.CreatedAt)}
		for _, d := range m.Weekdays {
			x.Weekdays = append(x.Weekdays, store.DayCode(d))
		}
		d.Moments = append(d.Moments, x)
	}
	return d
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Write encodes the document, indented so a person can read it.
func Write(w io.Writer, d Document) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(d)
}

// Problem is the first thing wrong with a file, with where it is.
type Problem struct {
	Where string // e.g. "touch[3].started_at"
	What  string // a message key of the i18n catalog, or plain text
}

func (p *Problem) Error() string { return p.Where + ": " + p.What }

// Checks are what a document is checked against.
type Checks struct {
	KnownStroke, KnownRoutine func(id string) bool
	Locales                   []string // languages the app supports
	Now                       time.Time
}

// Read decodes a document and checks it whole; the error is a *Problem
// naming the first problem found.
func Read(r io.Reader, ck Checks) (Document, store.Snapshot, error) {
	var d Document
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return d, store.Snapshot{}, err // the caller answers 413
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return d, store.Snapshot{}, &Problem{te.Field, "error.type"}
		}
		return d, store.Snapshot{}, &Problem{"file", "export.error.json"}
	}
	if d.Format != Format {
		return d, store.Snapshot{}, &Problem{"format", "export.error.format"}
	}
	if d.Version != Version {
		return d, store.Snapshot{}, &Problem{"version", "export.error.version"}
	}
	snap, err := d.snapshot(ck)
	return d, snap, err
}

// checker collects the first problem while converting.
type checker struct{ p *Problem }

func (c *checker) fail(where, what string) {
	if c.p == nil {
		c.p = &Problem{where, what}
	}
}

func (c *checker) time(where, v string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		c.fail(where, "error.time")
	}
	return t.UTC()
}

func (c *checker) timep(where string, v *string) *time.Time {
	if v == nil {
		return nil
	}
	t := c.time(where, *v)
	return &t
}

func (c *checker) id(where, v string) {
	if _, err := uuid.Parse(v); err != nil {
		c.fail(where, "error.uuid")
	}
}

func (c *checker) fields(where string, fe domain.FieldErrors) {
	// Report in a stable order: the first field alphabetically.
	first := ""
	for f := range fe {
		if first == "" || f < first {
			first = f
		}
	}
	if first != "" {
		c.fail(where+"."+first, fe[first])
	}
}

func (d Document) snapshot(ck Checks) (store.Snapshot, error) {
	c := &checker{}
	now := ck.Now
	f := d.Family
	snap := store.Snapshot{Family: domain.Family{ID: f.ID, Name: f.Name, Timezone: f.Timezone, Languages: f.Languages, FeedWaitMin: f.FeedWaitMin,
		TempUnit: f.TempUnit, UrgentNumber: f.UrgentNumber, SupportLines: f.SupportLines, CreatedAt: c.time("family.created_at", f.CreatedAt)}}
	c.id("family.id", f.ID)
	fs := domain.FamilySettings{Name: f.Name, Timezone: f.Timezone, Languages: f.Languages, FeedWaitMin: f.FeedWaitMin, TempUnit: f.TempUnit,
		UrgentNumber: f.UrgentNumber, SupportLines: f.SupportLines}
	c.fields("family", fs.Validate(ck.Locales))
	for i, m := range d.Members {
		w := fmt.Sprintf("members[%d]", i)
		c.id(w+".user_id", m.UserID)
		if !m.Role.Valid() {
			c.fail(w+".role", "error.choice")
		}
		if !m.Relation.Valid() {
			c.fail(w+".relation", "error.choice")
		}
		if _, k := domain.CleanText(m.Name, domain.MaxNameLen); k != "" {
			c.fail(w+".name", k)
		}
		if domain.NormalizeEmail(m.Email) != m.Email || m.Email == "" {
			c.fail(w+".email", "error.email")
		}
		snap.Members = append(snap.Members, domain.Member{UserID: m.UserID, FamilyID: f.ID, Name: m.Name, Email: m.Email, Locale: m.Locale,
			Role: m.Role, Relation: m.Relation, JoinedAt: c.time(w+".joined_at", m.JoinedAt)})
	}
	babies := map[string]bool{}
	for i, b := range d.Babies {
		w := fmt.Sprintf("babies[%d]", i)
		c.id(w+".id", b.ID)
		in := domain.BabyInput{Name: b.Name, BirthDate: b.BirthDate, GestationWeeks: b.GestationWeeks}
		c.fields(w, in.Validate(now.Format(time.DateOnly)))
		if babies[b.ID] {
			c.fail(w+".id", "export.error.duplicate")
		}
		babies[b.ID] = true
		snap.Babies = append(snap.Babies, domain.Baby{ID: b.ID, FamilyID: f.ID, Name: in.Name, BirthDate: b.BirthDate, GestationWeeks: b.GestationWeeks,
			ArchivedAt: c.timep(w+".archived_at", b.ArchivedAt), CreatedAt: c.time(w+".created_at", b.CreatedAt)})
	}
	for i, s := range d.Sessions {
		w := fmt.Sprintf("sessions[%d]", i)
		c.id(w+".id", s.ID)
		if !babies[s.BabyID] {
			c.fail(w+".baby_id", "export.error.unknown_baby")
		}
		x := domain.Session{ID: s.ID, FamilyID: f.ID, BabyID: s.BabyID, CaregiverID: s.CaregiverID, RoutineID: s.RoutineID,
			StartedAt: c.time(w+".started_at", s.StartedAt), EndedAt: c.time(w+".ended_at", s.EndedAt), Outcome: s.Outcome,
			ParentCalmBefore: s.ParentCalmBefore, ParentCalmAfter: s.ParentCalmAfter, FellAsleepAfterMin: s.FellAsleepAfterMin, Notes: s.Notes,
			CreatedAt: c.time(w+".created_at", s.CreatedAt), UpdatedAt: c.time(w+".updated_at", s.UpdatedAt), Readiness: s.Readiness}
		if x.Readiness == "" {
			x.Readiness = domain.ReadinessNone
		} else if !slices.Contains(readinessVerdicts, x.Readiness) {
			c.fail(w+".readiness", "export.error.readiness")
		}
		for _, st := range s.Steps {
			x.Steps = append(x.Steps, domain.SessionStep{StrokeID: st.StrokeID, Response: st.Response})
		}
		if c.p == nil {
			c.fields(w, x.Validate(now, ck.KnownStroke, ck.KnownRoutine))
		}
		snap.Sessions = append(snap.Sessions, x)
	}
	for _, l := range []struct {
		typ  domain.EntryType
		list []Entry
	}{{domain.TouchLog, d.Touch}, {domain.SleepLog, d.Sleep}, {domain.CryingLog, d.Crying}} {
		for i, e := range l.list {
			w := fmt.Sprintf("%s[%d]", l.typ, i)
			c.id(w+".id", e.ID)
			if !babies[e.BabyID] {
				c.fail(w+".baby_id", "export.error.unknown_baby")
			}
			x := domain.Entry{Type: l.typ, ID: e.ID, FamilyID: f.ID, BabyID: e.BabyID, CaregiverID: e.CaregiverID, Kind: e.Kind,
				StartedAt: c.time(w+".started_at", e.StartedAt), EndedAt: c.timep(w+".ended_at", e.EndedAt), Notes: e.Notes,
				NeedsChecked: e.NeedsChecked, SoothedBy: e.SoothedBy, ParentStress: e.ParentStress,
				CreatedAt: c.time(w+".created_at", e.CreatedAt), UpdatedAt: c.time(w+".updated_at", e.UpdatedAt)}
			if e.Held != nil {
				x.Held = *e.Held
			}
			if l.typ != domain.CryingLog && (e.Held != nil || e.NeedsChecked != nil || e.SoothedBy != nil || e.ParentStress != nil) {
				c.fail(w, "error.not_for_log")
			}
			if c.p == nil {
				c.fields(w, x.Validate(now))
			}
			snap.Entries = append(snap.Entries, x)
		}
	}
	for i, m := range d.Moments {
		w := fmt.Sprintf("moments[%d]", i)
		c.id(w+".id", m.ID)
		if !babies[m.BabyID] {
			c.fail(w+".baby_id", "export.error.unknown_baby")
		}
		x := store.Moment{ID: m.ID, FamilyID: f.ID, BabyID: m.BabyID, TimeOfDay: m.TimeOfDay, DurationMin: m.DurationMin,
			CreatedBy: m.CreatedBy, CreatedAt: c.time(w+".created_at", m.CreatedAt)}
		for _, code := range m.Weekdays {
			day, ok := store.ParseDayCode(code)
			if !ok {
				c.fail(w+".weekdays", "reminders.error.days")
			}
			x.Weekdays = append(x.Weekdays, day)
		}
		var fe domain.FieldErrors
		x.Label, fe = calendar.ValidateMoment(m.Label, x.Weekdays, m.TimeOfDay, m.DurationMin)
		c.fields(w, fe)
		snap.Moments = append(snap.Moments, x)
	}
	if c.p != nil {
		return snap, c.p
	}
	return snap, nil
}
