package bench

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func stats(n int, d time.Duration, p99 time.Duration, errs map[string]int) Stats {
	s := Stats{Requests: n, Duration: d, P50: p99 / 4, P90: p99 / 2, P99: p99, Max: p99 * 2, ErrorsBy: errs}
	for _, v := range errs {
		s.Errors += v
	}
	return s
}

func sampleReport() Report {
	sec := 10 * time.Second
	mixed := LoadResult{Name: "Mixed 70/30", All: stats(60000, sec, 20*time.Millisecond, nil),
		Reads: stats(42000, sec, 15*time.Millisecond, nil), Writes: stats(18000, sec, 30*time.Millisecond, nil),
		ByOp: map[Op]Stats{OpHome: stats(12000, sec, 10*time.Millisecond, nil)}, PeakRSS: []int64{60 << 20}, PeakAnon: []int64{30 << 20}}
	reads := LoadResult{Name: "Reads only", All: stats(80000, sec, 10*time.Millisecond, nil), PeakRSS: []int64{70 << 20}}
	writes := LoadResult{Name: "Writes only", All: stats(20000, sec, 40*time.Millisecond, map[string]int{"422": 2, "500": 1}),
		PeakRSS: []int64{90 << 20}, FirstErrors: []string{"POST /x → 422 `overlap`"}}
	bare := LoadResult{Name: "Bare net/http", All: stats(500000, sec, time.Millisecond, nil)}
	return Report{Date: time.Date(2026, 11, 26, 3, 0, 0, 0, time.UTC), NProc: 2, GoVersion: "go1.26.8", Command: "nurture bench all",
		Backend: "SQLite", Families: 1000, Months: 6, Workers: 32, Duration: sec, LoadAvg: [2]string{"1.00 1.00 1.00", "2.00 1.50 1.00"},
		Seed:    SeedStats{Families: 1000, Members: 2000, Babies: 1500, Sessions: 100, Steps: 1000, Entries: 5000, Duration: 10 * time.Second},
		Startup: []time.Duration{120 * time.Millisecond}, IdleRSS: []int64{20 << 20},
		Mixed: &mixed, Reads: &reads, Writes: &writes, Bare: &bare, SQLite: &SQLiteResult{Transactions: 60000, Duration: 2 * time.Second}}
}

func TestRatio(t *testing.T) {
	if Ratio(1, 0) != 0 || Ratio(3, 4) != 0.75 {
		t.Fatal("ratio")
	}
}

func TestChecks(t *testing.T) {
	r := sampleReport()
	got := map[string]Check{}
	for _, c := range r.Checks() {
		got[c.What] = c
	}
	want := map[string]bool{
		"Mixed load throughput":  true,  // 6,000 req/s
		"Mixed load p99":         true,  // 20 ms
		"Mixed load errors":      true,  // none
		"Reads ÷ bare net/http":  true,  // 8,000 / 50,000 = 16 %
		"Writes ÷ raw SQLite tx": false, // 2,000 / 30,000 = 6.7 %
		"Peak RSS under load":    false, // 90 MB in the writes phase
		"Idle RSS":               true,
		"Start-up to serving":    true,
	}
	for what, pass := range want {
		c, ok := got[what]
		if !ok {
			t.Fatalf("no check %q", what)
		}
		if c.Pass != pass {
			t.Errorf("%s: pass=%v, want %v (%+v)", what, c.Pass, pass, c)
		}
	}
	if c := got["Reads ÷ bare net/http"]; c.Got != "16.0 %" {
		t.Errorf("read ratio shown as %q", c.Got)
	}
	if c := got["Writes ÷ raw SQLite tx"]; c.Got != "6.7 %" || !strings.Contains(c.Miss, "23.3 points short") {
		t.Errorf("write ratio %+v", c)
	}
	if c := got["Peak RSS under load"]; c.Miss != "10.0 MB over" {
		t.Errorf("rss miss %q", c.Miss)
	}
	r.Mixed.All = stats(1000, 10*time.Second, 50*time.Millisecond, map[string]int{"500": 4})
	for _, c := range r.Checks() {
		switch c.What {
		case "Mixed load throughput":
			if c.Pass || c.Miss != "2 % of target (50.0× short)" {
				t.Errorf("throughput %+v", c)
			}
		case "Mixed load p99":
			if c.Pass || c.Miss != "2.0× over" {
				t.Errorf("p99 %+v", c)
			}
		case "Mixed load errors":
			if c.Pass || c.Got != "4" {
				t.Errorf("errors %+v", c)
			}
		}
	}
}

func TestMarkdown(t *testing.T) {
	md := sampleReport().Markdown()
	for _, want := range []string{
		"Measured 2026-11-26 03:00 UTC on 2 cores (`nproc`), go1.26.8, SQLite backend.",
		"Command: `nurture bench all`",
		"before the run: 1.00 1.00 1.00; after: 2.00 1.50 1.00",
		"| Mixed 70/30 | 60000 | 6000 | 5.0 ms | 10.0 ms | 20.0 ms | 40.0 ms | 0 | 60.0 MB (anon 30.0 MB) |",
		"| Writes only | 20000 | 2000 | 10.0 ms | 20.0 ms | 40.0 ms | 80.0 ms | 3 (2×422, 1×500) | 90.0 MB |",
		"| home (20 %) | 12000 | 1200 |",
		"| Bare net/http | 50000 req/s |",
		"| Raw SQLite, one row per transaction (60000 tx) | 30000 tx/s |",
		"| Reads ÷ bare net/http (reads-only phase) | 16.0 % |",
		"| Writes ÷ raw SQLite tx (writes-only phase) | 6.7 % |",
		"| Server start 1: start-up to serving; idle RSS | 120.0 ms; 20.0 MB |",
		"| Peak RSS under load | ≤ 80.0 MB | 90.0 MB (anon 30.0 MB) | **miss**: 10.0 MB over |",
		"- Writes only: `POST /x → 422 'overlap'`",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q\n%s", want, md)
		}
	}
}

func TestSplicePreservesNotes(t *testing.T) {
	doc := Splice("# Benchmarks\n\nNotes.\n", "SQLite", "first\n")
	doc = Splice(doc, "PostgreSQL", "pg\n")
	doc = Splice(doc, "SQLite", "second\n")
	if strings.Contains(doc, "first") || !strings.Contains(doc, "second") || !strings.Contains(doc, "pg\n") ||
		!strings.HasPrefix(doc, "# Benchmarks\n\nNotes.\n") || strings.Count(doc, "## Latest run: SQLite") != 1 {
		t.Fatalf("splice:\n%s", doc)
	}
	path := filepath.Join(t.TempDir(), "BENCHMARKS.md")
	if err := WriteMarkdown(path, sampleReport()); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if !strings.Contains(string(b), "<!-- bench:sqlite:begin -->") {
		t.Fatal("no markers")
	}
}

func TestParseWrk(t *testing.T) {
	out := `Running 8s test @ http://127.0.0.1:35473/
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.20ms    2.10ms  40.00ms   90.00%
  Latency Distribution
     50%  215.00us
     75%    1.10ms
     90%    3.80ms
     99%   24.40ms
  193840 requests in 8.00s, 23.66MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 5
Requests/sec:  24230.00
Transfer/sec:      2.96MB
`
	r, err := parseWrk(out)
	if err != nil {
		t.Fatal(err)
	}
	if r.Requests != 193840 || r.PerSecond != 24230 || r.Bad != 8 {
		t.Errorf("got %d requests, %.0f/s, %d bad", r.Requests, r.PerSecond, r.Bad)
	}
	if r.P50 != 215*time.Microsecond || r.P90 != 3800*time.Microsecond || r.P99 != 24400*time.Microsecond {
		t.Errorf("percentiles %v %v %v", r.P50, r.P90, r.P99)
	}
	if _, err := parseWrk("nothing"); err == nil {
		t.Error("no figures should be an error")
	}
}

func TestSideChecks(t *testing.T) {
	rs := []WrkResult{{Name: SideHello, PerSecond: 1000}, {Name: SideBareList, PerSecond: 100}, {Name: SideList, PerSecond: 95},
		{Name: SideListRepeat, PerSecond: 150}, {Name: SideTouchPOST, PerSecond: 200, Bad: 1}}
	got := map[string]bool{}
	for _, c := range SideChecks(rs) {
		got[c.What] = c.Pass
	}
	want := map[string]bool{"List, cold": true, "List, repeated (If-None-Match)": false, "Touch entry POST": false}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: pass %v, want %v", k, got[k], v)
		}
	}
	if md := SideMarkdown(rs, WrkOptions{Threads: 2, Conns: 32, Duration: time.Second}); !strings.Contains(md, "| 95 % |") {
		t.Errorf("the cold list is not compared with the bare stack:\n%s", md)
	}
}
