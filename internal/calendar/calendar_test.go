package calendar_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"nurture/internal/calendar"
)

var stamp = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

func write(t *testing.T, f calendar.Feed) string {
	t.Helper()
	var buf bytes.Buffer
	if err := calendar.Write(&buf, f); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// unfold joins RFC 5545 folded lines so tests can look for whole properties.
func unfold(s string) string { return strings.ReplaceAll(s, "\r\n ", "") }

func event(uid string, from time.Time, at string, days ...time.Weekday) calendar.Event {
	return calendar.Event{UID: uid, Summary: "Massage for Lou", Weekdays: days, TimeOfDay: at, Duration: 15 * time.Minute, From: from}
}

func TestCalendarRRule(t *testing.T) {
	for _, tc := range []struct {
		days []time.Weekday
		want string
	}{
		{[]time.Weekday{time.Monday}, "FREQ=WEEKLY;BYDAY=MO"},
		{[]time.Weekday{time.Sunday, time.Monday}, "FREQ=WEEKLY;BYDAY=MO,SU"},
		{[]time.Weekday{time.Friday, time.Wednesday, time.Monday, time.Wednesday}, "FREQ=WEEKLY;BYDAY=MO,WE,FR"},
		{[]time.Weekday{time.Saturday, time.Sunday, time.Friday, time.Thursday, time.Wednesday, time.Tuesday, time.Monday}, "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU"},
	} {
		if got := calendar.RRule(tc.days); got != tc.want {
			t.Errorf("RRule(%v) = %q, want %q", tc.days, got, tc.want)
		}
	}
}

func TestCalendarParseTimeOfDay(t *testing.T) {
	for _, tc := range []struct {
		in     string
		h, m   int
		wantOK bool
	}{
		{"19:30", 19, 30, true},
		{"00:00", 0, 0, true},
		{"23:59", 23, 59, true},
		{"7:30", 0, 0, false},
		{"24:00", 0, 0, false},
		{"19:60", 0, 0, false},
		{"19:30:00", 0, 0, false},
		{"", 0, 0, false},
		{"evening", 0, 0, false},
	} {
		h, m, err := calendar.ParseTimeOfDay(tc.in)
		if (err == nil) != tc.wantOK || (tc.wantOK && (h != tc.h || m != tc.m)) {
			t.Errorf("ParseTimeOfDay(%q) = %d, %d, %v", tc.in, h, m, err)
		}
	}
}

// TestCalendarEvents checks each event's recurrence, start, zone and stable UID.
func TestCalendarEvents(t *testing.T) {
	// 2026-11-20 is a Friday.
	friday := time.Date(2026, 11, 20, 23, 30, 0, 0, time.UTC) // already Saturday in Paris
	for _, tc := range []struct {
		name  string
		tz    string
		ev    calendar.Event
		wants []string
	}{
		{"first chosen day on or after the day it was chosen, in the family's zone", "Europe/Paris",
			event("m1@nurture", friday, "19:30", time.Monday, time.Wednesday),
			[]string{"UID:m1@nurture", "DTSTART;TZID=Europe/Paris:20261123T193000", "RRULE:FREQ=WEEKLY;BYDAY=MO,WE", "DURATION:PT15M"}},
		{"the same day counts", "Europe/Paris",
			event("m2@nurture", friday, "08:00", time.Saturday),
			[]string{"DTSTART;TZID=Europe/Paris:20261121T080000", "RRULE:FREQ=WEEKLY;BYDAY=SA"}},
		{"another zone", "America/New_York",
			event("m3@nurture", friday, "06:45", time.Friday, time.Sunday),
			[]string{"DTSTART;TZID=America/New_York:20261120T064500", "RRULE:FREQ=WEEKLY;BYDAY=FR,SU"}},
		{"UTC is written as UTC", "UTC",
			event("m4@nurture", friday, "12:00", time.Friday),
			[]string{"DTSTART:20261120T120000Z"}},
		{"long duration", "Europe/Paris",
			calendar.Event{UID: "m5@nurture", Summary: "x", Weekdays: []time.Weekday{time.Monday}, TimeOfDay: "10:00", Duration: 90 * time.Minute, From: friday},
			[]string{"DURATION:PT1H30M"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := unfold(write(t, calendar.Feed{Name: "Nurture", Timezone: tc.tz, Stamp: stamp, Events: []calendar.Event{tc.ev}}))
			for _, w := range tc.wants {
				if !strings.Contains(out, "\r\n"+w+"\r\n") {
					t.Errorf("missing line %q in\n%s", w, out)
				}
			}
		})
	}
}

// TestCalendarDST: a Europe/Paris 19:30 moment is written as 19:30 local time with
// the zone, never as a fixed UTC instant, whether it starts in summer
// (UTC+2) or winter (UTC+1); the client's recurrence keeps it at 19:30.
func TestCalendarDST(t *testing.T) {
	for _, tc := range []struct {
		name string
		from time.Time
		want string
	}{
		{"summer", time.Date(2026, 7, 1, 10, 0, 0, 0, time.UTC), "DTSTART;TZID=Europe/Paris:20260701T193000"},
		{"winter", time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC), "DTSTART;TZID=Europe/Paris:20261202T193000"},
		// Chosen on the Saturday before clocks go back (2026-10-25).
		{"across the change", time.Date(2026, 10, 24, 10, 0, 0, 0, time.UTC), "DTSTART;TZID=Europe/Paris:20261025T193000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := unfold(write(t, calendar.Feed{Timezone: "Europe/Paris", Stamp: stamp,
				Events: []calendar.Event{event("m@nurture", tc.from, "19:30", time.Sunday, time.Wednesday)}}))
			if !strings.Contains(out, "\r\n"+tc.want+"\r\n") {
				t.Fatalf("want %q in\n%s", tc.want, out)
			}
			if strings.Contains(out, "T173000") || strings.Contains(out, "T183000") {
				t.Fatalf("start written in UTC:\n%s", out)
			}
			// Parsed back, the start is 19:30 on the wall clock of Paris.
			cal, err := ics.ParseCalendar(strings.NewReader(out))
			if err != nil {
				t.Fatal(err)
			}
			start, err := cal.Events()[0].GetStartAt()
			if err != nil {
				t.Fatal(err)
			}
			paris, _ := time.LoadLocation("Europe/Paris")
			if l := start.In(paris); l.Hour() != 19 || l.Minute() != 30 {
				t.Fatalf("start %v is %v in Paris", start, l)
			}
		})
	}
}

func TestCalendarEscaping(t *testing.T) {
	ev := event("m@nurture", stamp, "19:30", time.Monday)
	ev.Summary = "Massage for Lou — after the bath, quietly; gently\\slowly"
	ev.Description = "Only if Lou is calm, and alert; the baby may say no."
	out := unfold(write(t, calendar.Feed{Name: "Lou, Noé; home", Timezone: "Europe/Paris", Stamp: stamp, Events: []calendar.Event{ev}}))
	for _, w := range []string{
		`SUMMARY:Massage for Lou — after the bath\, quietly\; gently\\slowly`,
		`DESCRIPTION:Only if Lou is calm\, and alert\; the baby may say no.`,
		`X-WR-CALNAME:Lou\, Noé\; home`,
	} {
		if !strings.Contains(out, "\r\n"+w+"\r\n") {
			t.Errorf("missing %q in\n%s", w, out)
		}
	}
	// The escaped text reads back as written.
	cal, err := ics.ParseCalendar(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if got := ics.FromText(cal.Events()[0].GetProperty(ics.ComponentPropertySummary).Value); got != ev.Summary {
		t.Fatalf("summary read back as %q", got)
	}
}

func TestCalendarWholeFeed(t *testing.T) {
	a := event("a@nurture", stamp, "19:30", time.Monday)
	a.Alarm = "Massage for Lou"
	a.Description = "Only if Lou is calm and alert — the baby may say no."
	b := event("b@nurture", stamp, "08:00", time.Tuesday)
	out := write(t, calendar.Feed{Name: "Nurture", Timezone: "Europe/Paris", Stamp: stamp, Events: []calendar.Event{a, b}})
	if !strings.HasPrefix(out, "BEGIN:VCALENDAR\r\n") || !strings.HasSuffix(out, "END:VCALENDAR\r\n") {
		t.Fatalf("not a calendar:\n%s", out)
	}
	for _, line := range strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n") {
		if len(line) > 75 {
			t.Errorf("line longer than 75 octets: %q", line)
		}
	}
	u := unfold(out)
	for _, w := range []string{"VERSION:2.0", "METHOD:PUBLISH", "X-WR-TIMEZONE:Europe/Paris", "DTSTAMP:20261120T090000Z",
		"BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER:PT0S", "DESCRIPTION:Massage for Lou", "END:VALARM"} {
		if !strings.Contains(u, "\r\n"+w+"\r\n") {
			t.Errorf("missing %q", w)
		}
	}
	if n := strings.Count(u, "BEGIN:VEVENT"); n != 2 {
		t.Errorf("%d events, want 2", n)
	}
	if n := strings.Count(u, "BEGIN:VALARM"); n != 1 {
		t.Errorf("%d alarms, want 1", n)
	}
	// The same input gives the same bytes: calendars see no false change.
	if again := write(t, calendar.Feed{Name: "Nurture", Timezone: "Europe/Paris", Stamp: stamp, Events: []calendar.Event{a, b}}); again != out {
		t.Error("output is not stable")
	}
	cal, err := ics.ParseCalendar(strings.NewReader(out))
	if err != nil || len(cal.Events()) != 2 || cal.Events()[0].Id() != "a@nurture" {
		t.Fatalf("parse back: %v", err)
	}
}

func TestCalendarRefusals(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    calendar.Feed
	}{
		{"unknown zone", calendar.Feed{Timezone: "Mars/Olympus"}},
		{"no weekday", calendar.Feed{Events: []calendar.Event{{UID: "x", TimeOfDay: "10:00"}}}},
		{"no uid", calendar.Feed{Events: []calendar.Event{{Weekdays: []time.Weekday{time.Monday}, TimeOfDay: "10:00"}}}},
		{"bad time", calendar.Feed{Events: []calendar.Event{{UID: "x", Weekdays: []time.Weekday{time.Monday}, TimeOfDay: "25:00"}}}},
	} {
		if err := calendar.Write(&bytes.Buffer{}, tc.f); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
}

// A carriage return or another control character in any text never
// reaches the feed raw: no property can be smuggled in on a new line.
func TestCalendarControlCharacters(t *testing.T) {
	ev := event("m@nurture", stamp, "19:30", time.Monday)
	ev.Summary = "Lou\rATTENDEE:mailto:x@example.org"
	ev.Description = "calm\r\nthen\nsleep\rX-EVIL:1\x00"
	ev.Alarm = "now\rTRIGGER:-PT99H"
	raw := write(t, calendar.Feed{Name: "Home\rX-WR-CALNAME:Evil", Timezone: "Europe/Paris", Stamp: stamp, Events: []calendar.Event{ev}})
	for _, line := range strings.Split(strings.TrimSuffix(raw, "\r\n"), "\r\n") {
		if strings.ContainsAny(line, "\r\n\x00") {
			t.Errorf("a line holds a raw CR, LF or NUL: %q", line)
		}
		for _, evil := range []string{"ATTENDEE", "X-EVIL", "TRIGGER:-PT99H", "X-WR-CALNAME:Evil"} {
			if strings.HasPrefix(strings.TrimLeft(line, " "), evil) {
				t.Errorf("text became a property: %q", line)
			}
		}
	}
	cal, err := ics.ParseCalendar(strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if got := ics.FromText(cal.Events()[0].GetProperty(ics.ComponentPropertyDescription).Value); got != "calm\nthen\nsleep X-EVIL:1" {
		t.Errorf("description read back as %q", got)
	}
}
