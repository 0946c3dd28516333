package insights

import (
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"nurture/internal/domain"
)

func mustLoad(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func at(t *testing.T, loc *time.Location, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// answers makes a session whose steps on stroke give these responses.
func answers(stroke string, responses ...domain.Response) domain.Session {
	s := domain.Session{Outcome: domain.Completed, StartedAt: time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)}
	s.EndedAt = s.StartedAt.Add(10 * time.Minute)
	for _, r := range responses {
		s.Steps = append(s.Steps, domain.SessionStep{StrokeID: stroke, Response: r})
	}
	return s
}

func repeat(r domain.Response, n int) []domain.Response {
	out := make([]domain.Response, n)
	for i := range out {
		out[i] = r
	}
	return out
}

func TestWilsonLowerBound(t *testing.T) {
	// Reference values of (p + z²/2n − z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n),
	// z = 1.96, worked by hand: for 3/3, (1 + 0.6403 − 0.6403) / 2.2805.
	tests := []struct {
		k, n int
		want float64
	}{
		{3, 3, 0.438503},
		{40, 45, 0.765009},
		{9, 10, 0.595850},
		{5, 10, 0.236593},
		{1, 2, 0.094531},
		{0, 5, 0},
		{0, 0, 0},
	}
	for _, tc := range tests {
		if got := Wilson(tc.k, tc.n); math.Abs(got-tc.want) > 1e-5 {
			t.Errorf("Wilson(%d, %d) = %.6f, want %.6f", tc.k, tc.n, got, tc.want)
		}
	}
}

func TestStrokeRanking(t *testing.T) {
	tests := []struct {
		name      string
		sessions  []domain.Session
		favorites []string
	}{
		{"40 of 45 beats 3 of 3", []domain.Session{
			answers("lucky", repeat(domain.Engaged, 3)...),
			answers("steady", append(repeat(domain.Engaged, 40), repeat(domain.Neutral, 5)...)...),
		}, []string{"steady", "lucky"}},
		{"2 answers are not enough", []domain.Session{
			answers("short", domain.Engaged, domain.Engaged),
			answers("ok", domain.Engaged, domain.Engaged, domain.Neutral),
		}, []string{"ok"}},
		{"skipped steps are not answers", []domain.Session{
			answers("skippy", domain.Engaged, domain.Engaged, domain.Skipped, domain.Skipped),
		}, []string{}},
		{"mostly neutral is not enjoyed", []domain.Session{
			answers("meh", domain.Engaged, domain.Neutral, domain.Neutral, domain.Neutral),
		}, []string{}},
		{"ties by answers then id", []domain.Session{
			answers("b", repeat(domain.Engaged, 4)...),
			answers("a", repeat(domain.Engaged, 4)...),
			answers("c", repeat(domain.Engaged, 5)...),
		}, []string{"c", "a", "b"}},
	}
	for _, tc := range tests {
		stats := StrokeStats(tc.sessions, nil)
		var got []string
		for _, s := range Favorites(stats) {
			got = append(got, s.StrokeID)
		}
		if !slices.Equal(got, tc.favorites) && !(len(got) == 0 && len(tc.favorites) == 0) {
			t.Errorf("%s: favorites %v, want %v", tc.name, got, tc.favorites)
		}
	}
}

func TestLeaveOutRule(t *testing.T) {
	E, N, D := domain.Engaged, domain.Neutral, domain.Disengaged
	tests := []struct {
		name      string
		responses []domain.Response
		leaveOut  bool
	}{
		{"2 answers never, even both no", []domain.Response{D, D}, false},
		{"3 with 2 no", []domain.Response{D, D, E}, true},
		{"3 with 1 no", []domain.Response{D, E, N}, false},
		{"exactly half", []domain.Response{D, D, E, N}, true},
		{"just under half", []domain.Response{D, D, E, N, N}, false},
		{"skips do not count", []domain.Response{D, D, domain.Skipped, domain.Skipped, domain.Skipped}, false},
		{"all no", []domain.Response{D, D, D, D}, true},
	}
	for _, tc := range tests {
		stats := StrokeStats([]domain.Session{answers("x", tc.responses...)}, nil)
		if len(stats) == 0 {
			if tc.leaveOut {
				t.Errorf("%s: no stats", tc.name)
			}
			continue
		}
		avoid := LeaveOut(stats)
		if got := len(avoid) == 1; got != tc.leaveOut || stats[0].LeaveOut != tc.leaveOut {
			t.Errorf("%s: leave out %v, want %v (%+v)", tc.name, got, tc.leaveOut, stats[0])
		}
		if tc.leaveOut && stats[0].Enjoyed {
			t.Errorf("%s: a stroke to leave out is not enjoyed too", tc.name)
		}
	}
}

func TestBodyPartStats(t *testing.T) {
	part := map[string]string{"toe_roll": "feet", "under_toes": "feet", "water_wheel": "tummy", "sun_moon": "tummy"}
	E, D := domain.Engaged, domain.Disengaged
	sessions := []domain.Session{
		answers("toe_roll", E, E, E, E, E),
		answers("under_toes", E, E, E, E, D),
		answers("water_wheel", D, D, E),
		answers("sun_moon", D, E, D),
	}
	stats := StrokeStats(sessions, func(id string) string { return part[id] })
	parts := BodyPartStats(stats, []string{"legs", "feet", "tummy"})
	if len(parts) != 2 || parts[0].BodyPart != "feet" || parts[1].BodyPart != "tummy" {
		t.Fatalf("body parts: %+v", parts)
	}
	if f := parts[0]; f.Engaged != 9 || f.Responses != 10 || !f.Enjoyed || f.LeaveOut {
		t.Errorf("feet: %+v", f)
	}
	if tu := parts[1]; tu.Disengaged != 4 || tu.Responses != 6 || !tu.LeaveOut || tu.Enjoyed {
		t.Errorf("tummy: %+v", tu)
	}
	// One stroke says too little about its body part.
	one := BodyPartStats(StrokeStats(sessions[2:3], func(id string) string { return part[id] }), nil)
	if len(one) != 1 || one[0].LeaveOut || one[0].Strokes != 1 || one[0].Disengaged != 2 {
		t.Errorf("one stroke: %+v", one)
	}
}

func TestHourBands(t *testing.T) {
	loc := mustLoad(t, "Europe/Paris")
	E, D := domain.Engaged, domain.Disengaged
	ses := func(clock string, o domain.Outcome, r ...domain.Response) domain.Session {
		s := answers("toe_roll", r...)
		s.Outcome = o
		s.StartedAt = at(t, loc, "2026-06-01 "+clock)
		s.EndedAt = s.StartedAt.Add(10 * time.Minute)
		return s
	}
	tests := []struct {
		name     string
		sessions []domain.Session
		best     []int // FromHour of best bands, best first
		enough   []int // FromHour of bands with enough data
	}{
		{"no sessions", nil, []int{}, nil},
		{"two sessions are not enough", []domain.Session{ses("09:00", domain.Completed, E), ses("10:00", domain.Completed, E)}, []int{}, nil},
		{"three in the morning band", []domain.Session{ses("09:00", domain.Completed, E), ses("10:00", domain.Completed, E), ses("11:59", domain.Completed, E, D)}, []int{9}, []int{9}},
		{"evening better than morning", []domain.Session{
			ses("09:00", domain.Completed, E), ses("10:00", domain.BabyDeclined), ses("11:00", domain.Completed, D),
			ses("18:00", domain.Completed, E), ses("19:00", domain.Completed, E), ses("20:30", domain.Completed, E),
			ses("03:00", domain.Completed, E),
		}, []int{18, 9}, []int{9, 18}},
		{"enough data but none good", []domain.Session{ses("09:00", domain.BabyDeclined), ses("10:00", domain.StoppedEarly, D), ses("11:00", domain.Completed, D)}, []int{}, []int{9}},
	}
	for _, tc := range tests {
		bands := HourBands(tc.sessions, loc)
		if len(bands) != 8 {
			t.Fatalf("%s: %d bands", tc.name, len(bands))
		}
		var best, enough []int
		for _, b := range BestHours(bands) {
			best = append(best, b.FromHour)
		}
		for _, b := range bands {
			if b.EnoughData {
				enough = append(enough, b.FromHour)
			}
		}
		if !slices.Equal(best, tc.best) && !(len(best) == 0 && len(tc.best) == 0) {
			t.Errorf("%s: best %v, want %v", tc.name, best, tc.best)
		}
		if !slices.Equal(enough, tc.enough) {
			t.Errorf("%s: enough data in %v, want %v", tc.name, enough, tc.enough)
		}
	}
}

func TestMinutesBeforeBreak(t *testing.T) {
	E, D := domain.Engaged, domain.Disengaged
	steps := map[string][]int{"r": {30, 30, 60, 60, 60}}
	secs := func(id string, i int) (int, bool) {
		if i < len(steps[id]) {
			return steps[id][i], true
		}
		return 0, false
	}
	mk := func(routine string, r ...domain.Response) domain.Session {
		s := answers("x", r...)
		s.RoutineID = routine
		return s
	}
	tests := []struct {
		name     string
		sessions []domain.Session
		n        int
		median   *float64
	}{
		{"none", nil, 0, nil},
		{"no break", []domain.Session{mk("r", E, E, E)}, 0, nil},
		{"break at third step", []domain.Session{mk("r", E, E, D)}, 1, ptr(1)},
		{"median of three", []domain.Session{mk("r", D), mk("r", E, E, E, D), mk("r", E, E, D)}, 3, ptr(1)},
		{"median of two", []domain.Session{mk("r", E, D), mk("r", E, E, E, E, D)}, 2, ptr(1.8)},
		{"unknown routine", []domain.Session{mk("", E, D)}, 0, nil},
	}
	for _, tc := range tests {
		got := MinutesBeforeBreak(tc.sessions, secs)
		if got.Sessions != tc.n || (got.MedianMinutes == nil) != (tc.median == nil) || (got.MedianMinutes != nil && *got.MedianMinutes != *tc.median) {
			t.Errorf("%s: %+v (median %v), want %d sessions, median %v", tc.name, got, deref(got.MedianMinutes), tc.n, deref(tc.median))
		}
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestDaylightSavingDays(t *testing.T) {
	paris := mustLoad(t, "Europe/Paris")
	end := func(v time.Time) *time.Time { return &v }
	tests := []struct {
		name  string
		now   time.Time
		entry domain.Entry
		want  map[string]float64
	}{
		// 01:30 to 03:30 on the spring-forward night is one real hour.
		{"spring forward", at(t, paris, "2026-03-30 12:00"),
			domain.Entry{Kind: "skin_to_skin", StartedAt: at(t, paris, "2026-03-29 01:30"), EndedAt: end(at(t, paris, "2026-03-29 03:30"))},
			map[string]float64{"2026-03-28": 0, "2026-03-29": 60, "2026-03-30": 0}},
		// 22:00 on the 24th to 02:00 after the clocks went back: 2 h + 3 h.
		{"fall back over midnight", at(t, paris, "2026-10-26 12:00"),
			domain.Entry{Kind: "holding", StartedAt: at(t, paris, "2026-10-24 22:00"), EndedAt: end(time.Date(2026, 10, 25, 1, 0, 0, 0, time.UTC))},
			map[string]float64{"2026-10-24": 120, "2026-10-25": 180, "2026-10-26": 0}},
	}
	for _, tc := range tests {
		in := Input{Touch: []domain.Entry{tc.entry}, Crying: []domain.Entry{tc.entry}, Loc: paris, Now: tc.now, Days: 7}
		out := Compute(in)
		if len(out.TouchMinutesByDay) != 7 || out.To != domain.DateOf(tc.now, paris) {
			t.Fatalf("%s: %d days to %s", tc.name, len(out.TouchMinutesByDay), out.To)
		}
		for _, d := range out.TouchMinutesByDay {
			if want, ok := tc.want[d.Date]; ok && (d.Minutes != want || d.ByKind[tc.entry.Kind] != want) {
				t.Errorf("%s: touch on %s = %v (%v), want %v", tc.name, d.Date, d.Minutes, d.ByKind, want)
			}
		}
		for _, d := range out.CryingMinutesByDay {
			if want, ok := tc.want[d.Date]; ok && d.Minutes != want {
				t.Errorf("%s: crying on %s = %v, want %v", tc.name, d.Date, d.Minutes, want)
			}
		}
		sum := 0.0
		for _, h := range out.CryingByHour {
			sum += h.Minutes
		}
		if want := tc.entry.EndedAt.Sub(tc.entry.StartedAt).Minutes(); sum != want {
			t.Errorf("%s: crying by hour adds up to %v, want %v", tc.name, sum, want)
		}
	}
	// The repeated hour of the autumn change holds both real hours.
	out := ByHour([][2]time.Time{{time.Date(2026, 10, 25, 0, 0, 0, 0, time.UTC), time.Date(2026, 10, 25, 2, 0, 0, 0, time.UTC)}}, paris)
	if out[2].Minutes != 120 {
		t.Errorf("02:00–03:00 on the fall-back night: %v minutes, want 120", out[2].Minutes)
	}
	// A half-hour zone splits at its own hour boundaries.
	kolkata := mustLoad(t, "Asia/Kolkata")
	out = ByHour([][2]time.Time{{at(t, kolkata, "2026-06-01 09:40"), at(t, kolkata, "2026-06-01 10:10")}}, kolkata)
	if out[9].Minutes != 20 || out[10].Minutes != 10 {
		t.Errorf("Kolkata hours: 9→%v 10→%v", out[9].Minutes, out[10].Minutes)
	}
}

func TestEmptyData(t *testing.T) {
	for _, days := range Windows {
		out := Compute(Input{Now: time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC), Days: days})
		b, err := json.Marshal(out)
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		if strings.Contains(s, ":null") && strings.Count(s, ":null") != 7 {
			// Only the averages and medians may be null (nothing to average).
			t.Errorf("days=%d: unexpected nulls: %s", days, s)
		}
		for _, field := range []string{"favorite_strokes", "avoid_strokes", "strokes", "body_parts", "best_hours", "caregivers"} {
			if !strings.Contains(s, `"`+field+`":[]`) {
				t.Errorf("days=%d: %s is not an empty list: %s", days, field, s)
			}
		}
		if len(out.TouchMinutesByDay) != days || len(out.CryingMinutesByDay) != days || len(out.CryingByHour) != 24 || len(out.HourBands) != 8 {
			t.Errorf("days=%d: series lengths %d %d %d %d", days, len(out.TouchMinutesByDay), len(out.CryingMinutesByDay), len(out.CryingByHour), len(out.HourBands))
		}
		if out.DeclinedRate != 0 || out.Sessions != 0 || len(out.SessionsPerWeek) == 0 {
			t.Errorf("days=%d: %+v", days, out)
		}
	}
}

func TestCaregiversAndDeclines(t *testing.T) {
	paris := mustLoad(t, "Europe/Paris")
	now := at(t, paris, "2026-06-10 20:00")
	members := []domain.Member{
		{UserID: "ann", Name: "Ann", Relation: "mother"},
		{UserID: "bob", Name: "Bob", Relation: "father"},
		{UserID: "gran", Name: "Gran", Relation: "grandparent"},
	}
	ses := func(who, clock string, o domain.Outcome) domain.Session {
		s := domain.Session{CaregiverID: who, Outcome: o, StartedAt: at(t, paris, clock)}
		s.EndedAt = s.StartedAt.Add(15 * time.Minute)
		return s
	}
	touch := func(who, from, to string) domain.Entry {
		e := at(t, paris, to)
		return domain.Entry{CaregiverID: who, Kind: "skin_to_skin", StartedAt: at(t, paris, from), EndedAt: &e}
	}
	in := Input{
		Members: members, Loc: paris, Now: now, Days: 7,
		Sessions: []domain.Session{
			ses("ann", "2026-06-08 10:00", domain.Completed), ses("ann", "2026-06-09 10:00", domain.BabyDeclined),
			ses("bob", "2026-06-09 19:00", domain.Completed), ses("left", "2026-06-10 09:00", domain.StoppedEarly),
			ses("bob", "2026-05-01 10:00", domain.Completed), // outside the window
		},
		Touch: []domain.Entry{
			touch("bob", "2026-06-09 08:00", "2026-06-09 09:30"),
			touch("ann", "2026-06-03 23:30", "2026-06-04 00:30"), // half before the window
		},
	}
	out := Compute(in)
	if out.Sessions != 4 || out.Declined != 1 || out.DeclinedRate != 0.25 {
		t.Errorf("sessions %d declined %d rate %v", out.Sessions, out.Declined, out.DeclinedRate)
	}
	want := []CaregiverPart{
		{UserID: "ann", Name: "Ann", Relation: "mother", Sessions: 2, SessionMinutes: 30, TouchMinutes: 30, SessionShare: 0.5, TouchShare: 0.25},
		{UserID: "bob", Name: "Bob", Relation: "father", Sessions: 1, SessionMinutes: 15, TouchMinutes: 90, SessionShare: 0.25, TouchShare: 0.75},
		{UserID: "left", Relation: "other", Sessions: 1, SessionMinutes: 15, SessionShare: 0.25},
	}
	if !slices.Equal(out.Caregivers, want) {
		t.Errorf("caregivers:\n got %+v\nwant %+v", out.Caregivers, want)
	}
	weeks := map[string]Week{}
	for _, w := range out.SessionsPerWeek {
		weeks[w.WeekStart] = w
	}
	if w := weeks["2026-06-08"]; w.Sessions != 4 || w.Declined != 1 || w.DeclinedRate != 0.25 || w.StoppedEarly != 1 {
		t.Errorf("week of 8 June: %+v (all %+v)", w, out.SessionsPerWeek)
	}
	if w, ok := weeks["2026-06-01"]; !ok || w.Sessions != 0 {
		t.Errorf("week of 1 June: %+v", w)
	}
}

func TestCalmAndNights(t *testing.T) {
	paris := mustLoad(t, "Europe/Paris")
	n := func(v int) *int { return &v }
	ses := func(clock string, before, after *int) domain.Session {
		s := domain.Session{Outcome: domain.Completed, StartedAt: at(t, paris, clock), ParentCalmBefore: before, ParentCalmAfter: after}
		s.EndedAt = s.StartedAt.Add(10 * time.Minute)
		return s
	}
	sleep := func(from, to string) domain.Entry {
		e := at(t, paris, to)
		return domain.Entry{StartedAt: at(t, paris, from), EndedAt: &e}
	}
	in := Input{
		Loc: paris, Now: at(t, paris, "2026-06-10 12:00"), Days: 7,
		Sessions: []domain.Session{
			ses("2026-06-05 18:30", n(2), n(4)), // evening
			ses("2026-06-06 21:59", n(3), n(4)), // evening
			ses("2026-06-07 10:00", n(1), nil),  // not paired; not evening
			ses("2026-06-08 22:00", n(4), n(5)), // 22:00 is no longer evening
		},
		Sleep: []domain.Entry{
			sleep("2026-06-05 14:00", "2026-06-05 15:00"), // a nap, not night
			sleep("2026-06-05 20:00", "2026-06-06 02:00"), // after evening: 360
			sleep("2026-06-06 02:30", "2026-06-06 05:00"), // second sleep of that night
			sleep("2026-06-07 01:00", "2026-06-07 04:00"), // night of 6th (after evening): 180
			sleep("2026-06-07 23:00", "2026-06-08 01:00"), // other: 120
			sleep("2026-06-08 21:00", "2026-06-09 01:00"), // other: 240
		},
	}
	out := Compute(in)
	if c := out.Calm; c.Sessions != 3 || *c.Before != 3 || *c.After != 4.3 {
		t.Errorf("calm: %d %v %v", c.Sessions, deref(c.Before), deref(c.After))
	}
	a, o := out.Nights.AfterEveningSession, out.Nights.OtherNights
	if a.Nights != 2 || *a.AvgMinutes != 270 || *a.MedianMinutes != 270 {
		t.Errorf("after evening: %d %v %v", a.Nights, deref(a.AvgMinutes), deref(a.MedianMinutes))
	}
	if o.Nights != 2 || *o.AvgMinutes != 180 {
		t.Errorf("other nights: %d %v", o.Nights, deref(o.AvgMinutes))
	}
}
