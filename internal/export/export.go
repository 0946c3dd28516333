// Package export turns a family's data into the versioned JSON document
// (and CSV files) a family takes away, and reads such a document back,
// checking every record before anything is stored.
package export

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"time"

	"github.com/google/uuid"

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
	// Voice is the family's recorded prompts, absent in files made before
	// them. Write puts it last, one record at a time.
	Voice []Voice `json:"voice,omitempty"`
}

// Voice is a member's recording of one prompt ("part:legs",
// "stroke:…", "phrase:…"); Audio is base64 in the file.
type Voice struct {
	ID          string `json:"id"`
	Key         string `json:"key"`
	CaregiverID string `json:"caregiver_id"`
	ContentType string `json:"content_type"`
	Chosen      bool   `json:"chosen"`
	RecordedAt  string `json:"recorded_at"`
	Audio       []byte `json:"audio"`
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
	for _, r := range snap.Voice {
		d.Voice = append(d.Voice, voiceOf(r))
	}
	return d
}

func voiceOf(r store.Recording) Voice {
	return Voice{ID: r.ID, Key: r.Key, CaregiverID: r.UserID, ContentType: r.ContentType, Chosen: r.Chosen, RecordedAt: ts(r.RecordedAt), Audio: r.Audio}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// AudioFunc reads one of the family's recordings again, with its audio
// (store.ExportedRecording); store.ErrNotFound when it is gone.
type AudioFunc func(id string) (store.Recording, error)

// Write encodes the document, indented so a person can read it. The
// voice records come last, one at a time: with audio not nil, each is read
// again with its audio just before it is written (one deleted since is
// left out), and its base64 goes straight to w, so that the family's
// megabytes of audio are never all held nor copied; with nil, d.Voice is
// written as it is.
func Write(w io.Writer, d Document, audio AudioFunc) error {
	list := d.Voice
	d.Voice = nil
	head, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return err
	}
	// head ends with "\n}": the voice section goes before the brace.
	bw := bufio.NewWriter(w)
	bw.Write(head[:len(head)-2])
	bw.WriteString(",\n  \"voice\": [")
	n := 0
	for _, v := range list {
		if audio != nil {
			r, err := audio(v.ID)
			if errors.Is(err, store.ErrNotFound) {
				continue
			} else if err != nil {
				return err
			}
			v = voiceOf(r)
		}
		sound := v.Audio
		v.Audio = []byte{}
		b, err := json.MarshalIndent(v, "    ", "  ")
		if err != nil {
			return err
		}
		// Audio is the last field: its empty string is the last "".
		i := bytes.LastIndex(b, []byte(`""`)) + 1
		if n > 0 {
			bw.WriteByte(',')
		}
		n++
		bw.WriteString("\n    ")
		bw.Write(b[:i])
		enc := base64.NewEncoder(base64.StdEncoding, bw)
		enc.Write(sound)
		enc.Close()
		if _, err := bw.Write(b[i:]); err != nil {
			return err
		}
	}
	if n > 0 {
		bw.WriteString("\n  ")
	}
	bw.WriteString("]\n}\n")
	return bw.Flush()
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
	// KnownVoiceKey says whether a recording's key names a prompt the
	// app says (voice.Known over the library).
	KnownVoiceKey func(key string) bool
	Locales       []string // languages the app supports
	Now           time.Time
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
