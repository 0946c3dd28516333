package insights

import (
	"cmp"
	"math"
	"slices"
	"time"

	"nurture/internal/domain"
)

// Windows are the periods, in days, the insights can cover.
var Windows = []int{7, 28, 90}

// ValidDays reports whether days is one of Windows.
func ValidDays(days int) bool { return slices.Contains(Windows, days) }

// Hour-of-day bands of "best moments" and the data they need.
const (
	BandHours       = 3
	MinBandSessions = 3
)

// Evening sessions and night sleep, in local hours.
const (
	EveningFrom = 17 // sessions started from 17:00…
	EveningTo   = 22 // …to before 22:00
	NightFrom   = 18 // the first sleep starting from 18:00…
	NightTo     = 3  // …to before 03:00 the next day
)

// Input is what Compute needs: a baby's records over the window (entries
// may start up to a day before it), the family's members and time zone,
// and lookups into the library.
type Input struct {
	Sessions []domain.Session
	Touch    []domain.Entry
	Sleep    []domain.Entry
	Crying   []domain.Entry
	Members  []domain.Member
	// BodyPartOf names a stroke's body part ("" if unknown).
	BodyPartOf func(strokeID string) string
	// BodyParts is the class order of body parts, for body_parts.
	BodyParts []string
	// StepSeconds is the length of a routine's step at a position; it
	// times the first "needs a break".
	StepSeconds func(routineID string, position int) (seconds int, ok bool)
	Loc         *time.Location
	Now         time.Time
	Days        int
}

// Insights is the summary of a window, as GET /insights returns it.
type Insights struct {
	Days     int    `json:"days"`
	From     string `json:"from"` // first civil date of the window
	To       string `json:"to"`   // last civil date (today)
	Timezone string `json:"timezone"`

	Sessions     int     `json:"sessions"`
	Declined     int     `json:"declined"`
	DeclinedRate float64 `json:"declined_rate"`

	FavoriteStrokes []StrokeStat   `json:"favorite_strokes"`
	AvoidStrokes    []StrokeStat   `json:"avoid_strokes"`
	Strokes         []StrokeStat   `json:"strokes"`
	BodyParts       []BodyPartStat `json:"body_parts"`

	// BestHours are the bands with enough sessions, best first; HourBands
	// are all bands in hour order, each saying whether it has enough data.
	BestHours          []HourBand  `json:"best_hours"`
	HourBands          []HourBand  `json:"hour_bands"`
	MinutesBeforeBreak BreakTiming `json:"minutes_before_break"`

	Caregivers []CaregiverPart `json:"caregivers"`

	TouchMinutesByDay  []DayTouch    `json:"touch_minutes_by_day"`
	CryingMinutesByDay []DayMinutes  `json:"crying_minutes_by_day"`
	CryingByHour       []HourMinutes `json:"crying_by_hour"`
	SessionsPerWeek    []Week        `json:"sessions_per_week"`
	Calm               Calm          `json:"calm"`
	Nights             Nights        `json:"nights"`
}

// HourBand is how sessions went in a band of local hours [FromHour, ToHour).
// A good session was completed with the baby engaged at half of the
// answered steps or more.
type HourBand struct {
	FromHour   int     `json:"from_hour"`
	ToHour     int     `json:"to_hour"`
	Sessions   int     `json:"sessions"`
	Completed  int     `json:"completed"`
	Good       int     `json:"good"`
	GoodShare  float64 `json:"good_share"`
	GoodLower  float64 `json:"good_lower"`
	EnoughData bool    `json:"enough_data"`
}

// BreakTiming is how long sessions typically ran before the baby's first
// "needs a break" (a disengaged step), over the sessions where that is known.
type BreakTiming struct {
	Sessions      int      `json:"sessions"`
	MedianMinutes *float64 `json:"median_minutes"`
}

// CaregiverPart is one person's part: a gentle share, not a ranking, so
// the list keeps the family's member order.
type CaregiverPart struct {
	UserID         string          `json:"user_id"`
	Name           string          `json:"name"`
	Relation       domain.Relation `json:"relation"`
	Sessions       int             `json:"sessions"`
	SessionMinutes float64         `json:"session_minutes"`
	TouchMinutes   float64         `json:"touch_minutes"`
	SessionShare   float64         `json:"session_share"`
	TouchShare     float64         `json:"touch_share"`
}

// DayTouch is one civil day's nurturing-touch minutes, per touch kind, and
// the minutes of massage sessions begun that day.
type DayTouch struct {
	Date           string             `json:"date"`
	Minutes        float64            `json:"minutes"`
	ByKind         map[string]float64 `json:"by_kind"`
	MassageMinutes float64            `json:"massage_minutes"`
}

// DayMinutes is a number of minutes on one civil day.
type DayMinutes struct {
	Date    string  `json:"date"`
	Minutes float64 `json:"minutes"`
}

// HourMinutes is a number of minutes in one local hour of the day, summed
// over the window.
type HourMinutes struct {
	Hour    int     `json:"hour"`
	Minutes float64 `json:"minutes"`
}

// Week counts the sessions of a week starting on Monday (local).
type Week struct {
	WeekStart    string  `json:"week_start"`
	Sessions     int     `json:"sessions"`
	Completed    int     `json:"completed"`
	Declined     int     `json:"declined"`
	StoppedEarly int     `json:"stopped_early"`
	DeclinedRate float64 `json:"declined_rate"`
}

// Calm is the parent's calm (1–5) before and after sessions, averaged over
// the sessions where both were given.
type Calm struct {
	Sessions int      `json:"sessions"`
	Before   *float64 `json:"before"`
	After    *float64 `json:"after"`
}

// Nights compares the first night sleep after an evening session with other
// nights. It is a plain comparison, not proof of cause.
type Nights struct {
	AfterEveningSession NightGroup `json:"after_evening_session"`
	OtherNights         NightGroup `json:"other_nights"`
}

// NightGroup is the length of the first night sleep over some nights.
type NightGroup struct {
	Nights        int      `json:"nights"`
	AvgMinutes    *float64 `json:"avg_minutes"`
	MedianMinutes *float64 `json:"median_minutes"`
}

// Window returns the civil dates of the last days days up to now's date in
// loc, and the instants the first begins and the last ends.
func Window(now time.Time, loc *time.Location, days int) (from, to time.Time, dates []string) {
	days = max(days, 1)
	y, m, d := now.In(loc).Date()
	dates = make([]string, days)
	for i := range dates {
		// Civil arithmetic in UTC: a daylight-saving change never skips a date.
		dates[i] = time.Date(y, m, d-(days-1)+i, 12, 0, 0, 0, time.UTC).Format(time.DateOnly)
	}
	from, _, _ = domain.Day(dates[0], loc)
	_, to, _ = domain.Day(dates[days-1], loc)
	return from, to, dates
}

// Compute summarises the window of in.
func Compute(in Input) Insights {
	loc := in.Loc
	if loc == nil {
		loc = time.UTC
	}
	from, to, dates := Window(in.Now, loc, in.Days)
	out := Insights{Days: len(dates), From: dates[0], To: dates[len(dates)-1], Timezone: loc.String()}

	var sessions []domain.Session
	for _, s := range in.Sessions {
		if !s.StartedAt.Before(from) && s.StartedAt.Before(to) {
			sessions = append(sessions, s)
		}
	}
	slices.SortStableFunc(sessions, func(a, b domain.Session) int { return a.StartedAt.Compare(b.StartedAt) })
	out.Sessions = len(sessions)
	for _, s := range sessions {
		if s.Outcome == domain.BabyDeclined {
			out.Declined++
		}
	}
	out.DeclinedRate = share(out.Declined, out.Sessions)

	out.Strokes = StrokeStats(sessions, in.BodyPartOf)
	out.FavoriteStrokes = Favorites(out.Strokes)
	out.AvoidStrokes = LeaveOut(out.Strokes)
	out.BodyParts = BodyPartStats(out.Strokes, in.BodyParts)

	out.HourBands = HourBands(sessions, loc)
	out.BestHours = BestHours(out.HourBands)
	out.MinutesBeforeBreak = MinutesBeforeBreak(sessions, in.StepSeconds)

	clip := func(es []domain.Entry) [][2]time.Time { return spans(es, from, to, in.Now) }
	out.Caregivers = Caregivers(sessions, in.Touch, in.Members, from, to, in.Now)
	out.TouchMinutesByDay = touchByDay(in.Touch, sessions, dates, from, to, in.Now, loc)
	out.CryingMinutesByDay = byDay(clip(in.Crying), dates, loc)
	out.CryingByHour = ByHour(clip(in.Crying), loc)
	out.SessionsPerWeek = SessionsPerWeek(sessions, dates, loc)
	out.Calm = ParentCalm(sessions)
	out.Nights = NightsAfterEvening(sessions, in.Sleep, dates, loc)
	return out
}

func share(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }

func ptr(v float64) *float64 { return &v }

func median(vs []float64) *float64 {
	if len(vs) == 0 {
		return nil
	}
	s := slices.Clone(vs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return ptr(round1(s[n/2]))
	}
	return ptr(round1((s[n/2-1] + s[n/2]) / 2))
}

func mean(vs []float64) *float64 {
	if len(vs) == 0 {
		return nil
	}
	sum := 0.0
	for _, v := range vs {
		sum += v
	}
	return ptr(round1(sum / float64(len(vs))))
}

// good is a completed session where the baby was engaged at half of the
// answered steps or more.
func good(s domain.Session) bool {
	if s.Outcome != domain.Completed {
		return false
	}
	var engaged, answered int
	for _, st := range s.Steps {
		switch st.Response {
		case domain.Engaged:
			engaged++
			answered++
		case domain.Neutral, domain.Disengaged:
			answered++
		}
	}
	return answered > 0 && 2*engaged >= answered
}

// HourBands sorts sessions into BandHours-long bands of their local start
// hour.
func HourBands(sessions []domain.Session, loc *time.Location) []HourBand {
	out := make([]HourBand, 24/BandHours)
	for i := range out {
		out[i].FromHour, out[i].ToHour = i*BandHours, (i+1)*BandHours
	}
	for _, s := range sessions {
		b := &out[s.StartedAt.In(loc).Hour()/BandHours]
		b.Sessions++
		if s.Outcome == domain.Completed {
			b.Completed++
		}
		if good(s) {
			b.Good++
		}
	}
	for i := range out {
		b := &out[i]
		b.GoodShare = share(b.Good, b.Sessions)
		b.GoodLower = Wilson(b.Good, b.Sessions)
		b.EnoughData = b.Sessions >= MinBandSessions
	}
	return out
}

// BestHours are the bands with enough data and at least one good session,
// ranked by the Wilson lower bound of their good share.
func BestHours(bands []HourBand) []HourBand {
	out := []HourBand{}
	for _, b := range bands {
		if b.EnoughData && b.Good > 0 {
			out = append(out, b)
		}
	}
	slices.SortStableFunc(out, func(a, b HourBand) int {
		return cmp.Or(cmp.Compare(b.GoodLower, a.GoodLower), cmp.Compare(b.Sessions, a.Sessions), cmp.Compare(a.FromHour, b.FromHour))
	})
	return out
}

// MinutesBeforeBreak is the median time into a session of the first
// disengaged step: the routine's step lengths before it, added up.
func MinutesBeforeBreak(sessions []domain.Session, stepSeconds func(string, int) (int, bool)) BreakTiming {
	var mins []float64
	if stepSeconds != nil {
	sessions:
		for _, s := range sessions {
			secs := 0
			for i, st := range s.Steps {
				if st.Response == domain.Disengaged {
					mins = append(mins, float64(secs)/60)
					continue sessions
				}
				n, ok := stepSeconds(s.RoutineID, i)
				if !ok {
					continue sessions
				}
				secs += n
			}
		}
	}
	return BreakTiming{Sessions: len(mins), MedianMinutes: median(mins)}
}

// spans are the entries' spans clipped to [from, to); a running timer runs
// to now.
func spans(es []domain.Entry, from, to, now time.Time) [][2]time.Time {
	out := make([][2]time.Time, 0, len(es))
	for _, e := range es {
		if sp, ok := span(e, from, to, now); ok {
			out = append(out, sp)
		}
	}
	return out
}

// span is the part of an entry inside [from, to); a running one lasts
// until now.
func span(e domain.Entry, from, to, now time.Time) ([2]time.Time, bool) {
	start, end := e.StartedAt, now
	if e.EndedAt != nil {
		end = *e.EndedAt
	}
	if start.Before(from) {
		start = from
	}
	if end.After(to) {
		end = to
	}
	return [2]time.Time{start, end}, start.Before(end)
}

func minutes(sp [][2]time.Time) float64 {
	total := 0.0
	for _, s := range sp {
		total += s[1].Sub(s[0]).Minutes()
	}
	return total
}

// Caregivers is each person's part, in member order; people who left the
// family but recorded in the window follow, by id.
func Caregivers(sessions []domain.Session, touch []domain.Entry, members []domain.Member, from, to, now time.Time) []CaregiverPart {
	idx := map[string]int{}
	out := []CaregiverPart{}
	part := func(id string) *CaregiverPart {
		if i, ok := idx[id]; ok {
			return &out[i]
		}
		idx[id] = len(out)
		out = append(out, CaregiverPart{UserID: id, Relation: "other"})
		return &out[len(out)-1]
	}
	for _, m := range members {
		p := part(m.UserID)
		p.Name, p.Relation = m.Name, m.Relation
	}
	known := len(out)
	var totalSessions int
	var totalTouch float64
	for _, s := range sessions {
		p := part(s.CaregiverID)
		p.Sessions++
		p.SessionMinutes += s.EndedAt.Sub(s.StartedAt).Minutes()
		totalSessions++
	}
	for _, e := range touch {
		m := minutes(spans([]domain.Entry{e}, from, to, now))
		if m <= 0 {
			continue
		}
		part(e.CaregiverID).TouchMinutes += m
		totalTouch += m
	}
	slices.SortFunc(out[known:], func(a, b CaregiverPart) int { return cmp.Compare(a.UserID, b.UserID) })
	// Only the people who took part: a zero beside a name would read as blame.
	kept := out[:0]
	for _, p := range out {
		if p.Sessions == 0 && p.TouchMinutes == 0 {
			continue
		}
		if totalTouch > 0 {
			p.TouchShare = p.TouchMinutes / totalTouch
		}
		p.SessionShare = share(p.Sessions, totalSessions)
		p.SessionMinutes, p.TouchMinutes = round1(p.SessionMinutes), round1(p.TouchMinutes)
		kept = append(kept, p)
	}
	return kept
}

func byDay(sp [][2]time.Time, dates []string, loc *time.Location) []DayMinutes {
	m := domain.MinutesByDay(sp, loc)
	out := make([]DayMinutes, len(dates))
	for i, d := range dates {
		out[i] = DayMinutes{Date: d, Minutes: round1(m[d])}
	}
	return out
}

func touchByDay(touch []domain.Entry, sessions []domain.Session, dates []string, from, to, now time.Time, loc *time.Location) []DayTouch {
	// Spans per kind, not entries: an entry is a large value to copy.
	kinds := map[string][][2]time.Time{}
	for _, e := range touch {
		if sp, ok := span(e, from, to, now); ok {
			kinds[e.Kind] = append(kinds[e.Kind], sp)
		}
	}
	out := make([]DayTouch, len(dates))
	pos := make(map[string]int, len(dates))
	for i, d := range dates {
		out[i] = DayTouch{Date: d, ByKind: map[string]float64{}}
		pos[d] = i
	}
	for kind, sp := range kinds {
		for d, m := range domain.MinutesByDay(sp, loc) {
			if i, ok := pos[d]; ok {
				out[i].ByKind[kind] = round1(m)
				out[i].Minutes += m
			}
		}
	}
	for _, s := range sessions {
		if i, ok := pos[domain.DateOf(s.StartedAt, loc)]; ok {
			out[i].MassageMinutes += s.EndedAt.Sub(s.StartedAt).Minutes()
		}
	}
	for i := range out {
		out[i].Minutes, out[i].MassageMinutes = round1(out[i].Minutes), round1(out[i].MassageMinutes)
	}
	return out
}

// ByHour adds up the minutes of the spans per local hour of the day.
func ByHour(sp [][2]time.Time, loc *time.Location) []HourMinutes {
	out := make([]HourMinutes, 24)
	for h := range out {
		out[h].Hour = h
	}
	for _, s := range sp {
		for start := s[0]; start.Before(s[1]); {
			l := start.In(loc)
			// The next local hour boundary, found from the wall clock's
			// minutes so half-hour zones and clock changes stay right.
			next := start.Add(time.Hour - time.Duration(l.Minute())*time.Minute - time.Duration(l.Second())*time.Second - time.Duration(l.Nanosecond()))
			stop := s[1]
			if next.Before(stop) {
				stop = next
			}
			out[l.Hour()].Minutes += stop.Sub(start).Minutes()
			start = stop
		}
	}
	for h := range out {
		out[h].Minutes = round1(out[h].Minutes)
	}
	return out
}

// weekStart is the Monday of a civil date's week.
func weekStart(date string) string {
	d, _ := time.Parse(time.DateOnly, date)
	return d.AddDate(0, 0, -(int(d.Weekday())+6)%7).Format(time.DateOnly)
}

// SessionsPerWeek counts sessions per Monday-started week over the dates.
func SessionsPerWeek(sessions []domain.Session, dates []string, loc *time.Location) []Week {
	out := []Week{}
	pos := map[string]int{}
	for _, d := range dates {
		w := weekStart(d)
		if _, ok := pos[w]; !ok {
			pos[w] = len(out)
			out = append(out, Week{WeekStart: w})
		}
	}
	for _, s := range sessions {
		i, ok := pos[weekStart(domain.DateOf(s.StartedAt, loc))]
		if !ok {
			continue
		}
		w := &out[i]
		w.Sessions++
		switch s.Outcome {
		case domain.Completed:
			w.Completed++
		case domain.BabyDeclined:
			w.Declined++
		case domain.StoppedEarly:
			w.StoppedEarly++
		}
	}
	for i := range out {
		out[i].DeclinedRate = share(out[i].Declined, out[i].Sessions)
	}
	return out
}

// ParentCalm averages the parent's calm before and after, over sessions
// where both were given, so the two numbers compare like with like.
func ParentCalm(sessions []domain.Session) Calm {
	var before, after []float64
	for _, s := range sessions {
		if s.ParentCalmBefore != nil && s.ParentCalmAfter != nil {
			before = append(before, float64(*s.ParentCalmBefore))
			after = append(after, float64(*s.ParentCalmAfter))
		}
	}
	return Calm{Sessions: len(before), Before: mean(before), After: mean(after)}
}

// NightsAfterEvening compares, night by night, the length of the first
// sleep begun between NightFrom and NightTo after a day with a session
// begun between EveningFrom and EveningTo, with the other nights. Nights
// without a finished sleep entry are not counted.
func NightsAfterEvening(sessions []domain.Session, sleep []domain.Entry, dates []string, loc *time.Location) Nights {
	evening := map[string]bool{}
	for _, s := range sessions {
		if h := s.StartedAt.In(loc).Hour(); h >= EveningFrom && h < EveningTo {
			evening[domain.DateOf(s.StartedAt, loc)] = true
		}
	}
	sorted := slices.Clone(sleep)
	slices.SortFunc(sorted, func(a, b domain.Entry) int { return a.StartedAt.Compare(b.StartedAt) })
	var after, other []float64
	for _, d := range dates {
		day, _ := time.ParseInLocation(time.DateOnly, d, loc)
		y, m, dd := day.Date()
		start := time.Date(y, m, dd, NightFrom, 0, 0, 0, loc)
		end := time.Date(y, m, dd+1, NightTo, 0, 0, 0, loc)
		i, _ := slices.BinarySearchFunc(sorted, start, func(e domain.Entry, t time.Time) int { return e.StartedAt.Compare(t) })
		if i == len(sorted) || !sorted[i].StartedAt.Before(end) || sorted[i].EndedAt == nil {
			continue // no night sleep logged, or it is still going
		}
		mins := sorted[i].EndedAt.Sub(sorted[i].StartedAt).Minutes()
		if evening[d] {
			after = append(after, mins)
		} else {
			other = append(other, mins)
		}
	}
	return Nights{
		AfterEveningSession: NightGroup{Nights: len(after), AvgMinutes: mean(after), MedianMinutes: median(after)},
		OtherNights:         NightGroup{Nights: len(other), AvgMinutes: mean(other), MedianMinutes: median(other)},
	}
}
