package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"nurture/internal/apptest"
	"nurture/internal/store"
)

type shareBody struct {
	ID        string   `json:"id"`
	URL       string   `json:"url"`
	Shows     []string `json:"shows"`
	From      string   `json:"from"`
	To        string   `json:"to"`
	Lang      string   `json:"lang"`
	ExpiresAt string   `json:"expires_at"`
	RevokedAt *string  `json:"revoked_at"`
	Live      bool     `json:"live"`
	Openings  int      `json:"openings"`
	Opened    []struct {
		At     string `json:"at"`
		Client string `json:"client"`
	} `json:"opened"`
}

// Share links through the API, on both databases: an owner makes one,
// it opens without an account and shows only what it was made to show,
// in its language, every opening is listed; revoked, expired, tampered
// or another baby's, it is the site's plain 404.
func testSharesAPI(t *testing.T, st *store.Store) {
	var later atomic.Int64 // how far the server's clock is moved on
	a := apptest.NewOnClock(t, st, func() time.Time { return apptest.Now().Add(time.Duration(later.Load())) })
	ann := a.Signup("ann@example.org", "Ann", "Martin")
	bob := a.Join(ann, "bob@example.org", "Bob", "caregiver", "father")
	zoe := a.Signup("zoe@example.org", "Zoe", "Other")
	lou := a.Baby(ann, "Lou", apptest.DaysAgo(60))
	tom := a.Baby(ann, "Tom", apptest.DaysAgo(60))
	zoeBaby := a.Baby(zoe, "Zed", apptest.DaysAgo(30))
	now := apptest.Now().UTC()
	start := now.Add(-26 * time.Hour)
	cry := map[string]any{"started_at": start.Format(time.RFC3339), "ended_at": start.Add(40 * time.Minute).Format(time.RFC3339),
		"held": true, "needs_checked": []string{"unwell"}, "soothed_by": []string{"walking"}, "notes": "warm forehead"}
	if r := a.API("POST", "/api/v1/babies/"+lou+"/crying", ann.Token, cry); r.Status != http.StatusCreated {
		t.Fatalf("crying: %d %s", r.Status, r.Body)
	}
	// Tom's own spell must never show on Lou's link.
	tomCry := map[string]any{"started_at": start.Add(time.Hour).Format(time.RFC3339), "ended_at": start.Add(90 * time.Minute).Format(time.RFC3339), "notes": "Tom's colic note"}
	if r := a.API("POST", "/api/v1/babies/"+tom+"/crying", ann.Token, tomCry); r.Status != http.StatusCreated {
		t.Fatalf("tom's crying: %d %s", r.Status, r.Body)
	}
	sleep := map[string]any{"started_at": start.Add(2 * time.Hour).Format(time.RFC3339), "ended_at": start.Add(4 * time.Hour).Format(time.RFC3339)}
	if r := a.API("POST", "/api/v1/babies/"+lou+"/sleep", ann.Token, sleep); r.Status != http.StatusCreated {
		t.Fatalf("sleep: %d %s", r.Status, r.Body)
	}
	base := "/api/v1/babies/" + lou + "/shares"
	make := func(token string, body any) (shareBody, apptest.Response) {
		t.Helper()
		r := a.API("POST", base, token, body)
		var s shareBody
		json.Unmarshal([]byte(r.Body), &s)
		return s, r
	}
	// open follows a link as a browser does: the link records the opening
	// and sends the browser on to /s/, its secret in a cookie, so the
	// address bar and a printed page show no secret.
	var last *apptest.Browser
	var lastAt string // where its summary is
	open := func(u string, ua string) apptest.Response {
		t.Helper()
		path := u[strings.Index(u, "/s/"):]
		last = a.Browser()
		r := last.GetWith(path, http.Header{"User-Agent": {ua}})
		if r.Status != http.StatusSeeOther {
			return r
		}
		loc := r.Header.Get("Location")
		if !strings.HasPrefix(loc, "/s/v/") || strings.Contains(loc, path[3:]) {
			t.Fatalf("the link sends on to %q", loc)
		}
		if c := r.Header.Get("Set-Cookie"); !strings.Contains(c, "Path="+loc) || !strings.Contains(c, "HttpOnly") {
			t.Errorf("the link's cookie: %s", c)
		}
		lastAt = loc
		return last.Get(loc)
	}

	s, r := make(ann.Token, map[string]any{"shows": []string{"crying"}, "days": 7, "lang": "fr", "hours": 2})
	if r.Status != http.StatusCreated || !strings.Contains(s.URL, "/s/") || s.To != now.In(apptest.Paris).Format(time.DateOnly) ||
		s.From != now.In(apptest.Paris).AddDate(0, 0, -6).Format(time.DateOnly) || s.Lang != "fr" || !s.Live || len(s.Shows) != 1 {
		t.Fatalf("making a link: %d %s", r.Status, r.Body)
	}
	if exp, _ := time.Parse(time.RFC3339, s.ExpiresAt); exp.Sub(now) < 119*time.Minute || exp.Sub(now) > 121*time.Minute {
		t.Errorf("a two-hour link ends at %s (now %s)", s.ExpiresAt, now)
	}
	secret := s.URL[strings.Index(s.URL, "/s/")+3:]
	if len(secret) < 40 {
		t.Fatalf("a short secret: %q", secret)
	}

	// Opened without an account: crying only, in French, no caregiver, no
	// other baby, no way into the app; not indexed, no referrer.
	page := open(s.URL, "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 Version/18.0 Mobile/15E148 Safari/604.1")
	if page.Status != http.StatusOK {
		t.Fatalf("opening: %d", page.Status)
	}
	for _, want := range []string{"Lou : résumé pour les soignants", "Pleurs", "warm forehead", "Marche", "noindex"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("the summary lacks %q\n%s", want, page.Body)
		}
	}
	if !strings.Contains(page.Body, "1 épisode de pleurs") {
		t.Error("the summary does not count Lou's one spell")
	}
	for _, not := range []string{"Sommeil", "Tom", "colic", "Ann", "ann@example.org", "Martin", "<a ", "<form", "/logout", "/babies/"} {
		if strings.Contains(page.Body, not) {
			t.Errorf("the summary shows %q", not)
		}
	}
	if page.Header.Get("Referrer-Policy") != "no-referrer" || !strings.Contains(page.Header.Get("X-Robots-Tag"), "noindex") ||
		page.Header.Get("Cache-Control") != "no-store" || !strings.Contains(page.Header.Get("Content-Security-Policy"), "default-src 'self'") {
		t.Errorf("headers: %v", page.Header)
	}

	// Drawn again (a reload), it is not another opening; a HEAD (a link
	// checker) opens nothing and says nothing.
	if r := last.Get(lastAt); r.Status != http.StatusOK {
		t.Errorf("reloading the summary: %d", r.Status)
	}
	head, _ := http.NewRequest("HEAD", a.URL+s.URL[strings.Index(s.URL, "/s/"):], nil)
	if res, err := http.DefaultClient.Do(head); err != nil || res.StatusCode != http.StatusNotFound {
		t.Errorf("HEAD: %v %v", res, err)
	}
	if r := a.Browser().Get(lastAt); r.Status != http.StatusNotFound {
		t.Errorf("the summary without having opened its link: %d", r.Status)
	}
	// The family opening its own link is not the care team reading it.
	owner := a.Browser()
	owner.Login("ann@example.org", "correct horse battery")
	if r := owner.Get(s.URL[strings.Index(s.URL, "/s/"):]); r.Status != http.StatusSeeOther {
		t.Errorf("the owner opening the link: %d", r.Status)
	}

	// Every member sees the links and their openings; only owners make
	// and revoke them; another family sees nothing.
	list := func(token string) []shareBody {
		t.Helper()
		r := a.API("GET", base, token, nil)
		var b struct{ Items []shareBody }
		if r.Status != http.StatusOK || json.Unmarshal([]byte(r.Body), &b) != nil {
			t.Fatalf("list: %d %s", r.Status, r.Body)
		}
		return b.Items
	}
	l := list(bob.Token)
	if len(l) != 1 || l[0].URL != "" || l[0].Openings != 1 || len(l[0].Opened) != 1 || l[0].Opened[0].Client != "Safari, iPhone" {
		t.Fatalf("the list: %+v", l)
	}
	if _, r := make(bob.Token, map[string]any{"shows": []string{"crying"}}); r.Status != http.StatusForbidden {
		t.Errorf("a caregiver makes a link: %d", r.Status)
	}
	if r := a.API("DELETE", base+"/"+s.ID, bob.Token, nil); r.Status != http.StatusForbidden {
		t.Errorf("a caregiver revokes: %d", r.Status)
	}
	if r := a.API("GET", base, zoe.Token, nil); r.Status != http.StatusNotFound {
		t.Errorf("another family lists them: %d", r.Status)
	}
	if r := a.API("DELETE", base+"/"+s.ID, zoe.Token, nil); r.Status != http.StatusNotFound {
		t.Errorf("another family revokes: %d", r.Status)
	}
	// Another baby's path, or another family's baby: not found.
	if r := a.API("DELETE", "/api/v1/babies/"+tom+"/shares/"+s.ID, ann.Token, nil); r.Status != http.StatusNotFound {
		t.Errorf("revoking through another baby: %d", r.Status)
	}
	if _, r := make(ann.Token, nil); r.Status != http.StatusBadRequest {
		t.Errorf("no body: %d", r.Status)
	}
	if r := a.API("POST", "/api/v1/babies/"+zoeBaby+"/shares", ann.Token, map[string]any{"shows": []string{"crying"}}); r.Status != http.StatusNotFound {
		t.Errorf("a link to another family's baby: %d", r.Status)
	}

	// Bad requests get a clear answer per field.
	for _, c := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"shows": []string{}}, "shows"},
		{map[string]any{"shows": []string{"settings"}}, "shows"},
		{map[string]any{"shows": []string{"sleep"}, "days": 91}, "days"},
		{map[string]any{"shows": []string{"sleep"}, "hours": 721}, "hours"},
		{map[string]any{"shows": []string{"sleep"}, "lang": "de"}, "lang"},
		{map[string]any{"shows": []string{"sleep"}, "from": "2026-01-01", "to": "2999-01-01"}, "to"},
	} {
		_, r := make(ann.Token, c.body)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `"`+c.field+`"`) {
			t.Errorf("%v: %d %s, want 422 on %s", c.body, r.Status, r.Body, c.field)
		}
	}

	// Tampered: one character changed, cut short, with a suffix.
	flip := "A"
	if secret[0] == 'A' {
		flip = "B"
	}
	notFound := a.Browser().Get("/s/no-such-link")
	for _, bad := range []string{flip + secret[1:], secret[:20], secret + "x", strings.ToUpper(secret)} {
		r := a.Browser().Get("/s/" + bad)
		if r.Status != http.StatusNotFound || r.Body != notFound.Body {
			t.Errorf("a tampered link %q: %d", bad, r.Status)
		}
	}

	// Revoked: the same 404 as a link that never was; listed as revoked,
	// and revoking again changes nothing.
	if r := a.API("DELETE", base+"/"+s.ID, ann.Token, nil); r.Status != http.StatusNoContent {
		t.Fatalf("revoking: %d %s", r.Status, r.Body)
	}
	opened, openedAt := last, lastAt
	if r := open(s.URL, ""); r.Status != http.StatusNotFound || r.Body != notFound.Body {
		t.Errorf("a revoked link: %d", r.Status)
	}
	if r := opened.Get(openedAt); r.Status != http.StatusNotFound || !strings.Contains(r.Body, "This link does not open") {
		t.Errorf("the summary of a revoked link, in the browser that opened it: %d", r.Status)
	}
	if r := a.API("DELETE", base+"/"+s.ID, ann.Token, nil); r.Status != http.StatusNoContent {
		t.Errorf("revoking twice: %d", r.Status)
	}
	if l := list(ann.Token); l[0].RevokedAt == nil || l[0].Live || l[0].Openings != 1 {
		t.Errorf("after revoking: %+v", l[0])
	}

	// A long period is told week by week, so its tables fit on paper.
	long, _ := make(ann.Token, map[string]any{"shows": []string{"crying", "sleep"}, "days": 60, "lang": "en"})
	if r := open(long.URL, ""); r.Status != http.StatusOK || !strings.Contains(r.Body, "Minutes of crying per week") ||
		!strings.Contains(r.Body, `<th scope="col">Week</th>`) || strings.Count(r.Body, `<tr><th scope="row">`) > 2*10+4+2 {
		t.Errorf("a 60-day summary: %d, %d rows", r.Status, strings.Count(r.Body, `<tr><th scope="row">`))
	}

	// Expired: made for an hour, opened two hours later.
	s2, _ := make(ann.Token, map[string]any{"shows": []string{"sleep", "touch"}, "hours": 1, "lang": "en"})
	if r := open(s2.URL, ""); r.Status != http.StatusOK || !strings.Contains(r.Body, "Sleep") || strings.Contains(r.Body, "Crying") {
		t.Fatalf("a sleep link: %d", r.Status)
	}
	later.Store(int64(2 * time.Hour))
	if r := open(s2.URL, ""); r.Status != http.StatusNotFound || r.Body != notFound.Body {
		t.Errorf("an expired link: %d", r.Status)
	}
	for _, l := range list(ann.Token) {
		if l.ID == s2.ID && (l.Live || l.Openings != 1) {
			t.Errorf("an expired link listed: %+v", l)
		}
	}
}

func TestSharesAPI(t *testing.T)         { testSharesAPI(t, apptest.OpenSQLite(t)) }
func TestSharesAPIPostgres(t *testing.T) { testSharesAPI(t, apptest.OpenPostgres(t)) }
