package routine

import (
	"maps"
	"reflect"
	"slices"
	"testing"

	"nurture/internal/content"
	"nurture/internal/domain"
	"nurture/internal/insights"
)

var lib = content.MustLoad()

// stats makes the baby's answers: per stroke, engaged and disengaged counts.
func stats(answers map[string][2]int) []insights.StrokeStat {
	var sessions []domain.Session
	for _, id := range slices.Sorted(maps.Keys(answers)) {
		a := answers[id]
		var s domain.Session
		for range a[0] {
			s.Steps = append(s.Steps, domain.SessionStep{StrokeID: id, Response: domain.Engaged})
		}
		for range a[1] {
			s.Steps = append(s.Steps, domain.SessionStep{StrokeID: id, Response: domain.Disengaged})
		}
		sessions = append(sessions, s)
	}
	return insights.StrokeStats(sessions, func(id string) string {
		s, _ := lib.Stroke(id)
		return s.BodyPart
	})
}

func ids(s Suggestion) []string {
	var out []string
	for _, st := range s.Steps {
		out = append(out, st.StrokeID)
	}
	return out
}

func has(s Suggestion, code, id string) bool {
	return slices.ContainsFunc(s.Why, func(r Reason) bool { return r.Code == code && (id == "" || r.StrokeID == id || r.BodyPart == id) })
}

func TestFromLibrary(t *testing.T) {
	strokes := FromLibrary(lib)
	if len(strokes) != len(lib.Strokes(content.AllStrokes)) {
		t.Fatalf("%d strokes", len(strokes))
	}
	secs := map[string]int{}
	for _, s := range strokes {
		secs[s.ID] = s.Seconds
	}
	// permission_ritual: 20, 20, 20, 30 ×6 → 30; follow_the_crawler once: 60.
	if secs[content.PermissionRitualID] != 30 || secs["follow_the_crawler"] != 60 || secs["toe_roll"] != 30 {
		t.Errorf("seconds: permission %d, crawler %d, toe roll %d", secs[content.PermissionRitualID], secs["follow_the_crawler"], secs["toe_roll"])
	}
}

func TestSuggest(t *testing.T) {
	strokes := FromLibrary(lib)
	index := map[string]int{}
	for i, s := range strokes {
		index[s.ID] = i
	}
	byID := map[string]Stroke{}
	for _, s := range strokes {
		byID[s.ID] = s
	}
	tests := []struct {
		name    string
		req     Request
		present []string
		absent  []string
		why     [][2]string // code, stroke or body part
	}{
		{"no data", Request{AgeWeeks: 10}, []string{"leg_indian_milking"}, nil, [][2]string{{WhyPermission, ""}, {WhyNew, "leg_indian_milking"}}},
		{"disliked left out, enjoyed kept", Request{AgeWeeks: 10, Stats: stats(map[string][2]int{"toe_roll": {9, 1}, "leg_swedish_milking": {1, 4}})},
			[]string{"toe_roll"}, []string{"leg_swedish_milking"},
			[][2]string{{WhyEnjoyed, "toe_roll"}, {WhyLeftOut, "leg_swedish_milking"}}},
		{"one disliked stroke does not leave out its body part", Request{AgeWeeks: 10, Minutes: 20, Stats: stats(map[string][2]int{"leg_swedish_milking": {0, 5}})},
			[]string{"leg_indian_milking", "leg_rolling"}, []string{"leg_swedish_milking"}, [][2]string{{WhyLeftOut, "leg_swedish_milking"}}},
		{"two answers do not leave out", Request{AgeWeeks: 10, Minutes: 30, Stats: stats(map[string][2]int{"leg_indian_milking": {0, 2}})},
			[]string{"leg_indian_milking"}, nil, nil},
		{"tummy left out as a body part", Request{AgeWeeks: 10, Purpose: content.PurposeWindColic, Stats: stats(map[string][2]int{"water_wheel": {1, 2}, "sun_moon": {1, 2}})},
			[]string{"marching"}, content.TummyOrder(), [][2]string{{WhyLeftOutPart, content.BodyPartTummy}, {WhyPurpose, "marching"}}},
		{"sleep", Request{AgeWeeks: 10, Purpose: content.PurposeSleep, Minutes: 5},
			[]string{"back_and_forth", "back_swooping", "back_combing"}, []string{"marching", "cross_and_open"}, [][2]string{{WhyPurpose, "back_combing"}}},
		{"wind and colic keeps tummy order", Request{AgeWeeks: 10, Purpose: content.PurposeWindColic, Minutes: 8},
			content.TummyOrder(), nil, nil},
		{"newborn: no oil", Request{AgeWeeks: 2, Minutes: 20},
			[]string{"leg_rolling", "toe_roll"}, []string{"leg_indian_milking", "water_wheel", "back_and_forth"}, [][2]string{{WhyNoOil, ""}, {WhyNotYet, ""}}},
		{"age limits", Request{AgeWeeks: 30, Minutes: 60},
			[]string{"back_sitting_strokes", "follow_the_crawler"}, []string{"back_drawing_game", content.ContainmentHoldingID}, [][2]string{{WhyNotYet, ""}}},
		{"toddler", Request{AgeWeeks: 60, Minutes: 60}, []string{"back_drawing_game"}, nil, nil},
		{"one minute", Request{AgeWeeks: 10, Minutes: 1}, []string{content.PermissionRitualID}, nil, nil},
		{"an hour", Request{AgeWeeks: 10, Minutes: 60}, nil, nil, nil},
		{"enjoyed body part", Request{AgeWeeks: 10, Minutes: 5, Stats: stats(map[string][2]int{"sole_thumb_over_thumb": {5, 0}, "under_toes": {4, 1}})},
			[]string{"sole_thumb_over_thumb"}, nil, [][2]string{{WhyEnjoyed, "sole_thumb_over_thumb"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := Suggest(strokes, tc.req)
			got := ids(s)
			if len(got) == 0 || got[0] != content.PermissionRitualID {
				t.Fatalf("does not start with the permission ritual: %v", got)
			}
			if len(got) > 1 && got[1] != content.RestingHandsID {
				t.Errorf("resting hands is not second: %v", got)
			}
			for _, id := range tc.present {
				if !slices.Contains(got, id) {
					t.Errorf("%s missing from %v", id, got)
				}
			}
			for _, id := range tc.absent {
				if slices.Contains(got, id) {
					t.Errorf("%s present in %v", id, got)
				}
			}
			for _, w := range tc.why {
				if !has(s, w[0], w[1]) {
					t.Errorf("no reason %v in %+v", w, s.Why)
				}
			}
			// Within the minutes asked, give or take one step.
			longest, sum := 0, 0
			for _, st := range s.Steps {
				longest, sum = max(longest, st.Seconds), sum+st.Seconds
			}
			want := s.Minutes * 60
			if sum != s.Seconds || sum < want-longest || sum > want+longest {
				t.Errorf("%d s for %d min (longest step %d s): %v", sum, s.Minutes, longest, s.Steps)
			}
			// Class order between the opening and the closing resting hands;
			// the tummy strokes clockwise.
			body := got[2:]
			if n := len(body); n > 0 && body[n-1] == content.RestingHandsID {
				body = body[:n-1]
			}
			last, lastTummy := -1, -1
			for _, id := range body {
				if index[id] < last {
					t.Errorf("%s out of class order: %v", id, got)
				}
				last = index[id]
				if k := slices.Index(content.TummyOrder(), id); k >= 0 {
					if k < lastTummy {
						t.Errorf("tummy out of order: %v", got)
					}
					lastTummy = k
				}
				st := byID[id]
				if st.MinAgeWeeks > tc.req.AgeWeeks || (st.Oil && tc.req.AgeWeeks < content.OilFreeUnderWeeks) {
					t.Errorf("%s not allowed at %d weeks", id, tc.req.AgeWeeks)
				}
				if id == content.PermissionRitualID || id == content.ContainmentHoldingID {
					t.Errorf("%s in the body of the routine", id)
				}
			}
			if len(slices.Compact(slices.Sorted(slices.Values(body)))) != len(body) {
				t.Errorf("a stroke twice: %v", body)
			}
			// Deterministic.
			if again := Suggest(strokes, tc.req); !reflect.DeepEqual(again, s) {
				t.Errorf("not deterministic:\n%+v\n%+v", s, again)
			}
		})
	}
}

func TestSuggestCoversTheBody(t *testing.T) {
	s := Suggest(FromLibrary(lib), Request{AgeWeeks: 12, Minutes: 10})
	parts := map[string]bool{}
	for _, st := range s.Steps {
		x, _ := lib.Stroke(st.StrokeID)
		parts[x.BodyPart] = true
	}
	for _, p := range []string{content.BodyPartLegs, content.BodyPartFeet, content.BodyPartTummy, content.BodyPartChest, content.BodyPartArms, content.BodyPartBack} {
		if !parts[p] {
			t.Errorf("10 minutes without %s: %v", p, ids(s))
		}
	}
}

func TestSuggestPreterm(t *testing.T) {
	strokes := FromLibrary(lib)
	for _, minutes := range []int{0, 3, 15} {
		s := Suggest(strokes, Request{AgeWeeks: -1, Minutes: minutes, Stats: stats(map[string][2]int{"toe_roll": {9, 0}})})
		want := minutes
		if want == 0 {
			want = DefaultMinutes
		}
		if !reflect.DeepEqual(s.Steps, []content.Step{{StrokeID: content.ContainmentHoldingID, Seconds: want * 60}}) || s.Minutes != want {
			t.Errorf("preterm, %d min: %+v", minutes, s)
		}
		if !has(s, WhyPreterm, "") {
			t.Errorf("no preterm reason: %+v", s.Why)
		}
	}
}

func TestSuggestClampsMinutes(t *testing.T) {
	strokes := FromLibrary(lib)
	if s := Suggest(strokes, Request{AgeWeeks: 10, Minutes: 500}); s.Minutes != MaxMinutes {
		t.Errorf("minutes %d", s.Minutes)
	}
	if s := Suggest(nil, Request{AgeWeeks: 10}); s.Steps == nil || s.Why == nil {
		t.Errorf("nil lists on an empty library: %+v", s)
	}
}
