package bench

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// LoadOptions shape one attack.
type LoadOptions struct {
	Name     string
	Duration time.Duration
	// Rate is requests per second; 0 means as fast as Workers allow.
	Rate int
	// Workers is the number of requests in flight at maximum rate (and
	// the cap at a fixed rate).
	Workers int
	// PIDs are server processes whose memory is sampled during the load.
	PIDs []int
}

// Stats summarises results: counts, latency percentiles and errors.
type Stats struct {
	Requests      int
	Errors        int
	Duration      time.Duration
	P50, P90, P99 time.Duration
	Max           time.Duration
	// ErrorsBy counts failed requests by status ("0" is a transport error).
	ErrorsBy map[string]int
}

// PerSecond is requests per second over the run.
func (s Stats) PerSecond() float64 {
	if s.Duration <= 0 {
		return 0
	}
	return float64(s.Requests) / s.Duration.Seconds()
}

// LoadResult is the outcome of one attack.
type LoadResult struct {
	Name          string
	All           Stats
	Reads, Writes Stats
	ByOp          map[Op]Stats
	// PeakRSS and EndRSS are per server process, in bytes: VmHWM at the
	// end of the run (the process's peak since start) and VmRSS then.
	PeakRSS, EndRSS []int64
	// PeakAnon is the largest RssAnon sampled: memory the process owns,
	// without file pages it maps (SQLite's mmap of the database counts
	// toward RSS but is page cache the kernel can drop).
	PeakAnon    []int64
	FirstErrors []string // a few distinct error bodies, for diagnosis
}

// Collector gathers latencies and errors; it is safe for one goroutine.
type Collector struct {
	lat         []time.Duration
	errors      int
	errorsBy    map[string]int
	first, last time.Time
}

// Add records one result. Any status outside 2xx is an error: no request
// of the mix should redirect (a redirect means the session was refused).
func (c *Collector) Add(code int, transportErr bool, at time.Time, latency time.Duration) bool {
	if c.errorsBy == nil {
		c.errorsBy = map[string]int{}
	}
	c.lat = append(c.lat, latency)
	if c.first.IsZero() || at.Before(c.first) {
		c.first = at
	}
	if end := at.Add(latency); end.After(c.last) {
		c.last = end
	}
	failed := transportErr || code < 200 || code > 299
	if failed {
		c.errors++
		c.errorsBy[strconv.Itoa(code)]++
	}
	return failed
}

// Stats computes the summary; duration is the attack's wall time (the
// collector's own span if zero).
func (c *Collector) Stats(duration time.Duration) Stats {
	s := Stats{Requests: len(c.lat), Errors: c.errors, ErrorsBy: c.errorsBy, Duration: duration}
	if s.Duration == 0 && !c.first.IsZero() {
		s.Duration = c.last.Sub(c.first)
	}
	if s.ErrorsBy == nil {
		s.ErrorsBy = map[string]int{}
	}
	if len(c.lat) == 0 {
		return s
	}
	l := slices.Clone(c.lat)
	slices.Sort(l)
	s.P50, s.P90, s.P99 = Percentile(l, 50), Percentile(l, 90), Percentile(l, 99)
	s.Max = l[len(l)-1]
	return s
}

// Percentile is the nearest-rank percentile of sorted latencies.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(p/100*float64(len(sorted))+0.999999999) - 1
	return sorted[max(0, min(rank, len(sorted)-1))]
}

// Attack runs one load with vegeta and classifies the results by op.
func Attack(ctx context.Context, t *Targets, o LoadOptions) LoadResult {
	if o.Workers < 1 {
		o.Workers = 32
	}
	atk := vegeta.NewAttacker(
		vegeta.Workers(uint64(o.Workers)), vegeta.MaxWorkers(uint64(o.Workers)),
		vegeta.Connections(o.Workers), vegeta.MaxConnections(o.Workers),
		vegeta.Redirects(vegeta.NoFollow), vegeta.KeepAlive(true), vegeta.Timeout(10*time.Second),
		vegeta.MaxBody(4096), // enough for an error body; pages are read and dropped
	)
	// Each result's op is told from its method and URL (ClassifyURL).
	pacer := vegeta.Pacer(vegeta.ConstantPacer{Freq: o.Rate, Per: time.Second})
	if o.Rate <= 0 {
		pacer = vegeta.ConstantPacer{} // max rate, bounded by the workers
	}
	mem := sampleRSS(o.PIDs)
	done := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			atk.Stop()
		case <-done:
		}
	}()
	var all, reads, writes Collector
	byOp := map[Op]*Collector{}
	var firstErrs []string
	start := time.Now()
	for res := range atk.Attack(t.Targeter(), pacer, o.Duration, o.Name) {
		op := ClassifyURL(res.Method, res.URL)
		failed := all.Add(int(res.Code), res.Error != "" && res.Code == 0, res.Timestamp, res.Latency)
		if op.Write() {
			writes.Add(int(res.Code), res.Error != "" && res.Code == 0, res.Timestamp, res.Latency)
		} else {
			reads.Add(int(res.Code), res.Error != "" && res.Code == 0, res.Timestamp, res.Latency)
		}
		c := byOp[op]
		if c == nil {
			c = &Collector{}
			byOp[op] = c
		}
		c.Add(int(res.Code), res.Error != "" && res.Code == 0, res.Timestamp, res.Latency)
		if failed && len(firstErrs) < 5 {
			msg := fmt.Sprintf("%s %s → %d %s %s", res.Method, res.URL, res.Code, res.Error, strings.TrimSpace(string(res.Body)))
			if len(msg) > 300 {
				msg = msg[:300]
			}
			if !slices.Contains(firstErrs, msg) {
				firstErrs = append(firstErrs, msg)
			}
		}
	}
	wall := time.Since(start)
	close(done)
	peak, end, anon := mem()
	r := LoadResult{Name: o.Name, All: all.Stats(wall), Reads: reads.Stats(wall), Writes: writes.Stats(wall),
		ByOp: map[Op]Stats{}, PeakRSS: peak, EndRSS: end, PeakAnon: anon, FirstErrors: firstErrs}
	for op, c := range byOp {
		r.ByOp[op] = c.Stats(wall)
	}
	return r
}

// ClassifyURL tells which op of the mix a request was.
func ClassifyURL(method, url string) Op {
	path := url
	if i := strings.Index(path, "://"); i >= 0 {
		path = path[i+3:]
		if j := strings.IndexByte(path, '/'); j >= 0 {
			path = path[j:]
		}
	}
	path, _, _ = strings.Cut(path, "?")
	switch {
	case method == "POST" && strings.HasSuffix(path, "/touch"):
		return OpTouch
	case method == "POST" && strings.HasSuffix(path, "/crying"):
		return OpCrying
	case method == "POST" && strings.HasSuffix(path, "/sessions"):
		return OpSession
	case strings.HasPrefix(path, "/api/") && strings.HasSuffix(path, "/insights"):
		return OpInsights
	case strings.HasPrefix(path, "/api/") && strings.HasSuffix(path, "/sessions"):
		return OpSessions
	case path == "/library":
		return OpLibrary
	case strings.HasPrefix(path, "/library/strokes/"):
		return OpStroke
	case strings.HasSuffix(path, "/day"):
		return OpDay
	case strings.HasPrefix(path, "/babies/"):
		return OpHome
	}
	return Op("other")
}

// sampleRSS watches the processes' memory every 100 ms until the
// returned function is called, which gives each process's peak (the
// larger of VmHWM and the sampled VmRSS), last VmRSS and peak RssAnon,
// in bytes.
func sampleRSS(pids []int) func() (peak, last, anon []int64) {
	peak, last, anon := make([]int64, len(pids)), make([]int64, len(pids)), make([]int64, len(pids))
	if len(pids) == 0 {
		return func() ([]int64, []int64, []int64) { return nil, nil, nil }
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	sample := func() {
		mu.Lock()
		defer mu.Unlock()
		for i, pid := range pids {
			m, err := ReadMem(pid)
			if err != nil {
				continue
			}
			peak[i] = max(peak[i], m.RSS, m.HWM)
			last[i] = m.RSS
			anon[i] = max(anon[i], m.Anon)
		}
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			sample()
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	return func() ([]int64, []int64, []int64) {
		close(stop)
		wg.Wait()
		sample()
		return peak, last, anon
	}
}

// Mem is a process's memory from /proc/PID/status, in bytes.
type Mem struct {
	RSS, HWM, Anon, File int64 // VmRSS, VmHWM, RssAnon, RssFile
}

// ReadMem reads a process's memory figures from /proc.
func ReadMem(pid int) (Mem, error) {
	var m Mem
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return m, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		for _, k := range []struct {
			key string
			dst *int64
		}{{"VmRSS:", &m.RSS}, {"VmHWM:", &m.HWM}, {"RssAnon:", &m.Anon}, {"RssFile:", &m.File}} {
			if v, ok := strings.CutPrefix(line, k.key); ok {
				kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
				*k.dst = kb * 1024
			}
		}
	}
	return m, sc.Err()
}
