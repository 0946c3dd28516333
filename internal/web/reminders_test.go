package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"nurture/internal/apptest"
)

type reminderWorld struct {
	app                                   *apptest.App
	fam, otherFam                         apptest.Family
	owner, caregiver, viewer, other, anon *apptest.Browser
	lou, max                              string
}

func newReminderWorld(t *testing.T) *reminderWorld {
	a := apptest.New(t)
	w := &reminderWorld{app: a}
	w.fam = a.Signup("ann@example.org", "Ann", "Martin")
	a.Join(w.fam, "bob@example.org", "Bob", "caregiver", "father")
	a.Join(w.fam, "gran@example.org", "Gran", "viewer", "grandparent")
	w.otherFam = a.Signup("zoe@example.org", "Zoe", "Other")
	w.lou = a.Baby(w.fam, "Lou", "2026-10-01")
	w.max = a.Baby(w.otherFam, "Max", "2026-09-15")
	login := func(email string) *apptest.Browser {
		b := a.Browser()
		b.Login(email, "correct horse battery")
		return b
	}
	w.owner, w.caregiver, w.viewer, w.other = login("ann@example.org"), login("bob@example.org"), login("gran@example.org"), login("zoe@example.org")
	w.anon = a.Browser()
	return w
}

func moment(label, at, duration string, days ...string) url.Values {
	return url.Values{"label": {label}, "time": {at}, "duration": {duration}, "days": days}
}

// momentID returns the id of the baby's moment with the label.
func (w *reminderWorld) momentID(t *testing.T, familyID, babyID, label string) string {
	t.Helper()
	ms, err := w.app.Store.Moments(context.Background(), familyID, babyID)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Label == label {
			return m.ID
		}
	}
	t.Fatalf("no moment %q in %+v", label, ms)
	return ""
}

func TestReminderPages(t *testing.T) {
	w := newReminderWorld(t)
	lou := "/babies/" + w.lou + "/reminders"
	max := "/babies/" + w.max + "/reminders"
	if r := w.other.Post(max, moment("their nap", "13:00", "", "TU")); r.Status != http.StatusSeeOther {
		t.Fatalf("other family's moment: %d %s", r.Status, r.Body)
	}
	theirs := w.momentID(t, w.otherFam.FamilyID, w.max, "their nap")

	steps := []struct {
		name      string
		b         *apptest.Browser
		method    string
		path      string
		form      url.Values
		status    int
		want, not string // body fragments, or Location prefix for redirects
	}{
		{"baby page links here", w.viewer, "GET", "/babies/" + w.lou, nil, 200, `href="/babies/` + w.lou + `/reminders"`, ""},
		{"account page links to the calendar", w.viewer, "GET", "/account", nil, 200, `href="/account/calendar"`, ""},
		{"anon is sent to log in", w.anon, "GET", lou, nil, 303, "/login?next=" + lou, ""},
		{"empty list", w.caregiver, "GET", lou, nil, 200, "No moments chosen yet", ""},
		{"add", w.caregiver, "POST", lou, moment("after the evening bath", "19:30", "20", "MO", "WE", "FR"), 303, lou + "?msg=moment_added", ""},
		{"add with default length", w.owner, "POST", lou, moment("  morning   cuddle ", "08:15", "", "MO", "TU", "WE", "TH", "FR", "SA", "SU"), 303, lou, ""},
		{"list", w.viewer, "GET", lou + "?msg=moment_added", nil, 200, "Moment added.", ""},
		{"viewer reads but gets no form", w.viewer, "GET", lou, nil, 200, "<strong>19:30</strong> · after the evening bath <small>Mon, Wed, Fri · 20 min</small>", `name="label"`},
		{"viewer cannot add", w.viewer, "POST", lou, moment("x", "10:00", "15", "MO"), 403, "", ""},
		{"empty label", w.caregiver, "POST", lou, moment(" ", "10:00", "15", "MO", "SU"), 422, "Please fill this in.", ""},
		{"checked days kept on error", w.caregiver, "POST", lou, moment(" ", "10:00", "15", "MO", "SU"), 422, `value="SU" checked`, `value="TU" checked`},
		{"no day", w.caregiver, "POST", lou, moment("x", "10:00", "15"), 422, "Choose at least one day", ""},
		{"unknown day", w.caregiver, "POST", lou, moment("x", "10:00", "15", "MO", "XX"), 422, "Choose at least one day", ""},
		{"bad time", w.caregiver, "POST", lou, moment("x", "25:00", "15", "MO"), 422, "HH:MM", ""},
		{"no time", w.caregiver, "POST", lou, moment("x", "", "15", "MO"), 422, "Please fill this in.", ""},
		{"too short", w.caregiver, "POST", lou, moment("x", "10:00", "4", "MO"), 422, "between 5 and 60", ""},
		{"too long", w.caregiver, "POST", lou, moment("x", "10:00", "61", "MO"), 422, "between 5 and 60", ""},
		{"not a number", w.caregiver, "POST", lou, moment("x", "10:00", "ten", "MO"), 422, "between 5 and 60", ""},
		{"label too long", w.caregiver, "POST", lou, moment(strings.Repeat("a", 81), "10:00", "15", "MO"), 422, "too long", ""},
		{"other family cannot read", w.other, "GET", lou, nil, 404, "", "<strong>19:30</strong>"},
		{"other family cannot add", w.other, "POST", lou, moment("x", "10:00", "15", "MO"), 404, "", ""},
		{"other family cannot delete", w.other, "POST", lou + "/MOMENT/delete", nil, 404, "", ""},
		{"cannot delete another family's moment", w.owner, "POST", max + "/" + theirs + "/delete", nil, 404, "", ""},
		{"cannot delete it through our baby", w.owner, "POST", lou + "/" + theirs + "/delete", nil, 404, "", ""},
		{"unknown baby", w.owner, "GET", "/babies/nope/reminders", nil, 404, "", ""},
		{"viewer cannot delete", w.viewer, "POST", lou + "/MOMENT/delete", nil, 403, "", ""},
		{"delete", w.caregiver, "POST", lou + "/MOMENT/delete", nil, 303, lou + "?msg=moment_deleted", ""},
		{"deleted", w.owner, "GET", lou, nil, 200, "morning cuddle", "<strong>19:30</strong>"},
		{"delete again", w.caregiver, "POST", lou + "/MOMENT/delete", nil, 404, "", ""},
	}
	var evening string
	for _, tc := range steps {
		t.Run(tc.name, func(t *testing.T) {
			if strings.Contains(tc.path, "MOMENT") && evening == "" {
				evening = w.momentID(t, w.fam.FamilyID, w.lou, "after the evening bath")
			}
			path := strings.Replace(tc.path, "MOMENT", evening, 1)
			var r apptest.Response
			if tc.method == "GET" {
				r = tc.b.Get(path)
			} else {
				r = tc.b.Post(path, tc.form)
			}
			if r.Status != tc.status {
				t.Fatalf("%s %s: status %d, want %d\n%.800s", tc.method, path, r.Status, tc.status, r.Body)
			}
			if r.Status >= 300 && r.Status < 400 {
				if loc := r.Header.Get("Location"); !strings.HasPrefix(loc, tc.want) {
					t.Fatalf("redirect to %q, want %q", loc, tc.want)
				}
				return
			}
			if tc.want != "" && !strings.Contains(r.Body, tc.want) {
				t.Fatalf("body lacks %q:\n%.1500s", tc.want, r.Body)
			}
			if tc.not != "" && strings.Contains(r.Body, tc.not) {
				t.Fatalf("body has %q:\n%.1500s", tc.not, r.Body)
			}
		})
	}
	// What was stored: label tidied, days, time, default length.
	ms, _ := w.app.Store.Moments(context.Background(), w.fam.FamilyID, w.lou)
	if len(ms) != 1 || ms[0].Label != "morning cuddle" || len(ms[0].Weekdays) != 7 || ms[0].TimeOfDay != "08:15" || ms[0].DurationMin != 15 {
		t.Fatalf("stored moments: %+v", ms)
	}
	if ms, _ := w.app.Store.Moments(context.Background(), w.otherFam.FamilyID, w.max); len(ms) != 1 {
		t.Fatalf("other family's moments: %+v", ms)
	}
}

var calendarURL = regexp.MustCompile(`<code id="calendar-url">https?://[^/<]+(/cal/[A-Za-z0-9_-]+\.ics)</code>`)

// newLink asks for a calendar link and returns its path.
func newLink(t *testing.T, b *apptest.Browser) string {
	t.Helper()
	r := b.Post("/account/calendar", nil)
	if r.Status != http.StatusOK {
		t.Fatalf("calendar link: %d %.800s", r.Status, r.Body)
	}
	m := calendarURL.FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("no calendar URL in\n%s", r.Body)
	}
	if !strings.Contains(r.Body, `href="webcal://`) {
		t.Fatalf("no webcal link in\n%s", r.Body)
	}
	return m[1]
}

func TestCalendarFeed(t *testing.T) {
	w := newReminderWorld(t)
	noe := w.app.Baby(w.fam, "Noé", "2026-11-01")
	for _, add := range []struct {
		b    *apptest.Browser
		baby string
		form url.Values
	}{
		{w.caregiver, w.lou, moment("after the evening bath, in the warm room; softly", "19:30", "20", "MO", "WE", "FR")},
		{w.owner, noe, moment("before the nap", "13:00", "", "SA", "SU")},
		{w.other, w.max, moment("their secret moment", "09:00", "", "TU")},
	} {
		if r := add.b.Post("/babies/"+add.baby+"/reminders", add.form); r.Status != http.StatusSeeOther {
			t.Fatalf("add moment: %d %.500s", r.Status, r.Body)
		}
	}
	evening := w.momentID(t, w.fam.FamilyID, w.lou, "after the evening bath, in the warm room; softly")

	if r := w.caregiver.Get("/account/calendar"); r.Status != 200 || !strings.Contains(r.Body, "no calendar link yet") || !strings.Contains(r.Body, "Create my calendar link") {
		t.Fatalf("calendar page before: %d %.1500s", r.Status, r.Body)
	}
	if r := w.anon.Get("/account/calendar"); r.Status != http.StatusSeeOther {
		t.Fatalf("calendar page anon: %d", r.Status)
	}
	link := newLink(t, w.caregiver)
	r := w.caregiver.Get("/account/calendar")
	if r.Status != 200 || !strings.Contains(r.Body, "Reset link") || strings.Contains(r.Body, link) {
		t.Fatalf("calendar page after: %d %.1500s", r.Status, r.Body)
	}

	// The feed needs no login: the secret is the key.
	r = w.anon.Get(link)
	if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/calendar") {
		t.Fatalf("feed: %d %q %.500s", r.Status, r.Header.Get("Content-Type"), r.Body)
	}
	feed := strings.ReplaceAll(r.Body, "\r\n ", "") // unfold
	for _, want := range []string{
		"BEGIN:VCALENDAR\r\n",
		"\r\nUID:" + evening + "@nurture\r\n",
		"\r\nRRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR\r\n",
		"\r\nRRULE:FREQ=WEEKLY;BYDAY=SA,SU\r\n",
		"\r\nDURATION:PT20M\r\n",
		"\r\nDURATION:PT15M\r\n",
		"\r\nSUMMARY:Massage for Lou — after the evening bath\\, in the warm room\\; softly\r\n",
		"\r\nSUMMARY:Massage for Noé — before the nap\r\n",
		"\r\nDESCRIPTION:Only if Lou is calm and alert — the baby may say no.\r\n",
		"T193000\r\n",
		"T130000\r\n",
		"BEGIN:VALARM",
	} {
		if !strings.Contains(feed, want) {
			t.Errorf("feed lacks %q", want)
		}
	}
	if !regexp.MustCompile(`\r\nDTSTART;TZID=Europe/Paris:\d{8}T193000\r\n`).MatchString(feed) {
		t.Errorf("evening moment not at 19:30 Paris time:\n%s", feed)
	}
	if n := strings.Count(feed, "BEGIN:VEVENT"); n != 2 {
		t.Errorf("%d events, want the family's 2", n)
	}
	if strings.Contains(feed, "secret moment") || strings.Contains(feed, "Max") {
		t.Errorf("another family's moment in the feed:\n%s", feed)
	}

	// In the caregiver's own language.
	if r := w.caregiver.Post("/account", url.Values{"name": {"Bob"}, "locale": {"fr"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("set locale: %d", r.Status)
	}
	if r := w.anon.Get(link); !strings.Contains(r.Body, "SUMMARY:Massage pour Lou — ") {
		t.Errorf("feed not in French:\n%s", r.Body)
	}

	// Each member has their own link; a viewer may have one too.
	if own := newLink(t, w.viewer); own == link {
		t.Fatal("two users share a link")
	} else if r := w.anon.Get(own); r.Status != 200 || !strings.Contains(r.Body, "SUMMARY:Massage for Lou") {
		t.Fatalf("viewer's feed: %d", r.Status)
	}

	// Reset: the old URL stops at once, the new one works.
	reset := newLink(t, w.caregiver)
	if reset == link {
		t.Fatal("reset kept the secret")
	}
	if r := w.anon.Get(link); r.Status != http.StatusNotFound {
		t.Fatalf("old link after reset: %d", r.Status)
	}
	if r := w.anon.Get(reset); r.Status != 200 || strings.Count(r.Body, "BEGIN:VEVENT") != 2 {
		t.Fatalf("new link: %d %.300s", r.Status, r.Body)
	}

	for _, p := range []string{"/cal/nope.ics", "/cal/" + strings.TrimSuffix(strings.TrimPrefix(reset, "/cal/"), ".ics"), "/cal/.ics", "/cal/" + strings.Repeat("a", 43) + ".ics"} {
		if r := w.anon.Get(p); r.Status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, r.Status)
		}
	}

	// Turning the link off.
	if r := w.caregiver.Post("/account/calendar/off", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("off: %d", r.Status)
	}
	if r := w.anon.Get(reset); r.Status != http.StatusNotFound {
		t.Fatalf("link after off: %d", r.Status)
	}
	if r := w.caregiver.Get("/account/calendar?msg=calendar_off"); !strings.Contains(r.Body, "lien d&#39;agenda ne fonctionne plus") {
		t.Fatalf("off page: %.1500s", r.Body)
	}
}
