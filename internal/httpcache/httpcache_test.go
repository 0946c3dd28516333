package httpcache

import (
	"compress/gzip"
	"io"
	"math/rand/v2"
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

// The answer used longest ago goes first (of the few looked at: all of
// them, in a budget of five), and API answers never push out pages: each
// kind has its own budget.
func TestLeastRecentlyUsed(t *testing.T) {
	c := New(12 << 10) // pages 6 KiB: five bodies of 1 KB that gzip cannot shrink
	runs := map[string]int{}
	rnd := rand.New(rand.NewPCG(1, 2))
	serve := func(kind int, key string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		body := make([]byte, 1000)
		for i := range body {
			body[i] = byte(rnd.IntN(256))
		}
		c.Serve(w, httptest.NewRequest("GET", "/"+key, nil), kind, key, 1, 0, "", func(w http.ResponseWriter, r *http.Request) {
			runs[key]++
			w.Write(body)
		})
		return w
	}
	for _, k := range []string{"p1", "p2", "p3", "p4", "p5"} {
		serve(Page, k)
	}
	serve(Page, "p1") // used again: p2 is now the oldest
	serve(Page, "p6") // over 6 KiB: p2 goes
	for i := range 40 {
		serve(API, strings.Repeat("a", i+1))
	}
	for _, k := range []string{"p1", "p3", "p4", "p5", "p6"} {
		serve(Page, k)
	}
	serve(Page, "p2")
	if runs["p1"] != 1 || runs["p3"] != 1 || runs["p6"] != 1 || runs["p2"] != 2 {
		t.Fatalf("renders: %v", runs)
	}
	if b := c.Bytes(API); b > 6<<10 || b < 4<<10 {
		t.Fatalf("API kept %d bytes", b)
	}
}

// An answer is kept gzipped and sent so to a client that takes gzip,
// unzipped to another, each with its own ETag.
func TestGzip(t *testing.T) {
	c := New(0)
	plain := strings.Repeat("hello, ", 100)
	get := func(gz bool) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", "/", nil)
		if gz {
			r.Header.Set("Accept-Encoding", "gzip, br")
		}
		w := httptest.NewRecorder()
		c.Serve(w, r, API, "k", 1, 0, "", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(plain)) })
		return w
	}
	for _, first := range []bool{true, false} { // the first renders, the second is kept
		a, b := get(first), get(!first)
		for _, w := range []*httptest.ResponseRecorder{a, b} {
			body := w.Body.String()
			if w.Header().Get("Content-Encoding") == "gzip" {
				zr, err := gzip.NewReader(w.Body)
				if err != nil {
					t.Fatal(err)
				}
				got, _ := io.ReadAll(zr)
				body = string(got)
			}
			if body != plain || w.Header().Get("Content-Length") == "" {
				t.Fatalf("gzip first %v: %q", first, body)
			}
		}
		if a.Header().Get("ETag") == b.Header().Get("ETag") || (a.Header().Get("Content-Encoding") == "gzip") != first {
			t.Fatalf("gzip first %v: ETags %q %q", first, a.Header().Get("ETag"), b.Header().Get("ETag"))
		}
	}
}

// A cache that keeps nothing zips only pages, for a client that takes
// gzip, and renders every time.
func TestKeepsNothing(t *testing.T) {
	c := New(-1)
	runs := 0
	for _, kind := range []int{API, Page, API, Page} {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Accept-Encoding", "gzip")
		w := httptest.NewRecorder()
		c.Serve(w, r, kind, "k", 1, 0, "", func(w http.ResponseWriter, r *http.Request) { runs++; w.Write([]byte("hello")) })
		if zipped := w.Header().Get("Content-Encoding") == "gzip"; zipped != (kind == Page) || (!zipped && w.Body.String() != "hello") {
			t.Fatalf("kind %d: zipped %v, %q", kind, zipped, w.Body)
		}
	}
	if runs != 4 || c.Len() != 0 {
		t.Fatalf("runs %d, kept %d", runs, c.Len())
	}
}
