package app

import (
	"context"
	"slices"
	"strings"

	"nurture/internal/content"
	"nurture/internal/course"
	"nurture/internal/domain"
	"nurture/internal/i18n"
	"nurture/internal/insights"
	"nurture/internal/routine"
)

// SuggestionDays is how far back today's routine looks: a baby's likes
// change quickly in the first months.
const SuggestionDays = 28

// Suggestion is today's routine for a baby, with the ages it was built for.
type Suggestion struct {
	routine.Suggestion
	Purpose           string
	CorrectedAgeWeeks int
	// AgeWeeks is the cautious age the strokes were chosen for.
	AgeWeeks int
	// CourseWeek is the week of the caregiver's course the routine
	// follows (0 when none runs), and New the strokes it introduces.
	CourseWeek int
	New        []string
}

// Suggest builds today's routine for a baby from the last weeks of its
// sessions: what it enjoyed, what it turned away from, its age. When the
// caregiver's course runs, it holds the open weeks' strokes only and
// every stroke of the current week (course.Progress.Fit).
func (c *Cases) Suggest(ctx context.Context, f domain.Family, baby domain.Baby, caregiverID string, minutes int, purpose string) (Suggestion, error) {
	loc, now := f.Location(), c.Now()
	sessions, err := c.recentSessions(ctx, f, baby)
	if err != nil {
		return Suggestion{}, err
	}
	bodyPartOf, _ := c.libraryLookups()
	stats := insights.StrokeStats(sessions, bodyPartOf)
	// Strokes are chosen for the cautious age (the younger of the two).
	weeks := floorDiv(baby.CautiousAgeDays(now, loc), 7)
	req := routine.Request{
		AgeWeeks: weeks, Purpose: purpose, Minutes: minutes,
		Stats: stats, BodyParts: insights.BodyPartStats(stats, c.Library.BodyParts()),
	}
	out := Suggestion{Purpose: purpose, AgeWeeks: weeks, CorrectedAgeWeeks: floorDiv(baby.CorrectedAgeDays(now, loc), 7)}
	// Most caregivers never start the course: one read says so, and only
	// a course under way is fitted, from the sessions already read.
	if caregiverID != "" {
		st, err := c.Store.CourseState(ctx, f.ID, baby.ID, caregiverID)
		if err != nil {
			return out, err
		}
		if st.Started && !st.Paused {
			p, err := c.progress(ctx, f, baby, caregiverID, c.courseWeeks(f, baby, sessions))
			if err != nil {
				return out, err
			}
			if p.Running() {
				out.Suggestion = p.Fit(routine.Suggest(courseStrokes(c.strokeList, p), req), c.strokes)
				out.CourseWeek = p.Week
				for _, id := range p.New() {
					if slices.ContainsFunc(out.Steps, func(st content.Step) bool { return st.StrokeID == id }) {
						out.New = append(out.New, id)
					}
				}
				return out, nil
			}
		}
	}
	out.Suggestion = routine.Suggest(c.strokeList, req)
	return out, nil
}

// floorDiv rounds toward minus infinity: three days before the due date is
// week -1, not week 0.
func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

var purposeKeys = map[string]string{
	content.PurposeBonding: "library.purpose.bonding", content.PurposeRelaxation: "library.purpose.relaxation",
	content.PurposeSleep: "library.purpose.sleep", content.PurposeWindColic: "library.purpose.wind_colic",
	content.PurposeConstipation: "library.purpose.constipation", content.PurposeBodyAwareness: "library.purpose.body_awareness",
	content.PurposePlay: "library.purpose.play",
}

// WhyText says a reason of the suggestion as a sentence in p's language.
func (c *Cases) WhyText(p *i18n.Printer, why routine.Reason) string {
	stroke, _ := c.Library.StrokeText(why.StrokeID, p.Lang)
	part, _ := c.Library.BodyPartText(why.BodyPart, p.Lang)
	args := []any{"Stroke", stroke.Name, "Part", part.Name, "Count", why.Count, "Of", why.Of}
	// "enjoyed 3 of 5 times": the plural follows the whole, Done is the part.
	of := []any{"Stroke", stroke.Name, "Part", part.Name, "Done", why.Count}
	switch why.Code {
	case routine.WhyPermission:
		return p.T("insights.why.permission_first")
	case routine.WhyPreterm:
		return p.T("insights.why.preterm")
	case routine.WhyNoOil:
		return p.N("insights.why.no_oil_yet", why.Count)
	case routine.WhyNotYet:
		return p.N("insights.why.not_yet", why.Count)
	case routine.WhyEnjoyed:
		return p.N("insights.why.enjoyed", why.Of, of...)
	case routine.WhyEnjoyedPart:
		return p.N("insights.why.enjoyed_body_part", why.Of, of...)
	case routine.WhyLeftOut:
		return p.N("insights.why.left_out", why.Of, of...)
	case routine.WhyLeftOutPart:
		return p.N("insights.why.left_out_body_part", why.Of, of...)
	case routine.WhyPurpose:
		return p.T("insights.why.purpose", "Stroke", stroke.Name, "Purpose", strings.ToLower(p.T(purposeKeys[why.Purpose])))
	case routine.WhyNew:
		return p.T("insights.why.new_to_try", args...)
	case routine.WhyWholeBody:
		return p.T("insights.why.whole_body", args...)
	case routine.WhyClassOrder:
		return p.T("insights.why.class_order")
	case routine.WhyRestingHandsE:
		return p.T("insights.why.resting_hands_end")
	case course.WhyCourse:
		return p.T("insights.why.course_week", "Stroke", stroke.Name, "Week", why.Count)
	}
	return why.Code
}
