package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"nurture/internal/content"
	"nurture/internal/domain"
	"nurture/internal/route"
)

// Message keys of the fixed content vocabularies, spelt out so that the
// catalog test can see every key is used.
var (
	traditionKeys = map[string]string{
		content.TraditionIndian: "library.tradition.indian", content.TraditionSwedish: "library.tradition.swedish",
		content.TraditionYoga: "library.tradition.yoga", content.TraditionReflexology: "library.tradition.reflexology",
		content.TraditionRelaxation: "library.tradition.relaxation", content.TraditionGentle: "library.tradition.gentle",
	}
	// evidenceKeys name how far studies support a purpose
	// (content.PurposeEvidence), shown wherever a purpose is.
	evidenceKeys = map[string]string{
		content.EvidenceTraditional: "library.evidence.traditional", content.EvidenceLow: "library.evidence.low",
		content.EvidenceLowConflicting: "library.evidence.low_conflicting",
	}
	purposeKeys = map[string]string{
		content.PurposeBonding: "library.purpose.bonding", content.PurposeRelaxation: "library.purpose.relaxation",
		content.PurposeSleep: "library.purpose.sleep", content.PurposeWindColic: "library.purpose.wind_colic",
		content.PurposeConstipation: "library.purpose.constipation", content.PurposeBodyAwareness: "library.purpose.body_awareness",
		content.PurposePlay: "library.purpose.play",
	}
	regionKeys = map[string]string{
		"face": "library.region.face", "chest": "library.region.chest", "tummy": "library.region.tummy",
		"back": "library.region.back", "arm": "library.region.arm", "arms": "library.region.arms",
		"hand": "library.region.hand", "leg": "library.region.leg", "legs": "library.region.legs",
		"foot": "library.region.foot", "sole": "library.region.sole", "whole_body": "library.region.whole_body",
	}
	arrowKeys = map[string]string{
		"none": "library.arrow.none", "up": "library.arrow.up", "down": "library.arrow.down",
		"out": "library.arrow.out", "in": "library.arrow.in", "clockwise": "library.arrow.clockwise",
		"circle": "library.arrow.circle", "back_and_forth": "library.arrow.back_and_forth",
		"heel_to_toes": "library.arrow.heel_to_toes",
	}
	filterErrorKeys = map[string]string{
		"body_part": "library.error.body_part", "tradition": "library.error.tradition",
		"purpose": "library.error.purpose", "baby": "library.error.baby", "weeks": "library.error.weeks",
	}
)

// libraryRoutes registers the stroke library, routines and guides pages.
// They are public: the library teaches, it records nothing. A logged-in
// family only gets its babies offered in the age filter and its languages
// for the words said to the baby.
func (s *Server) libraryRoutes(mux *route.Mux) {
	mux.HandleFunc("GET /library", s.library)
	mux.HandleFunc("GET /library/strokes", redirectTo("/library"))
	mux.HandleFunc("GET /library/strokes/{id}", s.stroke)
	mux.HandleFunc("GET /library/routines", s.routines)
	mux.HandleFunc("GET /library/routines/{id}", s.routinePage)
	mux.HandleFunc("GET /library/guides", redirectTo("/library#guides"))
	mux.HandleFunc("GET /library/guides/{id}", s.guide)
}

func redirectTo(path string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, path, http.StatusSeeOther)
	}
}

// maxAgeWeeks bounds the typed age: five years covers toddlers with room.
const maxAgeWeeks = 260

// option is one choice of a filter select.
type option struct {
	Value, Label string
}

// strokeRow is a stroke in a result list.
type strokeRow struct {
	ID, Name, Tradition, MinAge string
}

// strokeGroup is the results of one body part.
type strokeGroup struct {
	ID, Name string
	Strokes  []strokeRow
}

type libraryData struct {
	BodyParts, Traditions, Purposes []option
	Babies                          []option
	Groups                          []strokeGroup
	Count                           int
	Routines                        []routineRow
	Guides                          []option
	// PretermName is set when the chosen baby has not reached the due
	// date: only still touch is offered then.
	PretermName string
	Invalid     bool
}

// library is the filterable list of strokes, with links to the routines
// and guides. Filter values that are not understood are ignored and
// reported next to their field, never a server error.
func (s *Server) library(w http.ResponseWriter, r *http.Request) {
	v := s.newView(r, "library.title", nil)
	lib, lang := s.Library, v.Lang
	q := r.URL.Query()
	form := map[string]string{}
	for _, k := range []string{"body_part", "tradition", "purpose", "baby", "weeks"} {
		form[k] = strings.TrimSpace(q.Get(k))
	}
	fe := domain.FieldErrors{}
	f := content.Filter{AgeWeeks: content.AnyAge}
	pick := func(field string, allowed []string, dst *string) {
		switch val := form[field]; {
		case val == "":
		case slices.Contains(allowed, val):
			*dst = val
		default:
			fe.Add(field, filterErrorKeys[field])
			form[field] = ""
		}
	}
	pick("body_part", content.AllBodyParts(), &f.BodyPart)
	pick("tradition", content.AllTraditions(), &f.Tradition)
	pick("purpose", content.AllPurposes(), &f.Purpose)

	d := &libraryData{}
	if val := form["baby"]; val != "" {
		i := slices.IndexFunc(v.Babies, func(b domain.Baby) bool { return b.ID == val })
		if i < 0 {
			fe.Add("baby", filterErrorKeys["baby"])
			form["baby"] = ""
		} else {
			b := v.Babies[i]
			// Strokes for the cautious age: the younger of the two ages.
			days := b.CautiousAgeDays(s.Now(), v.Loc)
			if days < 0 {
				d.PretermName = b.Name
			}
			f.AgeWeeks = max(0, days/7)
		}
	}
	// A typed age wins over a chosen baby: it is the more deliberate act.
	if val := form["weeks"]; val != "" {
		n, err := strconv.Atoi(val)
		if err != nil || n < 0 || n > maxAgeWeeks {
			fe.Add("weeks", filterErrorKeys["weeks"])
		} else {
			f.AgeWeeks, d.PretermName = n, ""
		}
	}

	for _, p := range content.AllBodyParts() {
		bp, _ := lib.BodyPartText(p, lang)
		d.BodyParts = append(d.BodyParts, option{p, bp.Name})
	}
	for _, t := range content.AllTraditions() {
		d.Traditions = append(d.Traditions, option{t, v.T(traditionKeys[t])})
	}
	for _, p := range content.AllPurposes() {
		d.Purposes = append(d.Purposes, option{p, purposeLabel(v, p)})
	}
	for _, b := range v.Babies {
		weeks := max(0, b.CautiousAgeDays(s.Now(), v.Loc)/7)
		d.Babies = append(d.Babies, option{b.ID, v.N("library.filter.baby_option", weeks, "Name", b.Name)})
	}

	strokes := lib.LocalizedStrokes(f, lang)
	d.Count = len(strokes)
	for _, p := range lib.BodyParts() {
		var g strokeGroup
		for _, st := range strokes {
			if st.BodyPart == p {
				g.Strokes = append(g.Strokes, strokeRow{ID: st.ID, Name: st.Name,
					Tradition: v.T(traditionKeys[st.Tradition]), MinAge: minAge(v, st.MinAgeWeeks)})
			}
		}
		if len(g.Strokes) > 0 {
			bp, _ := lib.BodyPartText(p, lang)
			g.ID, g.Name = p, bp.Name
			d.Groups = append(d.Groups, g)
		}
	}
	d.Routines = routineRows(v, lib)
	for _, g := range lib.Guides() {
		t, _ := lib.GuideText(g.ID, lang)
		d.Guides = append(d.Guides, option{g.ID, t.Title})
	}

	v.Data, v.Form, v.Errors = d, form, fe
	status := http.StatusOK
	if !fe.OK() {
		d.Invalid = true
		status = http.StatusUnprocessableEntity
	}
	s.render(w, r, status, "library", v)
}

// purposeLabel names a purpose with its evidence grade, e.g. "Wind and
// colic (low, conflicting evidence)": purposes are claims, and the page says
// how far studies support each one.
func purposeLabel(v *view, purpose string) string {
	return v.T("library.purpose_graded", "Purpose", v.T(purposeKeys[purpose]), "Evidence", v.T(evidenceKeys[content.PurposeEvidence(purpose)]))
}

// withoutLine drops the lines equal to line: where the page shows the
// safe-sleep aside, the same words in the content are not repeated.
func withoutLine(lines []string, line string) []string {
	return slices.DeleteFunc(slices.Clone(lines), func(l string) bool { return l == line })
}

func minAge(v *view, weeks int) string {
	if weeks <= 0 {
		return v.T("library.from_birth")
	}
	return v.N("library.from_weeks", weeks)
}

// saying is the line said to the baby in one of the family's languages.
type saying struct {
	Lang, LangName, Text string
}

type strokeData struct {
	content.LocalizedStroke
	BodyPart  string
	Tradition string
	Purposes  []string
	MinAge    string
	Oil       string
	OilSource string
	Says      []saying
	Diagram   diagramView
}

// stroke shows one stroke: how, why, what to say and when not to.
func (s *Server) stroke(w http.ResponseWriter, r *http.Request) {
	st, ok := s.Library.Stroke(r.PathValue("id"))
	if !ok {
		s.notFound(w, r)
		return
	}
	v := s.newView(r, "", nil)
	lib, lang := s.Library, v.Lang
	text, _ := lib.StrokeText(st.ID, lang)
	bp, _ := lib.BodyPartText(st.BodyPart, lang)
	d := &strokeData{LocalizedStroke: content.LocalizedStroke{Stroke: st, StrokeText: text},
		BodyPart: bp.Name, Tradition: v.T(traditionKeys[st.Tradition]), MinAge: minAge(v, st.MinAgeWeeks)}
	for _, p := range st.Purposes {
		d.Purposes = append(d.Purposes, purposeLabel(v, p))
	}
	if st.SafeSleep {
		d.Cautions = withoutLine(d.Cautions, lib.SafeSleepText(lang))
	}
	switch {
	case st.Oil:
		d.Oil = v.N("library.stroke.oil_yes", content.OilFreeUnderWeeks)
		d.OilSource = v.T("library.stroke.oil_source")
	case st.BodyPart == content.BodyPartFace || st.Diagram.Region == "face":
		d.Oil = v.T("library.stroke.oil_face")
	default:
		d.Oil = v.T("library.stroke.oil_no")
	}
	// The family's body-part languages; a visitor gets the page language.
	langs := []string{lang}
	if v.Me != nil && len(v.Me.Family.Languages) > 0 {
		langs = v.Me.Family.Languages
	}
	seen := map[string]bool{}
	for _, l := range langs {
		l = lib.Locale(l)
		if seen[l] {
			continue
		}
		seen[l] = true
		t, _ := lib.StrokeText(st.ID, l)
		d.Says = append(d.Says, saying{Lang: l, LangName: s.Catalog.LangName(l), Text: t.Say})
	}
	d.Diagram = newDiagram(v, st.Diagram, text.Direction)
	v.Data, v.Title = d, text.Name
	s.render(w, r, http.StatusOK, "stroke", v)
}

// routineRow is a routine in a list.
type routineRow struct {
	ID, Name, Purpose, Minutes, MinAge string
}

func routineRows(v *view, lib *content.Library) []routineRow {
	var out []routineRow
	for _, rt := range lib.LocalizedRoutines(v.Lang) {
		out = append(out, routineRow{ID: rt.ID, Name: rt.Name, Purpose: purposeLabel(v, rt.Purpose),
			Minutes: v.N("library.routine.minutes", rt.Minutes), MinAge: minAge(v, rt.MinAgeWeeks)})
	}
	return out
}

func (s *Server) routines(w http.ResponseWriter, r *http.Request) {
	v := s.newView(r, "library.routines.title", nil)
	v.Data = routineRows(v, s.Library)
	s.render(w, r, http.StatusOK, "routines", v)
}

// routineStep is a step of a routine page, with its stroke's name.
type routineStep struct {
	StrokeID, Name, Seconds string
}

type routineData struct {
	content.LocalizedRoutine
	Row       routineRow
	StillOnly bool
	// SafeSleep shows the safe-sleep aside: the routine invites sleep.
	SafeSleep bool
	Steps     []routineStep
	// Starts open the player for each baby of a caregiver; the player asks
	// the readiness answer first.
	Starts []offlineLink
}

func (s *Server) routinePage(w http.ResponseWriter, r *http.Request) {
	rt, ok := s.Library.Routine(r.PathValue("id"))
	if !ok {
		s.notFound(w, r)
		return
	}
	v := s.newView(r, "", nil)
	lr, _ := s.Library.LocalizedRoutine(rt.ID, v.Lang)
	d := &routineData{LocalizedRoutine: lr, StillOnly: rt.StillTouchOnly, SafeSleep: rt.SafeSleep,
		Row: routineRow{Purpose: purposeLabel(v, lr.Purpose), Minutes: v.N("library.routine.minutes", lr.Minutes),
			MinAge: minAge(v, lr.MinAgeWeeks)}}
	if v.CanWrite() {
		for _, b := range v.Babies {
			d.Starts = append(d.Starts, offlineLink{"/babies/" + b.ID + "/session?routine=" + rt.ID, v.T("library.routine.start", "Name", b.Name)})
		}
	}
	if rt.SafeSleep {
		d.Cautions = withoutLine(d.Cautions, s.Library.SafeSleepText(v.Lang))
	}
	for _, st := range lr.Steps {
		t, _ := s.Library.StrokeText(st.StrokeID, v.Lang)
		d.Steps = append(d.Steps, routineStep{StrokeID: st.StrokeID, Name: t.Name, Seconds: v.N("library.routine.seconds", st.Seconds)})
	}
	v.Data, v.Title = d, lr.Name
	s.render(w, r, http.StatusOK, "routine", v)
}

type guideData struct {
	content.GuideText
	Sources   []string
	SafeSleep bool
}

func (s *Server) guide(w http.ResponseWriter, r *http.Request) {
	g, ok := s.Library.Guide(r.PathValue("id"))
	if !ok {
		s.notFound(w, r)
		return
	}
	v := s.newView(r, "", nil)
	t, _ := s.Library.GuideText(g.ID, v.Lang)
	if g.SafeSleep {
		ss := s.Library.SafeSleepText(v.Lang)
		for i := range t.Sections {
			t.Sections[i].Paragraphs = withoutLine(t.Sections[i].Paragraphs, ss)
			t.Sections[i].Bullets = withoutLine(t.Sections[i].Bullets, ss)
		}
	}
	v.Data, v.Title = &guideData{GuideText: t, Sources: g.Sources, SafeSleep: g.SafeSleep}, t.Title
	s.render(w, r, http.StatusOK, "guide", v)
}

// The body diagram is drawn from fixed shapes on a 200×312 canvas: a baby
// lying face up, head at the top, arms by the sides (content.DiagramArrows
// explains the directions in the same frame). Hands and feet are too small
// there to show a stroke, so their regions get a close-up instead.

// diagramView is what partials/body.html draws.
type diagramView struct {
	Title, Desc, Caption string
	Shapes               []diagramShape
	// Transform turns the shapes (not the arrows), for the top of the foot.
	Transform string
	Marks     []string // decorative lines: closed eyes, smile, spine
	Arrows    []diagramArrow
}

type diagramShape struct {
	D   string
	Hot bool
}

type diagramArrow struct {
	D    string
	Both bool // a head at each end
	Thin bool // small circles, whose heads must stay small
}

func fmtPath(format string, args ...float64) string {
	a := make([]any, len(args))
	for i, x := range args {
		a[i] = x
	}
	return fmt.Sprintf(format, a...)
}

func circlePath(cx, cy, r float64) string {
	return fmtPath("M%v,%v a%v,%v 0 1,0 %v,0 a%v,%v 0 1,0 %v,0 Z", cx-r, cy, r, r, 2*r, r, r, -2*r)
}

func ellipsePath(cx, cy, rx, ry float64) string {
	return fmtPath("M%v,%v a%v,%v 0 1,0 %v,0 a%v,%v 0 1,0 %v,0 Z", cx-rx, cy, rx, ry, 2*rx, rx, ry, -2*rx)
}

// limbPath is an upright rounded bar, like an arm or a leg.
func limbPath(x, y, w, h float64) string {
	r := w / 2
	return fmtPath("M%v,%v a%v,%v 0 0,1 %v,0 V%v a%v,%v 0 0,1 %v,0 Z", x, y+r, r, r, w, y+h-r, r, r, -w)
}

func line(x1, y1, x2, y2 float64) diagramArrow {
	return diagramArrow{D: fmtPath("M%v,%v L%v,%v", x1, y1, x2, y2)}
}

// turn is a three-quarter circle going clockwise on screen, its head at
// the end.
func turn(cx, cy, r float64) diagramArrow {
	return diagramArrow{D: fmtPath("M%v,%v A%v,%v 0 1,1 %v,%v", cx, cy-r, r, r, cx-r, cy), Thin: r < 15}
}

// Body parts of the whole-baby drawing. "L" is the viewer's left: one limb
// is drawn on that side.
var bodyShapes = []struct {
	name, d string
}{
	{"head", circlePath(100, 46, 32)},
	{"armL", limbPath(36, 86, 20, 100)},
	{"armR", limbPath(144, 86, 20, 100)},
	{"handL", circlePath(46, 198, 12)},
	{"handR", circlePath(154, 198, 12)},
	{"legL", limbPath(68, 194, 28, 92)},
	{"legR", limbPath(104, 194, 28, 92)},
	{"footL", ellipsePath(82, 296, 15, 10)},
	{"footR", ellipsePath(118, 296, 15, 10)},
}

const (
	chestPath = "M62,135 V102 Q62,80 84,80 H116 Q138,80 138,102 V135 Z"
	tummyPath = "M62,135 H138 V166 Q138,190 114,190 H86 Q62,190 62,166 Z"
	trunkPath = "M62,102 Q62,80 84,80 H116 Q138,80 138,102 V166 Q138,190 114,190 H86 Q62,190 62,166 Z"
	// A footprint, toes at the top.
	solePath = "M100,292 C74,292 66,262 68,228 C70,196 60,170 62,140 C64,104 82,92 102,92 C124,92 140,106 138,140 C136,172 130,196 132,228 C134,262 126,292 100,292 Z"
	// An open hand, fingers down (arms by the sides).
	wristPath = "M80,14 H120 V62 H80 Z"
	palmPath  = "M64,74 Q64,58 80,58 H120 Q136,58 136,74 V168 Q136,184 120,184 H80 Q64,184 64,168 Z"
	thumbPath = "M134,88 L162,126 Q168,136 160,142 Q152,146 146,138 L126,108 Z"
)

var regionParts = map[string][]string{
	"face": {"head"}, "chest": {"chest"}, "tummy": {"tummy"}, "back": {"trunk"},
	"arm": {"armL"}, "arms": {"armL", "armR"}, "leg": {"legL"}, "legs": {"legL", "legR"},
}

// regionArrows draws each arrow kind on a region of the whole-baby view.
// Missing pairs draw no arrow; the words still say the direction.
var regionArrows = map[string]map[string][]diagramArrow{
	"face":  {"out": {line(95, 30, 76, 30), line(105, 30, 124, 30)}, "circle": {turn(83, 60, 8), turn(117, 60, 8)}},
	"chest": {"out": {line(94, 108, 70, 108), line(106, 108, 130, 108)}, "up": {line(100, 130, 100, 90)}},
	"tummy": {"down": {line(100, 142, 100, 182)}, "out": {line(94, 162, 70, 162), line(106, 162, 130, 162)},
		"clockwise": {turn(100, 162, 18)}, "circle": {turn(100, 162, 18)}},
	"back": {"down": {line(82, 92, 82, 180), line(118, 92, 118, 180)},
		"back_and_forth": {{D: "M70,135 H130", Both: true}},
		"circle":         {turn(82, 135, 11), turn(118, 135, 11)}},
	"arm":        {"down": {line(46, 96, 46, 178)}, "up": {line(46, 178, 46, 96)}},
	"arms":       {"down": {line(46, 96, 46, 178), line(154, 96, 154, 178)}, "up": {line(46, 178, 46, 96), line(154, 178, 154, 96)}, "in": {line(40, 132, 86, 132), line(160, 132, 114, 132)}},
	"leg":        {"down": {line(82, 204, 82, 276)}, "up": {line(82, 276, 82, 204)}},
	"legs":       {"down": {line(82, 204, 82, 276), line(118, 204, 118, 276)}, "up": {line(82, 276, 82, 204), line(118, 276, 118, 204)}},
	"whole_body": {"down": {line(82, 90, 82, 282), line(118, 90, 118, 282)}},
}

// closeUps are the hand and foot drawings.
var closeUps = map[string]struct {
	shapes    []string
	transform string
	arrows    map[string][]diagramArrow
}{
	"sole": {shapes: []string{solePath, circlePath(78, 72, 14), circlePath(102, 62, 10), circlePath(120, 66, 9), circlePath(134, 76, 8), circlePath(144, 92, 7)},
		arrows: map[string][]diagramArrow{"up": {line(100, 264, 100, 112)}}},
	// The top of the foot: the footprint turned, toes at the bottom.
	"foot": {shapes: []string{solePath, circlePath(78, 72, 14), circlePath(102, 62, 10), circlePath(120, 66, 9), circlePath(134, 76, 8), circlePath(144, 92, 7)},
		transform: "rotate(180 100 156)",
		arrows:    map[string][]diagramArrow{"up": {line(100, 236, 100, 84)}, "circle": {turn(100, 56, 18)}}},
	"hand": {shapes: []string{wristPath, palmPath, thumbPath, limbPath(65, 170, 16, 62), limbPath(83, 170, 16, 74), limbPath(101, 170, 16, 70), limbPath(119, 170, 16, 56)},
		arrows: map[string][]diagramArrow{"out": {line(94, 120, 70, 120), line(106, 120, 130, 120)},
			"up": {line(100, 226, 100, 76)}, "circle": {turn(100, 38, 16)}}},
}

// newDiagram builds the drawing of a stroke, with its accessible name and
// description in the page's language.
func newDiagram(v *view, dg content.Diagram, direction string) diagramView {
	arrowKey := dg.Arrow
	if dg.Region == "sole" && dg.Arrow == "up" {
		arrowKey = "heel_to_toes"
	}
	region := v.T(regionKeys[dg.Region])
	d := diagramView{Caption: v.T(arrowKeys[arrowKey])}
	d.Desc = d.Caption + " " + direction
	if c, ok := closeUps[dg.Region]; ok {
		d.Title = v.T("library.diagram.closeup", "Region", region)
		for _, p := range c.shapes {
			d.Shapes = append(d.Shapes, diagramShape{D: p, Hot: true})
		}
		d.Transform = c.transform
		d.Arrows = c.arrows[dg.Arrow]
		return d
	}
	hot := map[string]bool{}
	for _, p := range regionParts[dg.Region] {
		hot[p] = true
	}
	all := dg.Region == "whole_body"
	if dg.Region == "back" {
		d.Title = v.T("library.diagram.back", "Region", region)
		d.Shapes = append(d.Shapes, diagramShape{D: trunkPath, Hot: true})
		d.Marks = []string{"M100,84 V186"}
	} else {
		d.Title = v.T("library.diagram.front", "Region", region)
		d.Shapes = append(d.Shapes, diagramShape{D: chestPath, Hot: all || hot["chest"]}, diagramShape{D: tummyPath, Hot: all || hot["tummy"]})
		d.Marks = []string{"M82,44 q6,5 12,0", "M106,44 q6,5 12,0", "M92,60 q8,6 16,0"}
	}
	for _, s := range bodyShapes {
		d.Shapes = append(d.Shapes, diagramShape{D: s.d, Hot: all || hot[s.name]})
	}
	d.Arrows = regionArrows[dg.Region][dg.Arrow]
	return d
}
