package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"nurture/internal/apptest"
	"nurture/internal/mail/mailtest"
)

// With an SMTP server configured (a local sink here), an owner can send
// an invitation by e-mail, and someone who forgot a password gets a reset
// link that works; the answer never says whether an account exists, and
// the form cannot flood a mailbox.
func TestMailInvitationAndReset(t *testing.T) {
	sink := mailtest.New(t)
	a := apptest.NewWithMail(t, sink.Mail)
	ann := a.Signup("ann@example.org", "Ann", "Martin")
	_ = ann
	b := a.Browser()
	b.Login("ann@example.org", "correct horse battery")

	// The invitation, sent to grandma.
	fam := b.Get("/family")
	if !strings.Contains(fam.Body, `name="email"`) {
		t.Fatal("the invitation form has no e-mail field while e-mail is on")
	}
	r := b.Post("/family/invites", url.Values{"role": {"caregiver"}, "relation": {"grandparent"}, "email": {" Gran@Example.org "}})
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "Sent to gran@example.org") {
		t.Fatalf("inviting: %d", r.Status)
	}
	got := sink.Wait(1, 5*time.Second)
	if len(got) != 1 || got[0].To[0] != "gran@example.org" || !strings.Contains(got[0].Data, "Ann invites you to the Martin family") {
		t.Fatalf("the invitation e-mail: %+v", got)
	}
	join := regexp.MustCompile(`/join/[A-Za-z0-9_-]{40,}`).FindString(got[0].Data)
	if join == "" || a.Browser().Get(join).Status != http.StatusOK {
		t.Fatalf("the e-mailed link %q does not open", join)
	}
	if r := b.Post("/family/invites", url.Values{"role": {"caregiver"}, "relation": {"grandparent"}, "email": {"not an address"}}); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("a bad address: %d", r.Status)
	}

	// Forgot the password: the same answer for a known and an unknown
	// address; only the known one gets a link, and the link works.
	anon := a.Browser()
	if !strings.Contains(anon.Get("/login").Body, `action="/login/forgot"`) {
		t.Fatal("no reset-by-e-mail form on the login page")
	}
	known := anon.Post("/login/forgot", url.Values{"email": {"ann@example.org"}})
	unknown := anon.Post("/login/forgot", url.Values{"email": {"nobody@example.org"}})
	if known.Status != http.StatusOK || unknown.Status != http.StatusOK || !strings.Contains(known.Body, "a reset link is on its way") ||
		strings.ReplaceAll(known.Body, "ann@example.org", "") != strings.ReplaceAll(unknown.Body, "nobody@example.org", "") {
		t.Errorf("the answers tell accounts apart: %d %d", known.Status, unknown.Status)
	}
	got = sink.Wait(2, 5*time.Second)
	if len(got) != 2 || got[1].To[0] != "ann@example.org" {
		t.Fatalf("reset e-mails: %+v", got)
	}
	reset := regexp.MustCompile(`/reset/[A-Za-z0-9_-]{40,}`).FindString(got[1].Data)
	if reset == "" || anon.Get(reset).Status != http.StatusOK {
		t.Fatalf("the e-mailed reset link %q does not open", reset)
	}
	// A mailbox is not flooded: three links an hour per account.
	for range 2 {
		anon.Post("/login/forgot", url.Values{"email": {"ann@example.org"}})
	}
	if r := anon.Post("/login/forgot", url.Values{"email": {"ann@example.org"}}); r.Status != http.StatusTooManyRequests {
		t.Errorf("a fourth link within the hour: %d", r.Status)
	}
	if n := len(sink.Wait(4, time.Second)); n != 4 {
		t.Errorf("%d e-mails sent, want 4 (the invitation and three links)", n)
	}
}

// Without SMTP nothing changes: no e-mail field, no reset form, and the
// route refuses.
func TestMailOff(t *testing.T) {
	a := apptest.New(t)
	a.Signup("ann@example.org", "Ann", "Martin")
	b := a.Browser()
	b.Login("ann@example.org", "correct horse battery")
	if strings.Contains(b.Get("/family").Body, `name="email"`) || strings.Contains(a.Browser().Get("/login").Body, "/login/forgot") {
		t.Error("e-mail forms without an SMTP server")
	}
	if r := a.Browser().Post("/login/forgot", url.Values{"email": {"ann@example.org"}}); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("asking for a link without e-mail: %d", r.Status)
	}
}
