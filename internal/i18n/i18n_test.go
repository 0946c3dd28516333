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
var dynamicPrefixes = []string{"role.", "relation.", "flash.", "readiness.", "log.", "touch.", "cry.need.", "cry.soothe."}

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
