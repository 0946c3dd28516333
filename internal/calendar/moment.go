package calendar

import (
	"strings"
	"time"

	"nurture/internal/domain"
)

// Limits of a massage moment.
const (
	MinMomentMinutes     = 5
	MaxMomentMinutes     = 60
	DefaultMomentMinutes = 15
)

// ValidateMoment checks a massage moment as a page or an imported file
// gives it. The label is returned on one line: calendars show it as the
// event's title.
func ValidateMoment(label string, days []time.Weekday, timeOfDay string, minutes int) (string, domain.FieldErrors) {
	fe := domain.FieldErrors{}
	label, k := domain.CleanText(strings.Join(strings.Fields(label), " "), domain.MaxNameLen)
	if k != "" {
		fe.Add("label", k)
	}
	seen := map[time.Weekday]bool{}
	for _, d := range days {
		if d < time.Sunday || d > time.Saturday || seen[d] {
			fe.Add("days", "reminders.error.days")
		}
		seen[d] = true
	}
	if len(days) == 0 {
		fe.Add("days", "reminders.error.days")
	}
	if strings.TrimSpace(timeOfDay) == "" {
		fe.Add("time", "error.required")
	} else if _, _, err := ParseTimeOfDay(timeOfDay); err != nil {
		fe.Add("time", "reminders.error.time")
	}
	if minutes < MinMomentMinutes || minutes > MaxMomentMinutes {
		fe.Add("duration", "reminders.error.duration")
	}
	return label, fe
}
