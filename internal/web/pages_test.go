package web_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"nurture/internal/apptest"
)

type pageWorld struct {
	app                                   *apptest.App
	owner, caregiver, viewer, other, anon *apptest.Browser
	fam                                   apptest.Family
	babyA, babyB                          string
	viewerID                              string
}

func newPageWorld(t *testing.T) *pageWorld {
	a := apptest.New(t)
	w := &pageWorld{app: a}
	w.fam = a.Signup("ann@example.org", "Ann", "Martin")
	a.Join(w.fam, "bob@example.org", "Bob", "caregiver", "father")
	w.viewerID = a.Join(w.fam, "gran@example.org", "Gran", "viewer", "grandparent").UserID
	other := a.Signup("zoe@example.org", "Zoe", "Other")
	w.babyA = a.Baby(w.fam, "Lou", "2026-10-01")
	w.babyB = a.Baby(other, "Max", "2026-09-15")
	login := func(email string) *apptest.Browser {
		b := a.Browser()
		b.Login(email, "correct horse battery")
		return b
	}
	w.owner, w.caregiver, w.viewer, w.other = login("ann@example.org"), login("bob@example.org"), login("gran@example.org"), login("zoe@example.org")
	w.anon = a.Browser()
	return w
}

func TestPages(t *testing.T) {
	w := newPageWorld(t)
	babyForm := url.Values{"name": {"Tom"}, "birth_date": {"2026-11-01"}, "gestation_weeks": {"36"}}
	settings := url.Values{"name": {"Martin-Dupont"}, "timezone": {"Europe/Paris"}, "lang1": {"fr"}, "lang2": {"en"}, "feed_wait_min": {"40"}, "temp_unit": {"c"}, "urgent_number": {"15"}}
	tests := []struct {
		name   string
		who    string
		method string
		path   string
		form   url.Values
		status int
		want   string // body fragment, or Location prefix for redirects
	}{
		{"landing", "anon", "GET", "/", nil, 200, "Create a family"},
		{"signup form", "anon", "GET", "/signup", nil, 200, `name="family_name"`},
		{"login form", "anon", "GET", "/login", nil, 200, `name="password"`},
		{"healthz", "anon", "GET", "/healthz", nil, 200, "ok"},
		{"unknown page", "owner", "GET", "/nothing", nil, 404, ""},
		{"home redirects to the only baby", "owner", "GET", "/", nil, 303, "/babies/"},
		{"family anon", "anon", "GET", "/family", nil, 303, "/login?next=/family"},
		{"family", "viewer", "GET", "/family", nil, 200, "Grandparent"},
		{"family has no invite form for caregiver", "caregiver", "GET", "/family", nil, 200, "Members"},
		{"account", "caregiver", "GET", "/account", nil, 200, "bob@example.org"},
		{"account anon", "anon", "GET", "/account", nil, 303, "/login"},
		{"save account", "caregiver", "POST", "/account", url.Values{"name": {"Bobby"}, "locale": {"en"}}, 303, "/account?msg=saved"},
		{"save account bad locale", "caregiver", "POST", "/account", url.Values{"name": {"Bobby"}, "locale": {"xx"}}, 422, "not available"},
		{"save account empty name", "caregiver", "POST", "/account", url.Values{"name": {""}}, 422, "fill this in"},
		{"change password wrong", "caregiver", "POST", "/account/password", url.Values{"current_password": {"nope nope nope"}, "new_password": {"0123456789ab"}}, 422, "not your current password"},
		{"change password short", "caregiver", "POST", "/account/password", url.Values{"current_password": {"correct horse battery"}, "new_password": {"short"}}, 422, "at least 10"},
		{"create token", "viewer", "POST", "/account/tokens", url.Values{"label": {"my script"}}, 200, `id="new-token"`},
		{"create token no label", "viewer", "POST", "/account/tokens", url.Values{"label": {""}}, 422, "fill this in"},
		{"revoke unknown token", "viewer", "POST", "/account/tokens/nope/revoke", nil, 404, ""},
		{"settings caregiver", "caregiver", "GET", "/family/settings", nil, 403, "does not allow"},
		{"settings owner", "owner", "GET", "/family/settings", nil, 200, "urgent"},
		{"save settings bad", "owner", "POST", "/family/settings", url.Values{"name": {"X"}, "timezone": {"Nowhere"}, "lang1": {"en"}, "feed_wait_min": {"5"}, "temp_unit": {"k"}}, 422, "Unknown time zone"},
		{"save settings same language twice", "owner", "POST", "/family/settings", url.Values{"name": {"X"}, "timezone": {"UTC"}, "lang1": {"en"}, "lang2": {"en"}, "feed_wait_min": {"30"}, "temp_unit": {"c"}}, 422, "different languages"},
		{"save settings caregiver", "caregiver", "POST", "/family/settings", settings, 403, ""},
		{"save settings", "owner", "POST", "/family/settings", settings, 303, "/family/settings?msg=saved"},
		{"invite caregiver", "caregiver", "POST", "/family/invites", url.Values{"role": {"viewer"}, "relation": {"other"}}, 403, ""},
		{"invite bad", "owner", "POST", "/family/invites", url.Values{"role": {"boss"}, "relation": {"other"}}, 422, "choose one"},
		{"invite", "owner", "POST", "/family/invites", url.Values{"role": {"viewer"}, "relation": {"sibling"}}, 200, `/join/`},
		{"reset link by owner", "owner", "POST", "/family/members/" + "USER" + "/reset", nil, 200, `/reset/`},
		{"reset link for another family's user", "other", "POST", "/family/members/" + "USER" + "/reset", nil, 404, ""},
		{"reset link by caregiver", "caregiver", "POST", "/family/members/" + "USER" + "/reset", nil, 403, ""},
		{"baby page", "viewer", "GET", "/babies/" + w.babyA, nil, 200, "Lou"},
		{"baby of another family", "other", "GET", "/babies/" + w.babyA, nil, 404, ""},
		{"baby anon", "anon", "GET", "/babies/" + w.babyA, nil, 303, "/login"},
		{"new baby form viewer", "viewer", "GET", "/babies/new", nil, 403, ""},
		{"new baby viewer", "viewer", "POST", "/babies/new", babyForm, 403, ""},
		{"new baby", "caregiver", "POST", "/babies/new", babyForm, 303, "/babies/"},
		{"new baby invalid", "caregiver", "POST", "/babies/new", url.Values{"name": {""}, "birth_date": {"2099-01-01"}, "gestation_weeks": {"50"}}, 422, "cannot be in the future"},
		{"new baby bad gestation text", "caregiver", "POST", "/babies/new", url.Values{"name": {"A"}, "birth_date": {"2026-01-01"}, "gestation_weeks": {"abc"}}, 422, "between 22 and 44"},
		{"edit baby form", "owner", "GET", "/babies/" + w.babyA + "/edit", nil, 200, `value="Lou"`},
		{"edit other family's baby", "other", "GET", "/babies/" + w.babyA + "/edit", nil, 404, ""},
		{"update other family's baby", "other", "POST", "/babies/" + w.babyA + "/edit", babyForm, 404, ""},
		{"archive other family's baby", "other", "POST", "/babies/" + w.babyA + "/archive", nil, 404, ""},
		{"restore other family's baby", "other", "POST", "/babies/" + w.babyA + "/restore", nil, 404, ""},
		{"archive by viewer", "viewer", "POST", "/babies/" + w.babyA + "/archive", nil, 403, ""},
		{"update baby invalid", "owner", "POST", "/babies/" + w.babyA + "/edit", url.Values{"name": {"Lou"}, "birth_date": {"bad"}}, 422, "YYYY-MM-DD"},
		{"update baby", "owner", "POST", "/babies/" + w.babyA + "/edit", url.Values{"name": {"Louise"}, "birth_date": {"2026-10-01"}, "gestation_weeks": {"39"}}, 303, "/babies/" + w.babyA},
		{"join unknown code", "anon", "GET", "/join/nope", nil, 404, "not valid"},
		{"reset unknown code", "anon", "GET", "/reset/nope", nil, 404, "not valid"},
		{"login wrong", "anon", "POST", "/login", url.Values{"email": {"ann@example.org"}, "password": {"wrong wrong"}}, 401, "Wrong email or password"},
		{"login keeps next local", "anon", "POST", "/login", url.Values{"email": {"gran@example.org"}, "password": {"correct horse battery"}, "next": {"//evil.example"}}, 303, "/"},
		{"signup invalid", "anon", "POST", "/signup", url.Values{"email": {"x"}, "password": {"short"}, "name": {""}, "family_name": {""}}, 422, "valid email"},
		{"signup taken email", "anon", "POST", "/signup", url.Values{"email": {"ann@example.org"}, "password": {"0123456789"}, "name": {"A"}, "family_name": {"F"}}, 422, "already exists"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := map[string]*apptest.Browser{"owner": w.owner, "caregiver": w.caregiver, "viewer": w.viewer, "other": w.other, "anon": w.anon}[tc.who]
			path := strings.Replace(tc.path, "USER", w.viewerID, 1)
			var r apptest.Response
			if tc.method == "GET" {
				r = b.Get(path)
			} else {
				r = b.Post(path, tc.form)
			}
			if r.Status != tc.status {
				t.Fatalf("%s %s as %s: status %d, want %d\n%.600s", tc.method, path, tc.who, r.Status, tc.status, r.Body)
			}
			if r.Status >= 300 && r.Status < 400 {
				if loc := r.Header.Get("Location"); !strings.HasPrefix(loc, tc.want) {
					t.Fatalf("redirect to %q, want prefix %q", loc, tc.want)
				}
				return
			}
			if !strings.Contains(r.Body, tc.want) {
				t.Fatalf("body lacks %q:\n%.1500s", tc.want, r.Body)
			}
			// Another family's data never shows, whatever the answer.
			if tc.who == "other" && strings.Contains(r.Body, "Lou") {
				t.Fatalf("other family sees our baby")
			}
		})
	}
}

func TestSecurityHeadersAndCSRF(t *testing.T) {
	w := newPageWorld(t)
	r := w.anon.Get("/login")
	for h, want := range map[string]string{
		"Content-Security-Policy": "default-src 'self'",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "same-origin",
	} {
		if !strings.Contains(r.Header.Get(h), want) {
			t.Errorf("%s = %q, want %q", h, r.Header.Get(h), want)
		}
	}
	if !strings.Contains(r.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Errorf("CSP lacks frame-ancestors")
	}
	// A cross-site form post is refused before it reaches the handler.
	req, _ := http.NewRequest("POST", w.app.URL+"/babies/new", strings.NewReader("name=Evil&birth_date=2026-01-01"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	for _, c := range w.owner.Cookies() {
		req.AddCookie(c)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site post: %d", res.StatusCode)
	}
	if r := w.owner.Get("/family"); strings.Contains(r.Body, "Evil") {
		t.Fatal("cross-site post stored a baby")
	}
	// The session cookie is HttpOnly and SameSite=Lax.
	b := w.app.Browser()
	req2 := url.Values{"email": {"ann@example.org"}, "password": {"correct horse battery"}}
	res2 := b.Post("/login", req2)
	sc := res2.Header.Get("Set-Cookie")
	if !strings.Contains(sc, "HttpOnly") || !strings.Contains(sc, "SameSite=Lax") {
		t.Fatalf("session cookie flags: %s", sc)
	}
}

func TestPasswordResetFlow(t *testing.T) {
	w := newPageWorld(t)
	r := w.owner.Post("/family/members/"+w.viewerID+"/reset", nil)
	i := strings.Index(r.Body, "/reset/")
	if i < 0 {
		t.Fatalf("no reset link: %s", r.Body)
	}
	code := r.Body[i+len("/reset/"):]
	code = code[:strings.IndexAny(code, "<\" ")]
	if r := w.anon.Get("/reset/" + code); r.Status != 200 || !strings.Contains(r.Body, "Gran") {
		t.Fatalf("reset form: %d", r.Status)
	}
	if r := w.anon.Post("/reset/"+code, url.Values{"password": {"short"}}); r.Status != 422 {
		t.Fatalf("short new password: %d", r.Status)
	}
	if r := w.anon.Post("/reset/"+code, url.Values{"password": {"a brand new password"}}); r.Status != 303 {
		t.Fatalf("reset: %d %s", r.Status, r.Body)
	}
	// The old session is gone; the new password works; the code is spent.
	if r := w.viewer.Get("/family"); r.Status != 303 {
		t.Fatalf("old session survived the reset: %d", r.Status)
	}
	w.app.Browser().Login("gran@example.org", "a brand new password")
	if r := w.anon.Get("/reset/" + code); r.Status != 404 {
		t.Fatalf("reset code reusable: %d", r.Status)
	}
}

func TestFrenchPages(t *testing.T) {
	a := apptest.New(t)
	req, _ := http.NewRequest("GET", a.URL+"/login", nil)
	req.Header.Set("Accept-Language", "fr-CA,fr;q=0.9,en;q=0.5")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if !strings.Contains(string(body), `lang="fr"`) || !strings.Contains(string(body), "Se connecter") {
		t.Fatalf("French login page expected:\n%.800s", body)
	}
}
