// Package wire is the JSON shape of the records API v1 answers with, kept
// in one place so that a webhook's payload is exactly what a GET of the
// same record returns.
package wire

import (
	"time"

	"nurture/internal/domain"
)

// Time writes a time as the API does: RFC 3339, UTC, to the second.
func Time(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// Entry is a touch, sleep or crying entry.
type Entry struct {
	Type         domain.EntryType `json:"type"`
	ID           string           `json:"id"`
	BabyID       string           `json:"baby_id"`
	CaregiverID  string           `json:"caregiver_id"`
	Kind         string           `json:"kind,omitempty"`
	StartedAt    string           `json:"started_at"`
	EndedAt      *string          `json:"ended_at"`
	Notes        string           `json:"notes"`
	Held         *bool            `json:"held,omitempty"`
	NeedsChecked []string         `json:"needs_checked,omitempty"`
	SoothedBy    []string         `json:"soothed_by,omitempty"`
	ParentStress *int             `json:"parent_stress,omitempty"`
	CreatedAt    string           `json:"created_at"`
	UpdatedAt    string           `json:"updated_at"`
}

// FromEntry is e as the API writes it.
func FromEntry(e domain.Entry) Entry {
	out := Entry{Type: e.Type, ID: e.ID, BabyID: e.BabyID, CaregiverID: e.CaregiverID, Kind: e.Kind, StartedAt: Time(e.StartedAt),
		Notes: e.Notes, CreatedAt: Time(e.CreatedAt), UpdatedAt: Time(e.UpdatedAt)}
	if e.EndedAt != nil {
		s := Time(*e.EndedAt)
		out.EndedAt = &s
	}
	if e.Type == domain.CryingLog {
		held := e.Held
		out.Held, out.ParentStress = &held, e.ParentStress
		out.NeedsChecked, out.SoothedBy = NonNil(e.NeedsChecked), NonNil(e.SoothedBy)
	}
	return out
}

// NonNil writes an empty list as [] rather than null.
func NonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Step is one stroke of a session and how the baby took it.
type Step struct {
	StrokeID string          `json:"stroke_id"`
	Response domain.Response `json:"response"`
}

// Session is a massage session.
type Session struct {
	ID                 string         `json:"id"`
	BabyID             string         `json:"baby_id"`
	RoutineID          string         `json:"routine_id"`
	StartedAt          string         `json:"started_at"`
	EndedAt            string         `json:"ended_at"`
	CaregiverID        string         `json:"caregiver_id"`
	Outcome            domain.Outcome `json:"outcome"`
	Steps              []Step         `json:"steps"`
	ParentCalmBefore   *int           `json:"parent_calm_before"`
	ParentCalmAfter    *int           `json:"parent_calm_after"`
	FellAsleepAfterMin *int           `json:"fell_asleep_after_min"`
	Notes              string         `json:"notes"`
	CreatedAt          string         `json:"created_at"`
	UpdatedAt          string         `json:"updated_at"`
	// Readiness is the verdict of the readiness check before the session,
	// "none" when it was recorded after the fact.
	Readiness        string `json:"readiness"`
	ReadinessCheckID string `json:"readiness_check_id"`
}

// FromSession is s as the API writes it.
func FromSession(s domain.Session) Session {
	out := Session{ID: s.ID, BabyID: s.BabyID, RoutineID: s.RoutineID, StartedAt: Time(s.StartedAt), EndedAt: Time(s.EndedAt),
		CaregiverID: s.CaregiverID, Outcome: s.Outcome, Steps: make([]Step, len(s.Steps)), ParentCalmBefore: s.ParentCalmBefore,
		ParentCalmAfter: s.ParentCalmAfter, FellAsleepAfterMin: s.FellAsleepAfterMin, Notes: s.Notes,
		CreatedAt: Time(s.CreatedAt), UpdatedAt: Time(s.UpdatedAt), Readiness: s.Readiness, ReadinessCheckID: s.ReadinessCheckID}
	if out.Readiness == "" {
		out.Readiness = domain.ReadinessNone
	}
	for i, st := range s.Steps {
		out.Steps[i] = Step{st.StrokeID, st.Response}
	}
	return out
}
