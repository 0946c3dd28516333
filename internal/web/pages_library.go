package web

import (
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
	mux.HandleFunc("GET /library", s.cachedPage(s.library))
	mux.HandleFunc("GET /library/strokes", redirectTo("/library"))
	mux.HandleFunc("GET /library/strokes/{id}", s.cachedPage(s.stroke))
	mux.HandleFunc("GET /library/routines", s.cachedPage(s.routines))
	mux.HandleFunc("GET /library/routines/{id}", s.cachedPage(s.routinePage))
	mux.HandleFunc("GET /library/guides", redirectTo("/library#guides"))
	mux.HandleFunc("GET /library/guides/{id}", s.cachedPage(s.guide))
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
	filtered := false
	for _, val := range form {
		filtered = filtered || val != ""
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
	if status == http.StatusOK && !filtered {
		// Unfiltered, the page is the same for everyone but the babies
		// offered in the age filter.
		s.renderShared(w, r, "library", "", v)
		return
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
	// The content differs by the languages of the words said to the baby.
	s.renderShared(w, r, "stroke", st.ID+"\x00"+strings.Join(langs, ","), v)
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
	s.renderShared(w, r, "guide", g.ID, v)
}
