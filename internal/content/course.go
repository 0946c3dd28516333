package content

import (
	"fmt"
	"slices"
	"strconv"
)

// CourseWeek is one week of the learning path, as infant-massage classes
// teach it over four or five meetings: its body areas (every stroke of
// them, in library order) and any other strokes named.
type CourseWeek struct {
	Week      int      `json:"week"`
	BodyParts []string `json:"body_parts"`
	Strokes   []string `json:"strokes,omitempty"`
	Sources   []string `json:"sources"`
}

// CourseWeekText is a week's title and a line on what it brings, in one
// language.
type CourseWeekText struct {
	Title string `json:"title"`
	Intro string `json:"intro"`
}

// Course returns the weeks of the learning path, in order.
func (l *Library) Course() []CourseWeek {
	out := make([]CourseWeek, len(l.course))
	for i, w := range l.course {
		w.BodyParts, w.Strokes, w.Sources = slices.Clone(w.BodyParts), slices.Clone(w.Strokes), slices.Clone(w.Sources)
		out[i] = w
	}
	return out
}

// CourseWeekText returns a week's text in locale, falling back to the
// default locale.
func (l *Library) CourseWeekText(week int, locale string) (CourseWeekText, bool) {
	key := strconv.Itoa(week)
	if t, ok := l.text(locale).Course[key]; ok {
		return t, true
	}
	t, ok := l.locales[DefaultLocale].Course[key]
	return t, ok
}

// course checks the weeks: numbered from 1 in order, known areas and
// strokes, each stroke in one week at most, sources and text in every
// language.
func (v *validator) course(l *Library) {
	parts := map[string]bool{}
	for _, p := range l.bodyParts {
		parts[p] = true
	}
	strokes := map[string]Stroke{}
	for _, s := range l.strokes {
		strokes[s.ID] = s
	}
	seen := map[string]int{}
	for i, w := range l.course {
		at := fmt.Sprintf("library: course week %d", w.Week)
		if w.Week != i+1 {
			v.addf("%s: weeks must be numbered 1, 2, … in order", at)
		}
		if len(w.BodyParts)+len(w.Strokes) == 0 {
			v.addf("%s: no body part and no stroke", at)
		}
		for _, p := range w.BodyParts {
			if !parts[p] {
				v.addf("%s: unknown body part %q", at, p)
			}
		}
		for _, id := range w.Strokes {
			if _, ok := strokes[id]; !ok {
				v.addf("%s: unknown stroke %q", at, id)
			}
		}
		for _, s := range l.strokes {
			if slices.Contains(w.BodyParts, s.BodyPart) || slices.Contains(w.Strokes, s.ID) {
				if prev, ok := seen[s.ID]; ok {
					v.addf("%s: stroke %q is already taught in week %d", at, s.ID, prev)
				}
				seen[s.ID] = w.Week
			}
		}
		v.sources(at, w.Sources)
		for loc, t := range l.locales {
			if tx, ok := t.Course[strconv.Itoa(w.Week)]; !ok || blank(tx.Title) || blank(tx.Intro) {
				v.addf("text.%s.json: course week %d needs a title and an intro", loc, w.Week)
			}
		}
	}
}
