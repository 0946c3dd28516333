package share

import (
	"slices"
	"time"

	"nurture/internal/domain"
	"nurture/internal/insights"
)

// Input is one baby's records around a link's period (entries may start
// before it) and what the summary needs to read them.
type Input struct {
	From, To string // civil dates, both included
	Shows    []string
	Loc      *time.Location
	Now      time.Time
	Sessions []domain.Session
	Touch    []domain.Entry
	Sleep    []domain.Entry
	Crying   []domain.Entry
	Checks   []domain.ReadinessCheck
	// BodyPartOf names a stroke's body part; BodyParts is their order.
	BodyPartOf func(strokeID string) string
	BodyParts  []string
}

// Summary is what the care team reads: each part only when the link
// shows it (nil otherwise).
type Summary struct {
	From, To string
	Days     int
	Sessions *Sessions
	Crying   *Crying
	Sleep    *Sleep
	Touch    *Touch
}

// Day is a number of minutes on one civil day, or with Until over the
// days from Date to Until (a week).
type Day struct {
	Date    string
	Minutes float64
	Until   string
}

// Count is how often (or how many minutes) something happened.
type Count struct {
	What string
	N    int
}

// Sessions is how massage went: how often, how long, how the baby
// answered, and the readiness answers that held a session back.
type Sessions struct {
	Count, Completed, Declined, StoppedEarly int
	Minutes                                  float64
	PerDay                                   []Day
	// Enjoyed are the strokes the baby most clearly enjoyed; SaidNo those
	// it turned away from.
	Enjoyed, SaidNo []insights.StrokeStat
	// HeldBack counts the readiness answers other than go, by verdict
	// (wait, not_today, seek_help), each with the baby's states then.
	HeldBack []Verdict
}

// Verdict is a readiness verdict that held a session back, how often,
// and the baby's states when it was given (asleep, crying…).
type Verdict struct {
	Verdict string
	Count   int
	States  []Count
}

// Crying is the crying spells: how many, how long, when in the day, what
// soothed, and the spells where "unwell" was among the needs checked.
type Crying struct {
	Spells           int
	Minutes, Longest float64
	PerDay           []Day
	// Bands are the minutes of crying by part of the day: night (0–6),
	// morning (6–12), afternoon (12–18), evening (18–24).
	Bands   []Count
	Soothed []Count
	// Held: spells where the baby was held throughout.
	Held   int
	Unwell []Flag
}

// Flag is a crying spell marked "unwell".
type Flag struct {
	At      time.Time
	Minutes float64
	Notes   string
}

// Sleep is the sleep logged: per day, on average over the days with any,
// and the longest stretch.
type Sleep struct {
	PerDay     []Day
	LoggedDays int
	AvgPerDay  float64
	Longest    float64
}

// Touch is the time in arms: per day and per kind.
type Touch struct {
	PerDay     []Day
	ByKind     []Count // minutes per kind, most first
	LoggedDays int
	AvgPerDay  float64 // over LoggedDays
}

// MaxStrokes is how many enjoyed (and turned-away) strokes a summary
// names: the clearest, best first.
const MaxStrokes = 5

func first[T any](s []T, n int) []T { return s[:min(n, len(s))] }

// Bands of the day, in order.
var Bands = []string{"night", "morning", "afternoon", "evening"}

// Summarize makes the summary of in's period.
func Summarize(in Input) Summary {
	loc := in.Loc
	if loc == nil {
		loc = time.UTC
	}
	dates := Dates(in.From, in.To)
	from, _, _ := domain.Day(in.From, loc)
	_, to, _ := domain.Day(in.To, loc)
	// The summary of a period that has ended no longer moves.
	now := in.Now
	if !now.Before(to) {
		now = to.Add(-time.Nanosecond)
	}
	ins := insights.Compute(insights.Input{Sessions: in.Sessions, Touch: in.Touch, Sleep: in.Sleep, Crying: in.Crying,
		BodyPartOf: in.BodyPartOf, BodyParts: in.BodyParts, Loc: loc, Now: now, Days: len(dates)})
	out := Summary{From: in.From, To: in.To, Days: len(dates)}
	within := func(t time.Time) bool { return !t.Before(from) && t.Before(to) }

	if slices.Contains(in.Shows, ShowSessions) {
		p := &Sessions{Enjoyed: first(ins.FavoriteStrokes, MaxStrokes), SaidNo: first(ins.AvoidStrokes, MaxStrokes)}
		perDay := map[string]float64{}
		for _, s := range in.Sessions {
			if !within(s.StartedAt) {
				continue
			}
			p.Count++
			switch s.Outcome {
			case domain.Completed:
				p.Completed++
			case domain.BabyDeclined:
				p.Declined++
			case domain.StoppedEarly:
				p.StoppedEarly++
			}
			m := s.EndedAt.Sub(s.StartedAt).Minutes()
			p.Minutes += m
			perDay[domain.DateOf(s.StartedAt, loc)] += m
		}
		p.PerDay = days(dates, perDay)
		verdicts := map[string]*Verdict{}
		for _, c := range in.Checks {
			if c.Go() || !within(c.CheckedAt) {
				continue
			}
			v := verdicts[c.Verdict]
			if v == nil {
				v = &Verdict{Verdict: c.Verdict}
				verdicts[c.Verdict] = v
			}
			v.Count++
			v.States = bump(v.States, c.State, 1)
		}
		for _, k := range []string{"seek_help", "not_today", "wait"} {
			if v := verdicts[k]; v != nil {
				sortCounts(v.States)
				p.HeldBack = append(p.HeldBack, *v)
			}
		}
		out.Sessions = p
	}

	if slices.Contains(in.Shows, ShowCrying) {
		p := &Crying{Bands: make([]Count, len(Bands))}
		for i, b := range Bands {
			p.Bands[i].What = b
		}
		bands := make([]float64, len(Bands))
		for _, h := range ins.CryingByHour {
			bands[h.Hour/6] += h.Minutes
		}
		for i, m := range bands {
			p.Bands[i].N = int(m + 0.5) // rounded once, as the day totals are
		}
		for _, d := range ins.CryingMinutesByDay {
			p.PerDay = append(p.PerDay, Day{Date: d.Date, Minutes: d.Minutes})
			p.Minutes += d.Minutes
		}
		// A spell counts when any of it falls in the period (one begun the
		// evening before counts too, as its minutes do), by its part there.
		for _, e := range in.Crying {
			sp, ok := insights.Span(e, from, to, now)
			if !ok {
				continue
			}
			p.Spells++
			m := sp[1].Sub(sp[0]).Minutes()
			p.Longest = max(p.Longest, m)
			if e.Held {
				p.Held++
			}
			for _, s := range e.SoothedBy {
				p.Soothed = bump(p.Soothed, s, 1)
			}
			if slices.Contains(e.NeedsChecked, "unwell") {
				p.Unwell = append(p.Unwell, Flag{At: e.StartedAt, Minutes: m, Notes: e.Notes})
			}
		}
		sortCounts(p.Soothed)
		out.Crying = p
	}

	if slices.Contains(in.Shows, ShowSleep) {
		p := &Sleep{}
		var sp [][2]time.Time
		for _, e := range in.Sleep {
			if s, ok := insights.Span(e, from, to, now); ok {
				sp = append(sp, s)
				p.Longest = max(p.Longest, s[1].Sub(s[0]).Minutes())
			}
		}
		p.PerDay = days(dates, domain.MinutesByDay(sp, loc))
		total := 0.0
		for _, d := range p.PerDay {
			if d.Minutes > 0 {
				p.LoggedDays++
				total += d.Minutes
			}
		}
		if p.LoggedDays > 0 {
			p.AvgPerDay = total / float64(p.LoggedDays)
		}
		out.Sleep = p
	}

	if slices.Contains(in.Shows, ShowTouch) {
		p := &Touch{}
		kinds := map[string]float64{}
		total := 0.0
		for _, d := range ins.TouchMinutesByDay {
			p.PerDay = append(p.PerDay, Day{Date: d.Date, Minutes: d.Minutes})
			total += d.Minutes
			for k, m := range d.ByKind {
				kinds[k] += m
			}
		}
		for _, k := range domain.TouchKinds {
			if m := kinds[k]; m >= 0.5 {
				p.ByKind = append(p.ByKind, Count{k, int(m + 0.5)})
			}
		}
		sortCounts(p.ByKind)
		// Over the days with any logged, as sleep: a day without an entry
		// may simply not have been logged.
		logged := 0
		for _, d := range p.PerDay {
			if d.Minutes > 0 {
				logged++
			}
		}
		p.LoggedDays = logged
		p.AvgPerDay = total / float64(max(1, logged))
		out.Touch = p
	}
	return out
}

func days(dates []string, m map[string]float64) []Day {
	out := make([]Day, len(dates))
	for i, d := range dates {
		out[i] = Day{Date: d, Minutes: float64(int(m[d]*10+0.5)) / 10}
	}
	return out
}

func bump(cs []Count, what string, n int) []Count {
	for i := range cs {
		if cs[i].What == what {
			cs[i].N += n
			return cs
		}
	}
	return append(cs, Count{what, n})
}

// sortCounts puts the most first, then by name, for a stable page.
func sortCounts(cs []Count) {
	slices.SortStableFunc(cs, func(a, b Count) int {
		if a.N != b.N {
			return b.N - a.N
		}
		if a.What < b.What {
			return -1
		}
		return 1
	})
}

// WeeklyAfter is the longest period whose tables list each day; a longer
// one lists weeks, so a table still fits on a printed page.
const WeeklyAfter = 31

// Weekly turns days into weeks beginning on Monday (Date is the week's
// first day in the period): the minutes of each week added up, or with
// perLoggedDay their average over its days with any (sleep a day).
func Weekly(days []Day, perLoggedDay bool) []Day {
	var out []Day
	logged := 0
	for _, d := range days {
		t, err := time.Parse(time.DateOnly, d.Date)
		if err != nil {
			continue
		}
		if len(out) == 0 || t.Weekday() == time.Monday {
			if perLoggedDay && len(out) > 0 && logged > 0 {
				out[len(out)-1].Minutes /= float64(logged)
			}
			out, logged = append(out, Day{Date: d.Date}), 0
		}
		out[len(out)-1].Minutes += d.Minutes
		out[len(out)-1].Until = d.Date
		if d.Minutes > 0 {
			logged++
		}
	}
	if perLoggedDay && len(out) > 0 && logged > 0 {
		out[len(out)-1].Minutes /= float64(logged)
	}
	for i := range out {
		out[i].Minutes = float64(int(out[i].Minutes*10+0.5)) / 10
	}
	return out
}
