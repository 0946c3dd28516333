package domain

import "time"

// Day returns the instants a civil date begins and ends in loc. A day is
// 23 or 25 hours long when the clocks change, so it is never taken as
// 24 hours from midnight.
func Day(date string, loc *time.Location) (from, to time.Time, err error) {
	d, err := time.ParseInLocation(time.DateOnly, date, loc)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	y, m, dd := d.Date()
	return time.Date(y, m, dd, 0, 0, 0, 0, loc), time.Date(y, m, dd+1, 0, 0, 0, 0, loc), nil
}

// DateOf is the civil date of t in loc, as YYYY-MM-DD.
func DateOf(t time.Time, loc *time.Location) string { return t.In(loc).Format(time.DateOnly) }

// MinutesByDay splits spans over the civil days of loc they cover and adds
// up whole minutes per date. A span over midnight counts on both days.
func MinutesByDay(spans [][2]time.Time, loc *time.Location) map[string]float64 {
	out := map[string]float64{}
	for _, s := range spans {
		start, end := s[0], s[1]
		for start.Before(end) {
			date := DateOf(start, loc)
			_, next, _ := Day(date, loc)
			stop := end
			if next.Before(stop) {
				stop = next
			}
			out[date] += stop.Sub(start).Minutes()
			start = stop
		}
	}
	return out
}
