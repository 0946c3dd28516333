package course_test

import (
	"fmt"
	"slices"
	"testing"

	"nurture/internal/content"
	"nurture/internal/course"
	"nurture/internal/routine"
)

func weeksFor(t *testing.T, rules routine.Rules, disliked map[string]bool) []course.Week {
	t.Helper()
	lib := content.MustLoad()
	return course.Build(lib.Course(), routine.FromLibrary(lib), rules, disliked)
}

func TestBuild(t *testing.T) {
	tests := []struct {
		name  string
		rules routine.Rules
		dis   map[string]bool
		check func(t *testing.T, ws []course.Week)
	}{
		{"five weeks in class order", routine.Rules{AgeDays: 120}, nil, func(t *testing.T, ws []course.Week) {
			if len(ws) != 5 || ws[0].Strokes[0] != "permission_ritual" || !slices.Contains(ws[0].Strokes, "sole_thumb_over_thumb") ||
				!slices.Contains(ws[1].Strokes, "sun_moon") || !slices.Contains(ws[2].Strokes, "butterfly") ||
				!slices.Contains(ws[3].Strokes, "face_forehead") || !slices.Contains(ws[4].Strokes, "touch_relaxation") {
				t.Errorf("weeks: %+v", ws)
			}
		}},
		{"a 2-week-old: tummy strokes from 4 weeks wait", routine.Rules{AgeDays: 14}, nil, func(t *testing.T, ws []course.Week) {
			if !slices.Contains(ws[1].Waiting, "sun_moon") || slices.Contains(ws[1].Strokes, "sun_moon") || !slices.Contains(ws[1].Strokes, "knees_to_tummy") {
				t.Errorf("week 2: %+v", ws[1])
			}
		}},
		{"before the due date: still touch first, the rest waits", routine.Rules{AgeDays: 10, BeforeDue: true}, nil, func(t *testing.T, ws []course.Week) {
			want := []string{"sole_still_hold", "finger_grip", "resting_hands", "containment_holding"} // library order
			if !slices.Equal(ws[0].Strokes, want) {
				t.Errorf("week 1: %v, want %v", ws[0].Strokes, want)
			}
			for _, w := range ws[1:] {
				if len(w.Strokes) != 0 {
					t.Errorf("week %d offers %v before the due date", w.Number, w.Strokes)
				}
			}
		}},
		{"a disliked area: still strokes first", routine.Rules{AgeDays: 120}, map[string]bool{"feet": true}, func(t *testing.T, ws []course.Week) {
			if ws[0].Strokes[0] != "permission_ritual" || ws[0].Strokes[1] != "resting_hands" || ws[0].Strokes[2] != "sole_still_hold" {
				t.Errorf("week 1 for a baby who dislikes feet: %v", ws[0].Strokes)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.check(t, weeksFor(t, tc.rules, tc.dis)) })
	}
}

// dates turns counts into that many practice days.
func dates(days map[string]int) map[string][]string {
	out := map[string][]string{}
	for id, n := range days {
		for d := 1; d <= n; d++ {
			out[id] = append(out[id], fmt.Sprintf("2026-11-%02d", d))
		}
	}
	return out
}

func TestFollow(t *testing.T) {
	ws := weeksFor(t, routine.Rules{AgeDays: 120}, nil)
	all := func(week int, n int) map[string]int {
		d := map[string]int{}
		for _, w := range ws[:week] {
			for _, id := range w.Strokes {
				d[id] = n
			}
		}
		return d
	}
	twoDays := all(1, course.DaysToLearn)
	twoDays[ws[0].Strokes[3]] = course.DaysToLearn - 1
	tests := []struct {
		name      string
		days      map[string]int
		state     course.State
		week      int
		learned   int
		running   bool
		newInWeek int // strokes still new in the current week; -1 to skip
	}{
		{"nothing yet", nil, course.State{Started: true}, 1, 0, true, len(ws[0].Strokes)},
		{"one stroke a day short", twoDays, course.State{Started: true}, 1, len(ws[0].Strokes) - 1, true, 0},
		{"week 1 learned opens week 2", all(1, course.DaysToLearn), course.State{Started: true}, 2, len(ws[0].Strokes), true, len(ws[1].Strokes)},
		{"opened early", nil, course.State{Started: true, Opened: 2}, 2, 0, true, -1},
		{"opening early skips nothing before it", nil, course.State{Started: true, Opened: 4}, 4, 0, true, -1},
		{"paused", all(1, course.DaysToLearn), course.State{Started: true, Paused: true}, 2, len(ws[0].Strokes), false, -1},
		{"all learned", all(5, course.DaysToLearn), course.State{Started: true}, 5, 0, false, -1},
		{"never started", nil, course.State{}, 1, 0, false, -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := course.Follow(ws, dates(tc.days), tc.state, nil)
			if p.Week != tc.week || p.Running() != tc.running {
				t.Errorf("week %d running %v, want %d %v", p.Week, p.Running(), tc.week, tc.running)
			}
			if tc.learned > 0 && p.Learned() != tc.learned {
				t.Errorf("learned %d, want %d", p.Learned(), tc.learned)
			}
			if tc.newInWeek >= 0 && len(p.New()) != tc.newInWeek {
				t.Errorf("new %v, want %d", p.New(), tc.newInWeek)
			}
			// A session holds the open weeks' strokes and nothing else.
			for _, id := range p.Strokes() {
				if !slices.ContainsFunc(p.Weeks, func(w course.WeekProgress) bool { return w.Open && slices.Contains(w.Strokes, id) }) {
					t.Errorf("session holds %s of a closed week", id)
				}
			}
		})
	}
	// Before the due date the course stays in its still-touch week even
	// when it is learned.
	pre := weeksFor(t, routine.Rules{AgeDays: 10, BeforeDue: true}, nil)
	d := map[string]int{}
	for _, id := range pre[0].Strokes {
		d[id] = course.DaysToLearn
	}
	if p := course.Follow(pre, dates(d), course.State{Started: true}, nil); p.Week != 1 || p.Weeks[1].Open {
		t.Errorf("before the due date: week %d, week 2 open %v", p.Week, p.Weeks[1].Open)
	}
}

// Today's routine under the course: asking first, the strokes of the week
// already met and at most NewPerSession new ones, nothing of a closed
// week, and learned strokes giving way to stay near the length asked.
func TestFit(t *testing.T) {
	lib := content.MustLoad()
	strokes := routine.FromLibrary(lib)
	byID := routine.ByID(strokes)
	ws := course.Build(lib.Course(), strokes, routine.Rules{AgeDays: 120}, nil)
	week1 := ws[0].Strokes
	fit := func(days map[string]int) (routine.Suggestion, course.Progress) {
		p := course.Follow(ws, dates(days), course.State{Started: true}, nil)
		var keep []routine.Stroke
		for _, s := range strokes {
			if slices.Contains(p.Strokes(), s.ID) {
				keep = append(keep, s)
			}
		}
		return p.Fit(routine.Suggest(keep, routine.Request{AgeWeeks: 17, Minutes: 10}), byID), p
	}
	has := func(s routine.Suggestion, id string) bool {
		return slices.ContainsFunc(s.Steps, func(st content.Step) bool { return st.StrokeID == id })
	}
	s, _ := fit(nil)
	if s.Steps[0].StrokeID != content.PermissionRitualID {
		t.Errorf("first step %s", s.Steps[0].StrokeID)
	}
	for i, id := range week1 {
		if want := i < course.NewPerSession; has(s, id) != want {
			t.Errorf("a first session: %s in it = %v, want %v", id, has(s, id), want)
		}
	}
	// Met once: those stay, and the next new ones come in.
	days := map[string]int{}
	for _, id := range week1[:course.NewPerSession] {
		days[id] = 1
	}
	s, _ = fit(days)
	for _, id := range week1[:2*course.NewPerSession] {
		if !has(s, id) {
			t.Errorf("the second session lacks %s", id)
		}
	}
	// Week 2: its new strokes, learned ones around them, no week 3.
	for _, id := range week1 {
		days[id] = course.DaysToLearn
	}
	s, p := fit(days)
	if p.Week != 2 || !has(s, ws[1].Strokes[0]) || has(s, ws[2].Strokes[0]) || s.Seconds > 16*60 {
		t.Errorf("week 2's routine (%d s): %+v", s.Seconds, s.Steps)
	}
}

// A stroke the baby grows into joins its week without undoing it: week 1
// learned by 20 November stays learned when an oil stroke of the legs
// becomes allowed on the 25th and has not been practised yet; before the
// 25th it never counted.
func TestFollowGrowingIntoAStroke(t *testing.T) {
	ws := []course.Week{{Number: 1, Strokes: []string{"a", "b", "oil"}}, {Number: 2, Strokes: []string{"c"}}}
	practised := map[string][]string{"a": {"2026-11-18", "2026-11-19", "2026-11-20"}, "b": {"2026-11-18", "2026-11-19", "2026-11-20"}}
	allowed := func(id, day string) bool { return id != "oil" || day >= "2026-11-25" }
	p := course.Follow(ws, practised, course.State{Started: true}, allowed)
	if !p.Weeks[0].Learned || p.Week != 2 {
		t.Fatalf("week 1 undone by a stroke grown into: %+v", p)
	}
	// Had it been allowed from the start, it would be needed.
	if p := course.Follow(ws, practised, course.State{Started: true}, nil); p.Weeks[0].Learned || p.Week != 1 {
		t.Fatalf("a stroke allowed all along was not needed: %+v", p)
	}
	// Days practised after the week was learned change nothing; a deleted
	// session (fewer days) does.
	practised["b"] = practised["b"][:2]
	if p := course.Follow(ws, practised, course.State{Started: true}, allowed); p.Weeks[0].Learned {
		t.Fatalf("learned with two days of b: %+v", p)
	}
}
