package domain

import "time"

// EntryType names the three logs of timed entries.
type EntryType string

// The logs.
const (
	TouchLog  EntryType = "touch"
	SleepLog  EntryType = "sleep"
	CryingLog EntryType = "crying"
)

// Touch kinds: the ways of nurturing through touch besides massage.
var TouchKinds = []string{"skin_to_skin", "breastfeeding", "bottle_in_arms", "carrying", "babywearing", "holding", "cuddle"}

// Needs a parent checks when the baby cries (DOMAIN.md §6).
var CryNeeds = []string{"hungry", "tired", "temperature", "nappy", "wants_holding", "wind", "unwell"}

// Soothers are what may have helped a crying baby.
var Soothers = []string{"skin_to_skin", "holding", "walking", "rocking", "shushing", "white_noise", "feeding", "babywearing", "singing", "other"}

// Entry is a timed entry of one of the logs. EndedAt is nil while its
// timer runs. Kind is the touch kind (empty for sleep and crying); the Cry
// fields are used by crying episodes only.
type Entry struct {
	Type        EntryType
	ID          string
	FamilyID    string
	BabyID      string
	CaregiverID string
	Kind        string
	StartedAt   time.Time
	EndedAt     *time.Time
	Notes       string
	CreatedAt   time.Time
	UpdatedAt   time.Time

	Held         bool
	NeedsChecked []string
	SoothedBy    []string
	ParentStress *int
}

// Running reports whether the entry's timer is still going.
func (e Entry) Running() bool { return e.EndedAt == nil }

// Duration is the length of a finished entry, or up to now for a running one.
func (e Entry) Duration(now time.Time) time.Duration {
	if e.EndedAt != nil {
		return e.EndedAt.Sub(e.StartedAt)
	}
	return now.Sub(e.StartedAt)
}

// Validate checks an entry: its kind and lists, its span (or, for a
// running timer, a start that is not in the future nor over 24 hours ago).
func (e *Entry) Validate(now time.Time) FieldErrors {
	fe := FieldErrors{}
	switch e.Type {
	case TouchLog:
		if !oneOf(e.Kind, TouchKinds) {
			fe.Add("kind", "error.choice")
		}
	case CryingLog:
		for _, n := range e.NeedsChecked {
			if !oneOf(n, CryNeeds) {
				fe.Add("needs_checked", "error.choice")
			}
		}
		for _, s := range e.SoothedBy {
			if !oneOf(s, Soothers) {
				fe.Add("soothed_by", "error.choice")
			}
		}
		e.NeedsChecked, e.SoothedBy = dedupe(e.NeedsChecked), dedupe(e.SoothedBy)
		ValidateScale(fe, "parent_stress", e.ParentStress)
	}
	if e.EndedAt != nil {
		ValidateSpan(fe, e.StartedAt, *e.EndedAt, now)
	} else {
		switch {
		case e.StartedAt.IsZero():
			fe.Add("started_at", "error.required")
		case e.StartedAt.After(now.Add(ClockSkew)):
			fe.Add("started_at", "error.future")
		case now.Sub(e.StartedAt) > MaxSpan:
			fe.Add("started_at", "error.span_too_long")
		}
	}
	ValidateNotes(fe, &e.Notes)
	return fe
}

func dedupe(list []string) []string {
	seen := map[string]bool{}
	out := list[:0:0]
	for _, v := range list {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// Overlap says which stored entry a new one would overlap.
type Overlap struct {
	Entry Entry
}

func (o *Overlap) Error() string { return "overlaps entry " + o.Entry.ID }
