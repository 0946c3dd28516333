package app

import (
	"context"

	"nurture/internal/content"
	"nurture/internal/domain"
	"nurture/internal/insights"
)

// Insights summarises the last days days of a baby of family f: what it
// likes, when, with whom, and the trends.
func (c *Cases) Insights(ctx context.Context, f domain.Family, babyID string, days int) (insights.Insights, error) {
	loc, now := f.Location(), c.Now()
	from, to, _ := insights.Window(now, loc, days)
	hist, err := c.Store.History(ctx, f.ID, babyID, from, to)
	if err != nil {
		return insights.Insights{}, err
	}
	members, err := c.Store.Members(ctx, f.ID)
	if err != nil {
		return insights.Insights{}, err
	}
	bodyPartOf, stepSeconds := c.libraryLookups()
	return insights.Compute(insights.Input{
		Sessions: hist.Sessions, Touch: hist.Touch, Sleep: hist.Sleep, Crying: hist.Crying, Members: members,
		BodyPartOf: bodyPartOf, BodyParts: c.Library.BodyParts(), StepSeconds: stepSeconds,
		Loc: loc, Now: now, Days: days,
	}), nil
}

// libraryLookups answers the insights' questions about the library.
func (c *Cases) libraryLookups() (bodyPartOf func(string) string, stepSeconds func(string, int) (int, bool)) {
	parts := map[string]string{}
	for _, s := range c.Library.Strokes(content.AllStrokes) {
		parts[s.ID] = s.BodyPart
	}
	steps := map[string][]int{}
	for _, r := range c.Library.Routines() {
		for _, st := range r.Steps {
			steps[r.ID] = append(steps[r.ID], st.Seconds)
		}
	}
	return func(id string) string { return parts[id] }, func(routineID string, i int) (int, bool) {
		s := steps[routineID]
		if i < 0 || i >= len(s) {
			return 0, false
		}
		return s[i], true
	}
}
