package content

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// ValidationError lists every problem Validate found.
type ValidationError struct {
	Problems []string
}

func (e *ValidationError) Error() string {
	return fmt.Sprintf("content: %d problem(s):\n  %s", len(e.Problems), strings.Join(e.Problems, "\n  "))
}

// Minimum sizes the product promises.
const (
	minStrokes  = 45
	minRoutines = 8
)

// Routines the product promises by id, with the rules only they carry.
// Generic rules (ages, oil, order) apply to every routine.
var routineRules = map[string]func(r Routine, strokes map[string]Stroke) []string{
	"full_body": func(r Routine, _ map[string]Stroke) []string {
		if s := r.Seconds(); s < 15*60 || s > 25*60 {
			return []string{fmt.Sprintf("lasts %d s, want about 20 min (15-25)", s)}
		}
		return nil
	},
	"newborn_gentle": func(r Routine, _ map[string]Stroke) []string {
		var p []string
		if s := r.Seconds(); s > 5*60 {
			p = append(p, fmt.Sprintf("lasts %d s, want at most 5 min", s))
		}
		if r.MinAgeWeeks >= OilFreeUnderWeeks {
			p = append(p, fmt.Sprintf("min_age_weeks %d, want under %d (for newborns)", r.MinAgeWeeks, OilFreeUnderWeeks))
		}
		return p
	},
	"preterm_still_touch": func(r Routine, _ map[string]Stroke) []string {
		if !r.StillTouchOnly {
			return []string{"must be still_touch_only"}
		}
		return nil
	},
	"colic_tummy": func(r Routine, _ map[string]Stroke) []string {
		var p []string
		for _, id := range tummyStroke {
			if !slices.ContainsFunc(r.Steps, func(s Step) bool { return s.StrokeID == id }) {
				p = append(p, fmt.Sprintf("lacks tummy stroke %q", id))
			}
		}
		return p
	},
	"bedtime_wind_down": nil,
	"quick_legs_feet": func(r Routine, strokes map[string]Stroke) []string {
		var p []string
		if s := r.Seconds(); s < 4*60 || s > 6*60 {
			p = append(p, fmt.Sprintf("lasts %d s, want about 5 min", s))
		}
		for _, st := range r.Steps {
			if bp := strokes[st.StrokeID].BodyPart; bp != BodyPartLegs && bp != BodyPartFeet && bp != BodyPartWholeBody {
				p = append(p, fmt.Sprintf("step %q is on %s, want legs and feet only", st.StrokeID, bp))
			}
		}
		return p
	},
	"sibling_feet_hands": func(r Routine, _ map[string]Stroke) []string {
		if !r.WithSibling {
			return []string{"must be with_sibling"}
		}
		return nil
	},
	"touch_relaxation_practice": nil,
	"crawler_playful":           nil,
}

var snakeCase = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// Validate checks the library's structure and that every locale is complete.
// It returns a *ValidationError listing all problems, or nil.
func Validate(l *Library) error {
	v := &validator{}
	v.structure(l)
	v.texts(l)
	v.course(l)
	if len(v.problems) > 0 {
		return &ValidationError{Problems: v.problems}
	}
	return nil
}

type validator struct{ problems []string }

func (v *validator) addf(format string, args ...any) {
	v.problems = append(v.problems, fmt.Sprintf(format, args...))
}

func (v *validator) structure(l *Library) {
	if !slices.Equal(l.bodyParts, bodyParts) {
		v.addf("body_parts: got %v, want %v", l.bodyParts, bodyParts)
	}

	strokes := map[string]Stroke{}
	lastPart := -1
	for i, s := range l.strokes {
		where := fmt.Sprintf("stroke %q", s.ID)
		if !snakeCase.MatchString(s.ID) {
			v.addf("stroke #%d: id %q is not snake_case", i, s.ID)
		}
		if _, dup := strokes[s.ID]; dup {
			v.addf("%s: duplicate id", where)
		}
		strokes[s.ID] = s
		part := slices.Index(bodyParts, s.BodyPart)
		switch {
		case part < 0:
			v.addf("%s: unknown body_part %q", where, s.BodyPart)
		case part < lastPart:
			v.addf("%s: body_part %q is out of teaching order (%v)", where, s.BodyPart, bodyParts)
		default:
			lastPart = part
		}
		if !slices.Contains(traditions, s.Tradition) {
			v.addf("%s: unknown tradition %q", where, s.Tradition)
		}
		if len(s.Purposes) == 0 {
			v.addf("%s: no purposes", where)
		}
		for _, p := range s.Purposes {
			if !slices.Contains(purposes, p) {
				v.addf("%s: unknown purpose %q", where, p)
			}
		}
		if hasDuplicate(s.Purposes) {
			v.addf("%s: repeated purpose", where)
		}
		if s.MinAgeWeeks < 0 {
			v.addf("%s: negative min_age_weeks", where)
		}
		if s.BodyPart == BodyPartFace && s.Oil {
			v.addf("%s: face strokes must not use oil", where)
		}
		if s.Still && s.Oil {
			v.addf("%s: still touch does not use oil", where)
		}
		if !slices.Contains(regions, s.Diagram.Region) {
			v.addf("%s: unknown diagram region %q", where, s.Diagram.Region)
		}
		if !slices.Contains(arrows, s.Diagram.Arrow) {
			v.addf("%s: unknown diagram arrow %q", where, s.Diagram.Arrow)
		}
		v.sources(where, s.Sources)
	}
	if len(l.strokes) < minStrokes {
		v.addf("strokes: %d, want at least %d", len(l.strokes), minStrokes)
	}
	for _, p := range bodyParts {
		if !slices.ContainsFunc(l.strokes, func(s Stroke) bool { return s.BodyPart == p }) {
			v.addf("body part %q has no stroke", p)
		}
	}
	// Both milking traditions, with their opposite directions, on legs and
	// arms: Indian away from the heart, Swedish toward it.
	for _, part := range []string{BodyPartLegs, BodyPartArms} {
		for _, want := range []struct{ tradition, arrow string }{{TraditionIndian, "down"}, {TraditionSwedish, "up"}} {
			if !slices.ContainsFunc(l.strokes, func(s Stroke) bool {
				return s.BodyPart == part && s.Tradition == want.tradition && s.Diagram.Arrow == want.arrow && strings.Contains(s.ID, "milking")
			}) {
				v.addf("%s: no %s milking stroke with arrow %q", part, want.tradition, want.arrow)
			}
		}
	}
	for _, id := range append([]string{PermissionRitualID, RestingHandsID, TouchRelaxationID, IntegrationSweepID, ContainmentHoldingID}, tummyStroke...) {
		if _, ok := strokes[id]; !ok {
			v.addf("required stroke %q is missing", id)
		}
	}

	routineIDs := map[string]bool{}
	for i, r := range l.routines {
		where := fmt.Sprintf("routine %q", r.ID)
		if !snakeCase.MatchString(r.ID) {
			v.addf("routine #%d: id %q is not snake_case", i, r.ID)
		}
		if routineIDs[r.ID] {
			v.addf("%s: duplicate id", where)
		}
		routineIDs[r.ID] = true
		v.routine(where, r, strokes)
		if rule := routineRules[r.ID]; rule != nil {
			for _, p := range rule(r, strokes) {
				v.addf("%s: %s", where, p)
			}
		}
	}
	if len(l.routines) < minRoutines {
		v.addf("routines: %d, want at least %d", len(l.routines), minRoutines)
	}
	for _, id := range keys(routineRules) {
		if !routineIDs[id] {
			v.addf("required routine %q is missing", id)
		}
	}

	guideIDs := map[string]bool{}
	for i, g := range l.guides {
		where := fmt.Sprintf("guide %q", g.ID)
		if !snakeCase.MatchString(g.ID) {
			v.addf("guide #%d: id %q is not snake_case", i, g.ID)
		}
		if guideIDs[g.ID] {
			v.addf("%s: duplicate id", where)
		}
		guideIDs[g.ID] = true
		v.sources(where, g.Sources)
	}
	for _, id := range []string{"preparing", "asking_permission", "reading_cues", "oils", "after_vaccinations", "for_fathers", "with_siblings",
		SafeSleepGuideID, "evidence", "why_touch"} {
		if !guideIDs[id] {
			v.addf("required guide %q is missing", id)
		}
	}
	for _, g := range l.guides {
		if g.ID == SafeSleepGuideID && !g.SafeSleep {
			v.addf("guide %q must be marked safe_sleep", g.ID)
		}
	}
	v.safeSleep(l, strokes)

	for _, p := range purposes {
		if !slices.Contains(evidenceGrades, purposeEvidence[p]) {
			v.addf("purpose %q has no evidence grade (want one of %v)", p, evidenceGrades)
		}
	}
}

// safeSleep checks that sleep is never invited without the safe-sleep
// words: a stroke or routine for sleep, and a routine for babies under a
// year that holds a stroke marked safe_sleep, must be marked too, and every
// marked item cites the safe-sleep sources. texts checks the words.
func (v *validator) safeSleep(l *Library, strokes map[string]Stroke) {
	check := func(where string, marked bool, sources []string) {
		if !marked {
			return
		}
		for _, src := range SafeSleepSources {
			if !slices.Contains(sources, src) {
				v.addf("%s: safe_sleep item must cite %q", where, src)
			}
		}
	}
	for _, s := range l.strokes {
		where := fmt.Sprintf("stroke %q", s.ID)
		if s.HasPurpose(PurposeSleep) && !s.SafeSleep {
			v.addf("%s: a stroke for sleep must be marked safe_sleep", where)
		}
		check(where, s.SafeSleep, s.Sources)
	}
	for _, r := range l.routines {
		where := fmt.Sprintf("routine %q", r.ID)
		if r.Purpose == PurposeSleep && !r.SafeSleep {
			v.addf("%s: a routine for sleep must be marked safe_sleep", where)
		}
		if !r.SafeSleep && r.MinAgeWeeks < safeSleepUntilWeeks {
			for _, st := range r.Steps {
				if strokes[st.StrokeID].SafeSleep {
					v.addf("%s: holds safe_sleep stroke %q, so must be marked safe_sleep", where, st.StrokeID)
					break
				}
			}
		}
		check(where, r.SafeSleep, r.Sources)
	}
	for _, g := range l.guides {
		check(fmt.Sprintf("guide %q", g.ID), g.SafeSleep, g.Sources)
	}
}

func (v *validator) routine(where string, r Routine, strokes map[string]Stroke) {
	if !slices.Contains(purposes, r.Purpose) {
		v.addf("%s: unknown purpose %q", where, r.Purpose)
	}
	if r.MinAgeWeeks < 0 {
		v.addf("%s: negative min_age_weeks", where)
	}
	v.sources(where, r.Sources)
	if len(r.Steps) == 0 {
		v.addf("%s: no steps", where)
		return
	}
	// Every routine asks first; premature still touch uses the voice instead.
	if !r.StillTouchOnly && r.Steps[0].StrokeID != PermissionRitualID {
		v.addf("%s: must start with %q, starts with %q", where, PermissionRitualID, r.Steps[0].StrokeID)
	}
	lastTummy := -1
	for i, st := range r.Steps {
		at := fmt.Sprintf("%s step %d (%s)", where, i+1, st.StrokeID)
		if st.Seconds <= 0 {
			v.addf("%s: seconds must be positive", at)
		}
		s, ok := strokes[st.StrokeID]
		if !ok {
			v.addf("%s: unknown stroke", at)
			continue
		}
		if s.MinAgeWeeks > r.MinAgeWeeks {
			v.addf("%s: stroke needs %d weeks, routine allows from %d", at, s.MinAgeWeeks, r.MinAgeWeeks)
		}
		if s.Oil && r.MinAgeWeeks < OilFreeUnderWeeks {
			v.addf("%s: oil stroke in a routine for babies under %d weeks", at, OilFreeUnderWeeks)
		}
		if r.StillTouchOnly && !s.Still {
			v.addf("%s: still-touch routine contains a moving stroke", at)
		}
		if t := slices.Index(tummyStroke, st.StrokeID); t >= 0 {
			if t < lastTummy {
				v.addf("%s: tummy strokes out of clockwise order, want %v", at, tummyStroke)
			}
			lastTummy = max(lastTummy, t)
		}
	}
}

func (v *validator) sources(where string, sources []string) {
	if len(sources) == 0 {
		v.addf("%s: no sources", where)
	}
	for _, s := range sources {
		switch {
		case strings.TrimSpace(s) == "":
			v.addf("%s: empty source", where)
		case !Findable(s):
			v.addf("%s: source %q cannot be found by a reader: give a web address, a DOI or PMC id, or a year with a journal reference (volume, pages) or publisher", where, s)
		}
	}
	if hasDuplicate(sources) {
		v.addf("%s: repeated source", where)
	}
}

var (
	// webAddress is a host name under a common top-level domain, with an
	// optional path: "nhs.uk", "scribd.com/document/441832646".
	webAddress = regexp.MustCompile(`(?i)\b[a-z0-9][a-z0-9-]*(\.[a-z0-9-]+)*\.(com|org|net|info|life|gov|edu|uk|au|nz|za|in|fr|de|eu|io)\b`)
	// articleID is a DOI, a PubMed Central or PubMed id.
	articleID = regexp.MustCompile(`(?i)\b(doi:\s*)?10\.\d{4,}/\S+|\bPMC\d+|\bPMID:?\s*\d+`)
	year      = regexp.MustCompile(`\b(19|20)\d{2}\b`)
	// journalRef is a year followed by a volume or issue and pages or an
	// article number: "2003;348:977-985", "2013;(4):CD005038",
	// "2006;29(4):574-8".
	journalRef = regexp.MustCompile(`\b(19|20)\d{2}\s*;\s*(\d+|\(\d+\))(\(\d+\))?\s*:\s*[A-Za-z]*\d+`)
	// publisher is a book's "City: Publisher; year".
	publisher = regexp.MustCompile(`[A-Z][A-Za-z .]+:\s*[A-Z][^;:]+;\s*(19|20)\d{2}\b`)
)

// Findable reports whether a reader could find a source from its text: it
// holds a web address, a DOI or PMC/PubMed id, or a year with a journal
// reference (volume and pages) or a book's publisher. A bare blog name
// ("motherhood101") or an author and year alone ("Huhtala 2000 RCT") are not.
func Findable(source string) bool {
	if webAddress.MatchString(source) || articleID.MatchString(source) {
		return true
	}
	return year.MatchString(source) && (journalRef.MatchString(source) || publisher.MatchString(source))
}

// texts checks that every locale has complete text for every item, that
// lists line up with the default locale (same number of steps, cautions and
// sections, so a translation cannot silently drop one), and that no locale
// has text for an id the library does not have.
func (v *validator) texts(l *Library) {
	ref, ok := l.locales[DefaultLocale]
	if !ok {
		v.addf("locale %q is missing", DefaultLocale)
		ref = &localeText{}
	}
	locales := l.Locales()
	for _, loc := range locales {
		t := l.locales[loc]
		where := "locale " + loc
		if blank(t.Name) {
			v.addf("%s: no language name", where)
		}
		if blank(t.SafeSleep) {
			v.addf("%s: no safe_sleep sentence", where)
		}
		for _, p := range l.bodyParts {
			b, ok := t.BodyParts[p]
			switch {
			case !ok:
				v.addf("%s: body part %q: no text", where, p)
			case blank(b.Name) || blank(b.Word) || blank(b.Your):
				v.addf("%s: body part %q: name, word and your are required", where, p)
			}
		}
		for _, s := range l.strokes {
			st, ok := t.Strokes[s.ID]
			at := fmt.Sprintf("%s: stroke %q", where, s.ID)
			if !ok {
				v.addf("%s: no text", at)
				continue
			}
			if blank(st.Name) || blank(st.Direction) || blank(st.Reps) || blank(st.Say) {
				v.addf("%s: name, direction, reps and say are required", at)
			}
			if n := len(st.Steps); n < 2 || n > 5 {
				v.addf("%s: %d steps, want 2-5", at, n)
			}
			v.lines(at+" steps", st.Steps)
			v.lines(at+" cautions", st.Cautions)
			if s.SafeSleep && !slices.Contains(st.Cautions, t.SafeSleep) {
				v.addf("%s: marked safe_sleep, so its cautions must hold the safe_sleep sentence", at)
			}
			v.noShaking(at, slices.Concat([]string{st.Name, st.Direction, st.Reps, st.Say}, st.Steps, st.Cautions))
			if r, ok := ref.Strokes[s.ID]; ok && loc != DefaultLocale {
				if len(r.Steps) != len(st.Steps) || len(r.Cautions) != len(st.Cautions) {
					v.addf("%s: steps/cautions count differs from %q", at, DefaultLocale)
				}
			}
		}
		for _, r := range l.routines {
			rt, ok := t.Routines[r.ID]
			at := fmt.Sprintf("%s: routine %q", where, r.ID)
			if !ok {
				v.addf("%s: no text", at)
				continue
			}
			if blank(rt.Name) || blank(rt.Description) {
				v.addf("%s: name and description are required", at)
			}
			v.lines(at+" cautions", rt.Cautions)
			if r.SafeSleep && !slices.Contains(rt.Cautions, t.SafeSleep) {
				v.addf("%s: marked safe_sleep, so its cautions must hold the safe_sleep sentence", at)
			}
			v.noShaking(at, slices.Concat([]string{rt.Name, rt.Description}, rt.Cautions, rt.OlderChild, rt.Parent))
			if r.WithSibling {
				if len(rt.OlderChild) == 0 || len(rt.Parent) == 0 {
					v.addf("%s: sibling routine needs older_child and parent words", at)
				}
				v.lines(at+" older_child", rt.OlderChild)
				v.lines(at+" parent", rt.Parent)
			}
		}
		for _, g := range l.guides {
			gt, ok := t.Guides[g.ID]
			at := fmt.Sprintf("%s: guide %q", where, g.ID)
			if !ok {
				v.addf("%s: no text", at)
				continue
			}
			if blank(gt.Title) || blank(gt.Summary) {
				v.addf("%s: title and summary are required", at)
			}
			if len(gt.Sections) == 0 {
				v.addf("%s: no sections", at)
			}
			for i, sec := range gt.Sections {
				if blank(sec.Heading) || len(sec.Paragraphs)+len(sec.Bullets) == 0 {
					v.addf("%s: section %d needs a heading and some text", at, i+1)
				}
				v.lines(fmt.Sprintf("%s section %d", at, i+1), append(slices.Clone(sec.Paragraphs), sec.Bullets...))
			}
			all := []string{gt.Title, gt.Summary}
			for _, sec := range gt.Sections {
				all = slices.Concat(all, []string{sec.Heading}, sec.Paragraphs, sec.Bullets)
			}
			if g.SafeSleep && !slices.Contains(all, t.SafeSleep) {
				v.addf("%s: marked safe_sleep, so one of its lines must be the safe_sleep sentence", at)
			}
			v.noShaking(at, all)
			if r, ok := ref.Guides[g.ID]; ok && loc != DefaultLocale && len(r.Sections) != len(gt.Sections) {
				v.addf("%s: section count differs from %q", at, DefaultLocale)
			}
		}
		v.unknown(where, "body part", keys(t.BodyParts), l.bodyParts)
		v.unknown(where, "stroke", keys(t.Strokes), ids(l.strokes, func(s Stroke) string { return s.ID }))
		v.unknown(where, "routine", keys(t.Routines), ids(l.routines, func(r Routine) string { return r.ID }))
		v.unknown(where, "guide", keys(t.Guides), ids(l.guides, func(g Guide) string { return g.ID }))
	}
}

// shaking finds "shake" and its forms in English, "secouer" and its
// forms in French, and "sacudir" and "zarandear" and theirs in Spanish.
var (
	shaking   = regexp.MustCompile(`(?i)\bshak|\bshook\b|\bsecou|\bsac[uú]d|\bzarand`)
	neverWord = regexp.MustCompile(`(?i)\b(never|jamais|nunca)\b`)
	// shakingHarm is the reason given after a "never" warning.
	shakingHarm = regexp.MustCompile(`(?i)^\s*(shaking|secouer un bébé|secouer|sacudir a un bebé|sacudir)\s+(can|may|peut|puede)\b`)
	sentence    = regexp.MustCompile(`[^.!?;:]+[.!?;:]?`)
)

// ShakeInstruction returns the first sentence of text that speaks of
// shaking without being a "never" warning, or "". Shaking a baby can cause
// brain damage or death (DOMAIN.md §6): the only place the word belongs is
// "never shake a baby", and the sentence right after it may say why
// ("Shaking can cause…").
func ShakeInstruction(text string) string {
	warned := false
	for _, s := range sentence.FindAllString(text, -1) {
		switch {
		case !shaking.MatchString(s):
			warned = false
		case neverWord.MatchString(s):
			warned = true
		case warned && shakingHarm.MatchString(s):
		default:
			return strings.TrimSpace(s)
		}
	}
	return ""
}

func (v *validator) noShaking(where string, lines []string) {
	for _, l := range lines {
		if s := ShakeInstruction(l); s != "" {
			v.addf("%s: speaks of shaking outside a 'never' warning: %q", where, s)
		}
	}
}

func (v *validator) lines(where string, lines []string) {
	for i, s := range lines {
		if blank(s) {
			v.addf("%s: line %d is empty", where, i+1)
		}
	}
}

func (v *validator) unknown(where, kind string, have, known []string) {
	for _, k := range have {
		if !slices.Contains(known, k) {
			v.addf("%s: text for unknown %s %q", where, kind, k)
		}
	}
}

func blank(s string) bool { return strings.TrimSpace(s) == "" }

func hasDuplicate(xs []string) bool {
	s := slices.Clone(xs)
	slices.Sort(s)
	return len(slices.Compact(s)) != len(xs)
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func ids[T any](xs []T, id func(T) string) []string {
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		out = append(out, id(x))
	}
	return out
}
