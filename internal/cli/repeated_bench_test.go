package cli_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"nurture/internal/cli"
)

// BenchmarkRepeated is the server's cost of a read that repeats: the same
// reader asks the same page or list again, nothing written since, so the
// answer is kept (or, with If-None-Match, a 304). It is what the wrk runs
// of issue 22 measure over the network, here without the network and
// the generator, for profiles (-cpuprofile) and allocations.
func BenchmarkRepeated(b *testing.B) {
	st, tok := benchStore(b, 5, 2)
	h, err := cli.Handler(st, slog.New(slog.NewTextHandler(io.Discard, nil)), false, nil)
	if err != nil {
		b.Fatal(err)
	}
	// cold keeps nothing, as the cold wrk runs (NURTURE_ANSWER_CACHE=0).
	cold, err := cli.HandlerWith(st, slog.New(slog.NewTextHandler(io.Discard, nil)), cli.Options{AnswerCache: -1})
	if err != nil {
		b.Fatal(err)
	}
	u := tok.Users[0]
	page := func(path string) *http.Request {
		r := httptest.NewRequest("GET", "http://nurture.test"+path, nil)
		r.AddCookie(&http.Cookie{Name: "nurture_session", Value: u.Session})
		r.Header.Set("Accept-Encoding", "gzip")
		return r
	}
	api := func(path string) *http.Request {
		r := httptest.NewRequest("GET", "http://nurture.test"+path, nil)
		r.Header.Set("Authorization", "Bearer "+u.API)
		r.Header.Set("Accept-Encoding", "gzip")
		return r
	}
	list := "/api/v1/babies/" + u.Babies[0] + "/touch?limit=100"
	for _, c := range []struct {
		name string
		req  func() *http.Request
		etag bool
		h    http.Handler
	}{
		{"list-cold", func() *http.Request { return api(list) }, false, cold},
		{"library", func() *http.Request { return page("/library") }, false, nil},
		{"stroke", func() *http.Request { return page("/library/strokes/leg_indian_milking") }, false, nil},
		{"home", func() *http.Request { return page("/babies/" + u.Babies[0]) }, false, nil},
		{"list", func() *http.Request { return api(list) }, false, nil},
		{"list-304", func() *http.Request { return api(list) }, true, nil},
		// A client that does not take gzip gets the kept answer unzipped.
		{"list-plain", func() *http.Request { r := api(list); r.Header.Del("Accept-Encoding"); return r }, false, nil},
	} {
		b.Run(c.name, func(b *testing.B) {
			h := http.Handler(h)
			if c.h != nil {
				h = c.h
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, c.req())
			if rec.Code != 200 {
				b.Fatalf("%d %s", rec.Code, rec.Body.String())
			}
			etag := rec.Header().Get("ETag")
			want := 200
			if c.etag {
				want = 304
			}
			cpu0 := cpuTime()
			for b.Loop() {
				r := c.req()
				if c.etag {
					r.Header.Set("If-None-Match", etag)
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, r)
				if rec.Code != want {
					b.Fatalf("%d, want %d", rec.Code, want)
				}
			}
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
		})
	}
}
