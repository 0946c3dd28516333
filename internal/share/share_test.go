package share

import (
	"slices"
	"testing"
	"time"

	"nurture/internal/domain"
)

func TestCheck(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	// 23:30 UTC on 3 December is already the 4th in Paris.
	now := time.Date(2026, 12, 3, 23, 30, 0, 0, time.UTC)
	langs := []string{"en", "fr"}
	for _, c := range []struct {
		name     string
		r        Request
		bad      string // the field refused, "" when none
		from, to string
		life     time.Duration
	}{
		{"the defaults", Request{Shows: []string{"crying"}, Lang: "fr"}, "", "2026-11-21", "2026-12-04", DefaultLife},
		{"a week, an hour", Request{Shows: []string{"sleep", "sessions"}, Days: 7, Lang: "en", Hours: 1}, "", "2026-11-28", "2026-12-04", time.Hour},
		{"one day, thirty days", Request{Shows: []string{"touch"}, Days: 1, Lang: "en", Hours: 720}, "", "2026-12-04", "2026-12-04", MaxLife},
		{"dates", Request{Shows: []string{"touch"}, From: "2026-11-01", To: "2026-11-30", Lang: "en"}, "", "2026-11-01", "2026-11-30", DefaultLife},
		{"nothing shown", Request{Lang: "en"}, "shows", "", "", 0},
		{"an unknown part", Request{Shows: []string{"crying", "settings"}, Lang: "en"}, "shows", "", "", 0},
		{"91 days", Request{Shows: []string{"crying"}, Days: 91, Lang: "en"}, "days", "", "", 0},
		{"negative days", Request{Shows: []string{"crying"}, Days: -3, Lang: "en"}, "days", "", "", 0},
		{"a period ending tomorrow", Request{Shows: []string{"crying"}, From: "2026-12-01", To: "2026-12-05", Lang: "en"}, "to", "", "", 0},
		{"a period backwards", Request{Shows: []string{"crying"}, From: "2026-12-01", To: "2026-11-05", Lang: "en"}, "to", "", "", 0},
		{"a period too long", Request{Shows: []string{"crying"}, From: "2026-01-01", To: "2026-12-01", Lang: "en"}, "from", "", "", 0},
		{"a bad date", Request{Shows: []string{"crying"}, From: "2026-02-30", To: "2026-12-01", Lang: "en"}, "from", "", "", 0},
		{"no end", Request{Shows: []string{"crying"}, From: "2026-11-01", Lang: "en"}, "to", "", "", 0},
		{"an unknown language", Request{Shows: []string{"crying"}, Lang: "de"}, "lang", "", "", 0},
		{"31 days of life", Request{Shows: []string{"crying"}, Lang: "en", Hours: 744}, "hours", "", "", 0},
		{"a negative life", Request{Shows: []string{"crying"}, Lang: "en", Hours: -1}, "hours", "", "", 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, fe := c.r.Check(now, paris, langs)
			if c.bad != "" {
				if _, ok := fe[c.bad]; !ok || len(fe) != 1 {
					t.Fatalf("problems %v, want one on %s", fe, c.bad)
				}
				return
			}
			if len(fe) > 0 {
				t.Fatalf("problems %v", fe)
			}
			if p.From != c.from || p.To != c.to || !p.ExpiresAt.Equal(now.Add(c.life)) {
				t.Fatalf("plan %+v, want %s…%s ending %v", p, c.from, c.to, now.Add(c.life))
			}
			if !slices.IsSortedFunc(p.Shows, func(a, b string) int { return slices.Index(Shows, a) - slices.Index(Shows, b) }) {
				t.Fatalf("shows not in order: %v", p.Shows)
			}
		})
	}
}

func TestClient(t *testing.T) {
	for ua, want := range map[string]string{
		"Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1": "Safari, iPhone",
		"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36":                       "Chrome, Android",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36 Edg/131.0":                   "Edge, Windows",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:133.0) Gecko/20100101 Firefox/133.0":                                                     "Firefox, Mac",
		"Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)":                                                                              "Slack link preview",
		"facebookexternalhit/1.1 Facebot Twitterbot/1.0":                                                                                          "Facebook or iMessage link preview",
		"WhatsApp/2.23.20.0": "WhatsApp link preview",
		"curl/8.5.0":         "",
		"":                   "",
		"Mozilla/5.0 (X11; Linux x86_64) <script>alert(1)</script>": "Linux",
	} {
		if got := Client(ua); got != want {
			t.Errorf("Client(%q) = %q, want %q", ua, got, want)
		}
	}
}

// The summary counts only what lies in the period, in the family's days,
// shows only what the link shows, and keeps the readiness answers that
// held a session back.
func TestSummarize(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	at := func(day, hour, min int) time.Time { return time.Date(2026, 11, day, hour, min, 0, 0, paris) }
	end := func(t time.Time, min int) *time.Time { e := t.Add(time.Duration(min) * time.Minute); return &e }
	session := func(start time.Time, min int, o domain.Outcome, r ...domain.Response) domain.Session {
		s := domain.Session{StartedAt: start, EndedAt: start.Add(time.Duration(min) * time.Minute), Outcome: o}
		for _, x := range r {
			s.Steps = append(s.Steps, domain.SessionStep{StrokeID: "leg_indian_milking", Response: x})
		}
		return s
	}
	cry := func(start time.Time, min int, held bool, needs, soothed []string, notes string) domain.Entry {
		return domain.Entry{Type: domain.CryingLog, StartedAt: start, EndedAt: end(start, min), Held: held, NeedsChecked: needs, SoothedBy: soothed, Notes: notes}
	}
	in := Input{From: "2026-11-10", To: "2026-11-12", Loc: paris, Now: at(20, 12, 0), Shows: Shows,
		Sessions: []domain.Session{
			session(at(9, 10, 0), 15, domain.Completed),                  // before the period
			session(at(10, 10, 0), 20, domain.Completed, domain.Engaged), // in
			session(at(12, 23, 50), 10, domain.BabyDeclined),             // in (the 12th, Paris time)
			session(at(13, 0, 10), 10, domain.StoppedEarly),              // after
		},
		Crying: []domain.Entry{
			cry(at(10, 19, 0), 30, true, []string{"hungry"}, []string{"holding", "walking"}, ""),
			cry(at(11, 2, 0), 60, false, []string{"unwell", "tired"}, []string{"holding"}, "hot, would not settle"),
			cry(at(14, 2, 0), 60, false, []string{"unwell"}, nil, "after the period"),
			cry(at(9, 23, 40), 30, false, nil, []string{"rocking"}, "begun the evening before"), // 10 minutes in
		},
		Sleep: []domain.Entry{
			{Type: domain.SleepLog, StartedAt: at(9, 22, 0), EndedAt: end(at(9, 22, 0), 240)}, // 2 h on the 10th
			{Type: domain.SleepLog, StartedAt: at(11, 13, 0), EndedAt: end(at(11, 13, 0), 90)},
		},
		Touch: []domain.Entry{
			{Type: domain.TouchLog, Kind: "skin_to_skin", StartedAt: at(10, 8, 0), EndedAt: end(at(10, 8, 0), 45)},
			{Type: domain.TouchLog, Kind: "carrying", StartedAt: at(12, 8, 0), EndedAt: end(at(12, 8, 0), 15)},
		},
		Checks: []domain.ReadinessCheck{
			{CheckedAt: at(10, 9, 0), Verdict: "wait", State: "asleep"},
			{CheckedAt: at(10, 9, 30), Verdict: "wait", State: "crying"},
			{CheckedAt: at(11, 9, 0), Verdict: "wait", State: "asleep"},
			{CheckedAt: at(11, 10, 0), Verdict: "go", State: "quiet_alert"},
			{CheckedAt: at(12, 9, 0), Verdict: "seek_help", State: "quiet_alert"},
			{CheckedAt: at(15, 9, 0), Verdict: "not_today", State: "fussy"}, // after
		},
		BodyPartOf: func(string) string { return "legs" }, BodyParts: []string{"legs"},
	}
	s := Summarize(in)
	if s.Days != 3 || s.From != "2026-11-10" || s.To != "2026-11-12" {
		t.Fatalf("period: %+v", s)
	}
	p := s.Sessions
	if p.Count != 2 || p.Completed != 1 || p.Declined != 1 || p.StoppedEarly != 0 || p.Minutes != 30 {
		t.Errorf("sessions: %+v", p)
	}
	if len(p.PerDay) != 3 || p.PerDay[0].Minutes != 20 || p.PerDay[2].Minutes != 10 {
		t.Errorf("sessions per day: %+v", p.PerDay)
	}
	if len(p.HeldBack) != 2 || p.HeldBack[0].Verdict != "seek_help" || p.HeldBack[1].Verdict != "wait" || p.HeldBack[1].Count != 3 ||
		p.HeldBack[1].States[0] != (Count{"asleep", 2}) {
		t.Errorf("held back: %+v", p.HeldBack)
	}
	c := s.Crying
	if c.Spells != 3 || c.Minutes != 100 || c.Longest != 60 || c.Held != 1 || len(c.Unwell) != 1 || c.Unwell[0].Notes != "hot, would not settle" {
		t.Errorf("crying: %+v", c)
	}
	if c.Bands[0] != (Count{"night", 70}) || c.Bands[3] != (Count{"evening", 30}) {
		t.Errorf("crying bands: %+v", c.Bands)
	}
	if len(c.Soothed) != 3 || c.Soothed[0] != (Count{"holding", 2}) {
		t.Errorf("soothed: %+v", c.Soothed)
	}
	sl := s.Sleep
	// The night begun on the 9th counts by its part in the period.
	if sl.PerDay[0].Minutes != 120 || sl.PerDay[1].Minutes != 90 || sl.LoggedDays != 2 || sl.AvgPerDay != 105 || sl.Longest != 120 {
		t.Errorf("sleep: %+v", sl)
	}
	to := s.Touch
	if len(to.ByKind) != 2 || to.ByKind[0] != (Count{"skin_to_skin", 45}) || to.LoggedDays != 2 || to.AvgPerDay != 30 {
		t.Errorf("touch: %+v", to)
	}

	// A link that shows only crying says nothing of the rest.
	in.Shows = []string{ShowCrying}
	s = Summarize(in)
	if s.Sessions != nil || s.Sleep != nil || s.Touch != nil || s.Crying == nil {
		t.Errorf("a crying-only link shows more: %+v", s)
	}
}

func TestWeekly(t *testing.T) {
	// Thursday 5 to Monday 16 November 2026: a short first week, a whole
	// one, and a Monday alone.
	var days []Day
	for d := 5; d <= 16; d++ {
		m := float64(d)
		if d == 8 || d == 10 {
			m = 0 // nothing logged
		}
		days = append(days, Day{Date: time.Date(2026, 11, d, 0, 0, 0, 0, time.UTC).Format(time.DateOnly), Minutes: m})
	}
	sum := Weekly(days, false)
	want := []Day{{"2026-11-05", 5 + 6 + 7, "2026-11-08"}, {"2026-11-09", 9 + 11 + 12 + 13 + 14 + 15, "2026-11-15"}, {"2026-11-16", 16, "2026-11-16"}}
	if !slices.Equal(sum, want) {
		t.Errorf("weekly sums %v, want %v", sum, want)
	}
	avg := Weekly(days, true)
	want = []Day{{"2026-11-05", 6, "2026-11-08"}, {"2026-11-09", 12.3, "2026-11-15"}, {"2026-11-16", 16, "2026-11-16"}}
	if !slices.Equal(avg, want) {
		t.Errorf("weekly averages %v, want %v", avg, want)
	}
}
