package i18n

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// dynamicPrefixes are keys built at run time from a value ("role." + role);
// they cannot be found as literals in the code.
var dynamicPrefixes = []string{"role.", "relation.", "flash.", "webhooks.event.", "readiness.", "log.", "touch.", "cry.need.", "cry.soothe."}

func TestEveryLanguageHasEveryMessage(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Locales()) < 2 || c.Locales()[0] != "en" {
		t.Fatalf("locales: %v", c.Locales())
	}
	en := c.IDs("en")
	for _, l := range c.Locales()[1:] {
		have := map[string]bool{}
		for _, id := range c.IDs(l) {
			have[id] = true
		}
		for _, id := range en {
			if !have[id] {
				t.Errorf("%s lacks %q", l, id)
			}
			delete(have, id)
		}
		for id := range have {
			t.Errorf("%s has %q, which English lacks", l, id)
		}
	}
}

var literal = regexp.MustCompile(`"([a-z0-9_]+(?:\.[a-z0-9_]+)+)"`)

func TestNoUnusedMessages(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	root := filepath.Join("..", "..")
	err = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) && p != root {
			return filepath.SkipDir
		}
		if d.IsDir() || strings.HasSuffix(p, "_test.go") || !(strings.HasSuffix(p, ".go") || strings.HasSuffix(p, ".html") || strings.HasSuffix(p, ".js")) {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range literal.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range c.IDs("en") {
		if used[id] || id == "lang.name" {
			continue
		}
		dynamic := false
		for _, p := range dynamicPrefixes {
			dynamic = dynamic || strings.HasPrefix(id, p)
		}
		if !dynamic {
			t.Errorf("message %q is not used anywhere", id)
		}
	}
}

func TestMatchAndPlurals(t *testing.T) {
	fsys := fstest.MapFS{
		"l/a.en.json": {Data: []byte(`{"lang.name":"English","days":{"one":"{{.Count}} day","other":"{{.Count}} days"},"hi":"Hello {{.Name}}"}`)},
		"l/a.fr.json": {Data: []byte(`{"lang.name":"Français","days":{"one":"{{.Count}} jour","other":"{{.Count}} jours"},"hi":"Bonjour {{.Name}}"}`)},
	}
	c, err := LoadFS(fsys, "l")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ user, accept, want string }{
		{"fr", "en", "fr"},
		{"", "fr-CA,fr;q=0.9", "fr"},
		{"", "de-DE,de;q=0.9", "en"},
		{"xx", "", "en"},
		{"", "garbage;;;", "en"},
	} {
		if got := c.Match(tc.user, tc.accept); got != tc.want {
			t.Errorf("Match(%q, %q) = %q, want %q", tc.user, tc.accept, got, tc.want)
		}
	}
	fr, en := c.For("fr"), c.For("en")
	for _, tc := range []struct {
		got, want string
	}{
		{fr.N("days", 0), "0 jour"}, // French uses the singular for 0
		{fr.N("days", 1), "1 jour"},
		{fr.N("days", 2), "2 jours"},
		{en.N("days", 0), "0 days"},
		{en.N("days", 1), "1 day"},
		{en.T("hi", "Name", "Lou"), "Hello Lou"},
		{en.T("missing.key"), "missing.key"},
		{c.For("de").T("hi", "Name", "Max"), "Hello Max"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func TestDuplicateKeyRefused(t *testing.T) {
	fsys := fstest.MapFS{
		"l/a.en.json": {Data: []byte(`{"x":"1"}`)},
		"l/b.en.json": {Data: []byte(`{"x":"2"}`)},
	}
	if _, err := LoadFS(fsys, "l"); err == nil {
		t.Fatal("a key defined in two files must be refused")
	}
}

// countWords find a number said beside a counted noun: a message that
// shows a count must have plural forms ("1 time", "2 times"; French "1
// fois"), never one text for every number.
var countWords = regexp.MustCompile(`\{\{\.(Count|Of|Days|Minutes|Weeks|Times|Sessions|Steps|Entries)\}\}`)

func TestCountedMessagesHavePluralForms(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("locales", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no catalogs: %v", err)
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var msgs map[string]any
		if err := json.Unmarshal(raw, &msgs); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for id, v := range msgs {
			text, plain := v.(string)
			if plain && countWords.MatchString(text) {
				t.Errorf("%s: %q shows a count without plural forms: %q", filepath.Base(f), id, text)
			}
			if forms, ok := v.(map[string]any); ok {
				if _, ok := forms["other"]; !ok {
					t.Errorf("%s: %q has plural forms but no \"other\"", filepath.Base(f), id)
				}
			}
		}
	}
}

func TestLongDate(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, time.December, 3, 10, 0, 0, 0, time.UTC)
	for lang, want := range map[string]string{"en": "Thursday 3 December", "fr": "jeudi 3 décembre"} {
		if got := c.For(lang).LongDate(day); got != want {
			t.Errorf("%s: %q, want %q", lang, got, want)
		}
	}
}

// Moments are written as each language and region writes them, relative
// to the reader's day: the hour cycle from CLDR (24 h in British English
// and French, 12 h for a browser asking for American English).
func TestWhen(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip("no time zone data")
	}
	now := time.Date(2026, time.December, 3, 10, 0, 0, 0, paris) // a Thursday
	at := func(days, h, m int) time.Time { return time.Date(2026, time.December, 3-days, h, m, 0, 0, paris) }
	tests := []struct {
		lang, accept string
		t            time.Time
		when, day    string
	}{
		{"en", "", at(0, 14, 5), "14:05", "today"},
		{"en", "en-GB,en;q=0.8", at(1, 9, 30), "yesterday, 09:30", "yesterday"},
		{"en", "en-US,en;q=0.9", at(0, 14, 5), "2:05 PM", "today"},
		{"en", "fr-FR,en-US;q=0.5", at(3, 21, 0), "Monday, 9:00 PM", "Monday"},
		{"en", "", at(9, 8, 0), "Tuesday 24 November, 08:00", "Tuesday 24 November"},
		{"en", "", time.Date(2025, time.December, 31, 23, 59, 0, 0, paris), "31 December 2025, 23:59", "31 December 2025"},
		{"fr", "fr-FR", at(0, 14, 5), "14:05", "aujourd'hui"},
		{"fr", "", at(1, 9, 30), "hier à 09:30", "hier"},
		{"fr", "en-US", at(3, 21, 0), "lundi à 21:00", "lundi"},
		{"fr", "", at(9, 8, 0), "mardi 24 novembre à 08:00", "mardi 24 novembre"},
		{"es", "es-ES", at(0, 14, 5), "14:05", "hoy"},
		{"es", "", at(1, 9, 30), "ayer, 09:30", "ayer"},
		{"es", "", at(3, 21, 0), "lunes, 21:00", "lunes"},
		{"es", "", at(9, 8, 0), "martes 24 de noviembre, 08:00", "martes 24 de noviembre"},
		{"es", "", time.Date(2025, time.December, 31, 23, 59, 0, 0, paris), "31 de diciembre de 2025, 23:59", "31 de diciembre de 2025"},
	}
	for _, tc := range tests {
		p := c.For(tc.lang).WithRegion(tc.accept)
		if got := p.When(tc.t, now); got != tc.when {
			t.Errorf("%s %q When: %q, want %q", tc.lang, tc.accept, got, tc.when)
		}
		if got := p.Day(tc.t, now); got != tc.day {
			t.Errorf("%s %q Day: %q, want %q", tc.lang, tc.accept, got, tc.day)
		}
	}
}
