package route

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestParseBase(t *testing.T) {
	for _, c := range []struct{ in, want, prefix string }{
		{"", "", ""},
		{"https://home.example/nurture/", "https://home.example/nurture/", "/nurture"},
		{"https://home.example/nurture", "https://home.example/nurture/", "/nurture"}, // the slash added
		{"http://127.0.0.1:8080/a/b-c_d.e~f/", "http://127.0.0.1:8080/a/b-c_d.e~f/", "/a/b-c_d.e~f"},
		{"https://home.example", "https://home.example/", ""},
		{"https://home.example/", "https://home.example/", ""},
	} {
		b, err := ParseBase(c.in)
		if err != nil || b.String() != c.want || b.Prefix() != c.prefix {
			t.Errorf("ParseBase(%q) = %q, prefix %q, %v; want %q, prefix %q", c.in, b, b.Prefix(), err, c.want, c.prefix)
		}
	}
	for _, bad := range []string{"/nurture/", "home.example/nurture", "ftp://home.example/", "https:///nurture/",
		"https://home.example/nurture/?x=1", "https://home.example/nurture/?", "https://home.example/nurture/#top",
		"https://home.example/nurture/#", "https://u:p@home.example/", "https://home.example//nurture/",
		"https://home.example/a/../nurture/", "https://home.example/nur%20ture/", "https://home.example/nur ture/",
		"mailto:a@home.example", "https://home.example/a;b/"} {
		if b, err := ParseBase(bad); err == nil {
			t.Errorf("ParseBase(%q) accepted: %q", bad, b)
		}
	}
}

func TestBaseURL(t *testing.T) {
	r := httptest.NewRequest("GET", "http://guessed.example/x", nil)
	if got := (Base{}).URL(r, "/s/abc"); got != "http://guessed.example/s/abc" {
		t.Errorf("no base: %q", got)
	}
	b := MustParseBase("https://home.example/nurture/")
	if got := b.URL(r, "/s/abc"); got != "https://home.example/nurture/s/abc" {
		t.Errorf("with a base: %q", got)
	}
	if got := b.Path("/family"); got != "/nurture/family" {
		t.Errorf("Path: %q", got)
	}
}

func TestMount(t *testing.T) {
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/go":
			http.Redirect(w, r, "/family?msg=saved", http.StatusSeeOther)
		case "/away":
			http.Redirect(w, r, "https://elsewhere.example/", http.StatusFound)
		case "/relative/":
			http.Redirect(w, r, "up", http.StatusFound)
		default:
			w.Write([]byte("path " + r.URL.Path + " raw " + r.URL.RawPath + " query " + r.URL.RawQuery))
		}
	})
	if (Base{}).Mount(app) == nil || MustParseBase("https://home.example/").Mount(app) == nil {
		t.Fatal("no handler")
	}
	h := MustParseBase("https://home.example/nurture/").Mount(app)
	for _, c := range []struct {
		path     string
		status   int
		location string
		body     string
	}{
		{"/nurture/", 200, "", "path / raw  query "},
		{"/nurture/babies/x?date=1", 200, "", "path /babies/x raw  query date=1"},
		{"/nurture/a%2Fb", 200, "", "path /a/b raw /a%2Fb query "},
		{"/nurture/go", 303, "/nurture/family?msg=saved", ""},
		{"/nurture/away", 302, "https://elsewhere.example/", ""},
		{"/nurture/relative/", 302, "/nurture/relative/up", ""},
		{"/nurture", 302, "/nurture/", ""},
		{"/nurture?x=1", 302, "/nurture/?x=1", ""},
		{"/", 302, "/nurture/", ""},
		{"/family", 404, "", ""},
		{"/nurtured/", 404, "", ""},
		{"/static/app.css", 404, "", ""},
	} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", c.path, nil))
		if w.Code != c.status || w.Header().Get("Location") != c.location || (c.body != "" && w.Body.String() != c.body) {
			t.Errorf("GET %s: %d %q %q; want %d %q %q", c.path, w.Code, w.Header().Get("Location"), strings.TrimSpace(w.Body.String()), c.status, c.location, c.body)
		}
	}
}
