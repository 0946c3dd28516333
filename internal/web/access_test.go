package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"nurture/internal/apptest"
)

// Who may use a route.
const (
	public = iota // anyone
	member        // any member of the family
	writer        // owners and caregivers, not viewers
	owner         // owners only
)

// access lists every route the server registers. A new route without an
// entry here fails TestEveryRouteIsGuarded, so its access rule is decided
// on purpose.
var access = map[string]int{
	"/api/":                                         public,
	"/":                                             public,
	"GET /{$}":                                      public,
	"GET /static/":                                  public,
	"GET /healthz":                                  public,
	"GET /metrics":                                  public, // loopback clients only: internal/metrics tests it
	"GET /signup":                                   public,
	"POST /signup":                                  public,
	"GET /login":                                    public,
	"POST /login":                                   public,
	"GET /join/{code}":                              public,
	"GET /reset/{code}":                             public,
	"POST /reset/{code}":                            public,
	"GET /cal/{file}":                               public,
	"GET /library":                                  public,
	"GET /library/guides":                           public,
	"GET /library/guides/{id}":                      public,
	"GET /library/routines":                         public,
	"GET /library/routines/{id}":                    public,
	"GET /library/strokes":                          public,
	"GET /library/strokes/{id}":                     public,
	"POST /api/v1/signup":                           public,
	"POST /api/v1/login":                            public,
	"GET /api/v1/strokes":                           public,
	"GET /api/v1/strokes/{id}":                      public,
	"GET /api/v1/routines":                          public,
	"GET /api/v1/routines/{id}":                     public,
	"GET /api/v1/openapi.json":                      public,
	"GET /sw.js":                                    public,
	"GET /manifest.webmanifest":                     public,
	"GET /offline":                                  public,
	"POST /logout":                                  member,
	"GET /account":                                  member,
	"POST /account":                                 member,
	"POST /account/password":                        member,
	"POST /account/tokens":                          member,
	"POST /account/tokens/{id}/revoke":              member,
	"GET /account/calendar":                         member,
	"POST /account/calendar":                        member,
	"POST /account/calendar/off":                    member,
	"GET /family":                                   member,
	"GET /family/data":                              member,
	"POST /family/leave":                            member,
	"GET /crying":                                   member,
	"GET /babies/{id}":                              member,
	"GET /babies/{id}/day":                          member,
	"GET /babies/{id}/log":                          member,
	"GET /babies/{id}/timers":                       member,
	"GET /babies/{id}/crying":                       member,
	"GET /babies/{id}/crying/{eid}/done":            member,
	"GET /babies/{id}/sessions":                     member,
	"GET /babies/{id}/reminders":                    member,
	"GET /babies/{id}/insights":                     member,
	"GET /api/v1/me":                                member,
	"GET /api/v1/family":                            member,
	"GET /api/v1/export":                            member,
	"DELETE /api/v1/me":                             member,
	"DELETE /api/v1/family/members/{user}":          member, // leaving is one's own; removing others is checked inside
	"GET /api/v1/babies":                            member,
	"GET /api/v1/babies/{id}":                       member,
	"GET /api/v1/babies/{id}/timers":                member,
	"GET /api/v1/babies/{id}/insights":              member,
	"GET /api/v1/babies/{id}/routine-suggestion":    member,
	"GET /api/v1/babies/{id}/sessions":              member,
	"GET /api/v1/babies/{id}/sessions/{sid}":        member,
	"GET /api/v1/babies/{id}/touch":                 member,
	"GET /api/v1/babies/{id}/touch/{eid}":           member,
	"GET /api/v1/babies/{id}/sleep":                 member,
	"GET /api/v1/babies/{id}/sleep/{eid}":           member,
	"GET /api/v1/babies/{id}/crying":                member,
	"GET /api/v1/babies/{id}/crying/{eid}":          member,
	"POST /api/v1/babies/{id}/readiness":            member,
	"GET /api/v1/babies/{id}/session-plan":          writer,
	"GET /babies/new":                               writer,
	"POST /babies/new":                              writer,
	"GET /babies/{id}/edit":                         writer,
	"POST /babies/{id}/edit":                        writer,
	"POST /babies/{id}/archive":                     writer,
	"POST /babies/{id}/restore":                     writer,
	"GET /babies/{id}/ready":                        writer,
	"GET /babies/{id}/course":                       member,
	"POST /babies/{id}/course":                      writer,
	"GET /api/v1/babies/{id}/course":                member,
	"POST /api/v1/babies/{id}/course/advance":       writer,
	"POST /api/v1/babies/{id}/course/pause":         writer,
	"POST /api/v1/babies/{id}/course/resume":        writer,
	"GET /babies/{id}/share":                        member,
	"POST /babies/{id}/share":                       owner,
	"POST /babies/{id}/share/{sid}/revoke":          owner,
	"GET /s/{secret}":                               public,
	"GET /s/v/{id}":                                 public,
	"GET /s/v/{id}/print.css":                       public,
	"POST /login/forgot":                            public,
	"POST /api/v1/babies/{id}/shares":               owner,
	"GET /api/v1/babies/{id}/shares":                member,
	"DELETE /api/v1/babies/{id}/shares/{sid}":       owner,
	"POST /api/v1/webhooks":                         owner,
	"GET /api/v1/webhooks":                          owner,
	"DELETE /api/v1/webhooks/{wid}":                 owner,
	"GET /family/webhooks":                          owner,
	"POST /family/webhooks":                         owner,
	"POST /family/webhooks/{wid}/delete":            owner,
	"GET /family/voice":                             member,
	"POST /family/voice/choose":                     writer,
	"POST /family/voice/delete":                     writer,
	"GET /api/v1/voice":                             member,
	"POST /api/v1/voice/choose":                     writer,
	"GET /api/v1/voice/{key}":                       member,
	"PUT /api/v1/voice/{key}":                       writer,
	"DELETE /api/v1/voice/{key}":                    writer,
	"POST /babies/{id}/ready":                       writer,
	"GET /babies/{id}/session":                      writer,
	"GET /babies/{id}/sessions/{sid}/edit":          writer,
	"POST /babies/{id}/sessions/{sid}/edit":         writer,
	"POST /babies/{id}/sessions/{sid}/delete":       writer,
	"POST /babies/{id}/timers/start":                writer,
	"POST /babies/{id}/timers/{type}/{eid}/stop":    writer,
	"POST /babies/{id}/entries":                     writer,
	"GET /babies/{id}/entries/{type}/{eid}":         writer,
	"POST /babies/{id}/entries/{type}/{eid}":        writer,
	"GET /babies/{id}/entries/{type}/{eid}/delete":  writer,
	"POST /babies/{id}/entries/{type}/{eid}/delete": writer,
	"POST /babies/{id}/crying/start":                writer,
	"POST /babies/{id}/crying/end":                  writer,
	"POST /babies/{id}/reminders":                   writer,
	"POST /babies/{id}/reminders/{moment}/delete":   writer,
	"POST /api/v1/babies":                           writer,
	"POST /api/v1/babies/{id}/sessions":             writer,
	"PUT /api/v1/babies/{id}/sessions/{sid}":        writer,
	"DELETE /api/v1/babies/{id}/sessions/{sid}":     writer,
	"POST /api/v1/babies/{id}/touch":                writer,
	"PUT /api/v1/babies/{id}/touch/{eid}":           writer,
	"DELETE /api/v1/babies/{id}/touch/{eid}":        writer,
	"POST /api/v1/babies/{id}/sleep":                writer,
	"PUT /api/v1/babies/{id}/sleep/{eid}":           writer,
	"DELETE /api/v1/babies/{id}/sleep/{eid}":        writer,
	"POST /api/v1/babies/{id}/crying":               writer,
	"PUT /api/v1/babies/{id}/crying/{eid}":          writer,
	"DELETE /api/v1/babies/{id}/crying/{eid}":       writer,
	"GET /family/settings":                          owner,
	"POST /family/settings":                         owner,
	"POST /family/urgent":                           owner,
	"POST /family/invites":                          owner,
	"POST /family/invites/{id}/revoke":              owner,
	"POST /family/members/{user}/reset":             owner,
	"POST /family/members/{user}/remove":            owner,
	"POST /family/members/{user}/role":              owner,
	"POST /family/import":                           owner,
	"POST /family/delete":                           owner,
	"POST /babies/{id}/delete":                      owner,
	"POST /api/v1/invites":                          owner,
	"POST /api/v1/import":                           owner,
	"DELETE /api/v1/babies/{id}":                    owner,
	"DELETE /api/v1/family":                         owner,
	"PUT /api/v1/family/members/{user}":             owner,
}

// guardWorld is family A (owner, caregiver, viewer, with a baby and one
// record of each kind) and family B, whose owner tries A's ids.
type guardWorld struct {
	app                      *apptest.App
	ownerT, careT, viewT, bT string
	revokedT                 string
	owner, care, view, b     *apptest.Browser
	revoked                  *apptest.Browser
	ids                      map[string]string
}

func newGuardWorld(t *testing.T) *guardWorld {
	a := apptest.New(t)
	fa := a.Signup("ann@example.org", "Ann", "Alpha")
	care := a.Join(fa, "bob@example.org", "Bob", "caregiver", "father")
	view := a.Join(fa, "gran@example.org", "Gran", "viewer", "grandparent")
	fb := a.Signup("zoe@example.org", "Zoe", "Beta")
	baby := a.Baby(fa, "Lou", "2026-09-01")
	a.SeedLogs(fa, baby, 1)
	first := func(path string) string {
		items := a.API("GET", path, fa.Token, nil).JSON(t)["items"].([]any)
		return items[0].(map[string]any)["id"].(string)
	}
	w := &guardWorld{app: a, ownerT: fa.Token, careT: care.Token, viewT: view.Token, bT: fb.Token,
		ids: map[string]string{"{id}": baby, "{sid}": first("/api/v1/babies/" + baby + "/sessions"),
			"{eid}": first("/api/v1/babies/" + baby + "/touch"), "{user}": view.UserID, "{type}": "touch",
			"{moment}": "00000000-0000-4000-8000-000000000000", "{code}": "nope", "{file}": "nope.ics", "{$}": "", "{key}": "part:legs"}}
	login := func(email string) *apptest.Browser {
		b := a.Browser()
		b.Login(email, "correct horse battery")
		return b
	}
	w.owner, w.care, w.view, w.b = login("ann@example.org"), login("bob@example.org"), login("gran@example.org"), login("zoe@example.org")
	// A token and a browser session that were revoked must not work.
	w.revokedT = a.API("POST", "/api/v1/login", "", `{"email":"bob@example.org","password":"correct horse battery"}`).JSON(t)["token"].(string)
	w.revoked = login("bob@example.org")
	if me := a.API("GET", "/api/v1/me", w.revokedT, nil); me.Status != 200 {
		t.Fatal("fresh token refused")
	}
	if r := w.revoked.Post("/logout", nil); r.Status != http.StatusSeeOther {
		t.Fatal("logout")
	}
	revokeAPI(t, a, care.UserID, w.revokedT)
	return w
}

// revokeAPI revokes a user's API tokens labelled "API login", as the
// account page does.
func revokeAPI(t *testing.T, a *apptest.App, userID, secret string) {
	ctx := context.Background()
	toks, err := a.Store.Tokens(ctx, userID, "api", apptest.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, tok := range toks {
		if tok.Label == "API login" {
			if err := a.Store.RevokeToken(ctx, userID, tok.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	if r := a.API("GET", "/api/v1/me", secret, nil); r.Status != http.StatusUnauthorized {
		t.Fatalf("revoked token still works: %d", r.Status)
	}
}

// request sends method+path as an API client (token) or a browser.
func (w *guardWorld) request(method, path, token string, b *apptest.Browser) apptest.Response {
	if strings.HasPrefix(path, "/api/") {
		body := any(nil)
		if method != "GET" && method != "DELETE" {
			body = "{}"
		}
		return w.app.API(method, path, token, body)
	}
	if method == "GET" {
		return b.Get(path)
	}
	return b.Post(path, url.Values{})
}

func TestEveryRouteIsGuarded(t *testing.T) {
	w := newGuardWorld(t)
	for _, pattern := range w.app.Routes {
		rule, ok := access[pattern]
		if !ok {
			t.Errorf("route %q has no entry in the access table", pattern)
			continue
		}
		if rule == public {
			continue
		}
		method, path, _ := strings.Cut(pattern, " ")
		for k, v := range w.ids {
			path = strings.ReplaceAll(path, k, v)
		}
		api := strings.HasPrefix(path, "/api/")
		t.Run(pattern, func(t *testing.T) {
			check := func(who string, r apptest.Response, want int) {
				t.Helper()
				if r.Status != want {
					t.Errorf("%s: %d, want %d\n%.300s", who, r.Status, want, r.Body)
				}
			}
			// No credentials: 401 for the API, a redirect to log in for pages.
			anon := w.request(method, path, "", w.app.Browser())
			if api {
				check("no credentials", anon, http.StatusUnauthorized)
				check("revoked token", w.request(method, path, w.revokedT, nil), http.StatusUnauthorized)
			} else {
				check("no credentials", anon, http.StatusSeeOther)
				if loc := anon.Header.Get("Location"); !strings.HasPrefix(loc, "/login") {
					t.Errorf("no credentials: redirect to %q", loc)
				}
				check("logged-out session", w.request(method, path, "", w.revoked), http.StatusSeeOther)
			}
			if rule >= writer {
				check("viewer", w.request(method, path, w.viewT, w.view), http.StatusForbidden)
			}
			if rule == owner {
				check("caregiver", w.request(method, path, w.careT, w.care), http.StatusForbidden)
			}
			// Another family's owner with this family's ids: not found.
			// (A recording's key names a prompt, not a record: another
			// family recording one records its own.)
			if strings.Contains(pattern, "{") && !strings.HasPrefix(pattern, "POST /account/tokens/") && pattern != "PUT /api/v1/voice/{key}" {
				r := w.request(method, path, w.bT, w.b)
				check("other family", r, http.StatusNotFound)
				if strings.Contains(r.Body, "Lou") || strings.Contains(r.Body, "Alpha") {
					t.Errorf("other family sees this family's data")
				}
			}
		})
	}
	registered := map[string]bool{}
	for _, p := range w.app.Routes {
		registered[p] = true
	}
	for p := range access {
		if !registered[p] {
			t.Errorf("the access table lists %q, which the server does not register", p)
		}
	}
	if t.Failed() {
		return
	}
	t.Logf("%d routes checked", len(w.app.Routes))
}
