package app

import (
	"context"
	"errors"
	"slices"
	"time"

	"nurture/internal/course"
	"nurture/internal/domain"
	"nurture/internal/insights"
	"nurture/internal/routine"
	"nurture/internal/store"
)

// Errors of the course use cases.
var (
	// ErrNotMember: the caregiver named is not in the family.
	ErrNotMember = errors.New("app: not a member of this family")
	// ErrNotYours: only the caregiver themself or an owner changes a
	// caregiver's course.
	ErrNotYours = errors.New("app: only this caregiver or an owner may change this course")
)

// Course is a caregiver's learning path with a baby: the five weeks fitted
// to the baby now (its cautious age, the due date, the areas it turned
// away from lately) and the progress derived from the caregiver's own
// sessions.
func (c *Cases) Course(ctx context.Context, f domain.Family, baby domain.Baby, caregiverID string) (course.Progress, error) {
	all, err := c.Courses(ctx, f, baby, []string{caregiverID})
	return all[caregiverID], err
}

// Courses are several caregivers' courses with a baby, the weeks fitted
// once for all of them (the family's side-by-side view).
func (c *Cases) Courses(ctx context.Context, f domain.Family, baby domain.Baby, caregiverIDs []string) (map[string]course.Progress, error) {
	ms, err := c.Store.Members(ctx, f.ID)
	if err != nil {
		return nil, err
	}
	for _, id := range caregiverIDs {
		if !slices.ContainsFunc(ms, func(m domain.Member) bool { return m.UserID == id }) {
			return nil, ErrNotMember
		}
	}
	sessions, err := c.recentSessions(ctx, f, baby)
	if err != nil {
		return nil, err
	}
	weeks := c.courseWeeks(f, baby, sessions)
	out := make(map[string]course.Progress, len(caregiverIDs))
	for _, id := range caregiverIDs {
		if out[id], err = c.progress(ctx, f, baby, id, weeks); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// progress is one caregiver's way through weeks already fitted.
func (c *Cases) progress(ctx context.Context, f domain.Family, baby domain.Baby, caregiverID string, weeks []course.Week) (course.Progress, error) {
	st, err := c.Store.CourseState(ctx, f.ID, baby.ID, caregiverID)
	if err != nil {
		return course.Progress{}, err
	}
	days, err := c.Store.PractisedDays(ctx, f.ID, baby.ID, caregiverID, f.Location())
	if err != nil {
		return course.Progress{}, err
	}
	return course.Follow(weeks, days, course.State{Started: st.Started, Opened: st.Opened, Paused: st.Paused}, c.allowedOn(f, baby)), nil
}

// recentSessions are the baby's sessions of the last SuggestionDays, from
// which today's routine and the course learn what the baby likes.
func (c *Cases) recentSessions(ctx context.Context, f domain.Family, baby domain.Baby) ([]domain.Session, error) {
	from, to, _ := insights.Window(c.Now(), f.Location(), SuggestionDays)
	return c.Store.SessionsBetween(ctx, f.ID, baby.ID, from, to)
}

// OpenWeek opens a caregiver's course up to week (the next one when week
// is 0): early, or to follow another caregiver's week.
func (c *Cases) OpenWeek(ctx context.Context, id domain.Identity, baby domain.Baby, caregiverID string, week int) (course.Progress, error) {
	return c.changeCourse(ctx, id, baby, caregiverID, func(p course.Progress, st *store.CourseState) {
		if week <= 0 {
			week = p.Week + 1
		}
		st.Opened = max(st.Opened, min(week, len(p.Weeks)))
	})
}

// PauseCourse pauses or resumes a caregiver's course (resuming one never
// started starts it): while paused, sessions no longer follow it, and
// nothing counts against it.
func (c *Cases) PauseCourse(ctx context.Context, id domain.Identity, baby domain.Baby, caregiverID string, paused bool) (course.Progress, error) {
	return c.changeCourse(ctx, id, baby, caregiverID, func(_ course.Progress, st *store.CourseState) { st.Paused = paused })
}

func (c *Cases) changeCourse(ctx context.Context, id domain.Identity, baby domain.Baby, caregiverID string, change func(course.Progress, *store.CourseState)) (course.Progress, error) {
	if caregiverID != id.User.ID && id.Role != domain.Owner || !id.Role.CanWrite() {
		return course.Progress{}, ErrNotYours
	}
	p, err := c.Course(ctx, id.Family, baby, caregiverID)
	if err != nil {
		return p, err
	}
	st, err := c.Store.CourseState(ctx, id.Family.ID, baby.ID, caregiverID)
	if err != nil {
		return p, err
	}
	change(p, &st)
	if err := c.Store.SetCourseState(ctx, id.Family.ID, baby.ID, caregiverID, st, c.Now()); err != nil {
		return p, err
	}
	return c.Course(ctx, id.Family, baby, caregiverID)
}

// courseWeeks fits the course to the baby now, from its recent sessions
// (the areas it turned away from).
func (c *Cases) courseWeeks(f domain.Family, baby domain.Baby, sessions []domain.Session) []course.Week {
	bodyPartOf, _ := c.libraryLookups()
	disliked := map[string]bool{}
	for _, b := range insights.BodyPartStats(insights.StrokeStats(sessions, bodyPartOf), c.Library.BodyParts()) {
		disliked[b.BodyPart] = b.LeaveOut
	}
	return course.Build(c.Library.Course(), c.strokeList, c.Rules(baby, f, nil), disliked)
}

// courseStrokes narrows the strokes today's routine is built from to the
// open weeks' of a running course.
func courseStrokes(all []routine.Stroke, p course.Progress) []routine.Stroke {
	keep := map[string]bool{}
	for _, id := range p.Strokes() {
		keep[id] = true
	}
	var out []routine.Stroke
	for _, s := range all {
		if keep[s.ID] {
			out = append(out, s)
		}
	}
	return out
}

// StrokeAnswers are the baby's answers to each stroke over the last four
// weeks, whoever gave the sessions: how the new strokes are received.
func (c *Cases) StrokeAnswers(ctx context.Context, f domain.Family, baby domain.Baby) (map[string]insights.Tally, error) {
	sessions, err := c.recentSessions(ctx, f, baby)
	if err != nil {
		return nil, err
	}
	bodyPartOf, _ := c.libraryLookups()
	out := map[string]insights.Tally{}
	for _, st := range insights.StrokeStats(sessions, bodyPartOf) {
		out[st.StrokeID] = st.Tally
	}
	return out, nil
}

// allowedOn tells whether the age rules allowed a stroke on a day (in the
// family's zone): the course counts a stroke towards its week only from
// the day the baby could have it.
func (c *Cases) allowedOn(f domain.Family, baby domain.Baby) func(string, string) bool {
	rb, loc := ReadinessBaby(baby, f), f.Location()
	rules := map[string]routine.Rules{}
	return func(id, day string) bool {
		r, ok := rules[day]
		if !ok {
			t, err := time.ParseInLocation(time.DateOnly, day, loc)
			if err != nil {
				return true
			}
			t = t.Add(12 * time.Hour)
			r = routine.Rules{AgeDays: rb.CautiousAgeDays(t), BeforeDue: rb.BeforeDueDate(t)}
			rules[day] = r
		}
		s, ok := c.strokes[id]
		return !ok || r.Allows(s)
	}
}
