package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Side-by-side runs with wrk (issue 22): the same load generator, with
// the same settings (2 threads, 32 connections), on a bare net/http
// "hello", on the bare stack doing Nurture's list, and on Nurture's own
// requests, in one run, so every ratio compares figures taken minutes
// apart on the same machine. wrk is a C program: its own CPU per request
// is a fraction of vegeta's, so the server, not the generator, sets the
// pace; what it used is reported beside every figure.

// WrkOptions shape one wrk run.
type WrkOptions struct {
	Threads, Conns int
	Duration       time.Duration
}

// WrkResult is one wrk run.
type WrkResult struct {
	Name          string
	Requests      int
	PerSecond     float64
	P50, P90, P99 time.Duration
	// Bad counts answers outside 2xx and 3xx plus socket errors.
	Bad int
	// WrkCPU and ServerCPU are the CPU time the generator and the
	// server processes used during the run.
	WrkCPU, ServerCPU time.Duration
	// Probe is what one request of the run answered before it (status
	// and size), e.g. "304, 0 B" for a conditional read.
	Probe string
	// PeakAnon and PeakFile are the server's resident memory at the end
	// of the run, anonymous and file-backed (SQLite's mmap, binary).
	RSSAnon, RSSFile int64
}

// WrkRequest is one request of a scenario; a scenario cycles through its
// requests (one per user) from a random start in each wrk thread.
type WrkRequest struct {
	Method, Path string
	Headers      map[string]string
	Body         string
}

// HaveWrk reports whether wrk is on PATH.
func HaveWrk() bool {
	_, err := exec.LookPath("wrk")
	return err == nil
}

func luaString(s string) string { return strconv.Quote(s) } // Lua reads Go's quoted form for ASCII

// wrkScript builds a Lua script that cycles through reqs, formatted once
// at start-up so each request costs wrk a table lookup.
func wrkScript(reqs []WrkRequest) string {
	var b strings.Builder
	b.WriteString("local src = {\n")
	for _, r := range reqs {
		fmt.Fprintf(&b, "  {%s, %s, {", luaString(r.Method), luaString(r.Path))
		for k, v := range r.Headers {
			fmt.Fprintf(&b, "[%s]=%s, ", luaString(k), luaString(v))
		}
		body := "nil"
		if r.Body != "" {
			body = luaString(r.Body)
		}
		fmt.Fprintf(&b, "}, %s},\n", body)
	}
	b.WriteString(`}
local reqs = {}
local i = 0
init = function(args)
  for k, r in ipairs(src) do reqs[k] = wrk.format(r[1], r[2], r[3], r[4]) end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
  i = math.random(#reqs)
end
request = function()
  i = i % #reqs + 1
  return reqs[i]
end
`)
	return b.String()
}

// wrkWriteScript builds a Lua script that posts touch entries through
// paths (with their headers), each one second long and two seconds after
// the last one of any thread: no two overlap, and none overlaps the
// seeded months (base is far in the past, see WriteBase).
func wrkWriteScript(reqs []WrkRequest, base time.Time, threads int) string {
	var b strings.Builder
	b.WriteString("local src = {\n")
	for _, r := range reqs {
		fmt.Fprintf(&b, "  {%s, {", luaString(r.Path))
		for k, v := range r.Headers {
			fmt.Fprintf(&b, "[%s]=%s, ", luaString(k), luaString(v))
		}
		b.WriteString("}},\n")
	}
	fmt.Fprintf(&b, "}\nlocal base = %d\nlocal threads = %d\n", base.Unix(), threads)
	b.WriteString(`local counter = 0
setup = function(thread)
  thread:set("tid", counter)
  counter = counter + 1
end
local i = 0
local n = 0
init = function(args) i = math.random(#src) end
request = function()
  i = i % #src + 1
  n = n + 1
  local t = base + (n * threads + tid) * 2
  local body = string.format('{"kind":"holding","started_at":"%s","ended_at":"%s"}',
    os.date("!%Y-%m-%dT%H:%M:%SZ", t), os.date("!%Y-%m-%dT%H:%M:%SZ", t + 1))
  return wrk.format("POST", src[i][1], src[i][2], body)
end
`)
	return b.String()
}

var (
	wrkRPS     = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	wrkTotal   = regexp.MustCompile(`(\d+) requests in`)
	wrkNon2xx  = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`)
	wrkSocket  = regexp.MustCompile(`Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
	wrkPercent = regexp.MustCompile(`(?m)^\s+(50|90|99)%\s+([0-9.]+)(us|ms|s)\s*$`)
)

// parseWrk reads wrk's --latency report.
func parseWrk(out string) (WrkResult, error) {
	var r WrkResult
	m := wrkRPS.FindStringSubmatch(out)
	if m == nil {
		return r, fmt.Errorf("no Requests/sec in wrk's output:\n%s", out)
	}
	r.PerSecond, _ = strconv.ParseFloat(m[1], 64)
	if m := wrkTotal.FindStringSubmatch(out); m != nil {
		r.Requests, _ = strconv.Atoi(m[1])
	}
	if m := wrkNon2xx.FindStringSubmatch(out); m != nil {
		n, _ := strconv.Atoi(m[1])
		r.Bad += n
	}
	if m := wrkSocket.FindStringSubmatch(out); m != nil {
		for _, v := range m[1:] {
			n, _ := strconv.Atoi(v)
			r.Bad += n
		}
	}
	for _, m := range wrkPercent.FindAllStringSubmatch(out, -1) {
		v, _ := strconv.ParseFloat(m[2], 64)
		unit := map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second}[m[3]]
		d := time.Duration(v * float64(unit))
		switch m[1] {
		case "50":
			r.P50 = d
		case "90":
			r.P90 = d
		case "99":
			r.P99 = d
		}
	}
	return r, nil
}

// RunWrk loads url with wrk, through a script cycling reqs when there are
// any (write selects the touch-entry POST script), and measures the CPU
// of wrk and of the server processes pids meanwhile.
func RunWrk(ctx context.Context, name, url string, reqs []WrkRequest, write bool, pids []int, o WrkOptions, tmp string) (WrkResult, error) {
	args := []string{"-t", strconv.Itoa(o.Threads), "-c", strconv.Itoa(o.Conns), "-d", fmt.Sprintf("%ds", max(1, int(o.Duration.Seconds()))), "--latency"}
	if len(reqs) > 0 {
		script := wrkScript(reqs)
		if write {
			script = wrkWriteScript(reqs, WriteBase(time.Now()), o.Threads)
		}
		path := filepath.Join(tmp, "wrk-"+strconv.FormatInt(time.Now().UnixNano(), 36)+".lua")
		if err := os.WriteFile(path, []byte(script), 0o600); err != nil { // holds secrets
			return WrkResult{}, err
		}
		defer os.Remove(path)
		args = append(args, "-s", path)
	}
	args = append(args, url)
	before := make([]time.Duration, len(pids))
	for i, p := range pids {
		before[i] = procCPU(p)
	}
	cmd := exec.CommandContext(ctx, "wrk", args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return WrkResult{}, fmt.Errorf("wrk: %v\n%s", err, out.String())
	}
	r, err := parseWrk(out.String())
	r.Name = name
	if err != nil {
		return r, err
	}
	r.WrkCPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	for i, p := range pids {
		r.ServerCPU += procCPU(p) - before[i]
		if m, err := ReadMem(p); err == nil {
			r.RSSAnon += m.Anon
			r.RSSFile += m.File
		}
	}
	return r, nil
}

// Probe sends req once to base and returns its status and body length;
// with etag set it sends If-None-Match.
func Probe(ctx context.Context, base string, req WrkRequest) (status int, etag string, size int, err error) {
	var body io.Reader
	if req.Body != "" {
		body = strings.NewReader(req.Body)
	}
	hr, err := http.NewRequestWithContext(ctx, req.Method, base+req.Path, body)
	if err != nil {
		return 0, "", 0, err
	}
	for k, v := range req.Headers {
		hr.Header.Set(k, v)
	}
	// Sent as wrk sends it: no transparent decompression.
	hr.Header.Set("Accept-Encoding", req.Headers["Accept-Encoding"])
	if req.Headers["Accept-Encoding"] == "" {
		hr.Header.Del("Accept-Encoding")
	}
	c := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport: &http.Transport{DisableCompression: true}}
	resp, err := c.Do(hr)
	if err != nil {
		return 0, "", 0, err
	}
	defer resp.Body.Close()
	n, _ := io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, resp.Header.Get("ETag"), int(n), nil
}
