package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"nurture/internal/apptest"
	"nurture/internal/auth"
	"nurture/internal/store"
)

// TestConditionalReads: a repeated read is answered 304 while nothing of
// the family changed, and a write changes the answer at once.
func TestConditionalReads(t *testing.T) {
	a := apptest.New(t)
	conditionalReads(t, a, a)
}

// TestConditionalReadsPostgres: the same with two servers on one
// PostgreSQL database, writing through one and reading through the
// other (each keeps answers in its own memory).
func TestConditionalReadsPostgres(t *testing.T) {
	dsn := apptest.PostgresURL(t)
	open := func() *store.Store {
		st, err := store.Open(context.Background(), store.Options{DatabaseURL: dsn})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	conditionalReads(t, apptest.NewOn(t, open()), apptest.NewOn(t, open()))
}

func touchBody(start time.Time) map[string]any {
	return map[string]any{"kind": "holding", "started_at": start.Format(time.RFC3339), "ended_at": start.Add(10 * time.Minute).Format(time.RFC3339)}
}

func conditionalReads(t *testing.T, one, two *apptest.App) {
	fam := one.Signup("ann@example.org", "Ann", "Martin")
	other := one.Signup("zoe@example.org", "Zoe", "Other")
	baby := one.Baby(fam, "Lou", "2026-10-01")
	otherBaby := one.Baby(other, "Max", "2026-09-15")
	at := apptest.Now().Add(-48 * time.Hour).Truncate(time.Minute)
	list := "/api/v1/babies/" + baby + "/touch"
	inm := func(etag string) http.Header { return http.Header{"If-None-Match": {etag}} }

	if r := one.API("POST", list, fam.Token, touchBody(at)); r.Status != http.StatusCreated {
		t.Fatalf("post: %d %s", r.Status, r.Body)
	}
	first := two.API("GET", list, fam.Token, nil)
	etag := first.Header.Get("ETag")
	if first.Status != http.StatusOK || etag == "" || first.Header.Get("Cache-Control") != "private, no-cache" {
		t.Fatalf("list: %d, ETag %q, Cache-Control %q", first.Status, etag, first.Header.Get("Cache-Control"))
	}
	// Asked again without the ETag: the same answer (kept), the same tag.
	again := two.API("GET", list, fam.Token, nil)
	if again.Status != http.StatusOK || again.Body != first.Body || again.Header.Get("ETag") != etag {
		t.Fatalf("repeated list: %d, ETag %q (was %q)", again.Status, again.Header.Get("ETag"), etag)
	}
	// With it, on either instance: 304, no body.
	for i, a := range []*apptest.App{one, two} {
		if r := a.Request("GET", list, fam.Token, inm(etag), nil); r.Status != http.StatusNotModified || r.Body != "" || r.Header.Get("ETag") != etag {
			t.Fatalf("instance %d, conditional list: %d %q", i+1, r.Status, r.Body)
		}
	}
	// Another family's write leaves this family's answer as it was.
	if r := one.API("POST", "/api/v1/babies/"+otherBaby+"/touch", other.Token, touchBody(at)); r.Status != http.StatusCreated {
		t.Fatalf("other family's post: %d %s", r.Status, r.Body)
	}
	if r := two.Request("GET", list, fam.Token, inm(etag), nil); r.Status != http.StatusNotModified {
		t.Fatalf("another family's write changed this family's answer: %d", r.Status)
	}
	// A write through one instance is seen at once through the other,
	// even by a client that sends the old ETag.
	if r := one.API("POST", list, fam.Token, touchBody(at.Add(time.Hour))); r.Status != http.StatusCreated {
		t.Fatalf("second post: %d %s", r.Status, r.Body)
	}
	r := two.Request("GET", list, fam.Token, inm(etag), nil)
	if r.Status != http.StatusOK || r.Header.Get("ETag") == etag || strings.Count(r.Body, `"id"`) != 2 {
		t.Fatalf("after a write on the other instance: %d, ETag %q (old %q), %s", r.Status, r.Header.Get("ETag"), etag, r.Body)
	}
	etag = r.Header.Get("ETag")
	// An edit and a delete move it on too.
	var id string
	if items, _ := r.JSON(t)["items"].([]any); len(items) == 2 {
		id, _ = items[0].(map[string]any)["id"].(string)
	}
	if r := one.API("DELETE", list+"/"+id, fam.Token, nil); r.Status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", r.Status, r.Body)
	}
	if r := two.Request("GET", list, fam.Token, inm(etag), nil); r.Status != http.StatusOK || strings.Count(r.Body, `"id"`) != 1 {
		t.Fatalf("after a delete: %d %s", r.Status, r.Body)
	} else {
		etag = r.Header.Get("ETag")
	}
	// Another route of the same family has its own tag.
	if r := two.API("GET", "/api/v1/babies/"+baby+"/sessions", fam.Token, nil); r.Status != http.StatusOK || r.Header.Get("ETag") == etag {
		t.Fatalf("sessions: %d, ETag %q", r.Status, r.Header.Get("ETag"))
	}
	// Another family asking with this family's ETag gets its own answer.
	if r := two.Request("GET", list, other.Token, inm(etag), nil); r.Status != http.StatusNotFound {
		t.Fatalf("other family with this family's ETag: %d", r.Status)
	}
	// A revoked token gets 401, not 304, on every instance.
	ctx := context.Background()
	toks, err := one.Store.Tokens(ctx, fam.UserID, auth.KindAPI, apptest.Now())
	if err != nil || len(toks) == 0 {
		t.Fatalf("tokens: %v %v", toks, err)
	}
	for _, tk := range toks {
		if err := one.Store.RevokeToken(ctx, fam.UserID, tk.ID); err != nil {
			t.Fatal(err)
		}
	}
	for i, a := range []*apptest.App{one, two} {
		if r := a.Request("GET", list, fam.Token, inm(etag), nil); r.Status != http.StatusUnauthorized {
			t.Fatalf("instance %d, revoked token with a valid ETag: %d", i+1, r.Status)
		}
	}
}
