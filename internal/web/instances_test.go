package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"nurture/internal/apptest"
	"nurture/internal/store"
)

// TestTwoInstancesPostgres runs two servers, each with its own connection
// pool, on one PostgreSQL database: a browser session made through one is
// valid on the other, and logging out on one ends it on both.
func TestTwoInstancesPostgres(t *testing.T) {
	dsn := apptest.PostgresURL(t)
	open := func() *store.Store {
		st, err := store.Open(context.Background(), store.Options{DatabaseURL: dsn})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	one, two := apptest.NewOn(t, open()), apptest.NewOn(t, open())
	fam := one.Signup("ann@example.org", "Ann", "Martin")
	baby := one.Baby(fam, "Lou", "2026-10-01")

	b1 := one.Browser()
	b1.Login("ann@example.org", "correct horse battery")
	b2 := b1.UseCookiesOn(two)
	r := b2.Get("/babies/" + baby)
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "Lou") {
		t.Fatalf("session from instance one on instance two: %d", r.Status)
	}
	// A baby added on instance two shows on instance one.
	r = b2.Post("/babies/new", url.Values{"name": {"Max"}, "birth_date": {"2026-11-01"}, "gestation_weeks": {"40"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("add baby on two: %d %s", r.Status, r.Body)
	}
	if r := b1.Get("/family"); !strings.Contains(r.Body, "Max") {
		t.Fatalf("baby added on two missing on one")
	}
	// The API token works on both too.
	if r := two.API("GET", "/api/v1/me", fam.Token, nil); r.Status != http.StatusOK {
		t.Fatalf("token on two: %d", r.Status)
	}
	// Logging out on two ends the session on one at once.
	if r := b2.Post("/logout", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("logout: %d", r.Status)
	}
	if r := b1.Get("/family"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
		t.Fatalf("session still valid on one after logout on two: %d", r.Status)
	}
}
