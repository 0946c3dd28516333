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
		c.Serve(w, r, "k", version, 0, false, "Cookie", render)
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
		c.Serve(httptest.NewRecorder(), r, "k"+strings.Repeat("y", i), 1, 0, false, "", render)
	}
	if c.bytes > 1<<10 {
		t.Fatalf("kept %d bytes, budget %d", c.bytes, 1<<10)
	}
	// An error is neither kept nor tagged.
	w := httptest.NewRecorder()
	c.Serve(w, httptest.NewRequest("GET", "/c", nil), "e", 1, 0, false, "", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no", http.StatusNotFound)
	})
	if w.Code != 404 || w.Header().Get("ETag") != "" {
		t.Fatalf("error: %d %q", w.Code, w.Header().Get("ETag"))
	}
}
