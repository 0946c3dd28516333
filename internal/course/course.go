// Package course is the learning path: the five weeks in which infant
// massage classes teach a parent, a body area at a time, fitted to one
// baby (its age, before its due date, the areas it dislikes), and each
// caregiver's progress through them, derived from the sessions they gave.
// It is pure: no storage, no clock.
package course

import (
	"slices"

	"nurture/internal/content"
	"nurture/internal/routine"
)

// DaysToLearn is on how many different days a stroke is practised before
// it counts as learned.
const DaysToLearn = 3

// Week is one week of the course for one baby.
type Week struct {
	Number int
	// Strokes are those to learn now, in teaching order (gentlest first
	// where the baby dislikes the area).
	Strokes []string
	// Waiting are the week's strokes the baby is too young for, for now.
	Waiting []string
}

// Build fits the course's weeks to a baby. Strokes the rules do not allow
// yet wait. Before the due date only still touch is offered, so the first
// week gathers every still stroke and the others hold nothing yet. In a
// week whose area the baby dislikes, asking comes first, then still
// strokes, then the rest.
func Build(weeks []content.CourseWeek, strokes []routine.Stroke, rules routine.Rules, disliked map[string]bool) []Week {
	byID := map[string]routine.Stroke{}
	for _, s := range strokes {
		byID[s.ID] = s
	}
	out := make([]Week, len(weeks))
	for i, cw := range weeks {
		w := Week{Number: cw.Week, Strokes: []string{}, Waiting: []string{}}
		// The strokes named come first (asking permission, resting hands),
		// then the area's, in teaching order.
		var members []routine.Stroke
		for _, id := range cw.Strokes {
			if s, ok := byID[id]; ok {
				members = append(members, s)
			}
		}
		for _, s := range strokes {
			if slices.Contains(cw.BodyParts, s.BodyPart) && !slices.Contains(cw.Strokes, s.ID) {
				members = append(members, s)
			}
		}
		if rules.BeforeDue {
			// Before the due date the first week is the still-touch week.
			members = nil
			if i == 0 {
				for _, s := range strokes {
					if s.Still {
						members = append(members, s)
					}
				}
			}
		}
		gentleFirst := slices.ContainsFunc(cw.BodyParts, func(p string) bool { return disliked[p] })
		if gentleFirst {
			slices.SortStableFunc(members, func(a, b routine.Stroke) int { return gentleness(a) - gentleness(b) })
		}
		for _, s := range members {
			if rules.Allows(s) {
				w.Strokes = append(w.Strokes, s.ID)
			} else {
				w.Waiting = append(w.Waiting, s.ID)
			}
		}
		out[i] = w
	}
	return out
}

// State is what a caregiver chose: whether they started the course, the
// furthest week opened early (0 for none), and a pause.
type State struct {
	Started bool
	Opened  int
	Paused  bool
}

// WeekProgress is a week with how far the caregiver got.
type WeekProgress struct {
	Week
	// Practised is on how many different days each stroke was practised.
	Practised map[string]int
	Open      bool
	Learned   bool
}

// Progress is a caregiver's course with one baby.
type Progress struct {
	// Week is the current week: the last open one.
	Week    int
	Weeks   []WeekProgress
	Started bool
	Paused  bool
	// Done: every week learned.
	Done bool
}

// Follow derives a caregiver's progress from the days each stroke was
// practised (dates, "2006-01-02", sorted; reached in a session, whatever
// the baby's answer): nothing is counted that could drift from the
// sessions. Week 1 is open; the next opens when a week is learned or was
// opened early. A week with nothing the baby may have yet stays closed,
// and so do the ones after it.
//
// A week is learned when, on some day, each of its strokes the baby could
// have that day (allowedOn; nil for every one) had been practised on
// DaysToLearn days. So a stroke the baby grows into later (oil strokes at
// four weeks, sitting strokes at six months) joins its week without
// undoing it.
func Follow(weeks []Week, dates map[string][]string, st State, allowedOn func(strokeID, date string) bool) Progress {
	p := Progress{Started: st.Started, Paused: st.Paused, Done: true}
	prevOpen, prevLearned := true, true
	for i, w := range weeks {
		wp := WeekProgress{Week: w, Practised: map[string]int{}}
		for _, id := range w.Strokes {
			wp.Practised[id] = len(dates[id])
		}
		wp.Learned = learned(w.Strokes, dates, allowedOn)
		wp.Open = len(w.Strokes) > 0 && prevOpen && (i == 0 || prevLearned || st.Opened >= w.Number)
		if wp.Open {
			p.Week = w.Number
		}
		if !wp.Learned {
			p.Done = false
		}
		prevOpen, prevLearned = wp.Open, wp.Learned
		p.Weeks = append(p.Weeks, wp)
	}
	if p.Week == 0 && len(weeks) > 0 {
		p.Week = 1
	}
	return p
}

// learned looks for a day on which every stroke allowed that day had
// been practised on DaysToLearn days up to it.
func learned(strokes []string, dates map[string][]string, allowedOn func(string, string) bool) bool {
	var days []string
	for _, id := range strokes {
		days = append(days, dates[id]...)
	}
	slices.Sort(days)
	days = slices.Compact(days)
	for _, day := range days {
		ok, any := true, false
		for _, id := range strokes {
			if allowedOn != nil && !allowedOn(id, day) {
				continue
			}
			any = true
			n, _ := slices.BinarySearch(dates[id], day)
			if n < len(dates[id]) && dates[id][n] == day {
				n++ // the day itself counts
			}
			if n < DaysToLearn {
				ok = false
				break
			}
		}
		if ok && any {
			return true
		}
	}
	return false
}

// Current is the current week's progress.
func (p Progress) Current() WeekProgress {
	for _, w := range p.Weeks {
		if w.Number == p.Week {
			return w
		}
	}
	return WeekProgress{}
}

// Running tells whether sessions follow the course now: started, not
// paused, not finished. A caregiver who never started it is never led by
// it.
func (p Progress) Running() bool { return p.Started && !p.Paused && !p.Done }

// Strokes are what a session following the course holds: every open
// week's strokes, the learned and the current ones.
func (p Progress) Strokes() []string {
	var out []string
	for _, w := range p.Weeks {
		if w.Open {
			out = append(out, w.Strokes...)
		}
	}
	return out
}

// New lists the current week's strokes not practised yet: the session
// introduces them.
func (p Progress) New() []string {
	var out []string
	cur := p.Current()
	for _, id := range cur.Strokes {
		if cur.Practised[id] == 0 {
			out = append(out, id)
		}
	}
	return out
}

// Learned counts the strokes learned so far, in every week.
func (p Progress) Learned() int {
	n := 0
	for _, w := range p.Weeks {
		for _, id := range w.Strokes {
			if w.Practised[id] >= DaysToLearn {
				n++
			}
		}
	}
	return n
}

// gentleness orders a disliked area's strokes: asking, then still touch,
// then strokes that move.
func gentleness(s routine.Stroke) int {
	switch {
	case s.ID == content.PermissionRitualID:
		return 0
	case s.Still:
		return 1
	}
	return 2
}

// WhyCourse is the reason a stroke of the current week is in today's
// routine; Count is the week.
const WhyCourse = "course_week"

// NewPerSession is how many strokes one session introduces at most, as a
// class meeting does: the rest of the week's come in the next sessions.
const NewPerSession = 4

// Fit makes today's suggestion follow the course: it was built from the
// open weeks' strokes only (Strokes); the current week's strokes already
// met and the next NewPerSession new ones are all in it, after asking
// permission, even where the baby's answers would leave their area out
// (the gentlest come first there); other new ones are left for later
// sessions. To stay near the length asked for, learned strokes make room,
// never the ones still being learned.
func (p Progress) Fit(s routine.Suggestion, byID map[string]routine.Stroke) routine.Suggestion {
	cur := p.Current()
	later := map[string]bool{}
	for i, id := range p.New() {
		if i >= NewPerSession {
			later[id] = true
		}
	}
	var week []string
	for _, id := range cur.Strokes {
		if !later[id] {
			week = append(week, id)
		}
	}
	var kept []content.Step
	for _, st := range s.Steps {
		if !later[st.StrokeID] {
			kept = append(kept, st)
		}
	}
	s.Steps = kept
	why := []routine.Reason{}
	for _, r := range s.Why {
		if !later[r.StrokeID] {
			why = append(why, r)
		}
	}
	s.Why = why
	target := s.Seconds
	have := map[string]bool{}
	for _, st := range s.Steps {
		have[st.StrokeID] = true
	}
	var add []content.Step
	for _, id := range week {
		if !have[id] {
			sec := byID[id].Seconds
			if sec == 0 {
				sec = routine.DefaultSeconds
			}
			add = append(add, content.Step{StrokeID: id, Seconds: sec})
		}
		s.Why = append(s.Why, routine.Reason{Code: WhyCourse, StrokeID: id, Count: cur.Number})
	}
	// The new ones go right after the opening (asking, resting hands).
	at := 0
	for at < len(s.Steps) && (s.Steps[at].StrokeID == content.PermissionRitualID || s.Steps[at].StrokeID == content.RestingHandsID) {
		at++
	}
	steps := slices.Concat(s.Steps[:at], add, s.Steps[at:])
	total := 0
	for _, st := range steps {
		total += st.Seconds
	}
	// Learned strokes give way, latest first, keeping the closing steps.
	for i := len(steps) - 2; i >= at+len(add) && total > target; i-- {
		id := steps[i].StrokeID
		// The week's strokes still being learned stay; learned ones, of this
		// week too, give way.
		if slices.Contains(week, id) && cur.Practised[id] < DaysToLearn || id == content.RestingHandsID {
			continue
		}
		total -= steps[i].Seconds
		steps = slices.Delete(steps, i, i+1)
	}
	s.Steps, s.Seconds = steps, total
	return s
}
