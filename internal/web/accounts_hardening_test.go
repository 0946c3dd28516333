package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"nurture/internal/apptest"
)

func TestConcurrentWrongLoginsHTTPSQLite(t *testing.T) {
	concurrentWrongLoginsHTTP(t, apptest.New(t))
}

func TestConcurrentWrongLoginsHTTPPostgres(t *testing.T) {
	concurrentWrongLoginsHTTP(t, apptest.NewOn(t, apptest.OpenPostgres(t)))
}

// Forty wrong passwords at once for one account, half through the API and
// half through the login page: at most ten are checked (401); the others
// are refused at once with 429, Retry-After and a message saying why
// (the limit, or a hashing queue too long). Before, all forty were checked.
func concurrentWrongLoginsHTTP(t *testing.T, a *apptest.App) {
	a.Signup("ann@example.org", "Ann", "Martin")
	const n = 40
	res := make([]apptest.Response, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			if i%2 == 0 {
				res[i] = a.API("POST", "/api/v1/login", "", map[string]string{"email": "ann@example.org", "password": "wrong password"})
			} else {
				res[i] = a.Browser().Post("/login", url.Values{"email": {"ann@example.org"}, "password": {"wrong password"}})
			}
		})
	}
	wg.Wait()
	checked, refused := 0, 0
	for _, r := range res {
		switch r.Status {
		case http.StatusUnauthorized:
			checked++
		case http.StatusTooManyRequests:
			refused++
			if r.Header.Get("Retry-After") == "" || !(strings.Contains(r.Body, "Too many failed attempts") || strings.Contains(r.Body, "busy")) {
				t.Errorf("429 without Retry-After or message: %v %.300s", r.Header, r.Body)
			}
		default:
			t.Fatalf("login: %d %.300s", r.Status, r.Body)
		}
	}
	t.Logf("40 wrong passwords at once over HTTP: %d checked, %d refused with 429", checked, refused)
	if checked > 10 {
		t.Fatalf("%d of %d wrong passwords checked, want at most 10", checked, n)
	}
}

// The login page sends a user on only to a same-site path.
func TestLoginNextStaysOnSite(t *testing.T) {
	a := apptest.New(t)
	a.Signup("ann@example.org", "Ann", "Martin")
	for next, want := range map[string]string{
		"/family": "/family", "//evil.example": "/", `/\evil.example`: "/", "/%5Cevil.example": "/",
		"/%2F%2Fevil.example": "/", "javascript:alert(1)": "/", "/\t/evil.example": "/",
	} {
		r := a.Browser().Post("/login", url.Values{"email": {"ann@example.org"}, "password": {"correct horse battery"}, "next": {next}})
		if r.Status != http.StatusSeeOther || r.Header.Get("Location") != want {
			t.Errorf("next %q: %d to %q, want %q", next, r.Status, r.Header.Get("Location"), want)
		}
	}
	if r := a.Browser().Get("/login?next=%2F%5Cevil.example"); strings.Contains(r.Body, "evil") {
		t.Errorf("login form keeps a bad next: %.500s", r.Body)
	}
}

// An owner sees pending invites on the Family page and revokes one: its
// link no longer works. Other members cannot revoke.
func TestRevokeInvitePage(t *testing.T) {
	a := apptest.New(t)
	fam := a.Signup("ann@example.org", "Ann", "Martin")
	a.Join(fam, "gran@example.org", "Gran", "caregiver", "grandparent")
	inv := a.API("POST", "/api/v1/invites", fam.Token, map[string]string{"role": "viewer", "relation": "sibling"}).JSON(t)
	code := inv["code"].(string)
	owner := a.Browser()
	owner.Login("ann@example.org", "correct horse battery")
	page := owner.Get("/family")
	m := regexp.MustCompile(`action="(/family/invites/[0-9a-f]{16}/revoke)"`).FindStringSubmatch(page.Body)
	if page.Status != 200 || m == nil {
		t.Fatalf("no revoke button: %d %.2000s", page.Status, page.Body)
	}
	care := a.Browser()
	care.Login("gran@example.org", "correct horse battery")
	if r := care.Post(m[1], nil); r.Status != http.StatusForbidden {
		t.Fatalf("caregiver revokes: %d", r.Status)
	}
	other := a.Signup("zoe@example.org", "Zoe", "Other")
	_ = other
	zoe := a.Browser()
	zoe.Login("zoe@example.org", "correct horse battery")
	if r := zoe.Post(m[1], nil); r.Status != http.StatusNotFound {
		t.Fatalf("another family's owner revokes: %d", r.Status)
	}
	if r := owner.Post(m[1], nil); r.Status != 200 || !strings.Contains(r.Body, "Invitation revoked") || strings.Contains(r.Body, m[1]) {
		t.Fatalf("revoke: %d %.2000s", r.Status, r.Body)
	}
	if r := a.Browser().Get("/join/" + code); r.Status != http.StatusNotFound {
		t.Fatalf("revoked invite still opens: %d", r.Status)
	}
	if r := owner.Post(m[1], nil); r.Status != http.StatusNotFound {
		t.Fatalf("revoke twice: %d", r.Status)
	}
}

// The account page offers to reset the private calendar link once there
// is one; the reset makes a new link and the old one stops working.
func TestAccountResetsCalendarLink(t *testing.T) {
	a := apptest.New(t)
	a.Signup("ann@example.org", "Ann", "Martin")
	b := a.Browser()
	b.Login("ann@example.org", "correct horse battery")
	if r := b.Get("/account"); strings.Contains(r.Body, "Reset calendar link") {
		t.Fatal("reset offered without a calendar link")
	}
	first := b.Post("/account/calendar", nil)
	old := regexp.MustCompile(`/cal/[A-Za-z0-9_-]+\.ics`).FindString(first.Body)
	if old == "" {
		t.Fatalf("no calendar link: %d %.1000s", first.Status, first.Body)
	}
	r := b.Get("/account")
	if !strings.Contains(r.Body, "Reset calendar link") || !strings.Contains(r.Body, `action="/account/calendar"`) {
		t.Fatalf("no reset on the account page: %.3000s", r.Body)
	}
	b.Post("/account/calendar", nil)
	if r := a.Browser().Get(old); r.Status != http.StatusNotFound {
		t.Fatalf("old calendar link after a reset: %d", r.Status)
	}
}
