package bench

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// Names of the side-by-side runs (issue 22).
const (
	SideHello        = "Bare net/http hello"
	SideHelloScript  = "Bare hello through a wrk script"
	SideBareList     = "Bare stack: 100 latest touch entries"
	SideList         = "Nurture: 100 latest touch entries (API), cold"
	SideListKept     = "Nurture: the same list, answer kept"
	SideListKeptGzip = "Nurture: the same list, answer kept, client takes gzip"
	SideListRepeat   = "Nurture: the same list, If-None-Match"
	SideHomeCold     = "Nurture: baby home page (HTML, gzip), cold"
	SideHome         = "Nurture: baby home page, page kept"
	SideHomeRepeat   = "Nurture: baby home page, If-None-Match"
	SideLibraryCold  = "Nurture: library page (HTML, gzip), cold"
	SideLibrary      = "Nurture: library page, page kept"
	SideStroke       = "Nurture: stroke pages (HTML, gzip), pages kept"
	SideTouchPOST    = "Nurture: touch entry POST (API)"
	sideNoETagHeader = `"none"`
)

// SideOptions configure the side-by-side runs.
type SideOptions struct {
	Exe         string // this binary: runs the bare servers as children
	DataDir     string // the SQLite database the bare stack reads
	DatabaseURL string // or PostgreSQL
	Users       []User
	Strokes     []string
	Wrk         WrkOptions
	Log         io.Writer
	URL         string // set by Side: the server that keeps answers
	PIDs        []int
	// Start starts a Nurture server, one that keeps no answers
	// (NURTURE_ANSWER_CACHE=0) when cold; Side stops it. One runs at
	// a time (SQLite's data directory takes one server).
	Start func(cold bool) (*Child, error)
	// Only, when set, runs only hello and the runs whose name holds one
	// of these words (case aside).
	Only []string
}

// runs reports whether the run named name is to be run.
func (o SideOptions) runs(name string) bool {
	if len(o.Only) == 0 || name == SideHello {
		return true
	}
	for _, w := range o.Only {
		if w != "" && strings.Contains(strings.ToLower(name), strings.ToLower(w)) {
			return true
		}
	}
	return false
}

// Side runs every side-by-side comparison in one go, the bare servers
// started as children of this binary (and stopped) around their runs.
func Side(ctx context.Context, o SideOptions) ([]WrkResult, error) {
	logf := func(format string, args ...any) { fmt.Fprintf(o.Log, format+"\n", args...) }
	tmp, err := os.MkdirTemp("", "nurture-wrk-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	var out []WrkResult
	run := func(name, url string, reqs []WrkRequest, write bool, pids []int, probe string) error {
		if !o.runs(name) {
			return nil
		}
		logf("wrk %q: %s, %d threads, %d connections…", name, o.Wrk.Duration, o.Wrk.Threads, o.Wrk.Conns)
		r, err := RunWrk(ctx, name, url, reqs, write, pids, o.Wrk, tmp)
		if err != nil {
			return err
		}
		r.Probe = probe
		logf("  %.0f req/s, p50 %s p99 %s, %d bad; CPU: server %.2f ms/req, wrk %.2f ms/req", r.PerSecond, ms(r.P50), ms(r.P99), r.Bad,
			perReq(r.ServerCPU, r.Requests), perReq(r.WrkCPU, r.Requests))
		out = append(out, r)
		return nil
	}
	probe := func(url string, reqs []WrkRequest) string {
		if len(reqs) == 0 {
			return ""
		}
		st, _, n, err := Probe(ctx, url, reqs[0])
		if err != nil {
			return err.Error()
		}
		return fmt.Sprintf("%d, %d B", st, n)
	}

	// The bare servers.
	bare, err := Start(ctx, o.Exe, []string{"bench", "bare-serve", "--addr", "127.0.0.1:0"}, nil, "/", io.Discard)
	if err != nil {
		return nil, fmt.Errorf("bare hello: %w", err)
	}
	err = run(SideHello, bare.URL+"/", nil, false, []int{bare.PID}, "")
	if err == nil {
		err = run(SideHelloScript, bare.URL, []WrkRequest{{Method: "GET", Path: "/"}}, false, []int{bare.PID}, "")
	}
	bare.Stop()
	if err != nil {
		return out, err
	}
	args := []string{"bench", "bare-list-serve", "--addr", "127.0.0.1:0", "--data", o.DataDir}
	if o.DatabaseURL != "" {
		args = append(args, "--database-url", o.DatabaseURL)
	}
	bl, err := Start(ctx, o.Exe, args, nil, "/healthz", io.Discard)
	if err != nil {
		return out, fmt.Errorf("bare list: %w", err)
	}
	var bareReqs []WrkRequest
	for _, u := range o.Users {
		if len(u.Babies) > 0 {
			bareReqs = append(bareReqs, WrkRequest{Method: "GET", Path: "/list/" + u.Family + "/" + u.Babies[0]})
		}
	}
	err = run(SideBareList, bl.URL, bareReqs, false, []int{bl.PID}, probe(bl.URL, bareReqs))
	bl.Stop()
	if err != nil {
		return out, err
	}

	// Nurture's own requests, one per user, cycled.
	var list, listGz, home, lib, strokes, posts []WrkRequest
	for i, u := range o.Users {
		if len(u.Babies) == 0 {
			continue
		}
		b := u.Babies[0]
		api := map[string]string{"Authorization": "Bearer " + u.API}
		page := map[string]string{"Cookie": "nurture_session=" + u.Session, "Accept-Encoding": "gzip"}
		list = append(list, WrkRequest{Method: "GET", Path: "/api/v1/babies/" + b + "/touch", Headers: api})
		// As a browser, the offline app or Go's client asks by default.
		listGz = append(listGz, WrkRequest{Method: "GET", Path: "/api/v1/babies/" + b + "/touch",
			Headers: map[string]string{"Authorization": "Bearer " + u.API, "Accept-Encoding": "gzip"}})
		home = append(home, WrkRequest{Method: "GET", Path: "/babies/" + b, Headers: page})
		lib = append(lib, WrkRequest{Method: "GET", Path: "/library", Headers: page})
		if len(o.Strokes) > 0 {
			strokes = append(strokes, WrkRequest{Method: "GET", Path: "/library/strokes/" + o.Strokes[i%len(o.Strokes)], Headers: page})
		}
		posts = append(posts, WrkRequest{Method: "POST", Path: "/api/v1/babies/" + b + "/touch",
			Headers: map[string]string{"Authorization": "Bearer " + u.API, "Content-Type": "application/json"}})
	}
	// The conditional requests carry the ETag each answer had (a client
	// sends back what it was given); without ETags they are plain reads.
	conditional := func(url string, reqs []WrkRequest) []WrkRequest {
		out := make([]WrkRequest, len(reqs))
		for i, r := range reqs {
			h := map[string]string{}
			for k, v := range r.Headers {
				h[k] = v
			}
			h["If-None-Match"] = sideNoETagHeader
			if _, etag, _, err := Probe(ctx, url, r); err == nil && etag != "" {
				h["If-None-Match"] = etag
			}
			out[i] = WrkRequest{Method: r.Method, Path: r.Path, Headers: h}
		}
		return out
	}
	{
		cold, err := o.Start(true)
		if err != nil {
			return out, fmt.Errorf("server without kept answers: %w", err)
		}
		for _, s := range []struct {
			name string
			reqs []WrkRequest
		}{{SideList, list}, {SideHomeCold, home}, {SideLibraryCold, lib}} {
			if err = run(s.name, cold.URL, s.reqs, false, []int{cold.PID}, probe(cold.URL, s.reqs)); err != nil {
				break
			}
		}
		cold.Stop()
		if err != nil {
			return out, err
		}
	}
	srv, err := o.Start(false)
	if err != nil {
		return out, err
	}
	defer srv.Stop()
	o.URL, o.PIDs = srv.URL, []int{srv.PID}
	steps := []struct {
		name  string
		reqs  []WrkRequest
		write bool
	}{
		{SideListKept, list, false},
		{SideListKeptGzip, listGz, false},
		{SideListRepeat, conditional(o.URL, list), false},
		{SideHome, home, false},
		{SideHomeRepeat, conditional(o.URL, home), false},
		{SideLibrary, lib, false},
		{SideStroke, strokes, false},
		{SideTouchPOST, posts, true},
	}
	for _, s := range steps {
		if len(s.reqs) == 0 {
			continue
		}
		p := ""
		if !s.write {
			p = probe(o.URL, s.reqs)
		}
		if err := run(s.name, o.URL, s.reqs, s.write, o.PIDs, p); err != nil {
			return out, err
		}
		time.Sleep(200 * time.Millisecond)
	}
	return out, nil
}

func perReq(d time.Duration, n int) float64 {
	if n == 0 {
		return 0
	}
	return float64(d) / float64(time.Millisecond) / float64(n)
}
