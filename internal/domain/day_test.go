package domain

import (
	"testing"
	"time"
)

func mustLoad(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestDayAcrossDaylightSaving(t *testing.T) {
	tests := []struct {
		zone, date string
		hours      float64
	}{
		{"Europe/Paris", "2026-03-29", 23},
		{"Europe/Paris", "2026-10-25", 25},
		{"Europe/Paris", "2026-06-01", 24},
		{"America/New_York", "2026-03-08", 23},
		{"America/New_York", "2026-11-01", 25},
		{"UTC", "2026-03-29", 24},
	}
	for _, tc := range tests {
		loc := mustLoad(t, tc.zone)
		from, to, err := Day(tc.date, loc)
		if err != nil {
			t.Fatal(err)
		}
		if got := to.Sub(from).Hours(); got != tc.hours {
			t.Errorf("%s %s lasts %v h, want %v", tc.zone, tc.date, got, tc.hours)
		}
		if from.In(loc).Hour() != 0 || to.In(loc).Hour() != 0 {
			t.Errorf("%s %s does not run midnight to midnight: %v – %v", tc.zone, tc.date, from, to)
		}
	}
	if _, _, err := Day("2026-02-30", time.UTC); err == nil {
		t.Error("an impossible date must be refused")
	}
}

func TestMinutesByDay(t *testing.T) {
	paris := mustLoad(t, "Europe/Paris")
	ny := mustLoad(t, "America/New_York")
	at := func(loc *time.Location, s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name  string
		loc   *time.Location
		spans [][2]time.Time
		want  map[string]float64
	}{
		{"empty", paris, nil, map[string]float64{}},
		{"within a day", paris, [][2]time.Time{{at(paris, "2026-06-01 10:00"), at(paris, "2026-06-01 10:45")}}, map[string]float64{"2026-06-01": 45}},
		{"over midnight", paris, [][2]time.Time{{at(paris, "2026-06-01 23:30"), at(paris, "2026-06-02 00:20")}}, map[string]float64{"2026-06-01": 30, "2026-06-02": 20}},
		// 01:30 to 03:30 on the night the clocks go forward is one real hour.
		{"spring forward Paris", paris, [][2]time.Time{{at(paris, "2026-03-29 01:30"), at(paris, "2026-03-29 03:30")}}, map[string]float64{"2026-03-29": 60}},
		// Over the autumn change, 22:00 to 02:00 is five real hours.
		{"fall back Paris over midnight", paris, [][2]time.Time{{at(paris, "2026-10-24 22:00"), time.Date(2026, 10, 25, 1, 0, 0, 0, time.UTC)}}, map[string]float64{"2026-10-24": 120, "2026-10-25": 180}},
		{"fall back New York", ny, [][2]time.Time{{at(ny, "2026-11-01 00:00"), at(ny, "2026-11-02 00:00")}}, map[string]float64{"2026-11-01": 25 * 60}},
		{"two spans one day", ny, [][2]time.Time{{at(ny, "2026-03-08 08:00"), at(ny, "2026-03-08 08:10")}, {at(ny, "2026-03-08 20:00"), at(ny, "2026-03-08 20:05")}}, map[string]float64{"2026-03-08": 15}},
	}
	for _, tc := range tests {
		got := MinutesByDay(tc.spans, tc.loc)
		if len(got) != len(tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
			continue
		}
		for d, m := range tc.want {
			if got[d] != m {
				t.Errorf("%s: %s = %v, want %v", tc.name, d, got[d], m)
			}
		}
	}
}
