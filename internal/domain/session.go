package domain

import (
	"time"
)

// Outcome is how a massage session ended. A baby who declined is a good
// outcome too: the parent listened.
type Outcome string

// Session outcomes.
const (
	Completed    Outcome = "completed"
	BabyDeclined Outcome = "baby_declined"
	StoppedEarly Outcome = "stopped_early"
)

// Outcomes lists every outcome.
var Outcomes = []Outcome{Completed, BabyDeclined, StoppedEarly}

// Response is the baby's answer to one step.
type Response string

// Step responses.
const (
	Engaged    Response = "engaged"
	Neutral    Response = "neutral"
	Disengaged Response = "disengaged"
	Skipped    Response = "skipped"
)

// Responses lists every response.
var Responses = []Response{Engaged, Neutral, Disengaged, Skipped}

// SessionStep is one stroke of a session and how the baby took it.
type SessionStep struct {
	StrokeID string
	Response Response
}

// Session is a massage session as stored.
type Session struct {
	ID                 string
	FamilyID           string
	BabyID             string
	CaregiverID        string
	RoutineID          string
	StartedAt, EndedAt time.Time
	Outcome            Outcome
	Steps              []SessionStep
	ParentCalmBefore   *int
	ParentCalmAfter    *int
	FellAsleepAfterMin *int
	Notes              string
	CreatedAt          time.Time
	UpdatedAt          time.Time
	// Readiness is the verdict of the readiness check that preceded the
	// session (go, wait, not_today, seek_help), or ReadinessNone for a
	// session recorded after the fact; ReadinessCheckID names that check.
	Readiness        string
	ReadinessCheckID string
}

// TodayRoutineID marks a session that followed today's routine, the one
// built from what the baby enjoyed lately rather than a library routine.
const TodayRoutineID = "today"

// ReadinessNone marks a session recorded without a readiness check.
const ReadinessNone = "none"

// ReadinessCheck is one stored readiness answer. The baby's latest answer,
// whoever gave it, decides whether a session may start: until Until a go
// answer plans the session and any other answer holds it back.
type ReadinessCheck struct {
	ID        string
	FamilyID  string
	BabyID    string
	UserID    string
	CheckedAt time.Time
	Verdict   string
	// Adjust are the adjustment codes the session plan applies.
	Adjust []string
	State  string
	Until  time.Time
}

// Go tells whether the answer lets a session start.
func (c ReadinessCheck) Go() bool { return c.Verdict == "go" }

// CheckValidFor is how long a go answer stands: a parent who just checked
// is not asked twice, and an answer from an hour ago no longer describes
// the baby.
const CheckValidFor = 30 * time.Minute

// CheckStandsUntil is when an answer stops deciding. A go answer stands
// for CheckValidFor. Wait stands until its retry time (CheckValidFor when
// it has none). Not today and seek help stand until their retry time or
// else the end of the family's day: answering again is what lifts them,
// not the clock running on for half an hour.
func CheckStandsUntil(verdict string, checkedAt time.Time, retryAt *time.Time, loc *time.Location) time.Time {
	switch {
	case verdict == "go":
		return checkedAt.Add(CheckValidFor)
	case retryAt != nil && retryAt.After(checkedAt):
		return *retryAt
	case verdict == "wait":
		return checkedAt.Add(CheckValidFor)
	}
	y, m, d := checkedAt.In(loc).Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, loc)
}

// Span limits shared by every timed entry.
const (
	MaxSpan    = 24 * time.Hour
	ClockSkew  = 2 * time.Minute // a phone's clock may run a little ahead
	MaxSteps   = 200
	MaxAsleepM = 240
)

// ValidateSpan checks a start and end: not in the future, end not before
// start, at most 24 hours.
func ValidateSpan(fe FieldErrors, start, end, now time.Time) {
	if start.IsZero() {
		fe.Add("started_at", "error.required")
	}
	if end.IsZero() {
		fe.Add("ended_at", "error.required")
	}
	if start.IsZero() || end.IsZero() {
		return
	}
	limit := now.Add(ClockSkew)
	if start.After(limit) {
		fe.Add("started_at", "error.future")
	}
	if end.After(limit) {
		fe.Add("ended_at", "error.future")
	}
	if end.Before(start) {
		fe.Add("ended_at", "error.end_before_start")
	} else if end.Sub(start) > MaxSpan {
		fe.Add("ended_at", "error.span_too_long")
	}
	if start.Year() < 2000 {
		fe.Add("started_at", "error.too_old")
	}
}

// ValidateScale checks an optional 1..5 answer.
func ValidateScale(fe FieldErrors, field string, v *int) {
	if v != nil && (*v < 1 || *v > 5) {
		fe.Add(field, "error.scale")
	}
}

// ValidateNotes trims notes and checks their length and characters.
func ValidateNotes(fe FieldErrors, notes *string) {
	var k string
	if *notes, k = CleanNotes(*notes, MaxNotesLen); k != "" {
		fe.Add("notes", k)
	}
}

// Validate checks a session. knownStroke and knownRoutine say what the
// library holds; now is the server clock.
func (s *Session) Validate(now time.Time, knownStroke, knownRoutine func(string) bool) FieldErrors {
	fe := FieldErrors{}
	ValidateSpan(fe, s.StartedAt, s.EndedAt, now)
	if !oneOf(s.Outcome, Outcomes) {
		fe.Add("outcome", "error.choice")
	}
	if s.RoutineID != "" && s.RoutineID != TodayRoutineID && !knownRoutine(s.RoutineID) {
		fe.Add("routine_id", "error.unknown_routine")
	}
	if len(s.Steps) > MaxSteps {
		fe.Add("steps", "error.too_many")
	}
	for _, st := range s.Steps {
		if !knownStroke(st.StrokeID) {
			fe.Add("steps", "error.unknown_stroke")
		}
		if !oneOf(st.Response, Responses) {
			fe.Add("steps", "error.response")
		}
	}
	ValidateScale(fe, "parent_calm_before", s.ParentCalmBefore)
	ValidateScale(fe, "parent_calm_after", s.ParentCalmAfter)
	if v := s.FellAsleepAfterMin; v != nil && (*v < 0 || *v > MaxAsleepM) {
		fe.Add("fell_asleep_after_min", "error.asleep_minutes")
	}
	ValidateNotes(fe, &s.Notes)
	return fe
}

func oneOf[T comparable](v T, list []T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
