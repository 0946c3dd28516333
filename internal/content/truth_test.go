package content

import (
	"encoding/json"
	"io/fs"
	"slices"
	"strings"
	"testing"
)

// The tests in this file guard the truth of the guidance (issue 14): sources
// a reader can find, evidence grades for every purpose, safe sleep wherever
// sleep is invited, no instruction to shake, tradition labels only where a
// source names the tradition.

func TestFindable(t *testing.T) {
	for _, tc := range []struct {
		source string
		want   bool
	}{
		{"nhs.uk vaccination tips", true},
		{"International Association of Infant Massage (IAIM), parent handouts, 2013 (scribd.com/document/441832646)", true},
		{"ctha.com/Forums/?b=16094 (UK Guild for Sensory Development)", true},
		{"babyland.life", true},
		{"Lack G, Fox D, Northstone K, Golding J. Factors associated with the development of peanut allergy in childhood. N Engl J Med 2003;348(11):977-985", true},
		{"Bennett C, Underdown A, Barlow J. Massage for promoting mental and physical health in typically developing infants under the age of six months. Cochrane Database Syst Rev 2013;(4):CD005038", true},
		{"Sheidaei A et al. Med J Islam Repub Iran 2016;30:351", true},
		{"Cheng 2011 (PMC3210630)", true},
		{"Someone 2020. doi:10.1542/peds.2022-057990", true},
		{"Montagu A. Touching: The Human Significance of the Skin. 3rd ed. New York: Harper & Row; 1986", true},
		{"motherhood101", false},
		{"Huhtala 2000 RCT", false},
		{"Danby 2013", false},
		{"Cooke 2016, Acta Derm Venereol", false},
		{"huggies (hands of the clock and I love you)", false},
		{"Nurofen UK", false},
		{"Kirklees PCT finger rhyme leaflet", false},
		{"Touching: the human significance", false},
	} {
		if got := Findable(tc.source); got != tc.want {
			t.Errorf("Findable(%q) = %v, want %v", tc.source, got, tc.want)
		}
	}
}

func TestEverySourceIsFindable(t *testing.T) {
	l := mustLoad(t)
	check := func(where string, sources []string) {
		for _, s := range sources {
			if !Findable(s) {
				t.Errorf("%s: %q cannot be found", where, s)
			}
		}
	}
	for _, s := range l.Strokes(AllStrokes) {
		check("stroke "+s.ID, s.Sources)
	}
	for _, r := range l.Routines() {
		check("routine "+r.ID, r.Sources)
	}
	for _, g := range l.Guides() {
		check("guide "+g.ID, g.Sources)
	}
}

// TestMisattributedSources: the peanut-oil study is Lack et al. in the
// NEJM, and the father–infant massage study is not a sleep study.
func TestMisattributedSources(t *testing.T) {
	l := mustLoad(t)
	oils, _ := l.Guide("oils")
	if !slices.ContainsFunc(oils.Sources, func(s string) bool {
		return strings.Contains(s, "Lack G, Fox D, Northstone K, Golding J") && strings.Contains(s, "N Engl J Med 2003;348")
	}) {
		t.Errorf("oils guide does not cite Lack et al., NEJM 2003: %v", oils.Sources)
	}
	cullen := func(s string) bool { return strings.Contains(s, "Cullen") }
	for _, s := range l.Strokes(AllStrokes) {
		if s.HasPurpose(PurposeSleep) && slices.ContainsFunc(s.Sources, cullen) {
			t.Errorf("stroke %s cites the father–infant study for sleep", s.ID)
		}
	}
	for _, r := range l.Routines() {
		if r.Purpose == PurposeSleep && slices.ContainsFunc(r.Sources, cullen) {
			t.Errorf("routine %s cites the father–infant study for sleep", r.ID)
		}
	}
}

func TestPurposeEvidence(t *testing.T) {
	for _, p := range AllPurposes() {
		if g := PurposeEvidence(p); !slices.Contains(AllEvidenceGrades(), g) {
			t.Errorf("purpose %s: grade %q", p, g)
		}
	}
	for p, want := range map[string]string{
		PurposeSleep: EvidenceLow, PurposeWindColic: EvidenceLowConflicting, PurposeConstipation: EvidenceTraditional,
	} {
		if got := PurposeEvidence(p); got != want {
			t.Errorf("PurposeEvidence(%s) = %q, want %q", p, got, want)
		}
	}
	if PurposeEvidence("magic") != "" {
		t.Error("an unknown purpose has a grade")
	}
}

func TestValidateNeedsAGradePerPurpose(t *testing.T) {
	l := mustLoad(t)
	old := purposeEvidence[PurposeConstipation]
	delete(purposeEvidence, PurposeConstipation)
	defer func() { purposeEvidence[PurposeConstipation] = old }()
	err := Validate(cloneLibrary(l))
	if err == nil || !strings.Contains(err.Error(), `purpose "constipation" has no evidence grade`) {
		t.Errorf("Validate = %v, want the missing grade reported", err)
	}
}

// TestSafeSleepWhereSleepIsInvited restates the safe-sleep rule on the real
// library: the bedtime routine, the back strokes done on the tummy, and the
// guides that speak of a baby falling asleep carry the words in every
// language, and the words say back, own cot, and never a sofa.
func TestSafeSleepWhereSleepIsInvited(t *testing.T) {
	l := mustLoad(t)
	for loc, words := range map[string][]string{
		"en": {"on their back", "own cot or Moses basket", "flat, firm", "Never", "tummy", "lap", "mat", "sofa", "armchair"},
		"fr": {"sur le dos", "son propre lit ou son couffin", "plat et ferme", "jamais", "ventre", "genoux", "tapis", "canapé", "fauteuil"},
		"es": {"boca arriba", "su propia cuna o moisés", "plano y firme", "Nunca", "boca abajo", "regazo", "colchoneta", "sofá", "sillón"},
	} {
		ss := l.SafeSleepText(loc)
		for _, w := range words {
			if !strings.Contains(ss, w) {
				t.Errorf("%s safe-sleep sentence lacks %q: %s", loc, w, ss)
			}
		}
		for _, id := range []string{"back_and_forth", "back_swooping", "back_circles", "back_combing"} {
			if st, _ := l.StrokeText(id, loc); !slices.Contains(st.Cautions, ss) {
				t.Errorf("%s stroke %s: no safe-sleep caution", loc, id)
			}
		}
		for _, id := range []string{"bedtime_wind_down", "full_body"} {
			if rt, _ := l.RoutineText(id, loc); !slices.Contains(rt.Cautions, ss) {
				t.Errorf("%s routine %s: no safe-sleep caution", loc, id)
			}
		}
		for _, id := range []string{SafeSleepGuideID, "preparing", "reading_cues", "for_fathers"} {
			gt, _ := l.GuideText(id, loc)
			found := false
			for _, sec := range gt.Sections {
				found = found || slices.Contains(sec.Paragraphs, ss) || slices.Contains(sec.Bullets, ss)
			}
			if !found {
				t.Errorf("%s guide %s: no safe-sleep line", loc, id)
			}
		}
	}
	for _, id := range []string{"bedtime_wind_down", "full_body"} {
		if r, _ := l.Routine(id); !r.SafeSleep {
			t.Errorf("routine %s not marked safe_sleep", id)
		}
	}
}

func TestShakeInstruction(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"Never shake a baby. Shaking can cause brain damage or death.", ""},
		{"Shaking can cause brain damage or death.", "Shaking can cause brain damage or death."},
		{"Never shake a baby. Hold them well. Shaking can help wind.", "Shaking can help wind."},
		{"Never shake a baby. Shake the arm gently instead.", "Shake the arm gently instead."},
		{"Never shake a baby: it can cause brain damage or death.", ""},
		{"Ne secouez jamais un bébé.", ""},
		{"Wait, or give a few tiny gentle shakes.", "Wait, or give a few tiny gentle shakes."},
		{"Hold the arm. Shake it gently.", "Shake it gently."},
		{"Attendez ou secouez tout doucement.", "Attendez ou secouez tout doucement."},
		{"De toutes petites secousses.", "De toutes petites secousses."},
		{"Add tiny pats or soft rolling if it helps.", ""},
		{"Nunca sacudas a un bebé.", ""},
		{"Nunca sacudas a un bebé. Sacude suavemente el brazo.", "Sacude suavemente el brazo."},
		{"Unas sacudidas muy pequeñas.", "Unas sacudidas muy pequeñas."},
	} {
		if got := ShakeInstruction(tc.text); got != tc.want {
			t.Errorf("ShakeInstruction(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

// TestNoShakingInAnyText scans every string of every text file, whatever
// field it is in, for shake/shaking/secouer outside a "never" warning.
func TestNoShakingInAnyText(t *testing.T) {
	files, err := fs.Glob(embedded, "data/text.*.json")
	if err != nil || len(files) < 2 {
		t.Fatalf("text files: %v %v", files, err)
	}
	for _, f := range files {
		b, err := fs.ReadFile(embedded, f)
		if err != nil {
			t.Fatal(err)
		}
		var doc any
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		n := 0
		walkStrings(doc, func(s string) {
			n++
			if bad := ShakeInstruction(s); bad != "" {
				t.Errorf("%s: %q", f, bad)
			}
		})
		if n < 500 {
			t.Errorf("%s: only %d strings scanned", f, n)
		}
	}
}

func walkStrings(v any, f func(string)) {
	switch x := v.(type) {
	case string:
		f(x)
	case []any:
		for _, e := range x {
			walkStrings(e, f)
		}
	case map[string]any:
		for _, e := range x {
			walkStrings(e, f)
		}
	}
}

// TestTraditionLabels: a named tradition only where a source names it
// (DOMAIN.md §1); other strokes are gentle strokes.
func TestTraditionLabels(t *testing.T) {
	named := map[string][]string{
		TraditionIndian:      {"leg_indian_milking", "arm_indian_milking"},
		TraditionSwedish:     {"leg_swedish_milking", "arm_swedish_milking"},
		TraditionReflexology: {"sole_thumb_over_thumb"},
		TraditionYoga:        {"knees_to_tummy", "cross_and_open", "marching"},
	}
	l := mustLoad(t)
	for _, s := range l.Strokes(AllStrokes) {
		allowed, isNamed := named[s.Tradition]
		if isNamed && !slices.Contains(allowed, s.ID) {
			t.Errorf("stroke %s labelled %s without a source naming it", s.ID, s.Tradition)
		}
	}
	for tr, ids := range named {
		for _, id := range ids {
			if s, _ := l.Stroke(id); s.Tradition != tr {
				t.Errorf("stroke %s: tradition %s, want %s", id, s.Tradition, tr)
			}
		}
	}
	if len(l.Strokes(Filter{Tradition: TraditionGentle, AgeWeeks: AnyAge})) < 20 {
		t.Error("too few gentle strokes: labels were not cleaned up")
	}
}

// TestTummyStrokesAgreeWithTheColicRoutine: the tummy strokes start when
// the colic routine does (the navel has healed, oil is allowed).
func TestTummyStrokesAgreeWithTheColicRoutine(t *testing.T) {
	l := mustLoad(t)
	colic, _ := l.Routine("colic_tummy")
	for _, id := range []string{"water_wheel", "thumbs_to_sides", "sun_moon", "i_love_you"} {
		if s, _ := l.Stroke(id); s.MinAgeWeeks != colic.MinAgeWeeks {
			t.Errorf("%s from %d weeks, colic routine from %d", id, s.MinAgeWeeks, colic.MinAgeWeeks)
		}
	}
}

// TestFrenchWording holds the fixes a native reader asked for.
func TestFrenchWording(t *testing.T) {
	l := mustLoad(t)
	pit, _ := l.StrokeText("arm_pit_stop", "fr")
	if pit.Name != "Arrêt à l'aisselle" {
		t.Errorf("pit stop in French: %q", pit.Name)
	}
	ily, _ := l.StrokeText("i_love_you", "fr")
	if !strings.Contains(strings.Join(ily.Steps, " "), "I, L et U viennent de l'anglais") {
		t.Errorf("I Love You in French does not explain the letters: %v", ily.Steps)
	}
	oils, _ := l.GuideText("oils", "fr")
	for _, sec := range oils.Sections {
		for _, b := range sec.Bullets {
			if strings.Contains(b, "arachide") && !strings.Contains(b, "l'huile d'arachide (cacahuète) et les huiles de fruits à coque") {
				t.Errorf("peanut and tree nuts mixed up: %q", b)
			}
		}
	}
}

// TestOilIsOptional: where the content presents oil, it says oil is
// optional and cites the no-oil trial.
func TestOilIsOptional(t *testing.T) {
	l := mustLoad(t)
	for loc, word := range map[string]string{"en": "optional", "fr": "facultative"} {
		for _, id := range []string{"oils", "preparing"} {
			g, _ := l.GuideText(id, loc)
			all := g.Summary
			for _, s := range g.Sections {
				all += " " + strings.Join(s.Paragraphs, " ") + " " + strings.Join(s.Bullets, " ")
			}
			if !strings.Contains(all, word) || !strings.Contains(all, "Cooke et al. 2016") {
				t.Errorf("%s guide %s does not say oil is %s, citing Cooke et al. 2016", loc, id, word)
			}
		}
		for _, id := range []string{"top_of_hand", "permission_ritual"} {
			st, _ := l.StrokeText(id, loc)
			if all := strings.Join(slices.Concat(st.Steps, st.Cautions), " "); !strings.Contains(all, word) && !strings.Contains(all, "facultative") {
				t.Errorf("%s stroke %s presents oil without saying it is optional", loc, id)
			}
		}
	}
	for _, id := range []string{"oils", "preparing"} {
		g, _ := l.Guide(id)
		if !slices.ContainsFunc(g.Sources, func(s string) bool {
			return strings.HasPrefix(s, "Cooke A, Cork MJ") && strings.Contains(s, "Acta Derm Venereol 2016;96(3):323-330")
		}) {
			t.Errorf("guide %s does not cite Cooke et al. 2016 in full", id)
		}
	}
}
