// Package share holds the rules of a read-only link for the care team:
// what it may show, over which days, for how long, how an opening is
// described, and the summary it shows. It does no I/O.
package share

import (
	"slices"
	"strings"
	"time"

	"nurture/internal/domain"
)

// What a link may show.
const (
	ShowSessions = "sessions" // massage sessions, the baby's answers, the readiness answers that held one back
	ShowCrying   = "crying"   // crying spells and what soothed
	ShowSleep    = "sleep"
	ShowTouch    = "touch" // time in arms: skin to skin, feeding, carrying, holding
)

// Shows lists what a link may show, in the summary's order.
var Shows = []string{ShowSessions, ShowCrying, ShowSleep, ShowTouch}

// Limits of a link.
const (
	MinLife     = time.Hour
	MaxLife     = 30 * 24 * time.Hour
	DefaultLife = 7 * 24 * time.Hour
	MaxDays     = 90
	DefaultDays = 14
	// MaxOpenings is how many openings of a link are kept, the newest.
	MaxOpenings = 50
)

// Request is what a family asks a link to be.
type Request struct {
	Shows []string
	// Days ends today; or From and To (civil dates) when given.
	Days     int
	From, To string
	Lang     string
	// Hours the link lives.
	Hours int
}

// Plan is a checked request: the period as civil dates, the sorted shows,
// the language and the moment the link ends.
type Plan struct {
	Shows     []string
	From, To  string
	Lang      string
	ExpiresAt time.Time
}

// Check validates r against today's date in the family's zone, the
// languages the app has, and now.
func (r Request) Check(now time.Time, loc *time.Location, langs []string) (Plan, domain.FieldErrors) {
	fe := domain.FieldErrors{}
	p := Plan{Lang: r.Lang}
	for _, s := range Shows {
		if slices.Contains(r.Shows, s) {
			p.Shows = append(p.Shows, s)
		}
	}
	switch {
	case len(r.Shows) == 0:
		fe.Add("shows", "share.error.shows")
	case len(p.Shows) != len(r.Shows):
		fe.Add("shows", "error.choice")
	}
	today := now.In(loc).Format(time.DateOnly)
	if r.From == "" && r.To == "" {
		days := r.Days
		if days == 0 {
			days = DefaultDays
		}
		if days < 1 || days > MaxDays {
			fe.Add("days", "share.error.days")
		} else {
			p.From, p.To = addDays(today, -(days-1)), today
		}
	} else {
		from, err1 := time.Parse(time.DateOnly, r.From)
		to, err2 := time.Parse(time.DateOnly, r.To)
		switch {
		case err1 != nil:
			fe.Add("from", "error.date")
		case err2 != nil:
			fe.Add("to", "error.date")
		case to.Before(from) || r.To > today:
			fe.Add("to", "share.error.period")
		case to.Sub(from) >= MaxDays*24*time.Hour:
			fe.Add("from", "share.error.days")
		default:
			p.From, p.To = r.From, r.To
		}
	}
	if !slices.Contains(langs, r.Lang) {
		fe.Add("lang", "error.choice")
	}
	life := time.Duration(r.Hours) * time.Hour
	if r.Hours == 0 {
		life = DefaultLife
	}
	if life < MinLife || life > MaxLife {
		fe.Add("hours", "share.error.hours")
	}
	p.ExpiresAt = now.Add(life).UTC().Truncate(time.Millisecond)
	return p, fe
}

// addDays moves a civil date by n days.
func addDays(date string, n int) string {
	t, _ := time.Parse(time.DateOnly, date)
	return t.AddDate(0, 0, n).Format(time.DateOnly)
}

// Dates lists the civil dates from from to to, both included.
func Dates(from, to string) []string {
	var out []string
	for d := from; d <= to && len(out) <= MaxDays; d = addDays(d, 1) {
		out = append(out, d)
	}
	return out
}

// previewBots are the chat and social apps that open a link to preview it.
var previewBots = []struct{ token, name string }{
	{"Slackbot", "Slack"}, {"WhatsApp", "WhatsApp"}, {"facebookexternalhit", "Facebook or iMessage"}, {"Facebot", "Facebook or iMessage"},
	{"Twitterbot", "X"}, {"TelegramBot", "Telegram"}, {"Discordbot", "Discord"}, {"LinkedInBot", "LinkedIn"}, {"SkypeUriPreview", "Skype"},
}

// Client describes a browser coarsely from its User-Agent, as a family
// reads it in the list of openings ("Safari, iPhone"): the browser and the
// kind of device, nothing that tells one person from another; "" when
// neither is known.
func Client(ua string) string {
	// A chat app fetching the link to show a preview is not a person.
	for _, b := range previewBots {
		if strings.Contains(ua, b.token) {
			return b.name + " link preview"
		}
	}
	var browser, device string
	switch {
	case strings.Contains(ua, "iPhone"):
		device = "iPhone"
	case strings.Contains(ua, "iPad"):
		device = "iPad"
	case strings.Contains(ua, "Android"):
		device = "Android"
	case strings.Contains(ua, "Windows"):
		device = "Windows"
	case strings.Contains(ua, "Macintosh"), strings.Contains(ua, "Mac OS X"):
		device = "Mac"
	case strings.Contains(ua, "CrOS"):
		device = "ChromeOS"
	case strings.Contains(ua, "Linux"):
		device = "Linux"
	}
	switch {
	case strings.Contains(ua, "Firefox/"), strings.Contains(ua, "FxiOS/"):
		browser = "Firefox"
	case strings.Contains(ua, "Edg/"), strings.Contains(ua, "EdgiOS/"):
		browser = "Edge"
	case strings.Contains(ua, "Chrome/"), strings.Contains(ua, "CriOS/"):
		browser = "Chrome"
	case strings.Contains(ua, "Safari/"):
		browser = "Safari"
	}
	switch {
	case browser != "" && device != "":
		return browser + ", " + device
	case browser != "":
		return browser
	}
	return device
}
