// Package insights turns a baby's recorded history into what the family
// can learn from it: which strokes the baby enjoys or says no to, the best
// moments for a session, everyone's part, and trends over days and weeks.
//
// It is pure: plain functions over slices of domain values, with the
// clock, the time zone and the library lookups passed in. The structs are
// shaped for JSON so the API can return them as they are.
package insights

import (
	"cmp"
	"math"
	"slices"

	"nurture/internal/domain"
)

// Rules of the summaries. A share over a handful of answers says little,
// so strokes are ranked by the lower bound of the 95 % Wilson interval of
// their engaged share: 3 of 3 does not beat 40 of 45 by luck.
const (
	// MinResponses is how many answers a stroke or body part needs before
	// it is called enjoyed or left out.
	MinResponses = 3
	// LeaveOutShare is the disengaged share from which a stroke is left out
	// for now.
	LeaveOutShare = 0.5
	// EnjoyShare is the engaged share from which a stroke is enjoyed.
	EnjoyShare = 0.5
	// wilsonZ is the normal quantile of a two-sided 95 % interval.
	wilsonZ = 1.959963984540054
)

// Wilson returns the lower bound of the 95 % Wilson score interval of
// successes out of n; 0 when n is 0.
func Wilson(successes, n int) float64 {
	if n <= 0 {
		return 0
	}
	p := float64(successes) / float64(n)
	fn := float64(n)
	z2 := wilsonZ * wilsonZ
	centre := p + z2/(2*fn)
	margin := wilsonZ * math.Sqrt(p*(1-p)/fn+z2/(4*fn*fn))
	return math.Max(0, (centre-margin)/(1+z2/fn))
}

// Tally counts a stroke's (or body part's) answers; skipped steps are not
// answers and are left out.
type Tally struct {
	Responses       int     `json:"responses"`
	Engaged         int     `json:"engaged"`
	Neutral         int     `json:"neutral"`
	Disengaged      int     `json:"disengaged"`
	EngagedShare    float64 `json:"engaged_share"`
	DisengagedShare float64 `json:"disengaged_share"`
	// EngagedLower is the Wilson 95 % lower bound of the engaged share,
	// the ranking key of "what this baby enjoys".
	EngagedLower float64 `json:"engaged_lower"`
	Enjoyed      bool    `json:"enjoyed"`
	LeaveOut     bool    `json:"leave_out"`
}

func (t *Tally) add(r domain.Response) {
	switch r {
	case domain.Engaged:
		t.Engaged++
	case domain.Neutral:
		t.Neutral++
	case domain.Disengaged:
		t.Disengaged++
	default:
		return
	}
	t.Responses++
}

func (t *Tally) merge(o Tally) {
	t.Engaged += o.Engaged
	t.Neutral += o.Neutral
	t.Disengaged += o.Disengaged
	t.Responses += o.Responses
}

// settle fills the shares and the two verdicts from the counts.
func (t *Tally) settle() {
	t.EngagedShare, t.DisengagedShare, t.EngagedLower = 0, 0, 0
	if t.Responses > 0 {
		n := float64(t.Responses)
		t.EngagedShare = float64(t.Engaged) / n
		t.DisengagedShare = float64(t.Disengaged) / n
		t.EngagedLower = Wilson(t.Engaged, t.Responses)
	}
	t.LeaveOut = LeavesOut(t.Disengaged, t.Responses)
	t.Enjoyed = !t.LeaveOut && t.Responses >= MinResponses && float64(t.Engaged) >= EnjoyShare*float64(t.Responses)
}

// LeavesOut is the "leave out for now" rule: at least MinResponses
// answers, and at least half of them the baby saying no.
func LeavesOut(disengaged, responses int) bool {
	return responses >= MinResponses && float64(disengaged) >= LeaveOutShare*float64(responses)
}

// StrokeStat is how the baby answered one stroke.
type StrokeStat struct {
	StrokeID string `json:"stroke_id"`
	BodyPart string `json:"body_part"`
	Tally
}

// BodyPartStat is how the baby answered the strokes of one body part. A
// part is enjoyed or left out as a whole only when the baby answered at
// least MinPartStrokes of its strokes: one disliked leg stroke says little
// about legs.
type BodyPartStat struct {
	BodyPart string `json:"body_part"`
	Strokes  int    `json:"strokes"` // strokes of the part with answers
	Tally
}

// MinPartStrokes is how many of a part's strokes need answers before the
// part is judged as a whole.
const MinPartStrokes = 2

// StrokeStats counts the answers per stroke over the sessions, ranked as
// "what this baby enjoys": by the Wilson lower bound, then by the number
// of answers, then by id. bodyPartOf may be nil.
func StrokeStats(sessions []domain.Session, bodyPartOf func(string) string) []StrokeStat {
	idx := map[string]int{}
	var out []StrokeStat
	for _, s := range sessions {
		for _, st := range s.Steps {
			if st.Response != domain.Engaged && st.Response != domain.Neutral && st.Response != domain.Disengaged {
				continue
			}
			i, ok := idx[st.StrokeID]
			if !ok {
				i = len(out)
				idx[st.StrokeID] = i
				part := ""
				if bodyPartOf != nil {
					part = bodyPartOf(st.StrokeID)
				}
				out = append(out, StrokeStat{StrokeID: st.StrokeID, BodyPart: part})
			}
			out[i].add(st.Response)
		}
	}
	for i := range out {
		out[i].settle()
	}
	slices.SortFunc(out, func(a, b StrokeStat) int {
		return cmp.Or(cmp.Compare(b.EngagedLower, a.EngagedLower), cmp.Compare(b.Responses, a.Responses), cmp.Compare(a.StrokeID, b.StrokeID))
	})
	return nonNil(out)
}

// Favorites are the enjoyed strokes in ranking order.
func Favorites(stats []StrokeStat) []StrokeStat {
	out := []StrokeStat{}
	for _, s := range stats {
		if s.Enjoyed {
			out = append(out, s)
		}
	}
	slices.SortStableFunc(out, func(a, b StrokeStat) int {
		return cmp.Or(cmp.Compare(b.EngagedLower, a.EngagedLower), cmp.Compare(b.Responses, a.Responses), cmp.Compare(a.StrokeID, b.StrokeID))
	})
	return out
}

// LeaveOut are the strokes to leave out for now, the clearest no first.
func LeaveOut(stats []StrokeStat) []StrokeStat {
	out := []StrokeStat{}
	for _, s := range stats {
		if s.LeaveOut {
			out = append(out, s)
		}
	}
	slices.SortStableFunc(out, func(a, b StrokeStat) int {
		return cmp.Or(cmp.Compare(b.DisengagedShare, a.DisengagedShare), cmp.Compare(b.Responses, a.Responses), cmp.Compare(a.StrokeID, b.StrokeID))
	})
	return out
}

// BodyPartStats sums the stroke answers per body part, in the given class
// order; parts not in order follow, sorted. Strokes of no known part are
// left out.
func BodyPartStats(stats []StrokeStat, order []string) []BodyPartStat {
	byPart := map[string]*BodyPartStat{}
	for _, s := range stats {
		if s.BodyPart == "" {
			continue
		}
		b := byPart[s.BodyPart]
		if b == nil {
			b = &BodyPartStat{BodyPart: s.BodyPart}
			byPart[s.BodyPart] = b
		}
		b.merge(s.Tally)
		b.Strokes++
	}
	out := make([]BodyPartStat, 0, len(byPart))
	for _, b := range byPart {
		b.settle()
		if b.Strokes < MinPartStrokes {
			b.Enjoyed, b.LeaveOut = false, false
		}
		out = append(out, *b)
	}
	rank := func(p string) int {
		if i := slices.Index(order, p); i >= 0 {
			return i
		}
		return len(order)
	}
	slices.SortFunc(out, func(a, b BodyPartStat) int {
		return cmp.Or(cmp.Compare(rank(a.BodyPart), rank(b.BodyPart)), cmp.Compare(a.BodyPart, b.BodyPart))
	})
	return out
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
