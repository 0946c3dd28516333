package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"nurture/internal/apptest"
	"nurture/internal/cli"
	"nurture/internal/mail"
	"nurture/internal/mail/mailtest"
)

// urlAttr is every attribute of a page that names an address.
var urlAttr = regexp.MustCompile(`\s(href|src|action|formaction|data-timers-src|data-api)="([^"]*)"`)

// underPath reports whether an address a page gives lives under the
// server's path: a path under it, an absolute URL under the base URL, or
// one relative to the page itself (a fragment, a query), tel:, or webcal:
// under the base URL.
func underPath(u, prefix, base string) bool {
	switch {
	case strings.HasPrefix(u, "#"), strings.HasPrefix(u, "?"), strings.HasPrefix(u, "tel:"):
		return true
	case strings.HasPrefix(u, "webcal://"):
		return strings.HasPrefix("http://"+strings.TrimPrefix(u, "webcal://"), base+"/")
	case strings.HasPrefix(u, "http://"), strings.HasPrefix(u, "https://"):
		return strings.HasPrefix(u, base+"/")
	}
	return strings.HasPrefix(u, prefix+"/")
}

// next is the index of the next sub in s after the one at i, or -1.
func next(s string, i int, sub string) int {
	j := strings.Index(s[i+1:], sub)
	if j < 0 {
		return -1
	}
	return i + 1 + j
}

// TestSubPath runs a server published at http://127.0.0.1:PORT/nurture/
// (--base-url) and follows every link of its pages as a signed-in owner:
// every link, asset and form action, every redirect, the cookies' paths,
// the manifest, the service worker, the addresses the scripts are given,
// and the links given to others (invitations, shares, calendar, resets
// by e-mail, the API's) live under /nurture/; outside it there is nothing.
func TestSubPath(t *testing.T) {
	const prefix = "/nurture"
	sink := mailtest.New(t)
	a := apptest.NewUnder(t, prefix+"/", cli.Options{Mail: mail.New(sink.Mail)})
	origin := strings.TrimSuffix(a.URL, prefix)
	if origin == a.URL {
		t.Fatalf("the app's URL %s has no %s", a.URL, prefix)
	}
	raw := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	rawGet := func(path string) *http.Response {
		t.Helper()
		res, err := raw.Get(origin + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}

	// Outside the path: the root and the bare path lead to it; anything
	// else is not there.
	for path, want := range map[string]string{"/": prefix + "/", prefix: prefix + "/", prefix + "?x=1": prefix + "/?x=1"} {
		if res := rawGet(path); res.StatusCode != http.StatusFound || res.Header.Get("Location") != want {
			t.Errorf("GET %s: %d %q, want 302 to %s", path, res.StatusCode, res.Header.Get("Location"), want)
		}
	}
	for _, path := range []string{"/family", "/login", "/api/v1/me", "/sw.js", "/manifest.webmanifest", "/healthz", prefix + "x/"} {
		if res := rawGet(path); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s outside the path: %d", path, res.StatusCode)
		}
	}
	if r := a.Browser().Get("/healthz"); r.Status != http.StatusOK {
		t.Errorf("health check under the path: %d", r.Status)
	}

	// A page that needs a login sends there, under the path; the login
	// sends back, and its cookie is the path's.
	anon := a.Browser()
	if r := anon.Get("/family"); r.Status != http.StatusSeeOther || r.Header.Get("Location") != prefix+"/login?next=/family" {
		t.Errorf("an anonymous /family: %d %q", r.Status, r.Header.Get("Location"))
	}
	ann := a.Signup("ann@example.org", "Ann", "Martin")
	baby := a.Baby(ann, "Lou", apptest.DaysAgo(70))
	b := a.Browser()
	r := b.Post("/login", url.Values{"email": {"ann@example.org"}, "password": {"correct horse battery"}, "next": {"/family"}})
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != prefix+"/family" {
		t.Fatalf("login: %d %q", r.Status, r.Header.Get("Location"))
	}
	cookiePath := func(r apptest.Response, name string) string {
		for _, c := range (&http.Response{Header: r.Header}).Cookies() {
			if c.Name == name {
				return c.Path
			}
		}
		return "(no cookie)"
	}
	if p := cookiePath(r, "nurture_session"); p != prefix+"/" {
		t.Errorf("the session cookie's path: %s", p)
	}

	// Data that gives the pages more to link to.
	now := apptest.Now()
	for _, e := range []struct{ kind, body string }{
		{"touch", `{"kind":"skin_to_skin","started_at":"` + now.Add(-3*time.Hour).Format(time.RFC3339) + `","ended_at":"` + now.Add(-2*time.Hour).Format(time.RFC3339) + `"}`},
		{"sleep", `{"started_at":"` + now.Add(-90*time.Minute).Format(time.RFC3339) + `","ended_at":"` + now.Add(-30*time.Minute).Format(time.RFC3339) + `"}`},
		{"sessions", `{"routine_id":"full_body","outcome":"completed","steps":[],"started_at":"` + now.Add(-5*time.Hour).Format(time.RFC3339) + `","ended_at":"` + now.Add(-290*time.Minute).Format(time.RFC3339) + `"}`},
	} {
		if r := a.API("POST", "/api/v1/babies/"+baby+"/"+e.kind, ann.Token, e.body); r.Status != http.StatusCreated {
			t.Fatalf("%s: %d %s", e.kind, r.Status, r.Body)
		}
	}
	ogg := append([]byte("OggS"), make([]byte, 2000)...)
	r = a.Request("PUT", "/api/v1/voice/part:legs", ann.Token, http.Header{"Content-Type": {"audio/ogg"}}, ogg)
	if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Location"), prefix+"/api/v1/voice/part:legs?v=") {
		t.Errorf("a recording's Location: %d %q", r.Status, r.Header.Get("Location"))
	}
	if r := a.API("GET", "/api/v1/voice", ann.Token, nil); !strings.Contains(r.Body, `"url":"`+prefix+`/api/v1/voice/part:legs?v=`) {
		t.Errorf("the recordings' URLs: %s", r.Body)
	}

	// Every page reachable from the home page, anonymous and as the owner
	// (and a few more): each address in it lives under the path, each API
	// address given to its scripts too, and each link and asset opens.
	crawl := func(who *apptest.Browser, queue ...string) map[string]bool {
		visited := map[string]bool{}
		seen := map[string]int{} // visits of a path whatever its query: a day links to the day before, and so on
		for len(queue) > 0 {
			path := queue[0]
			queue = queue[1:]
			bare, _, _ := strings.Cut(path, "?")
			if visited[path] || seen[bare] == 3 {
				continue
			}
			visited[path] = true
			seen[bare]++
			r := who.Get(path)
			switch {
			case r.Status >= 300 && r.Status < 400:
				loc := r.Header.Get("Location")
				if !underPath(loc, prefix, a.URL) {
					t.Errorf("GET %s redirects to %s", path, loc)
				} else if l := strings.TrimPrefix(loc, prefix); strings.HasPrefix(l, "/") {
					queue = append(queue, l)
				}
				continue
			case r.Status != http.StatusOK:
				t.Errorf("GET %s: %d", path, r.Status)
				continue
			}
			if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
				continue
			}
			for _, m := range urlAttr.FindAllStringSubmatch(r.Body, -1) {
				u := strings.ReplaceAll(m[2], "&amp;", "&")
				if !underPath(u, prefix, a.URL) {
					t.Errorf("%s: %s=%q is not under %s/", path, m[1], u, prefix)
					continue
				}
				if l, ok := strings.CutPrefix(u, prefix); ok && m[1] != "action" && m[1] != "formaction" {
					queue = append(queue, l)
				}
			}
			// The session plan and the crying companion give their
			// scripts API addresses; the page's text names none.
			body := strings.ReplaceAll(r.Body, `\/`, "/")
			for i := strings.Index(body, "/api/v1/"); i >= 0; i = next(body, i, "/api/v1/") {
				if !strings.HasSuffix(body[:i], prefix) {
					t.Errorf("%s names an API address outside the path: …%s…", path, body[max(0, i-30):min(len(body), i+40)])
				}
			}
			if strings.Contains(r.Body, "<head>") && !strings.Contains(r.Body, `<meta name="nurture-base" content="`+prefix+`">`) {
				t.Errorf("%s does not tell its scripts the path", path)
			}
		}
		return visited
	}
	if visited := crawl(a.Browser(), "/"); !visited["/login"] || !visited["/signup"] || !visited["/library"] {
		t.Errorf("the anonymous crawl missed the login, signup or library page: %v", visited)
	}
	visited := crawl(b, "/", "/offline", "/babies/"+baby+"/session?routine=full_body", "/family/voice", "/account/calendar")
	t.Logf("%d addresses visited", len(visited))
	for _, want := range []string{"/babies/" + baby, "/babies/" + baby + "/log", "/babies/" + baby + "/day", "/babies/" + baby + "/sessions", "/library", "/family", "/account"} {
		if !visited[want] {
			t.Errorf("the crawl missed %s", want)
		}
	}

	// The manifest and the service worker: scope, start and every URL.
	r = b.Get("/manifest.webmanifest")
	var man struct {
		StartURL string `json:"start_url"`
		Scope    string
		ID       string
		Icons    []struct{ Src string }
	}
	if err := json.Unmarshal([]byte(r.Body), &man); err != nil || man.StartURL != prefix+"/" || man.Scope != prefix+"/" || man.ID != prefix+"/" {
		t.Errorf("the manifest's start_url %q, scope %q, id %q: %v", man.StartURL, man.Scope, man.ID, err)
	}
	for _, ic := range man.Icons {
		if !strings.HasPrefix(ic.Src, prefix+"/static/") || b.Get(strings.TrimPrefix(ic.Src, prefix)).Status != http.StatusOK {
			t.Errorf("manifest icon %s", ic.Src)
		}
	}
	r = b.Get("/sw.js")
	if r.Header.Get("Service-Worker-Allowed") != prefix+"/" {
		t.Errorf("Service-Worker-Allowed: %q", r.Header.Get("Service-Worker-Allowed"))
	}
	line, _, _ := strings.Cut(strings.TrimPrefix(r.Body, "self.NURTURE = "), ";\n")
	var sw struct {
		Pre  []string
		Base string
	}
	if err := json.Unmarshal([]byte(line), &sw); err != nil || sw.Base != prefix || len(sw.Pre) < 10 {
		t.Errorf("the worker's configuration %.200s: %v", line, err)
	}
	for _, u := range sw.Pre {
		if !strings.HasPrefix(u, prefix+"/") || b.Get(strings.TrimPrefix(u, prefix)).Status != http.StatusOK {
			t.Errorf("the worker precaches %s", u)
		}
	}
	if r := a.API("GET", "/api/v1/openapi.json", "", nil); !strings.Contains(r.Body, `"url": "`+prefix+`/"`) {
		t.Error("the OpenAPI document's server is not the path")
	}

	// Links given to others: under the base URL, and they open.
	r = a.API("POST", "/api/v1/invites", ann.Token, map[string]string{"role": "caregiver", "relation": "grandparent"})
	if u, _ := r.JSON(t)["url"].(string); !strings.HasPrefix(u, a.URL+"/join/") || a.Browser().Get(strings.TrimPrefix(u, a.URL)).Status != http.StatusOK {
		t.Errorf("the API's invitation link: %q", u)
	}
	r = b.Post("/family/invites", url.Values{"role": {"viewer"}, "relation": {"grandparent"}})
	if !strings.Contains(r.Body, a.URL+"/join/") {
		t.Errorf("the family page's invitation link is not under the base URL: %d", r.Status)
	}
	r = b.Post("/account/calendar", nil)
	feed := regexp.MustCompile(`http://[^"<\s]+/cal/[^"<\s]+\.ics`).FindString(r.Body)
	if !strings.HasPrefix(feed, a.URL+"/cal/") || !strings.Contains(r.Body, `href="webcal://`+strings.TrimPrefix(feed, "http://")+`"`) ||
		a.Browser().Get(strings.TrimPrefix(feed, a.URL)).Status != http.StatusOK {
		t.Errorf("the calendar link %q is not under the base URL, or does not open: %d", feed, r.Status)
	}
	r = a.API("POST", "/api/v1/babies/"+baby+"/shares", ann.Token, map[string]any{"shows": []string{"sleep"}})
	shareURL, _ := r.JSON(t)["url"].(string)
	if !strings.HasPrefix(shareURL, a.URL+"/s/") {
		t.Fatalf("the share link: %q", shareURL)
	}
	nurse := a.Browser()
	r = nurse.Get(strings.TrimPrefix(shareURL, a.URL))
	summary := strings.TrimPrefix(r.Header.Get("Location"), prefix)
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), prefix+"/s/v/") || cookiePath(r, "nurture_share") != prefix+summary {
		t.Fatalf("opening the share link: %d %q, cookie path %s", r.Status, r.Header.Get("Location"), cookiePath(r, "nurture_share"))
	}
	r = nurse.Get(summary)
	if r.Status != http.StatusOK {
		t.Fatalf("the shared summary: %d", r.Status)
	}
	for _, m := range urlAttr.FindAllStringSubmatch(r.Body, -1) {
		if !underPath(m[2], prefix, a.URL) || nurse.Get(strings.TrimPrefix(m[2], prefix)).Status != http.StatusOK {
			t.Errorf("the shared summary's %s=%q", m[1], m[2])
		}
	}
	if r := a.Browser().Post("/login/forgot", url.Values{"email": {"ann@example.org"}}); r.Status != http.StatusOK {
		t.Fatalf("forgot: %d", r.Status)
	}
	got := sink.Wait(1, 5*time.Second)
	text := strings.ReplaceAll(got[len(got)-1].Data, "=\r\n", "") // quoted-printable's soft line breaks
	reset := regexp.MustCompile(`http://\S+/reset/[A-Za-z0-9_-]+`).FindString(text)
	if !strings.HasPrefix(reset, a.URL+"/reset/") || a.Browser().Get(strings.TrimPrefix(reset, a.URL)).Status != http.StatusOK {
		t.Errorf("the e-mailed reset link %q", reset)
	}

	// Logging out clears the path's cookie and leads to its login page.
	r = b.Post("/logout", nil)
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != prefix+"/login" || cookiePath(r, "nurture_session") != prefix+"/" {
		t.Errorf("logout: %d %q, cookie path %s", r.Status, r.Header.Get("Location"), cookiePath(r, "nurture_session"))
	}
}
