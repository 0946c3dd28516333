package cli_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"nurture/internal/bench"
	"nurture/internal/cli"
	"nurture/internal/content"
	"nurture/internal/store"
)

// BenchmarkRequests serves each request of the load's mix in process
// (no network, no load generator): the server's own CPU time and
// allocations per request, steady enough to compare commits with
// benchstat on a busy machine. NURTURE_BENCH_DATA names a directory seeded
// by `nurture bench seed` (e.g. 1,000 families × 6 months); without it a
// small history is seeded first.
//
//	go test -run xxx -bench Requests -benchmem -count 6 ./internal/cli
func BenchmarkRequests(b *testing.B) {
	st, tok := benchStore(b, 20, 3)
	h, err := cli.Handler(st, slog.New(slog.NewTextHandler(io.Discard, nil)), false, nil)
	if err != nil {
		b.Fatal(err)
	}
	strokes, routines, err := bench.LibraryTargets()
	if err != nil {
		b.Fatal(err)
	}
	for _, w := range bench.MixedLoad {
		// One generator per kind of request for the whole run: with -count
		// the writes carry on where the last round stopped instead of
		// posting the same times again (an overlap, 422).
		t, err := bench.NewTargets([]string{"http://nurture.test"}, bench.PickUsers(tok.Users, 200),
			bench.Mix{{Op: w.Op, Weight: 1}}, tok, strokes, routines, time.Now())
		if err != nil {
			b.Fatal(err)
		}
		b.Run(string(w.Op), func(b *testing.B) {
			var tg vegeta.Target
			cpu0 := cpuTime()
			for b.Loop() {
				t.Next(&tg)
				var body io.Reader
				if len(tg.Body) > 0 {
					body = strings.NewReader(string(tg.Body))
				}
				req := httptest.NewRequest(tg.Method, tg.URL, body)
				req.Header = tg.Header.Clone()
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code < 200 || rec.Code > 299 {
					b.Fatalf("%s %s: %d %s", tg.Method, tg.URL, rec.Code, rec.Body.String())
				}
			}
			// The process's CPU time, which waiting for a core on a shared
			// machine does not count (ns/op does).
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
		})
	}
}

// benchStore opens the store of NURTURE_BENCH_DATA and its tokens, or
// seeds families × months into a temporary one first.
func benchStore(b *testing.B, families, months int) (*store.Store, bench.Tokens) {
	b.Helper()
	ctx := context.Background()
	dir := os.Getenv("NURTURE_BENCH_DATA")
	var tok bench.Tokens
	if dir == "" {
		dir = b.TempDir()
		st, err := store.Open(ctx, store.Options{DataDir: dir})
		if err != nil {
			b.Fatal(err)
		}
		lib, err := content.Load()
		if err != nil {
			b.Fatal(err)
		}
		tok, _, err = bench.Seed(ctx, st, lib, bench.SeedOptions{Families: families, Months: months, Seed: 1})
		st.Close()
		if err != nil {
			b.Fatal(err)
		}
	} else {
		var err error
		if tok, err = bench.ReadTokens(filepath.Join(dir, "bench-tokens.json")); err != nil {
			b.Fatal(err)
		}
	}
	st, err := store.Open(ctx, store.Options{DataDir: dir})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st, tok
}

// cpuTime is the CPU time (user and system) the process has used, in ns.
func cpuTime() int64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Utime.Nano() + ru.Stime.Nano()
}
