package web_test

import (
	"net/http"
	"net/netip"
	"strings"
	"testing"

	"nurture/internal/apptest"
	"nurture/internal/cli"
)

// Single sign-on by a trusted header: behind a proxy that vouches for an
// address, its member is signed in without a password (the proxy's word
// counts over an older cookie); an unknown address is offered to create a
// family or join by invitation; the same header from anyone but a trusted
// proxy is ignored.
func TestSingleSignOnByHeader(t *testing.T) {
	loopback := []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	a := apptest.NewWith(t, cli.Options{Proxies: loopback, AuthHeader: "Remote-Email"})
	a.Signup("ann@example.org", "Ann", "Martin")
	a.Signup("zoe@example.org", "Zoe", "Other")
	as := func(b *apptest.Browser, email, path string) apptest.Response {
		t.Helper()
		return b.GetWith(path, http.Header{"Remote-Email": {email}})
	}
	b := a.Browser()
	r := as(b, "Ann@Example.org", "/family")
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "Martin") || !strings.Contains(r.Header.Get("Set-Cookie"), "nurture_session=") {
		t.Fatalf("ann through the proxy: %d", r.Status)
	}
	// The session then holds on its own, once per sign-in.
	if r := b.Get("/family"); r.Status != http.StatusOK || r.Header.Get("Set-Cookie") != "" {
		t.Errorf("ann's session: %d %q", r.Status, r.Header.Get("Set-Cookie"))
	}
	// Another person at the same browser: the proxy's word counts.
	if r := as(b, "zoe@example.org", "/family"); r.Status != http.StatusOK || !strings.Contains(r.Body, "Other") || strings.Contains(r.Body, "Martin") {
		t.Errorf("zoe after ann: %d", r.Status)
	}
	// Unknown: sent to log in, where creating a family (with the address
	// filled in) or an invitation is offered.
	anon := a.Browser()
	if r := as(anon, "new@example.org", "/family"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
		t.Fatalf("an unknown address: %d %s", r.Status, r.Header.Get("Location"))
	}
	if r := as(anon, "new@example.org", "/login"); !strings.Contains(r.Body, "no family here has that address") {
		t.Error("the login page does not say the address has no family")
	}
	if r := as(anon, "new@example.org", "/signup"); !strings.Contains(r.Body, `value="new@example.org"`) {
		t.Error("the signup form does not carry the vouched address")
	}
	// The API is not signed in by the header: it has its tokens.
	req, _ := http.NewRequest("GET", a.URL+"/api/v1/me", nil)
	req.Header.Set("Remote-Email", "ann@example.org")
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != http.StatusUnauthorized {
		t.Errorf("the API by header: %v %v", res, err)
	}

	// The same header from a client that is not a trusted proxy.
	other := apptest.NewWith(t, cli.Options{Proxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, AuthHeader: "Remote-Email"})
	other.Signup("ann@example.org", "Ann", "Martin")
	if r := as(other.Browser(), "ann@example.org", "/family"); r.Status != http.StatusSeeOther {
		t.Errorf("a forged header was believed: %d", r.Status)
	}
	// And with single sign-on off.
	off := apptest.New(t)
	off.Signup("ann@example.org", "Ann", "Martin")
	if r := as(off.Browser(), "ann@example.org", "/family"); r.Status != http.StatusSeeOther {
		t.Errorf("the header was believed with single sign-on off: %d", r.Status)
	}
}
