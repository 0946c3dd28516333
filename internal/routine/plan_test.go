package routine

import (
	"slices"
	"testing"

	"nurture/internal/content"
	"nurture/internal/readiness"
)

func routineSteps(t *testing.T, id string) []content.Step {
	t.Helper()
	rt, ok := lib.Routine(id)
	if !ok {
		t.Fatalf("no routine %s", id)
	}
	return rt.Steps
}

func stepIDs(steps []content.Step) []string {
	out := []string{}
	for _, s := range steps {
		out = append(out, s.StrokeID)
	}
	return out
}

func TestPlan(t *testing.T) {
	byID := ByID(FromLibrary(lib))
	tests := []struct {
		name    string
		routine string
		rules   Rules
		present []string
		absent  []string
		max     int // the plan's longest allowed length in seconds, 0 for the routine's own
	}{
		{name: "older baby keeps the whole routine", routine: "full_body", rules: Rules{AgeDays: 120},
			present: []string{"leg_indian_milking", "water_wheel", "marching", "arm_indian_milking", "face_forehead", "back_circles"}},
		{name: "no oil strokes under 4 weeks", routine: "newborn_gentle", rules: Rules{AgeDays: 27},
			present: []string{"leg_rolling", "sole_still_hold"}},
		{name: "oil strokes at 4 weeks", routine: "quick_legs_feet", rules: Rules{AgeDays: 28},
			present: []string{"leg_indian_milking", "sole_thumb_over_thumb"}},
		{name: "no stroke above the baby's age", routine: "crawler_playful", rules: Rules{AgeDays: 24*7 - 1},
			present: []string{"toe_roll"}, absent: []string{"follow_the_crawler", "back_sitting_strokes"}},
		{name: "the stroke at its age", routine: "crawler_playful", rules: Rules{AgeDays: 28 * 7},
			present: []string{"follow_the_crawler", "back_sitting_strokes"}},
		{name: "before the due date: still touch only", routine: "full_body", rules: Rules{AgeDays: -10, BeforeDue: true},
			present: []string{content.RestingHandsID}, absent: []string{content.PermissionRitualID, "leg_rolling", "water_wheel"}},
		{name: "before the due date, only the still steps of a play routine", routine: "toddler_playful", rules: Rules{AgeDays: -10, BeforeDue: true},
			present: []string{content.RestingHandsID}, absent: []string{"toe_roll", "back_drawing_game"}},
		{name: "unhealed cord: no tummy", routine: "colic_tummy", rules: Rules{AgeDays: 60, Adjust: []string{readiness.CodeAvoidNavel}},
			present: []string{"marching"}, absent: content.TummyOrder()},
		{name: "thigh injection: no legs, no leg movements", routine: "full_body",
			rules:   Rules{AgeDays: 120, Adjust: []string{readiness.CodeAvoidInjectionSite}},
			present: []string{"sole_thumb_over_thumb", "water_wheel", "arm_indian_milking"},
			absent:  []string{"leg_indian_milking", "leg_rolling", "bottom_relaxer", "knees_to_tummy", "marching", "integration_sweep", "chest_integration", "arm_integration"}},
		{name: "arm injection: no arms, no arm movements", routine: "full_body",
			rules:   Rules{AgeDays: 400, Adjust: []string{readiness.CodeAvoidInjectionArm}},
			present: []string{"leg_indian_milking", "palm_stroke_finger_roll", "marching"},
			absent:  []string{"arm_pit_stop", "arm_indian_milking", "arm_rolling", "cross_and_open", "integration_sweep", "arm_integration"}},
		{name: "drowsy: short, slow, no full routine", routine: "full_body",
			rules:   Rules{AgeDays: 120, Adjust: []string{readiness.CodeGentleBedtime}},
			present: []string{content.PermissionRitualID, content.RestingHandsID},
			absent:  []string{"water_wheel", "face_forehead", "marching", "arm_indian_milking"}, max: DrowsyMaxSeconds},
		{name: "under 6 weeks: ten minutes at most", routine: "full_body", rules: Rules{AgeDays: 35},
			present: []string{content.PermissionRitualID}, max: NewbornMaxSeconds},
		{name: "at 6 weeks the routine's own length", routine: "full_body", rules: Rules{AgeDays: 42},
			present: []string{"back_combing", "integration_sweep"}},
		{name: "still touch adjustment", routine: "newborn_gentle", rules: Rules{AgeDays: 10, Adjust: []string{readiness.CodeStillTouchOnly}},
			present: []string{content.RestingHandsID, "sole_still_hold"}, absent: []string{"leg_rolling", "integration_sweep"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Plan(byID, routineSteps(t, tc.routine), tc.rules)
			ids := stepIDs(got)
			for _, id := range tc.present {
				if !slices.Contains(ids, id) {
					t.Errorf("%s missing from %v", id, ids)
				}
			}
			for _, id := range tc.absent {
				if slices.Contains(ids, id) {
					t.Errorf("%s should be left out of %v", id, ids)
				}
			}
			for _, id := range ids {
				if !tc.rules.Allows(byID[id]) {
					t.Errorf("%s is in the plan but the rules refuse it", id)
				}
			}
			if tc.max > 0 && total(got) > tc.max {
				t.Errorf("plan lasts %d s, the rules allow %d", total(got), tc.max)
			}
			if tc.max > 0 && len(ids) > 1 && ids[len(ids)-1] != content.RestingHandsID {
				t.Errorf("a cut plan should still end with resting hands: %v", ids)
			}
			for i := 1; i < len(ids); i++ {
				if ids[i] == ids[i-1] && byID[ids[i]].Still {
					t.Errorf("still step %s twice in a row: %v", ids[i], ids)
				}
			}
		})
	}
}

func TestPlanBeforeDueWithNothingStillIsAStillHold(t *testing.T) {
	byID := ByID(FromLibrary(lib))
	got := Plan(byID, []content.Step{{StrokeID: "toe_roll", Seconds: 30}, {StrokeID: "leg_rolling", Seconds: 30}}, Rules{AgeDays: -3, BeforeDue: true})
	if ids := stepIDs(got); !slices.Equal(ids, []string{content.ContainmentHoldingID}) || got[0].Seconds != StillHoldSeconds {
		t.Fatalf("plan = %v", got)
	}
}

// Every stroke the injection-site lists name is in the library, so a
// renamed stroke cannot quietly slip back over a sore thigh or arm.
func TestInjectionSiteStrokesExist(t *testing.T) {
	byID := ByID(FromLibrary(lib))
	for _, id := range append(slices.Clone(touchesLegs), touchesArms...) {
		if _, ok := byID[id]; !ok {
			t.Errorf("%s is not in the library", id)
		}
	}
}

// A movement or whole-body stroke that handles a limb must be on a list:
// every stroke whose drawing covers the legs or arms is either of that
// body part or listed.
func TestInjectionSiteListsCoverTheDrawings(t *testing.T) {
	for _, s := range lib.Strokes(content.AllStrokes) {
		if s.Still {
			continue
		}
		switch s.Diagram.Region {
		case "leg", "legs":
			if s.BodyPart != content.BodyPartLegs && !slices.Contains(touchesLegs, s.ID) {
				t.Errorf("%s is drawn over the legs but is not in touchesLegs", s.ID)
			}
		case "arm", "arms":
			if s.BodyPart != content.BodyPartArms && !slices.Contains(touchesArms, s.ID) {
				t.Errorf("%s is drawn over the arms but is not in touchesArms", s.ID)
			}
		}
	}
}
