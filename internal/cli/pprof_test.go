package cli

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
)

// The profiler listens only on loopback and never shows the command line.
func TestPprofOnlyOnLoopback(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.0.2.1:0", "example.org:0", "nonsense"} {
		if err := servePprof(ctx, addr, log); err == nil {
			t.Errorf("%s: accepted", addr)
		}
	}
	free, err := net.Listen("tcp", "127.0.0.1:0") // a free port, given back at once
	if err != nil {
		t.Fatal(err)
	}
	addr := free.Addr().String()
	free.Close()
	if err := servePprof(ctx, addr, log); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]int{"/debug/pprof/": 200, "/debug/pprof/cmdline": 404} {
		r, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != want {
			t.Errorf("%s: %d, want %d", path, r.StatusCode, want)
		}
	}
}
