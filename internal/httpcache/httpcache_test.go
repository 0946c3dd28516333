package httpcache

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestServe(t *testing.T) {
	c := New(1 << 10)
	runs := 0
	render := func(w http.ResponseWriter, r *http.Request) {
		runs++
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte(strings.Repeat("x", 300)))
	}
	get := func(inm string, version int64) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", "/a", nil)
		if inm != "" {
			r.Header.Set("If-None-Match", inm)
		}
		w := httptest.NewRecorder()
		c.Serve(w, r, API, "k", version, 0, "Cookie", render)
		return w
	}
	first := get("", 1)
	etag := first.Header().Get("ETag")
	if first.Code != 200 || etag == "" || runs != 1 {
		t.Fatalf("first: %d %q runs %d", first.Code, etag, runs)
	}
	if w := get("", 1); w.Code != 200 || w.Body.String() != first.Body.String() || runs != 1 {
		t.Fatalf("kept answer: %d runs %d", w.Code, runs)
	}
	if w := get(`"other", W/`+etag, 1); w.Code != http.StatusNotModified || w.Body.Len() != 0 {
		t.Fatalf("conditional: %d", w.Code)
	}
	if w := get(etag, 2); w.Code != 200 || w.Header().Get("ETag") == etag || runs != 2 {
		t.Fatalf("new version: %d runs %d", w.Code, runs)
	}
	// The budget holds: a body over it is not kept.
	for i := 0; i < 10; i++ {
		r := httptest.NewRequest("GET", "/b", nil)
		c.Serve(httptest.NewRecorder(), r, API, "k"+strings.Repeat("y", i), 1, 0, "", render)
	}
	if b := c.Bytes(API); b > 1<<10-1<<10/8*pageShare {
		t.Fatalf("kept %d bytes, budget %d", b, 1<<10)
	}
	// An error is neither kept nor tagged.
	w := httptest.NewRecorder()
	c.Serve(w, httptest.NewRequest("GET", "/c", nil), API, "e", 1, 0, "", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no", http.StatusNotFound)
	})
	if w.Code != 404 || w.Header().Get("ETag") != "" {
		t.Fatalf("error: %d %q", w.Code, w.Header().Get("ETag"))
	}
}

// The answer used longest ago goes first, and API answers never push out
// pages: each kind has its own budget.
func TestLeastRecentlyUsed(t *testing.T) {
	c := New(8 << 10) // pages 3 KiB, API 5 KiB
	runs := map[string]int{}
	serve := func(kind int, key string) {
		c.Serve(httptest.NewRecorder(), httptest.NewRequest("GET", "/"+key, nil), kind, key, 1, 0, "", func(w http.ResponseWriter, r *http.Request) {
			runs[key]++
			w.Write([]byte(strings.Repeat("x", 1000)))
		})
	}
	for _, k := range []string{"p1", "p2", "p3"} {
		serve(Page, k)
	}
	serve(Page, "p1") // used again: p2 is now the oldest
	serve(Page, "p4") // over 3 KiB: p2 goes
	for i := range 20 {
		serve(API, strings.Repeat("a", i+1))
	}
	for _, k := range []string{"p1", "p3", "p4"} {
		serve(Page, k)
	}
	serve(Page, "p2")
	if runs["p1"] != 1 || runs["p3"] != 1 || runs["p4"] != 1 || runs["p2"] != 2 {
		t.Fatalf("renders: %v", runs)
	}
	if b := c.Bytes(API); b > 5<<10 || b < 4000 {
		t.Fatalf("API kept %d bytes", b)
	}
}
