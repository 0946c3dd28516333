package content

import (
	"encoding/json"
	"errors"
	"io/fs"
	"maps"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

func mustLoad(t *testing.T) *Library {
	t.Helper()
	l, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return l
}

func TestLoadEmbeddedLibrary(t *testing.T) {
	l := mustLoad(t)
	if got := len(l.Strokes(AllStrokes)); got < 45 {
		t.Errorf("strokes = %d, want >= 45", got)
	}
	if got := len(l.Routines()); got < 8 {
		t.Errorf("routines = %d, want >= 8", got)
	}
	if got := len(l.Guides()); got < 7 {
		t.Errorf("guides = %d, want >= 7", got)
	}
	if got, want := l.Locales(), []string{"en", "es", "fr"}; !slices.Equal(got, want) {
		t.Errorf("Locales() = %v, want %v", got, want)
	}
	if got := l.LocaleName("fr"); got != "Français" {
		t.Errorf("LocaleName(fr) = %q", got)
	}
}

// TestContentRules restates the product's content rules against the real
// library, independently of Validate, so a weakened validator is noticed.
func TestContentRules(t *testing.T) {
	l := mustLoad(t)
	strokes := map[string]Stroke{}
	for _, s := range l.Strokes(AllStrokes) {
		strokes[s.ID] = s
	}
	tests := []struct {
		name  string
		check func(t *testing.T)
	}{
		{"ids are unique", func(t *testing.T) {
			seen := map[string]bool{}
			for _, id := range slices.Concat(
				ids(l.Strokes(AllStrokes), func(s Stroke) string { return "stroke:" + s.ID }),
				ids(l.Routines(), func(r Routine) string { return "routine:" + r.ID }),
				ids(l.Guides(), func(g Guide) string { return "guide:" + g.ID })) {
				if seen[id] {
					t.Errorf("duplicate %s", id)
				}
				seen[id] = true
			}
		}},
		{"every routine step resolves", func(t *testing.T) {
			for _, r := range l.Routines() {
				for _, st := range r.Steps {
					if _, ok := l.Stroke(st.StrokeID); !ok {
						t.Errorf("%s: unknown stroke %q", r.ID, st.StrokeID)
					}
				}
			}
		}},
		{"every body part has strokes", func(t *testing.T) {
			for _, p := range AllBodyParts() {
				if len(l.Strokes(Filter{BodyPart: p, AgeWeeks: AnyAge})) == 0 {
					t.Errorf("no stroke for %s", p)
				}
			}
		}},
		{"both milking traditions on legs and arms, opposite directions", func(t *testing.T) {
			for _, id := range []string{"leg_indian_milking", "arm_indian_milking"} {
				if s := strokes[id]; s.Tradition != TraditionIndian || s.Diagram.Arrow != "down" {
					t.Errorf("%s = %+v", id, s)
				}
			}
			for _, id := range []string{"leg_swedish_milking", "arm_swedish_milking"} {
				if s := strokes[id]; s.Tradition != TraditionSwedish || s.Diagram.Arrow != "up" {
					t.Errorf("%s = %+v", id, s)
				}
			}
		}},
		{"face strokes use no oil", func(t *testing.T) {
			for _, s := range l.Strokes(Filter{BodyPart: BodyPartFace, AgeWeeks: AnyAge}) {
				if s.Oil {
					t.Errorf("%s uses oil", s.ID)
				}
			}
		}},
		{"tummy strokes follow the clockwise order in every routine", func(t *testing.T) {
			order := TummyOrder()
			for _, r := range l.Routines() {
				last := -1
				for _, st := range r.Steps {
					if i := slices.Index(order, st.StrokeID); i >= 0 {
						if i < last {
							t.Errorf("%s: %s after %s", r.ID, st.StrokeID, order[last])
						}
						last = i
					}
				}
			}
		}},
		{"routine steps respect the routine's minimum age", func(t *testing.T) {
			for _, r := range l.Routines() {
				for _, st := range r.Steps {
					if s := strokes[st.StrokeID]; s.MinAgeWeeks > r.MinAgeWeeks {
						t.Errorf("%s: %s needs %d weeks, routine from %d", r.ID, s.ID, s.MinAgeWeeks, r.MinAgeWeeks)
					}
				}
			}
		}},
		{"sources are never empty", func(t *testing.T) {
			for _, s := range l.Strokes(AllStrokes) {
				if len(s.Sources) == 0 {
					t.Errorf("stroke %s", s.ID)
				}
			}
			for _, r := range l.Routines() {
				if len(r.Sources) == 0 {
					t.Errorf("routine %s", r.ID)
				}
			}
			for _, g := range l.Guides() {
				if len(g.Sources) == 0 {
					t.Errorf("guide %s", g.ID)
				}
			}
		}},
		{"newborn routine is at most 5 minutes and oil-free", func(t *testing.T) {
			r, ok := l.Routine("newborn_gentle")
			if !ok {
				t.Fatal("missing")
			}
			if r.Seconds() > 300 {
				t.Errorf("%d s", r.Seconds())
			}
			for _, st := range r.Steps {
				if strokes[st.StrokeID].Oil {
					t.Errorf("oil stroke %s", st.StrokeID)
				}
			}
		}},
		{"full body is about 20 minutes", func(t *testing.T) {
			r, _ := l.Routine("full_body")
			if m := r.Minutes(); m < 18 || m > 22 {
				t.Errorf("%d min", m)
			}
		}},
		{"preterm routine is containment holding only", func(t *testing.T) {
			r, _ := l.Routine("preterm_still_touch")
			for _, st := range r.Steps {
				if st.StrokeID != ContainmentHoldingID {
					t.Errorf("step %s", st.StrokeID)
				}
			}
		}},
		{"other routines start by asking permission", func(t *testing.T) {
			for _, r := range l.Routines() {
				if !r.StillTouchOnly && r.Steps[0].StrokeID != PermissionRitualID {
					t.Errorf("%s starts with %s", r.ID, r.Steps[0].StrokeID)
				}
			}
		}},
		{"I Love You starts down baby's left and ends on the left", func(t *testing.T) {
			st, _ := l.StrokeText("i_love_you", "en")
			if !strings.Contains(st.Steps[0], "down your baby's left") {
				t.Errorf("I: %q", st.Steps[0])
			}
			for _, step := range st.Steps[1:3] {
				if !strings.Contains(step, "right") || !strings.HasSuffix(step, "down their left side.") {
					t.Errorf("L/U: %q", step)
				}
			}
		}},
		{"foot strokes make no organ claims", func(t *testing.T) {
			for _, loc := range l.Locales() {
				for _, s := range l.Strokes(Filter{BodyPart: BodyPartFeet, AgeWeeks: AnyAge}) {
					st, _ := l.StrokeText(s.ID, loc)
					text := strings.ToLower(strings.Join(append(st.Steps, st.Direction, st.Say), " "))
					for _, w := range []string{"organ", "liver", "kidney", "foie", "rein"} {
						if strings.Contains(text, w) {
							t.Errorf("%s/%s mentions %q outside cautions", loc, s.ID, w)
						}
					}
				}
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, tt.check)
	}
}

// cloneLibrary deep-copies a library so a test can break it.
func cloneLibrary(l *Library) *Library {
	c := &Library{
		bodyParts: slices.Clone(l.bodyParts),
		strokes:   l.Strokes(AllStrokes),
		routines:  l.Routines(),
		guides:    l.Guides(),
		locales:   map[string]*localeText{},
	}
	for k, t := range l.locales {
		n := *t
		n.BodyParts = maps.Clone(t.BodyParts)
		n.Strokes = maps.Clone(t.Strokes)
		n.Routines = maps.Clone(t.Routines)
		n.Guides = maps.Clone(t.Guides)
		c.locales[k] = &n
	}
	return c
}

func strokeIndex(l *Library, id string) int {
	return slices.IndexFunc(l.strokes, func(s Stroke) bool { return s.ID == id })
}

func routineIndex(l *Library, id string) int {
	return slices.IndexFunc(l.routines, func(r Routine) bool { return r.ID == id })
}

// TestValidateReportsProblems feeds deliberately broken libraries to Validate
// and checks the specific problem is named.
func TestValidateReportsProblems(t *testing.T) {
	base := mustLoad(t)
	tests := []struct {
		name     string
		breakLib func(l *Library)
		want     string
	}{
		{"duplicate stroke id", func(l *Library) {
			l.strokes[1].ID = l.strokes[0].ID
		}, `stroke "leg_indian_milking": duplicate id`},
		{"id not snake_case", func(l *Library) {
			l.guides[0].ID = "Preparing-Guide"
		}, `id "Preparing-Guide" is not snake_case`},
		{"unknown routine step", func(l *Library) {
			l.routines[0].Steps[3].StrokeID = "no_such_stroke"
		}, `routine "full_body" step 4 (no_such_stroke): unknown stroke`},
		{"body part without strokes", func(l *Library) {
			l.strokes = slices.DeleteFunc(l.strokes, func(s Stroke) bool { return s.BodyPart == BodyPartChest })
		}, `body part "chest" has no stroke`},
		{"strokes out of teaching order", func(l *Library) {
			i := strokeIndex(l, "face_forehead")
			l.strokes[0], l.strokes[i] = l.strokes[i], l.strokes[0]
		}, `out of teaching order`},
		{"no Swedish milking on arms", func(l *Library) {
			l.strokes[strokeIndex(l, "arm_swedish_milking")].Tradition = TraditionIndian
		}, `arms: no swedish milking stroke with arrow "up"`},
		{"Indian milking going the wrong way on legs", func(l *Library) {
			l.strokes[strokeIndex(l, "leg_indian_milking")].Diagram.Arrow = "up"
		}, `legs: no indian milking stroke with arrow "down"`},
		{"face stroke with oil", func(l *Library) {
			l.strokes[strokeIndex(l, "face_smile")].Oil = true
		}, `stroke "face_smile": face strokes must not use oil`},
		{"tummy strokes anticlockwise", func(l *Library) {
			r := &l.routines[routineIndex(l, "colic_tummy")]
			i := slices.IndexFunc(r.Steps, func(s Step) bool { return s.StrokeID == "i_love_you" })
			j := slices.IndexFunc(r.Steps, func(s Step) bool { return s.StrokeID == "water_wheel" })
			r.Steps[i], r.Steps[j] = r.Steps[j], r.Steps[i]
		}, `routine "colic_tummy" step 6 (water_wheel): tummy strokes out of clockwise order`},
		{"stroke older than its routine", func(l *Library) {
			r := &l.routines[routineIndex(l, "crawler_playful")]
			r.Steps = append(r.Steps, Step{StrokeID: "back_drawing_game", Seconds: 30})
		}, `stroke needs 52 weeks, routine allows from 28`},
		{"oil stroke for under-4-week routine", func(l *Library) {
			r := &l.routines[routineIndex(l, "touch_relaxation_practice")]
			r.Steps = append(r.Steps, Step{StrokeID: "leg_hug_and_glide", Seconds: 20})
		}, `oil stroke in a routine for babies under 4 weeks`},
		{"newborn routine too long", func(l *Library) {
			l.routines[routineIndex(l, "newborn_gentle")].Steps[1].Seconds = 400
		}, `routine "newborn_gentle": lasts 600 s, want at most 5 min`},
		{"routine not asking permission first", func(l *Library) {
			r := &l.routines[routineIndex(l, "quick_legs_feet")]
			r.Steps = r.Steps[1:]
		}, `routine "quick_legs_feet": must start with "permission_ritual"`},
		{"moving stroke in preterm still touch", func(l *Library) {
			r := &l.routines[routineIndex(l, "preterm_still_touch")]
			r.Steps = append(r.Steps, Step{StrokeID: "leg_rolling", Seconds: 30})
		}, `still-touch routine contains a moving stroke`},
		{"stroke without sources", func(l *Library) {
			l.strokes[strokeIndex(l, "toe_roll")].Sources = nil
		}, `stroke "toe_roll": no sources`},
		{"guide without sources", func(l *Library) {
			l.guides[0].Sources = []string{" "}
		}, `guide "preparing": empty source`},
		{"too few strokes", func(l *Library) {
			l.strokes = l.strokes[:40]
		}, `strokes: 40, want at least 45`},
		{"too few routines", func(l *Library) {
			l.routines = l.routines[:3]
		}, `routines: 3, want at least 8`},
		{"missing required routine", func(l *Library) {
			l.routines = slices.Delete(l.routines, routineIndex(l, "sibling_feet_hands"), routineIndex(l, "sibling_feet_hands")+1)
		}, `required routine "sibling_feet_hands" is missing`},
		{"missing French stroke text", func(l *Library) {
			delete(l.locales["fr"].Strokes, "butterfly")
		}, `locale fr: stroke "butterfly": no text`},
		{"French stroke with one step", func(l *Library) {
			st := l.locales["fr"].Strokes["toe_roll"]
			st.Steps = st.Steps[:1]
			l.locales["fr"].Strokes["toe_roll"] = st
		}, `locale fr: stroke "toe_roll": 1 steps, want 2-5`},
		{"English stroke with six steps", func(l *Library) {
			st := l.locales["en"].Strokes["toe_roll"]
			st.Steps = slices.Concat(st.Steps, st.Steps)
			l.locales["en"].Strokes["toe_roll"] = st
		}, `locale en: stroke "toe_roll": 6 steps, want 2-5`},
		{"French translation dropped a caution", func(l *Library) {
			st := l.locales["fr"].Strokes["leg_indian_milking"]
			st.Cautions = st.Cautions[:1]
			l.locales["fr"].Strokes["leg_indian_milking"] = st
		}, `locale fr: stroke "leg_indian_milking": steps/cautions count differs from "en"`},
		{"missing say line", func(l *Library) {
			st := l.locales["fr"].Strokes["marching"]
			st.Say = " "
			l.locales["fr"].Strokes["marching"] = st
		}, `locale fr: stroke "marching": name, direction, reps and say are required`},
		{"text for an unknown id", func(l *Library) {
			l.locales["fr"].Strokes["moonwalk"] = l.locales["fr"].Strokes["marching"]
		}, `locale fr: text for unknown stroke "moonwalk"`},
		{"missing body-part vocabulary", func(l *Library) {
			b := l.locales["fr"].BodyParts["feet"]
			b.Your = ""
			l.locales["fr"].BodyParts["feet"] = b
		}, `locale fr: body part "feet": name, word and your are required`},
		{"missing routine text", func(l *Library) {
			delete(l.locales["en"].Routines, "bedtime_wind_down")
		}, `locale en: routine "bedtime_wind_down": no text`},
		{"sibling routine without words for the older child", func(l *Library) {
			rt := l.locales["fr"].Routines["sibling_feet_hands"]
			rt.OlderChild = nil
			l.locales["fr"].Routines["sibling_feet_hands"] = rt
		}, `sibling routine needs older_child and parent words`},
		{"guide section without text", func(l *Library) {
			g := l.locales["fr"].Guides["oils"]
			g.Sections = slices.Clone(g.Sections)
			g.Sections[0] = Section{Heading: "Vide"}
			l.locales["fr"].Guides["oils"] = g
		}, `locale fr: guide "oils": section 1 needs a heading and some text`},
		{"source a reader cannot find", func(l *Library) {
			l.routines[routineIndex(l, "colic_tummy")].Sources = []string{"cozycuddles.com", "motherhood101"}
		}, `routine "colic_tummy": source "motherhood101" cannot be found by a reader`},
		{"study cited by author and year only", func(l *Library) {
			l.strokes[strokeIndex(l, "toe_roll")].Sources = []string{"Huhtala 2000 RCT"}
		}, `stroke "toe_roll": source "Huhtala 2000 RCT" cannot be found by a reader`},
		{"repeated source", func(l *Library) {
			l.strokes[strokeIndex(l, "toe_roll")].Sources = []string{"newparent.com", "newparent.com"}
		}, `stroke "toe_roll": repeated source`},
		{"sleep stroke without safe-sleep words", func(l *Library) {
			l.strokes[strokeIndex(l, "back_swooping")].SafeSleep = false
		}, `stroke "back_swooping": a stroke for sleep must be marked safe_sleep`},
		{"sleep routine without safe-sleep words", func(l *Library) {
			l.routines[routineIndex(l, "bedtime_wind_down")].SafeSleep = false
		}, `routine "bedtime_wind_down": a routine for sleep must be marked safe_sleep`},
		{"routine holding a tummy-position stroke without safe-sleep words", func(l *Library) {
			l.routines[routineIndex(l, "full_body")].SafeSleep = false
		}, `routine "full_body": holds safe_sleep stroke "back_and_forth", so must be marked safe_sleep`},
		{"safe-sleep item without the safe-sleep sources", func(l *Library) {
			l.strokes[strokeIndex(l, "back_circles")].Sources = []string{"ohbabymagazine.com"}
		}, `stroke "back_circles": safe_sleep item must cite "Moon RY et al.`},
		{"safe-sleep guide not marked", func(l *Library) {
			l.guides[slices.IndexFunc(l.guides, func(g Guide) bool { return g.ID == SafeSleepGuideID })].SafeSleep = false
		}, `guide "safe_sleep" must be marked safe_sleep`},
		{"French back stroke lost its safe-sleep words", func(l *Library) {
			st := l.locales["fr"].Strokes["back_combing"]
			st.Cautions = slices.DeleteFunc(slices.Clone(st.Cautions), func(c string) bool { return c == l.locales["fr"].SafeSleep })
			st.Cautions = append(st.Cautions, "Couchez-le ensuite.")
			l.locales["fr"].Strokes["back_combing"] = st
		}, `locale fr: stroke "back_combing": marked safe_sleep, so its cautions must hold the safe_sleep sentence`},
		{"English bedtime routine lost its safe-sleep words", func(l *Library) {
			rt := l.locales["en"].Routines["bedtime_wind_down"]
			rt.Cautions = rt.Cautions[:1]
			l.locales["en"].Routines["bedtime_wind_down"] = rt
		}, `locale en: routine "bedtime_wind_down": marked safe_sleep`},
		{"guide marked safe_sleep without the words", func(l *Library) {
			g := l.locales["en"].Guides["for_fathers"]
			g.Sections = g.Sections[1:]
			l.locales["en"].Guides["for_fathers"] = g
		}, `locale en: guide "for_fathers": marked safe_sleep, so one of its lines must be the safe_sleep sentence`},
		{"locale without a safe-sleep sentence", func(l *Library) {
			l.locales["fr"].SafeSleep = " "
		}, `locale fr: no safe_sleep sentence`},
		{"an instruction to shake", func(l *Library) {
			st := l.locales["en"].Strokes["arm_release_shake"]
			st.Steps = slices.Clone(st.Steps)
			st.Steps[1] = "Wait, or give a few tiny gentle shakes."
			l.locales["en"].Strokes["arm_release_shake"] = st
		}, `locale en: stroke "arm_release_shake": speaks of shaking outside a 'never' warning: "Wait, or give a few tiny gentle shakes."`},
		{"a French instruction to shake", func(l *Library) {
			rt := l.locales["fr"].Routines["touch_relaxation_practice"]
			rt.Description = "Secouez doucement les bras."
			l.locales["fr"].Routines["touch_relaxation_practice"] = rt
		}, `locale fr: routine "touch_relaxation_practice": speaks of shaking`},
		{"a guide line about shaking", func(l *Library) {
			g := l.locales["en"].Guides["with_siblings"]
			g.Summary = "Older children love shaking rattles over the baby."
			l.locales["en"].Guides["with_siblings"] = g
		}, `locale en: guide "with_siblings": speaks of shaking`},
		{"unknown purpose", func(l *Library) {
			l.strokes[strokeIndex(l, "toe_roll")].Purposes = []string{"magic"}
		}, `unknown purpose "magic"`},
		{"default locale missing", func(l *Library) {
			delete(l.locales, "en")
		}, `locale "en" is missing`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := cloneLibrary(base)
			tt.breakLib(l)
			err := Validate(l)
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Validate = %v, want a *ValidationError", err)
			}
			if !slices.ContainsFunc(ve.Problems, func(p string) bool { return strings.Contains(p, tt.want) }) {
				t.Errorf("problems do not mention %q:\n%s", tt.want, err)
			}
		})
	}
	// The unbroken copy must stay valid, or the cases above prove nothing.
	if err := Validate(cloneLibrary(base)); err != nil {
		t.Errorf("clean copy: %v", err)
	}
}

// dataFS is the embedded data as a writable map, to add or break files.
func dataFS(t *testing.T) fstest.MapFS {
	t.Helper()
	sub, err := fs.Sub(embedded, "data")
	if err != nil {
		t.Fatal(err)
	}
	m := fstest.MapFS{}
	err = fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(sub, p)
		m[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestNewLocaleNeedsOnlyAFile(t *testing.T) {
	fsys := dataFS(t)
	de := strings.Replace(string(fsys["text.en.json"].Data), `"locale": "en"`, `"locale": "de"`, 1)
	fsys["text.de.json"] = &fstest.MapFile{Data: []byte(de)}
	l, err := loadFS(fsys)
	if err != nil {
		t.Fatalf("loadFS with a third locale: %v", err)
	}
	if !slices.Contains(l.Locales(), "de") {
		t.Errorf("Locales() = %v, want de discovered", l.Locales())
	}
	if got := l.Locale("de-AT"); got != "de" {
		t.Errorf("Locale(de-AT) = %q", got)
	}
}

func TestLoadRejectsBrokenFiles(t *testing.T) {
	tests := []struct {
		name   string
		change func(m fstest.MapFS)
		want   string
	}{
		{"incomplete new locale", func(m fstest.MapFS) {
			m["text.it.json"] = &fstest.MapFile{Data: []byte(`{"locale": "it", "name": "Italiano", "strokes": {}}`)}
		}, `locale it: stroke "leg_indian_milking": no text`},
		{"locale field disagrees with file name", func(m fstest.MapFS) {
			m["text.es.json"] = &fstest.MapFile{Data: m["text.fr.json"].Data}
		}, `declares locale "fr", file name says "es"`},
		{"misspelt key", func(m fstest.MapFS) {
			m["library.json"] = &fstest.MapFile{Data: []byte(strings.Replace(string(m["library.json"].Data), `"min_age_weeks"`, `"min_age_week"`, 1))}
		}, `unknown field "min_age_week"`},
		{"syntax error names the line", func(m fstest.MapFS) {
			m["text.fr.json"] = &fstest.MapFile{Data: []byte("{\n\"locale\": \"fr\",,\n}")}
		}, `text.fr.json line 2`},
		{"upper-case locale file", func(m fstest.MapFS) {
			m["text.FR.json"] = &fstest.MapFile{Data: m["text.fr.json"].Data}
		}, `not a lower-case locale name`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := dataFS(t)
			tt.change(fsys)
			_, err := loadFS(fsys)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("loadFS error = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestStrokesFilter(t *testing.T) {
	l := mustLoad(t)
	tests := []struct {
		name    string
		f       Filter
		want    []string // must be included
		notWant []string // must be excluded
	}{
		{"all", AllStrokes, []string{"leg_indian_milking", "back_drawing_game", "follow_the_crawler"}, nil},
		{"feet", Filter{BodyPart: BodyPartFeet, AgeWeeks: AnyAge}, []string{"toe_roll", "sole_thumb_over_thumb"}, []string{"leg_rolling"}},
		{"swedish", Filter{Tradition: TraditionSwedish, AgeWeeks: AnyAge}, []string{"leg_swedish_milking", "arm_swedish_milking"}, []string{"leg_indian_milking"}},
		{"wind and colic", Filter{Purpose: PurposeWindColic, AgeWeeks: AnyAge}, []string{"i_love_you", "knees_to_tummy"}, []string{"face_smile"}},
		{"newborn", Filter{AgeWeeks: 0}, []string{"resting_hands"}, []string{"back_sitting_strokes", "back_drawing_game"}},
		{"30 weeks", Filter{AgeWeeks: 30}, []string{"back_sitting_strokes", "follow_the_crawler"}, []string{"back_drawing_game"}},
		{"combined", Filter{BodyPart: BodyPartBack, Purpose: PurposePlay, AgeWeeks: 60}, []string{"back_sitting_strokes", "back_drawing_game"}, []string{"back_circles"}},
		{"no match", Filter{BodyPart: "tail", AgeWeeks: AnyAge}, nil, []string{"toe_roll"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ids(l.Strokes(tt.f), func(s Stroke) string { return s.ID })
			for _, id := range tt.want {
				if !slices.Contains(got, id) {
					t.Errorf("missing %s in %v", id, got)
				}
			}
			for _, id := range tt.notWant {
				if slices.Contains(got, id) {
					t.Errorf("unexpected %s", id)
				}
			}
		})
	}
}

func TestLocalizedLookups(t *testing.T) {
	l := mustLoad(t)
	tests := []struct {
		name, got, want string
	}{
		{"french say line", say(l, "sole_thumb_over_thumb", "fr"), "Voici tes pieds."},
		{"english say line", say(l, "sole_thumb_over_thumb", "en"), "These are your feet."},
		{"region tag falls back to base", say(l, "sole_thumb_over_thumb", "fr-CA"), "Voici tes pieds."},
		{"unknown locale falls back to en", say(l, "sole_thumb_over_thumb", "xx"), "These are your feet."},
		{"vocabulary fr", your(l, BodyPartTummy, "fr"), "ton ventre"},
		{"vocabulary en", your(l, BodyPartFeet, "en"), "your feet"},
		{"locale matching", l.Locale("FR_be"), "fr"},
		{"guide title", func() string { g, _ := l.GuideText("after_vaccinations", "fr"); return g.Title }(), "Le massage après les vaccins"},
		{"routine name", func() string { r, _ := l.RoutineText("colic_tummy", "en"); return r.Name }(), "Tummy and wind"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, tt.got, tt.want)
		}
	}
	if _, ok := l.StrokeText("nope", "en"); ok {
		t.Error("StrokeText of unknown id reported ok")
	}
	v := l.Vocabulary("fr")
	if len(v) != len(AllBodyParts()) || v[0].ID != BodyPartLegs || v[0].Your != "tes jambes" {
		t.Errorf("Vocabulary(fr) = %+v", v)
	}
}

func say(l *Library, id, locale string) string {
	st, _ := l.StrokeText(id, locale)
	return st.Say
}

func your(l *Library, part, locale string) string {
	b, _ := l.BodyPartText(part, locale)
	return b.Your
}

func TestRoutineLength(t *testing.T) {
	tests := []struct {
		steps         []Step
		seconds, mins int
	}{
		{nil, 0, 1},
		{[]Step{{"a", 20}}, 20, 1},
		{[]Step{{"a", 60}, {"b", 29}}, 89, 1},
		{[]Step{{"a", 60}, {"b", 30}}, 90, 2},
		{[]Step{{"a", 600}, {"b", 605}}, 1205, 20},
	}
	for _, tt := range tests {
		r := Routine{Steps: tt.steps}
		if r.Seconds() != tt.seconds || r.Minutes() != tt.mins {
			t.Errorf("%v: Seconds %d Minutes %d, want %d %d", tt.steps, r.Seconds(), r.Minutes(), tt.seconds, tt.mins)
		}
	}
}

func TestAccessorsReturnCopies(t *testing.T) {
	l := mustLoad(t)
	s, _ := l.Stroke("toe_roll")
	s.Sources[0] = "changed"
	r, _ := l.Routine("full_body")
	r.Steps[0].StrokeID = "changed"
	st, _ := l.StrokeText("toe_roll", "en")
	st.Steps[0] = "changed"
	if err := Validate(l); err != nil {
		t.Fatalf("library changed through a returned value: %v", err)
	}
	if s2, _ := l.Stroke("toe_roll"); s2.Sources[0] == "changed" {
		t.Error("stroke sources aliased")
	}
}

func TestLocalizedJSONShape(t *testing.T) {
	l := mustLoad(t)
	items := l.LocalizedStrokes(Filter{BodyPart: BodyPartFeet, AgeWeeks: AnyAge}, "fr")
	b, err := json.Marshal(items[0])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id", "name", "body_part", "tradition", "direction", "purposes", "min_age_weeks", "oil", "reps", "steps", "say", "cautions", "sources", "diagram"} {
		if _, ok := m[k]; !ok {
			t.Errorf("stroke JSON lacks %q: %s", k, b)
		}
	}
	lr, ok := l.LocalizedRoutine("quick_legs_feet", "fr")
	if !ok || lr.Minutes != 5 || lr.Name != "Jambes et pieds express" || len(lr.Steps) == 0 {
		t.Errorf("LocalizedRoutine = %+v", lr)
	}
	if got := len(l.LocalizedRoutines("en")); got != len(l.Routines()) {
		t.Errorf("LocalizedRoutines = %d", got)
	}
}
