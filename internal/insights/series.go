package insights

// Time spans and the series per day, per hour and per week.

import (
	"time"

	"nurture/internal/domain"
)

// spans are the entries' spans clipped to [from, to); a running timer runs
// to now.
func spans(es []domain.Entry, from, to, now time.Time) [][2]time.Time {
	out := make([][2]time.Time, 0, len(es))
	for _, e := range es {
		if sp, ok := Span(e, from, to, now); ok {
			out = append(out, sp)
		}
	}
	return out
}

// Span is the part of an entry inside [from, to); a running one lasts
// until now.
func Span(e domain.Entry, from, to, now time.Time) ([2]time.Time, bool) {
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
		if sp, ok := Span(e, from, to, now); ok {
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
