package insights

import (
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
