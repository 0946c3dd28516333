package web_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// PageBudget is the most a page may weigh, compressed, with everything it
// loads: scripts, styles, icons, the manifest and the service worker.
const PageBudget = 60 * 1024

var assetRef = regexp.MustCompile(`(?:href|src)="(/[^"]+)"`)

// TestEveryPageWithinBudget fetches every page the router serves as a
// logged-in owner and adds up the compressed size of the page and of each
// file it references on this server.
func TestEveryPageWithinBudget(t *testing.T) {
	w := newGuardWorld(t)
	cookies := w.owner.Cookies()
	get := func(path string, gz bool) (int, []byte, string) {
		req, _ := http.NewRequest("GET", w.app.URL+path, nil)
		if gz {
			req.Header.Set("Accept-Encoding", "gzip")
		}
		for _, c := range cookies {
			req.AddCookie(c)
		}
		res, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, b, res.Header.Get("Content-Encoding")
	}
	compressed := func(b []byte) int {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(b)
		zw.Close()
		return buf.Len()
	}
	assetSize := map[string]int{}
	size := func(path string) int {
		if n, ok := assetSize[path]; ok {
			return n
		}
		status, b, enc := get(path, true)
		if status != http.StatusOK {
			t.Errorf("asset %s: %d", path, status)
		}
		n := len(b)
		if enc != "gzip" {
			n = compressed(b)
		}
		assetSize[path] = n
		return n
	}
	// Pages whose ids are not a baby's, or that need a query, by example.
	examples := map[string]string{
		"GET /babies/{id}/session":   "/babies/{id}/session?routine=full_body",
		"GET /library/strokes/{id}":  "/library/strokes/i_love_you",
		"GET /library/routines/{id}": "/library/routines/full_body",
		"GET /library/guides/{id}":   "/library/guides/reading_cues",
		"GET /babies/{id}/insights":  "/babies/{id}/insights",
	}
	pages := 0
	for _, pattern := range w.app.Routes {
		method, path, ok := strings.Cut(pattern, " ")
		if !ok || method != "GET" || strings.HasPrefix(path, "/api/") || strings.HasPrefix(path, "/static/") {
			continue
		}
		if ex, ok := examples[pattern]; ok {
			path = ex
		}
		for k, v := range w.ids {
			path = strings.ReplaceAll(path, k, v)
		}
		status, body, _ := get(path, false)
		if status != http.StatusOK || !bytes.Contains(body, []byte("<html")) {
			continue // not a page (a feed, a redirect, a 404 for a made-up code)
		}
		pages++
		total := compressed(body)
		seen := map[string]bool{}
		for _, m := range assetRef.FindAllSubmatch(body, -1) {
			ref := string(m[1])
			if seen[ref] || !(strings.HasPrefix(ref, "/static/") || strings.HasSuffix(ref, ".webmanifest") || strings.HasSuffix(ref, ".js")) {
				continue
			}
			seen[ref] = true
			total += size(ref)
		}
		// A registered service worker is loaded by every page too.
		if bytes.Contains(body, []byte("/sw.js")) || strings.Contains(strings.Join(w.app.Routes, " "), "GET /sw.js") {
			if !seen["/sw.js"] {
				total += size("/sw.js")
			}
		}
		if total > PageBudget {
			t.Errorf("%s weighs %d bytes compressed, over the %d budget", pattern, total, PageBudget)
		} else {
			t.Logf("%-45s %6d bytes", pattern, total)
		}
	}
	if pages < 20 {
		t.Fatalf("only %d pages measured", pages)
	}
}
