package routine

import (
	"slices"

	"nurture/internal/content"
	"nurture/internal/readiness"
)

// Rules are what a session plan must respect for one baby at one moment:
// the baby's cautious age (the younger of chronological and corrected age)
// and the adjustments of the readiness answer that preceded it. The server
// applies them to every plan, whichever page or client asks for it.
type Rules struct {
	// AgeDays is the cautious age in days.
	AgeDays int
	// BeforeDue: a preterm baby before its due date gets still touch only.
	BeforeDue bool
	// Adjust are readiness adjustment codes (readiness.Code...).
	Adjust []string
}

// Session length limits that protect the baby.
const (
	// NewbornMaxSeconds: under 6 weeks a session lasts 5 to 10 minutes
	// (DOMAIN.md §4).
	NewbornMaxSeconds = 10 * 60
	newbornDays       = 6 * 7
	// DrowsyMaxSeconds: a drowsy or overtired baby gets resting hands or a
	// short bedtime sequence at most.
	DrowsyMaxSeconds = 5 * 60
	// StillHoldSeconds is the length of the still hold that replaces a
	// plan with nothing left before the due date.
	StillHoldSeconds = 3 * 60
)

// touchesLegs are strokes whose body part is not "legs" but that stroke
// or move the thighs and hips: left out while the thigh injection site is
// sore. touchesArms likewise for the upper arms.
var (
	touchesLegs = []string{"knees_to_tummy", "marching", "bottom_relaxer", "integration_sweep", "chest_integration",
		"arm_integration", "touch_relaxation", "follow_the_crawler"}
	touchesArms = []string{"cross_and_open", "integration_sweep", "arm_integration", "touch_relaxation",
		"follow_the_crawler"}
	// drowsyParts are the body parts of the bedtime sequence: slow strokes
	// of the legs, feet and back.
	drowsyParts = []string{content.BodyPartLegs, content.BodyPartFeet, content.BodyPartBack}
)

func (r Rules) has(code string) bool { return slices.Contains(r.Adjust, code) }

// Allows reports whether a stroke may be part of a session under the rules.
func (r Rules) Allows(s Stroke) bool {
	switch {
	case r.BeforeDue:
		return s.Still
	case s.MinAgeWeeks*7 > r.AgeDays:
		return false
	case s.Oil && r.AgeDays < content.OilFreeUnderWeeks*7:
		return false
	case r.has(readiness.CodeStillTouchOnly) && !s.Still:
		return false
	case r.has(readiness.CodeAvoidNavel) && s.BodyPart == content.BodyPartTummy:
		return false
	case r.has(readiness.CodeAvoidInjectionSite) && (s.BodyPart == content.BodyPartLegs || slices.Contains(touchesLegs, s.ID)):
		return false
	case r.has(readiness.CodeAvoidInjectionArm) && (s.BodyPart == content.BodyPartArms || slices.Contains(touchesArms, s.ID)):
		return false
	case r.has(readiness.CodeGentleBedtime):
		return s.Still || s.ID == content.PermissionRitualID || slices.Contains(drowsyParts, s.BodyPart)
	}
	return true
}

// MaxSeconds is the longest session the rules allow, 0 for no limit.
func (r Rules) MaxSeconds() int {
	limit := 0
	if r.AgeDays < newbornDays {
		limit = NewbornMaxSeconds
	}
	if r.has(readiness.CodeGentleBedtime) {
		limit = DrowsyMaxSeconds
	}
	return limit
}

// Plan applies the rules to a routine's steps: strokes the rules refuse
// are left out, repeated resting hands that end up side by side are
// merged, and a session longer than the rules allow is cut short, keeping
// its closing resting hands. Before the due date a plan with no still
// step left becomes one still hold. byID holds the library's strokes; a
// step whose stroke is unknown is left out.
func Plan(byID map[string]Stroke, steps []content.Step, r Rules) []content.Step {
	out := []content.Step{}
	for _, st := range steps {
		s, ok := byID[st.StrokeID]
		if !ok || !r.Allows(s) {
			continue
		}
		if n := len(out); n > 0 && out[n-1].StrokeID == st.StrokeID && s.Still {
			continue
		}
		out = append(out, st)
	}
	if r.BeforeDue && len(out) == 0 {
		if _, ok := byID[content.ContainmentHoldingID]; ok {
			out = append(out, content.Step{StrokeID: content.ContainmentHoldingID, Seconds: StillHoldSeconds})
		}
	}
	if limit := r.MaxSeconds(); limit > 0 && total(out) > limit {
		out = cut(out, limit)
	}
	return out
}

// cut keeps the first steps that fit in limit seconds, with the closing
// resting hands (if the plan ends with them) still at the end.
func cut(steps []content.Step, limit int) []content.Step {
	var closing *content.Step
	if n := len(steps); n > 1 && steps[n-1].StrokeID == content.RestingHandsID {
		c := steps[n-1]
		closing, steps, limit = &c, steps[:n-1], limit-c.Seconds
	}
	out := []content.Step{}
	used := 0
	for _, st := range steps {
		if used+st.Seconds > limit {
			break
		}
		out = append(out, st)
		used += st.Seconds
	}
	if closing != nil && (len(out) == 0 || out[len(out)-1].StrokeID != closing.StrokeID) {
		out = append(out, *closing)
	}
	return out
}

// ByID indexes strokes by id.
func ByID(strokes []Stroke) map[string]Stroke {
	m := make(map[string]Stroke, len(strokes))
	for _, s := range strokes {
		m[s.ID] = s
	}
	return m
}
