// Package content is Nurture's embedded massage library: the strokes, the
// routines built from them, the short guide pages and the body-part
// vocabulary a parent says to the baby, in every supported language.
//
// The language-neutral structure lives in data/library.json; all human text
// lives in one data/text.<locale>.json file per language, so adding a language
// means adding one file. Load parses and validates everything at start-up, and
// the same validation runs in the tests, so a library that loads is complete
// in every locale.
//
// The package is pure: it reads only its own embedded files and holds no
// mutable state once loaded, so one *Library can be shared by all handlers.
package content

import (
	"slices"
	"strings"
)

// DefaultLocale is the language used when a requested one is not available,
// and the reference every other locale is checked against.
const DefaultLocale = "en"

// Body parts, in the order infant-massage classes teach them: legs first
// because babies feel least exposed there, face and tummy later, back last,
// then gentle movements. WholeBody holds the cross-cutting techniques
// (permission, resting hands, touch relaxation, integration, still touch).
const (
	BodyPartLegs      = "legs"
	BodyPartFeet      = "feet"
	BodyPartTummy     = "tummy"
	BodyPartChest     = "chest"
	BodyPartArms      = "arms"
	BodyPartHands     = "hands"
	BodyPartFace      = "face"
	BodyPartBack      = "back"
	BodyPartMovements = "movements"
	BodyPartWholeBody = "whole_body"
)

// Traditions a stroke comes from. A stroke carries a named tradition only
// where a source says so (DOMAIN.md §1: the Indian and Swedish milking
// strokes, the reflexology-inspired thumb-over-thumb on the sole, the baby-yoga
// movements); McClure's touch relaxation and still, holding touch are
// "relaxation"; every other stroke is a "gentle" stroke, with no tradition
// claimed for it.
const (
	TraditionIndian      = "indian"
	TraditionSwedish     = "swedish"
	TraditionYoga        = "yoga"
	TraditionReflexology = "reflexology"
	TraditionRelaxation  = "relaxation"
	TraditionGentle      = "gentle"
)

// Purposes a stroke or routine is traditionally used for. They are claims of
// the teaching tradition, not tested effects; PurposeEvidence says how far
// studies of massage support each one.
const (
	PurposeBonding       = "bonding"
	PurposeRelaxation    = "relaxation"
	PurposeSleep         = "sleep"
	PurposeWindColic     = "wind_colic"
	PurposeConstipation  = "constipation"
	PurposeBodyAwareness = "body_awareness"
	PurposePlay          = "play"
)

// Evidence grades of a purpose: what studies of infant massage as a whole
// found for it (DOMAIN.md §5; the strength ratings are our judgement). No
// grade is about a single stroke: no stroke has been tested on its own.
const (
	// EvidenceTraditional: a claim of the teaching tradition, not tested.
	EvidenceTraditional = "traditional"
	// EvidenceLow: some positive findings from small or biased studies.
	EvidenceLow = "low"
	// EvidenceLowConflicting: small studies that disagree with each other.
	EvidenceLowConflicting = "low_conflicting"
)

// purposeEvidence grades every purpose, in one place:
//   - bonding: Cochrane 2006/2013 (Underdown, Bennett et al.) found some
//     evidence of better parent–infant interaction, from studies mostly at
//     high risk of bias; a 2005 review saw its best evidence there too;
//   - relaxation and sleep: the same reviews report some evidence for sleep,
//     relaxation, less crying and lower stress hormones, at the same low
//     strength;
//   - wind and colic: trials disagree (Huhtala 2000: no better than a crib
//     vibrator; Sheidaei 2016: better than rocking), reviews find high or
//     unclear bias (Perry 2019);
//   - constipation, body awareness, play: no trial in our sources.
var purposeEvidence = map[string]string{
	PurposeBonding:       EvidenceLow,
	PurposeRelaxation:    EvidenceLow,
	PurposeSleep:         EvidenceLow,
	PurposeWindColic:     EvidenceLowConflicting,
	PurposeConstipation:  EvidenceTraditional,
	PurposeBodyAwareness: EvidenceTraditional,
	PurposePlay:          EvidenceTraditional,
}

// PurposeEvidence returns the evidence grade of a purpose, "" if the
// purpose is unknown.
func PurposeEvidence(purpose string) string { return purposeEvidence[purpose] }

// AllEvidenceGrades returns the evidence grades, weakest first.
func AllEvidenceGrades() []string { return slices.Clone(evidenceGrades) }

// SafeSleepSources are the sources every item that invites sleep cites
// with its safe-sleep words: the AAP 2022 policy and the NHS and Lullaby
// Trust safer-sleep advice.
var SafeSleepSources = []string{
	"Moon RY et al., AAP Task Force on SIDS. Sleep-Related Infant Deaths: Updated 2022 Recommendations for Reducing Infant Deaths in the Sleep Environment. Pediatrics 2022;150(1):e2022057990",
	"NHS. Reduce the risk of sudden infant death syndrome (SIDS) (nhs.uk/baby/caring-for-a-newborn/reduce-the-risk-of-sudden-infant-death-syndrome/)",
	"The Lullaby Trust. Safer sleep advice (lullabytrust.org.uk/safer-sleep-advice/)",
}

// SafeSleepGuideID is the library's guide on putting a sleepy baby down.
const SafeSleepGuideID = "safe_sleep"

// safeSleepUntilWeeks: safe-sleep advice is for babies under a year, so a
// routine only for older children need not carry it.
const safeSleepUntilWeeks = 52

// Stroke ids other packages rely on: every routine opens with the permission
// ritual, and resting hands is the reassurance to fall back on mid-session.
const (
	PermissionRitualID   = "permission_ritual"
	RestingHandsID       = "resting_hands"
	TouchRelaxationID    = "touch_relaxation"
	IntegrationSweepID   = "integration_sweep"
	ContainmentHoldingID = "containment_holding"
)

// OilFreeUnderWeeks is the age below which no oil is used (NHS-linked advice:
// water only for roughly the first month). A routine whose min_age_weeks is
// below it may contain no oil stroke.
const OilFreeUnderWeeks = 4

// AnyAge in Filter.AgeWeeks means "do not filter by age".
const AnyAge = -1

var (
	bodyParts      = []string{BodyPartLegs, BodyPartFeet, BodyPartTummy, BodyPartChest, BodyPartArms, BodyPartHands, BodyPartFace, BodyPartBack, BodyPartMovements, BodyPartWholeBody}
	traditions     = []string{TraditionIndian, TraditionSwedish, TraditionYoga, TraditionReflexology, TraditionRelaxation, TraditionGentle}
	evidenceGrades = []string{EvidenceTraditional, EvidenceLowConflicting, EvidenceLow}
	purposes       = []string{PurposeBonding, PurposeRelaxation, PurposeSleep, PurposeWindColic, PurposeConstipation, PurposeBodyAwareness, PurposePlay}
	regions        = []string{"face", "chest", "tummy", "back", "arm", "arms", "hand", "leg", "legs", "foot", "sole", "whole_body"}
	arrows         = []string{"none", "up", "down", "out", "in", "clockwise", "circle", "back_and_forth"}
	tummyStroke    = []string{"water_wheel", "thumbs_to_sides", "sun_moon", "i_love_you", "knees_to_tummy"}
)

// AllBodyParts returns the fixed body-part ids in teaching order.
func AllBodyParts() []string { return slices.Clone(bodyParts) }

// AllTraditions returns the fixed tradition ids.
func AllTraditions() []string { return slices.Clone(traditions) }

// AllPurposes returns the fixed purpose ids.
func AllPurposes() []string { return slices.Clone(purposes) }

// DiagramRegions returns the body regions a diagram can highlight. Singular
// regions ("leg", "arm") mean one limb, drawn on one side; plural both.
func DiagramRegions() []string { return slices.Clone(regions) }

// DiagramArrows returns the arrow kinds a diagram can draw. Directions are
// for a baby drawn lying face up, head at the top, arms by the sides: "down"
// runs toward the hands and feet (away from the trunk), "up" toward the
// heart and head, "out" from the midline to the sides, "in" toward it.
// "clockwise" is as the parent sees it; on region "sole" (a footprint, toes
// at the top) "up" means heel to toes.
func DiagramArrows() []string { return slices.Clone(arrows) }

// TummyOrder returns the canonical clockwise tummy sequence. Any routine
// containing these strokes must keep them in this relative order.
func TummyOrder() []string { return slices.Clone(tummyStroke) }

// Diagram says what a body diagram should show for a stroke.
type Diagram struct {
	Region string `json:"region"`
	Arrow  string `json:"arrow"`
}

// Stroke is the language-neutral description of one stroke or technique.
type Stroke struct {
	ID          string   `json:"id"`
	BodyPart    string   `json:"body_part"`
	Tradition   string   `json:"tradition"`
	Purposes    []string `json:"purposes"`
	MinAgeWeeks int      `json:"min_age_weeks"`
	Oil         bool     `json:"oil"`
	// Still marks touch without motion (resting, holding); only still touch
	// is offered to premature babies.
	Still bool `json:"still,omitempty"`
	// SafeSleep marks a stroke that invites sleep or is done with the baby
	// on its tummy: its cautions carry the locale's safe-sleep words and its
	// sources the SafeSleepSources.
	SafeSleep bool     `json:"safe_sleep,omitempty"`
	Diagram   Diagram  `json:"diagram"`
	Sources   []string `json:"sources"`
}

// HasPurpose reports whether p is one of the stroke's purposes.
func (s Stroke) HasPurpose(p string) bool { return slices.Contains(s.Purposes, p) }

func (s Stroke) clone() Stroke {
	s.Purposes = slices.Clone(s.Purposes)
	s.Sources = slices.Clone(s.Sources)
	return s
}

// StrokeText is a stroke's text in one language.
type StrokeText struct {
	Name      string   `json:"name"`
	Direction string   `json:"direction"`
	Reps      string   `json:"reps"`
	Steps     []string `json:"steps"`
	// Say is the line the parent says to the baby, naming the body part.
	Say      string   `json:"say"`
	Cautions []string `json:"cautions"`
}

func (t StrokeText) clone() StrokeText {
	t.Steps = slices.Clone(t.Steps)
	t.Cautions = slices.Clone(t.Cautions)
	return t
}

// Step is one stroke in a routine, held for Seconds.
type Step struct {
	StrokeID string `json:"stroke_id"`
	Seconds  int    `json:"seconds"`
}

// Routine is an ordered list of strokes for one purpose.
type Routine struct {
	ID          string `json:"id"`
	Purpose     string `json:"purpose"`
	MinAgeWeeks int    `json:"min_age_weeks"`
	// StillTouchOnly routines (premature babies) hold still touch only and
	// skip the permission ritual: there is no oil rub or shown hands, the
	// parent's voice is the cue.
	StillTouchOnly bool `json:"still_touch_only,omitempty"`
	// WithSibling routines carry words for an older child and the
	// supervising parent in RoutineText.
	WithSibling bool `json:"with_sibling,omitempty"`
	// SafeSleep marks a routine that invites sleep (see Stroke.SafeSleep).
	SafeSleep bool     `json:"safe_sleep,omitempty"`
	Steps     []Step   `json:"steps"`
	Sources   []string `json:"sources"`
}

// Seconds is the routine's total length.
func (r Routine) Seconds() int {
	total := 0
	for _, s := range r.Steps {
		total += s.Seconds
	}
	return total
}

// Minutes is the routine's length rounded to the nearest minute, at least 1.
func (r Routine) Minutes() int {
	return max(1, (r.Seconds()+30)/60)
}

func (r Routine) clone() Routine {
	r.Steps = slices.Clone(r.Steps)
	r.Sources = slices.Clone(r.Sources)
	return r
}

// RoutineText is a routine's text in one language.
type RoutineText struct {
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Cautions    []string `json:"cautions"`
	// OlderChild and Parent are set for WithSibling routines: what the older
	// child is told, and what the supervising parent should do.
	OlderChild []string `json:"older_child,omitempty"`
	Parent     []string `json:"parent,omitempty"`
}

func (t RoutineText) clone() RoutineText {
	t.Cautions = slices.Clone(t.Cautions)
	t.OlderChild = slices.Clone(t.OlderChild)
	t.Parent = slices.Clone(t.Parent)
	return t
}

// Guide is the language-neutral part of a guide page.
type Guide struct {
	ID string `json:"id"`
	// SafeSleep marks a guide that speaks of a baby falling asleep: one of
	// its lines is the locale's safe-sleep words.
	SafeSleep bool     `json:"safe_sleep,omitempty"`
	Sources   []string `json:"sources"`
}

// GuideText is a guide page in one language.
type GuideText struct {
	Title    string    `json:"title"`
	Summary  string    `json:"summary"`
	Sections []Section `json:"sections"`
}

func (t GuideText) clone() GuideText {
	t.Sections = slices.Clone(t.Sections)
	for i := range t.Sections {
		t.Sections[i].Paragraphs = slices.Clone(t.Sections[i].Paragraphs)
		t.Sections[i].Bullets = slices.Clone(t.Sections[i].Bullets)
	}
	return t
}

// Section is a titled part of a guide: paragraphs, then a bullet list.
type Section struct {
	Heading    string   `json:"heading"`
	Paragraphs []string `json:"paragraphs,omitempty"`
	Bullets    []string `json:"bullets,omitempty"`
}

// BodyPartText is the vocabulary for one body part in one language.
type BodyPartText struct {
	ID   string `json:"id"`
	Name string `json:"name"` // heading, e.g. "Feet" / "Pieds"
	Word string `json:"word"` // the plain word, e.g. "feet" / "pieds"
	Your string `json:"your"` // what the parent says, e.g. "your feet" / "tes pieds"
}

// Filter selects strokes; empty strings match everything. AgeWeeks is the
// baby's age: strokes with a higher MinAgeWeeks are left out, unless it is
// AnyAge.
type Filter struct {
	BodyPart  string
	Tradition string
	Purpose   string
	AgeWeeks  int
}

// AllStrokes is the filter that matches every stroke.
var AllStrokes = Filter{AgeWeeks: AnyAge}

func (f Filter) match(s Stroke) bool {
	return (f.BodyPart == "" || f.BodyPart == s.BodyPart) &&
		(f.Tradition == "" || f.Tradition == s.Tradition) &&
		(f.Purpose == "" || s.HasPurpose(f.Purpose)) &&
		(f.AgeWeeks < 0 || s.MinAgeWeeks <= f.AgeWeeks)
}

// LocalizedStroke joins a stroke and its text; it marshals to the flat item
// of GET /api/v1/strokes (plus "still" and "diagram").
type LocalizedStroke struct {
	Stroke
	StrokeText
}

// LocalizedRoutine is a routine with its text, shaped like an item of
// GET /api/v1/routines (plus description and cautions).
type LocalizedRoutine struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Purpose     string   `json:"purpose"`
	Minutes     int      `json:"minutes"`
	Seconds     int      `json:"seconds"`
	MinAgeWeeks int      `json:"min_age_weeks"`
	Steps       []Step   `json:"steps"`
	Cautions    []string `json:"cautions"`
	OlderChild  []string `json:"older_child,omitempty"`
	Parent      []string `json:"parent,omitempty"`
	Sources     []string `json:"sources"`
}

// Library is the loaded, validated content. It is read-only after Load and
// safe for concurrent use.
type Library struct {
	bodyParts []string
	strokes   []Stroke
	routines  []Routine
	guides    []Guide
	course    []CourseWeek
	locales   map[string]*localeText
}

// localeText is one text.<locale>.json file.
type localeText struct {
	Locale string `json:"locale"`
	Name   string `json:"name"`
	// SafeSleep is the one safe-sleep sentence of this language, repeated
	// word for word wherever sleep is invited.
	SafeSleep string                  `json:"safe_sleep"`
	BodyParts map[string]BodyPartText `json:"body_parts"`
	Strokes   map[string]StrokeText   `json:"strokes"`
	Routines  map[string]RoutineText  `json:"routines"`
	Guides    map[string]GuideText    `json:"guides"`
	// Course holds each week's text, by week number ("1"…).
	Course map[string]CourseWeekText `json:"course,omitempty"`
}

// Locales returns the available locales, sorted.
func (l *Library) Locales() []string {
	out := make([]string, 0, len(l.locales))
	for k := range l.locales {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// LocaleName returns a locale's own name for itself ("Français"), or "" if
// the locale is not available.
func (l *Library) LocaleName(locale string) string {
	if t, ok := l.locales[locale]; ok {
		return t.Name
	}
	return ""
}

// Locale maps a requested language tag ("fr", "fr-CA", "FR_be") to an
// available locale: an exact match, else the base language, else
// DefaultLocale. Accept-Language negotiation is the i18n package's job; this
// only keeps content lookups total.
func (l *Library) Locale(tag string) string {
	tag = strings.ToLower(strings.ReplaceAll(strings.TrimSpace(tag), "_", "-"))
	if _, ok := l.locales[tag]; ok {
		return tag
	}
	if base, _, found := strings.Cut(tag, "-"); found {
		if _, ok := l.locales[base]; ok {
			return base
		}
	}
	return DefaultLocale
}

func (l *Library) text(locale string) *localeText {
	if t, ok := l.locales[l.Locale(locale)]; ok {
		return t
	}
	return l.locales[DefaultLocale]
}

// SafeSleepText returns the safe-sleep sentence in locale (the words every
// item marked SafeSleep repeats).
func (l *Library) SafeSleepText(locale string) string { return l.text(locale).SafeSleep }

// BodyParts returns the body-part ids in teaching order.
func (l *Library) BodyParts() []string { return slices.Clone(l.bodyParts) }

// Strokes returns the strokes matching f, in teaching order.
func (l *Library) Strokes(f Filter) []Stroke {
	var out []Stroke
	for _, s := range l.strokes {
		if f.match(s) {
			out = append(out, s.clone())
		}
	}
	return out
}

// Stroke returns the stroke with the given id.
func (l *Library) Stroke(id string) (Stroke, bool) {
	for _, s := range l.strokes {
		if s.ID == id {
			return s.clone(), true
		}
	}
	return Stroke{}, false
}

// StrokeText returns a stroke's text in locale (falling back to
// DefaultLocale for an unavailable locale); false if the id is unknown.
func (l *Library) StrokeText(id, locale string) (StrokeText, bool) {
	t, ok := l.text(locale).Strokes[id]
	if !ok {
		t, ok = l.locales[DefaultLocale].Strokes[id]
	}
	return t.clone(), ok
}

// LocalizedStrokes returns the strokes matching f with their text in locale.
func (l *Library) LocalizedStrokes(f Filter, locale string) []LocalizedStroke {
	var out []LocalizedStroke
	for _, s := range l.Strokes(f) {
		t, _ := l.StrokeText(s.ID, locale)
		out = append(out, LocalizedStroke{Stroke: s, StrokeText: t})
	}
	return out
}

// Routines returns every routine, in library order.
func (l *Library) Routines() []Routine {
	out := make([]Routine, 0, len(l.routines))
	for _, r := range l.routines {
		out = append(out, r.clone())
	}
	return out
}

// Routine returns the routine with the given id.
func (l *Library) Routine(id string) (Routine, bool) {
	for _, r := range l.routines {
		if r.ID == id {
			return r.clone(), true
		}
	}
	return Routine{}, false
}

// RoutineText returns a routine's text in locale, with the same fallback as
// StrokeText.
func (l *Library) RoutineText(id, locale string) (RoutineText, bool) {
	t, ok := l.text(locale).Routines[id]
	if !ok {
		t, ok = l.locales[DefaultLocale].Routines[id]
	}
	return t.clone(), ok
}

// LocalizedRoutine returns a routine joined with its text in locale.
func (l *Library) LocalizedRoutine(id, locale string) (LocalizedRoutine, bool) {
	r, ok := l.Routine(id)
	if !ok {
		return LocalizedRoutine{}, false
	}
	t, _ := l.RoutineText(id, locale)
	return LocalizedRoutine{
		ID: r.ID, Name: t.Name, Description: t.Description, Purpose: r.Purpose,
		Minutes: r.Minutes(), Seconds: r.Seconds(), MinAgeWeeks: r.MinAgeWeeks,
		Steps: r.Steps, Cautions: t.Cautions, OlderChild: t.OlderChild, Parent: t.Parent,
		Sources: r.Sources,
	}, true
}

// LocalizedRoutines returns every routine with its text in locale.
func (l *Library) LocalizedRoutines(locale string) []LocalizedRoutine {
	out := make([]LocalizedRoutine, 0, len(l.routines))
	for _, r := range l.routines {
		lr, _ := l.LocalizedRoutine(r.ID, locale)
		out = append(out, lr)
	}
	return out
}

// Guides returns every guide, in library order.
func (l *Library) Guides() []Guide {
	out := make([]Guide, 0, len(l.guides))
	for _, g := range l.guides {
		g.Sources = slices.Clone(g.Sources)
		out = append(out, g)
	}
	return out
}

// Guide returns the guide with the given id.
func (l *Library) Guide(id string) (Guide, bool) {
	for _, g := range l.guides {
		if g.ID == id {
			g.Sources = slices.Clone(g.Sources)
			return g, true
		}
	}
	return Guide{}, false
}

// GuideText returns a guide page in locale, with the same fallback as
// StrokeText.
func (l *Library) GuideText(id, locale string) (GuideText, bool) {
	t, ok := l.text(locale).Guides[id]
	if !ok {
		t, ok = l.locales[DefaultLocale].Guides[id]
	}
	return t.clone(), ok
}

// BodyPartText returns the vocabulary for one body part in locale.
func (l *Library) BodyPartText(part, locale string) (BodyPartText, bool) {
	t, ok := l.text(locale).BodyParts[part]
	if !ok {
		t, ok = l.locales[DefaultLocale].BodyParts[part]
	}
	t.ID = part
	return t, ok
}

// Vocabulary returns the body-part words of one locale in teaching order,
// for the parent to say ("your feet", "tes pieds"). A bilingual family calls
// it once per language.
func (l *Library) Vocabulary(locale string) []BodyPartText {
	out := make([]BodyPartText, 0, len(l.bodyParts))
	for _, p := range l.bodyParts {
		t, _ := l.BodyPartText(p, locale)
		out = append(out, t)
	}
	return out
}
