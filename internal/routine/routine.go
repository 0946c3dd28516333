// Package routine builds today's routine for one baby: strokes allowed at
// the baby's corrected age, for the purpose asked, favouring what the baby
// enjoys and leaving out what it says no to, in the classes' body order,
// fitted to the minutes asked. Every choice comes with a structured reason
// the caller puts into words. The package is pure.
package routine

import (
	"cmp"
	"slices"

	"nurture/internal/content"
	"nurture/internal/insights"
)

// Limits of a request.
const (
	DefaultMinutes = 10
	MinMinutes     = 1
	MaxMinutes     = 60
	// DefaultSeconds is a stroke's length when no library routine uses it.
	DefaultSeconds = 60
	// maxStretch is how much longer than usual a step may be held when the
	// allowed strokes are too few for the minutes asked.
	maxStretch = 3
)

// Stroke is what the suggestion needs to know of a library stroke.
type Stroke struct {
	ID          string
	BodyPart    string
	MinAgeWeeks int
	Purposes    []string
	Still       bool
	Oil         bool
	// Seconds is the stroke's usual length in a routine.
	Seconds int
}

// FromLibrary lists the library's strokes in class order, each with the
// median of its lengths across the library's routines (DefaultSeconds
// when none uses it).
func FromLibrary(l *content.Library) []Stroke {
	lengths := map[string][]int{}
	for _, r := range l.Routines() {
		for _, st := range r.Steps {
			lengths[st.StrokeID] = append(lengths[st.StrokeID], st.Seconds)
		}
	}
	var out []Stroke
	for _, s := range l.Strokes(content.AllStrokes) {
		out = append(out, Stroke{ID: s.ID, BodyPart: s.BodyPart, MinAgeWeeks: s.MinAgeWeeks, Purposes: s.Purposes,
			Still: s.Still, Oil: s.Oil, Seconds: medianSeconds(lengths[s.ID])})
	}
	return out
}

func medianSeconds(v []int) int {
	if len(v) == 0 {
		return DefaultSeconds
	}
	s := slices.Clone(v)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return roundTo5((s[n/2-1] + s[n/2]) / 2)
}

func roundTo5(v int) int { return max(5, (v+2)/5*5) }

// Request is what the family asks for.
type Request struct {
	// AgeWeeks is the cautious age (the younger of chronological and
	// corrected age) in whole weeks, negative before the due date.
	AgeWeeks int
	// Purpose is one of the content purposes, or "" for any.
	Purpose string
	// Minutes asked, MinMinutes to MaxMinutes; 0 means DefaultMinutes.
	Minutes int
	// Stats are the baby's answers per stroke (insights.StrokeStats);
	// BodyParts per body part, computed from Stats when nil.
	Stats     []insights.StrokeStat
	BodyParts []insights.BodyPartStat
}

// Suggestion is today's routine, as GET /routine-suggestion returns it
// (the API turns Why into sentences).
type Suggestion struct {
	Minutes int            `json:"minutes"`
	Seconds int            `json:"seconds"`
	Steps   []content.Step `json:"steps"`
	Why     []Reason       `json:"why"`
}

// Reason says why a stroke is in or out; Count and Of are the answers
// behind it ("enjoyed Count of Of times").
type Reason struct {
	Code     string `json:"code"`
	StrokeID string `json:"stroke_id,omitempty"`
	BodyPart string `json:"body_part,omitempty"`
	Purpose  string `json:"purpose,omitempty"`
	Count    int    `json:"count,omitempty"`
	Of       int    `json:"of,omitempty"`
}

// Reason codes.
const (
	WhyPermission    = "permission_first"   // opens with permission and resting hands
	WhyPreterm       = "preterm"            // before the due date: still holding only
	WhyNoOil         = "no_oil_yet"         // under OilFreeUnderWeeks: oil-free strokes only
	WhyNotYet        = "not_yet"            // Count strokes wait until the baby is older
	WhyEnjoyed       = "enjoyed"            // stroke enjoyed Count of Of times
	WhyEnjoyedPart   = "enjoyed_body_part"  // body part enjoyed Count of Of times
	WhyLeftOut       = "left_out"           // stroke left out: no Count of Of times
	WhyLeftOutPart   = "left_out_body_part" // body part left out: no Count of Of times
	WhyPurpose       = "purpose"            // stroke chosen for Purpose
	WhyNew           = "new_to_try"         // stroke not tried enough yet
	WhyWholeBody     = "whole_body"         // stroke keeps the routine whole-body
	WhyClassOrder    = "class_order"        // steps in the classes' body order
	WhyRestingHandsE = "resting_hands_end"  // ends with resting hands
)

// related purposes are a second choice when the purpose's own strokes run
// out: a sleepy routine is a relaxing one too.
var related = map[string][]string{
	content.PurposeSleep:         {content.PurposeRelaxation},
	content.PurposeRelaxation:    {content.PurposeSleep, content.PurposeBonding},
	content.PurposeBonding:       {content.PurposeRelaxation},
	content.PurposeWindColic:     {content.PurposeConstipation},
	content.PurposeConstipation:  {content.PurposeWindColic},
	content.PurposePlay:          {content.PurposeBodyAwareness},
	content.PurposeBodyAwareness: {content.PurposePlay},
}

// Scores of a candidate stroke; every pick from a body part makes its next
// stroke less attractive, so the routine covers the body.
const (
	scorePurpose    = 4
	scoreRelated    = 1.5
	scoreEnjoyed    = 2
	scoreEnjoyedBP  = 1
	scoreNew        = 0.75
	penaltySamePart = 1.25
	// The purpose's own strokes may share a body part: a sleepy routine
	// is mostly back strokes.
	penaltyPurpose = 0.5
)

type candidate struct {
	Stroke
	index   int // class order
	score   float64
	purpose bool // one of the purposes asked
}

// Suggest builds the routine. strokes are in class order (FromLibrary).
// The result depends only on its inputs.
func Suggest(strokes []Stroke, req Request) Suggestion {
	minutes := req.Minutes
	if minutes == 0 {
		minutes = DefaultMinutes
	}
	minutes = min(max(minutes, MinMinutes), MaxMinutes)
	target := minutes * 60
	out := Suggestion{Minutes: minutes, Steps: []content.Step{}, Why: []Reason{}}
	byID := map[string]Stroke{}
	for _, s := range strokes {
		byID[s.ID] = s
	}

	if req.AgeWeeks < 0 {
		// Before the due date only still containment holding, and no
		// permission ritual: the parent's voice is the cue.
		if _, ok := byID[content.ContainmentHoldingID]; ok {
			out.Steps = append(out.Steps, content.Step{StrokeID: content.ContainmentHoldingID, Seconds: target})
		}
		out.Why = append(out.Why, Reason{Code: WhyPreterm, StrokeID: content.ContainmentHoldingID})
		out.Seconds = total(out.Steps)
		return out
	}

	stats := map[string]insights.StrokeStat{}
	for _, s := range req.Stats {
		stats[s.StrokeID] = s
	}
	parts := req.BodyParts
	if parts == nil {
		parts = insights.BodyPartStats(req.Stats, nil)
	}
	partStats := map[string]insights.BodyPartStat{}
	for _, p := range parts {
		partStats[p.BodyPart] = p
	}

	// The opening is always there: ask, then rest the hands.
	opening := []content.Step{}
	for _, id := range []string{content.PermissionRitualID, content.RestingHandsID} {
		if s, ok := byID[id]; ok {
			opening = append(opening, content.Step{StrokeID: id, Seconds: s.Seconds})
		}
	}
	out.Why = append(out.Why, Reason{Code: WhyPermission, StrokeID: content.PermissionRitualID})

	// Which strokes may be used at this age, and which the baby says no to.
	var cands []candidate
	notYet, leftOutParts := 0, []string{}
	noOil := req.AgeWeeks < content.OilFreeUnderWeeks
	var leftOut []Reason
	for i, s := range strokes {
		switch s.ID {
		case content.PermissionRitualID, content.RestingHandsID, content.ContainmentHoldingID:
			continue
		}
		if s.MinAgeWeeks > req.AgeWeeks || (noOil && s.Oil) {
			notYet++
			continue
		}
		if p, ok := partStats[s.BodyPart]; ok && p.LeaveOut {
			if !slices.Contains(leftOutParts, s.BodyPart) {
				leftOutParts = append(leftOutParts, s.BodyPart)
				leftOut = append(leftOut, Reason{Code: WhyLeftOutPart, BodyPart: s.BodyPart, Count: p.Disengaged, Of: p.Responses})
			}
			continue
		}
		st, seen := stats[s.ID]
		if seen && st.LeaveOut {
			leftOut = append(leftOut, Reason{Code: WhyLeftOut, StrokeID: s.ID, BodyPart: s.BodyPart, Count: st.Disengaged, Of: st.Responses})
			continue
		}
		cands = append(cands, candidate{Stroke: s, index: i, score: score(s, req.Purpose, st, partStats[s.BodyPart]),
			purpose: req.Purpose != "" && slices.Contains(s.Purposes, req.Purpose)})
	}
	if noOil {
		out.Why = append(out.Why, Reason{Code: WhyNoOil, Count: content.OilFreeUnderWeeks})
	}
	if notYet > 0 {
		out.Why = append(out.Why, Reason{Code: WhyNotYet, Count: notYet})
	}
	out.Why = append(out.Why, leftOut...)

	// Close with resting hands when there is room for a stroke besides.
	var closing []content.Step
	if s, ok := byID[content.RestingHandsID]; ok && target-total(opening) >= 2*s.Seconds {
		closing = []content.Step{{StrokeID: s.ID, Seconds: s.Seconds}}
	}
	budget := target - total(opening) - total(closing)
	chosen := pick(cands, budget)
	stretch(chosen, budget)
	order(chosen)

	out.Steps = append(out.Steps, opening...)
	for _, c := range chosen {
		out.Steps = append(out.Steps, content.Step{StrokeID: c.ID, Seconds: c.Seconds})
	}
	out.Steps = append(out.Steps, closing...)
	out.Seconds = total(out.Steps)
	out.Why = append(out.Why, reasons(chosen, req.Purpose, stats, partStats)...)
	if len(chosen) > 1 {
		out.Why = append(out.Why, Reason{Code: WhyClassOrder})
	}
	if len(closing) > 0 {
		out.Why = append(out.Why, Reason{Code: WhyRestingHandsE, StrokeID: content.RestingHandsID})
	}
	return out
}

func score(s Stroke, purpose string, st insights.StrokeStat, part insights.BodyPartStat) float64 {
	v := 0.0
	if purpose != "" {
		if slices.Contains(s.Purposes, purpose) {
			v += scorePurpose
		} else if slices.ContainsFunc(related[purpose], func(p string) bool { return slices.Contains(s.Purposes, p) }) {
			v += scoreRelated
		}
	}
	switch {
	case st.Enjoyed:
		v += scoreEnjoyed + 2*st.EngagedLower
	case st.Responses < insights.MinResponses:
		v += scoreNew
	default:
		v += st.EngagedLower
	}
	if part.Enjoyed {
		v += scoreEnjoyedBP
	}
	return v
}

// pick takes the most attractive stroke until the budget is spent; the
// last one may run over by at most its own length.
func pick(cands []candidate, budget int) []candidate {
	var chosen []candidate
	perPart := map[string]int{}
	left := slices.Clone(cands)
	for used := 0; used < budget && len(left) > 0; {
		best := 0
		for i := 1; i < len(left); i++ {
			if effective(left[i], perPart) > effective(left[best], perPart) {
				best = i // ties keep the earlier stroke in class order
			}
		}
		c := left[best]
		left = slices.Delete(left, best, best+1)
		chosen = append(chosen, c)
		perPart[c.BodyPart]++
		used += c.Seconds
	}
	return chosen
}

func effective(c candidate, perPart map[string]int) float64 {
	if c.purpose {
		return c.score - penaltyPurpose*float64(perPart[c.BodyPart])
	}
	return c.score - penaltySamePart*float64(perPart[c.BodyPart])
}

// stretch holds each step longer, up to maxStretch times, when the allowed
// strokes are too few for the minutes asked.
func stretch(chosen []candidate, budget int) {
	sum := 0
	for _, c := range chosen {
		sum += c.Seconds
	}
	if sum == 0 || sum >= budget {
		return
	}
	f := min(float64(budget)/float64(sum), maxStretch)
	for i := range chosen {
		chosen[i].Seconds = roundTo5(int(float64(chosen[i].Seconds)*f + 0.5))
	}
}

// order puts the strokes in class order, the tummy strokes clockwise.
func order(chosen []candidate) {
	slices.SortFunc(chosen, func(a, b candidate) int { return cmp.Compare(a.index, b.index) })
	tummy := content.TummyOrder()
	var at []int
	for i, c := range chosen {
		if slices.Contains(tummy, c.ID) {
			at = append(at, i)
		}
	}
	ts := make([]candidate, len(at))
	for k, i := range at {
		ts[k] = chosen[i]
	}
	slices.SortStableFunc(ts, func(a, b candidate) int {
		return cmp.Compare(slices.Index(tummy, a.ID), slices.Index(tummy, b.ID))
	})
	for k, i := range at {
		chosen[i] = ts[k]
	}
}

// reasons gives one reason per chosen stroke, or per body part when the
// part as a whole is what the baby enjoys.
func reasons(chosen []candidate, purpose string, stats map[string]insights.StrokeStat, parts map[string]insights.BodyPartStat) []Reason {
	var out []Reason
	partSaid := map[string]bool{}
	for _, c := range chosen {
		st := stats[c.ID]
		p := parts[c.BodyPart]
		switch {
		case st.Enjoyed:
			out = append(out, Reason{Code: WhyEnjoyed, StrokeID: c.ID, BodyPart: c.BodyPart, Count: st.Engaged, Of: st.Responses})
		case p.Enjoyed:
			if !partSaid[c.BodyPart] {
				partSaid[c.BodyPart] = true
				out = append(out, Reason{Code: WhyEnjoyedPart, BodyPart: c.BodyPart, Count: p.Engaged, Of: p.Responses})
			}
		case purpose != "" && slices.Contains(c.Purposes, purpose):
			out = append(out, Reason{Code: WhyPurpose, StrokeID: c.ID, BodyPart: c.BodyPart, Purpose: purpose})
		case st.Responses < insights.MinResponses:
			out = append(out, Reason{Code: WhyNew, StrokeID: c.ID, BodyPart: c.BodyPart, Count: st.Responses})
		default:
			out = append(out, Reason{Code: WhyWholeBody, StrokeID: c.ID, BodyPart: c.BodyPart})
		}
	}
	return out
}

func total(steps []content.Step) int {
	n := 0
	for _, s := range steps {
		n += s.Seconds
	}
	return n
}
