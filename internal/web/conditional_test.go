package web_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"nurture/internal/apptest"
)

// TestConditionalPages: a page read again is 304 while nothing changed; it
// differs by reader and by language asked for, and a write changes it.
func TestConditionalPages(t *testing.T) {
	a := apptest.New(t)
	fam := a.Signup("ann@example.org", "Ann", "Martin")
	a.Join(fam, "bob@example.org", "Bob", "caregiver", "father")
	baby := a.Baby(fam, "Lou", "2026-10-01")
	ann, bob := a.Browser(), a.Browser()
	ann.Login("ann@example.org", "correct horse battery")
	bob.Login("bob@example.org", "correct horse battery")
	home := "/babies/" + baby
	inm := func(etag string, more ...string) http.Header {
		h := http.Header{"If-None-Match": {etag}}
		if len(more) > 0 {
			h.Set("Accept-Language", more[0])
		}
		return h
	}

	r := ann.Get(home)
	etag := r.Header.Get("ETag")
	if r.Status != http.StatusOK || etag == "" || r.Header.Get("Cache-Control") != "private, no-cache" {
		t.Fatalf("home: %d, ETag %q, Cache-Control %q", r.Status, etag, r.Header.Get("Cache-Control"))
	}
	if r := ann.GetWith(home, inm(etag)); r.Status != http.StatusNotModified || r.Body != "" {
		t.Fatalf("home again with its ETag: %d", r.Status)
	}
	// Another reader of the same family, or another language: another page.
	if r := bob.GetWith(home, inm(etag)); r.Status != http.StatusOK || r.Header.Get("ETag") == etag {
		t.Fatalf("another member with Ann's ETag: %d %q", r.Status, r.Header.Get("ETag"))
	}
	if r := ann.GetWith(home, inm(etag, "fr")); r.Status != http.StatusOK || r.Header.Get("ETag") == etag {
		t.Fatalf("another language with the same ETag: %d", r.Status)
	}
	// A write through the pages changes it.
	if r := bob.Post("/babies/"+baby+"/edit", url.Values{"name": {"Louise"}, "birth_date": {"2026-10-01"}, "gestation_weeks": {"40"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("edit: %d", r.Status)
	}
	if r := ann.GetWith(home, inm(etag)); r.Status != http.StatusOK || r.Header.Get("ETag") == etag {
		t.Fatalf("home after an edit, old ETag: %d", r.Status)
	}
	// Logged out, the ETag opens nothing.
	etag = ann.Get(home).Header.Get("ETag")
	if r := ann.Post("/logout", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("logout: %d", r.Status)
	}
	if r := ann.GetWith(home, inm(etag)); r.Status != http.StatusSeeOther {
		t.Fatalf("home after logout with a valid ETag: %d", r.Status)
	}
	// The day view too, and a write to the log changes it.
	day := "/babies/" + baby + "/day"
	d := bob.Get(day)
	if d.Status != http.StatusOK || d.Header.Get("ETag") == "" {
		t.Fatalf("day: %d %q", d.Status, d.Header.Get("ETag"))
	}
	if r := bob.GetWith(day, inm(d.Header.Get("ETag"))); r.Status != http.StatusNotModified {
		t.Fatalf("day again: %d", r.Status)
	}
	at := func(min int) string {
		return apptest.Now().Add(time.Duration(min) * time.Minute).UTC().Format(time.RFC3339)
	}
	if r := a.API("POST", "/api/v1/babies/"+baby+"/touch", fam.Token, map[string]any{"kind": "holding", "started_at": at(-30), "ended_at": at(-20)}); r.Status != http.StatusCreated {
		t.Fatalf("touch entry: %d %s", r.Status, r.Body)
	}
	if r := bob.GetWith(day, inm(d.Header.Get("ETag"))); r.Status != http.StatusOK || r.Header.Get("ETag") == d.Header.Get("ETag") {
		t.Fatalf("day after a write, old ETag: %d", r.Status)
	}
	// The library, shared by every family, is kept and tagged too.
	lib := bob.Get("/library")
	if lib.Status != http.StatusOK || lib.Header.Get("ETag") == "" {
		t.Fatalf("library: %d %q", lib.Status, lib.Header.Get("ETag"))
	}
	if r := bob.GetWith("/library", inm(lib.Header.Get("ETag"))); r.Status != http.StatusNotModified {
		t.Fatalf("library again: %d", r.Status)
	}
}
