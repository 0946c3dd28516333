// Package calendar writes a family's massage moments as an RFC 5545
// calendar (through github.com/arran4/golang-ical) that phone and desktop
// calendars can subscribe to: one weekly recurring event per moment.
//
// Times are written as local times with the family's IANA time zone as
// TZID (DTSTART;TZID=Europe/Paris:20261123T193000), so a 19:30 moment stays
// at 19:30 on both sides of a daylight-saving change. No VTIMEZONE block is
// written: the library cannot derive one from Go's zone data, and the
// common clients (Google, Apple, Outlook, Thunderbird) resolve IANA names
// themselves. X-WR-TIMEZONE names the zone for clients that look there.
package calendar

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode"

	ics "github.com/arran4/golang-ical"
)

// Event is one recurring massage moment.
type Event struct {
	// UID must stay the same for the same moment across fetches, so
	// calendars update an event instead of adding a copy.
	UID         string
	Summary     string
	Description string
	// Alarm is the text of a reminder shown when the event starts; none
	// if empty.
	Alarm     string
	Weekdays  []time.Weekday
	TimeOfDay string // "HH:MM" in the feed's time zone
	Duration  time.Duration
	// From is when the moment was chosen: the series starts on the first
	// of its weekdays on or after that day in the feed's time zone.
	From time.Time
}

// Feed is a whole calendar.
type Feed struct {
	Name     string
	Timezone string // IANA name; "" or "UTC" writes UTC times
	// Stamp is written as every event's DTSTAMP (when the feed was made).
	Stamp  time.Time
	Events []Event
}

// ParseTimeOfDay reads "HH:MM" (24-hour clock).
func ParseTimeOfDay(s string) (hour, minute int, err error) {
	t, err := time.Parse("15:04", s)
	if err != nil || len(s) != 5 {
		return 0, 0, fmt.Errorf("time of day %q: want HH:MM", s)
	}
	return t.Hour(), t.Minute(), nil
}

var dayCodes = [7]string{"SU", "MO", "TU", "WE", "TH", "FR", "SA"}

// mondayFirst orders weekdays as calendars in most of the world show them.
func mondayFirst(days []time.Weekday) []time.Weekday {
	out := slices.Clone(days)
	slices.SortFunc(out, func(a, b time.Weekday) int { return int((a+6)%7) - int((b+6)%7) })
	return slices.Compact(out)
}

// RRule is the weekly recurrence rule for the days, Monday first:
// "FREQ=WEEKLY;BYDAY=MO,WE,FR".
func RRule(days []time.Weekday) string {
	codes := make([]string, 0, len(days))
	for _, d := range mondayFirst(days) {
		codes = append(codes, dayCodes[d%7])
	}
	return "FREQ=WEEKLY;BYDAY=" + strings.Join(codes, ",")
}

// firstDate is the first day on or after from (in loc) that falls on one
// of days, as year, month, day.
func firstDate(from time.Time, loc *time.Location, days []time.Weekday) (int, time.Month, int) {
	d := from.In(loc)
	day := time.Date(d.Year(), d.Month(), d.Day(), 12, 0, 0, 0, time.UTC) // noon UTC: pure date arithmetic
	for i := 0; i < 7; i++ {
		if slices.Contains(days, day.Weekday()) {
			break
		}
		day = day.AddDate(0, 0, 1)
	}
	return day.Year(), day.Month(), day.Day()
}

// Build makes the calendar.
func Build(f Feed) (*ics.Calendar, error) {
	tz := f.Timezone
	if tz == "" {
		tz = "UTC"
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, fmt.Errorf("calendar time zone: %w", err)
	}
	utc := tz == "UTC"
	cal := ics.NewCalendar()
	cal.SetProductId("-//Nurture//Massage moments//EN")
	cal.SetMethod(ics.MethodPublish)
	cal.SetCalscale("GREGORIAN")
	if f.Name != "" {
		cal.SetName(oneLine(f.Name))
	}
	cal.SetXWRTimezone(tz)
	// Ask subscribers to look for changes every hour.
	cal.SetRefreshInterval("PT1H")
	cal.SetXPublishedTTL("PT1H")
	for _, e := range f.Events {
		if e.UID == "" || len(e.Weekdays) == 0 {
			return nil, errors.New("calendar event needs a UID and at least one weekday")
		}
		h, m, err := ParseTimeOfDay(e.TimeOfDay)
		if err != nil {
			return nil, err
		}
		ev := cal.AddEvent(e.UID)
		ev.SetDtStampTime(f.Stamp)
		y, mo, d := firstDate(e.From, loc, e.Weekdays)
		// The wall-clock time is written as is, never through time.Time,
		// so a moment in a DST gap is left for the client to resolve.
		start := fmt.Sprintf("%04d%02d%02dT%02d%02d00", y, mo, d, h, m)
		if utc {
			ev.SetProperty(ics.ComponentPropertyDtStart, start+"Z")
		} else {
			ev.SetProperty(ics.ComponentPropertyDtStart, start, ics.WithTZID(tz))
		}
		if e.Duration > 0 {
			ev.SetProperty(ics.ComponentPropertyDuration, isoDuration(e.Duration))
		}
		ev.AddRrule(RRule(e.Weekdays))
		ev.SetSummary(oneLine(e.Summary))
		if e.Description != "" {
			ev.SetDescription(lines(e.Description))
		}
		ev.SetTimeTransparency(ics.TransparencyTransparent)
		if e.Alarm != "" {
			a := ev.AddAlarm()
			a.SetAction(ics.ActionDisplay)
			a.SetTrigger("PT0S")
			a.SetProperty(ics.ComponentPropertyDescription, lines(e.Alarm))
		}
	}
	return cal, nil
}

// lines keeps a text's line feeds, which the library escapes as \n, and
// drops carriage returns and other control characters, which it does not
// escape: some calendar apps would read a bare CR as a new line, and so as
// a property of the text's choosing.
func lines(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return r
		case r == '\r' || r == '\t':
			return ' '
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
}

// oneLine is lines for a one-line property: line breaks become spaces.
func oneLine(s string) string { return strings.ReplaceAll(lines(s), "\n", " ") }

// Write builds the calendar and writes it with CRLF line ends.
func Write(w io.Writer, f Feed) error {
	cal, err := Build(f)
	if err != nil {
		return err
	}
	return cal.SerializeTo(w, ics.WithNewLine("\r\n"))
}

// isoDuration writes a duration as RFC 5545 wants it: PT15M, PT1H30M.
func isoDuration(d time.Duration) string {
	mins := int(d.Round(time.Minute) / time.Minute)
	if mins < 1 {
		mins = 1
	}
	s := "PT"
	if mins >= 60 {
		s += fmt.Sprintf("%dH", mins/60)
	}
	if mins%60 != 0 {
		s += fmt.Sprintf("%dM", mins%60)
	}
	return s
}
