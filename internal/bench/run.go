package bench

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"nurture/internal/content"
)

// AllOptions configure `nurture bench all`.
type AllOptions struct {
	Exe         string   // the nurture binary that serves (normally this one)
	ServerArgs  []string // extra flags for serve
	ServerEnv   []string
	Families    int
	Months      int
	DataDir     string // SQLite; a temporary directory when empty
	DatabaseURL string // PostgreSQL instead of SQLite
	Instances   int    // servers on PostgreSQL for the scale-out
	Duration    time.Duration
	Workers     int
	Users       int
	Output      string // BENCHMARKS.md, or "" to write nothing
	Command     string
	Keep        bool // keep the temporary directory
	// Seeder runs the seed with a progress bar; returns tokens and stats.
	// reused is true when it found data seeded by an earlier run.
	Seeder func(ctx context.Context, dataDir, databaseURL string) (tok Tokens, stats SeedStats, reused bool, err error)
	// During, if set, runs alongside the mixed load with the server pids
	// (e.g. to take a profile).
	During func(ctx context.Context, urls []string, pids []int)
	Log    io.Writer
	// Wrk sets the side-by-side runs (issue 22); zero Threads skips them.
	Wrk WrkOptions
	// SideOnly runs the side-by-side runs and nothing else (no vegeta
	// phases, no baselines of issue 9).
	SideOnly bool
	// SideRuns, when set, limits the side-by-side runs to those whose
	// name holds one of these words (hello always runs: the ratios need
	// it). For comparing two builds on one kind of request.
	SideRuns []string
}

// LibraryTargets lists the library's stroke ids and routines for the mix.
func LibraryTargets() (strokes []string, routines map[string][]string, err error) {
	lib, err := content.Load()
	if err != nil {
		return nil, nil, err
	}
	for _, s := range lib.Strokes(content.AllStrokes) {
		strokes = append(strokes, s.ID)
	}
	routines = map[string][]string{}
	for _, r := range lib.Routines() {
		for _, st := range r.Steps {
			routines[r.ID] = append(routines[r.ID], st.StrokeID)
		}
	}
	return strokes, routines, nil
}

// PickUsers takes n users spread over the families: the first caregiver of
// every family, then the second, and so on.
func PickUsers(all []User, n int) []User {
	if n <= 0 || n >= len(all) {
		return all
	}
	byFamily := map[string][]User{}
	var order []string
	for _, u := range all {
		if _, ok := byFamily[u.Family]; !ok {
			order = append(order, u.Family)
		}
		byFamily[u.Family] = append(byFamily[u.Family], u)
	}
	var out []User
	for round := 0; len(out) < n; round++ {
		added := false
		for _, f := range order {
			if us := byFamily[f]; round < len(us) {
				out = append(out, us[round])
				added = true
				if len(out) == n {
					break
				}
			}
		}
		if !added {
			break
		}
	}
	return out
}

// All seeds, starts the server(s), runs the loads and the baselines, and
// writes the report.
func All(ctx context.Context, o AllOptions) (Report, error) {
	logf := func(format string, args ...any) { fmt.Fprintf(o.Log, format+"\n", args...) }
	r := Report{Date: time.Now(), NProc: runtime.NumCPU(), GoVersion: runtime.Version(), Command: o.Command,
		Backend: "SQLite", Families: o.Families, Months: o.Months, Workers: o.Workers, Duration: o.Duration}
	r.LoadAvg[0] = LoadAvg()
	defer func() { r.LoadAvg[1] = LoadAvg() }()
	pg := o.DatabaseURL != ""
	if pg {
		r.Backend = "PostgreSQL"
	}
	dir := o.DataDir
	if dir == "" {
		d, err := os.MkdirTemp("", "nurture-bench-")
		if err != nil {
			return r, err
		}
		dir = d
		if !o.Keep {
			defer os.RemoveAll(dir)
		} else {
			logf("keeping %s", dir)
		}
	}
	tok, stats, reused, err := o.Seeder(ctx, dir, o.DatabaseURL)
	if err != nil {
		return r, err
	}
	r.Seed, r.SeedReused = stats, reused
	if reused {
		if tok.Families > 0 {
			r.Families, r.Months = tok.Families, tok.Months
		}
		logf("reusing the data seeded in %s (%d families × %d months)", dir, r.Families, r.Months)
	} else {
		logf("seeded %d rows in %.1f s", stats.Rows(), stats.Duration.Seconds())
	}
	strokes, routines, err := LibraryTargets()
	if err != nil {
		return r, err
	}
	users := PickUsers(tok.Users, o.Users)
	logFile, err := os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		return r, err
	}
	defer logFile.Close()

	start := func(n int) ([]*Child, error) {
		var cs []*Child
		for i := 0; i < n; i++ {
			args := append([]string{"serve", "--addr", "127.0.0.1:0"}, o.ServerArgs...)
			if pg {
				args = append(args, "--database-url", o.DatabaseURL, "--data", filepath.Join(dir, fmt.Sprintf("instance-%d", i+1)))
			} else {
				args = append(args, "--data", dir)
			}
			c, err := Start(ctx, o.Exe, args, o.ServerEnv, "/healthz", logFile)
			if err != nil {
				stopAll(cs)
				return nil, err
			}
			cs = append(cs, c)
		}
		time.Sleep(time.Second) // let start-up garbage settle before reading idle RSS
		for _, c := range cs {
			m, _ := ReadMem(c.PID)
			rss := m.RSS
			r.Startup = append(r.Startup, c.Startup)
			r.IdleRSS = append(r.IdleRSS, rss)
			logf("server pid %d at %s: up in %s, idle RSS %s", c.PID, c.URL, c.Startup.Round(time.Millisecond), mb(rss))
		}
		return cs, nil
	}
	attack := func(name string, cs []*Child, mix Mix, during bool) (LoadResult, error) {
		urls, pids := make([]string, len(cs)), make([]int, len(cs))
		for i, c := range cs {
			urls[i], pids[i] = c.URL, c.PID
		}
		t, err := NewTargets(urls, users, mix, tok, strokes, routines, time.Now())
		if err != nil {
			return LoadResult{}, err
		}
		logf("load %q: %s at max rate, %d in flight, %d users over %d instance(s)…", name, o.Duration, o.Workers, len(users), len(cs))
		if during && o.During != nil {
			go o.During(ctx, urls, pids)
		}
		res := Attack(ctx, t, LoadOptions{Name: name, Duration: o.Duration, Workers: o.Workers, PIDs: pids})
		logf("  %.0f req/s, p50 %s p90 %s p99 %s, %d errors, peak RSS %v", res.All.PerSecond(), ms(res.All.P50), ms(res.All.P90), ms(res.All.P99), res.All.Errors, mbs(res.PeakRSS))
		for _, e := range res.FirstErrors {
			logf("  error: %s", e)
		}
		return res, ctx.Err()
	}

	side := func() error {
		if o.Wrk.Threads == 0 {
			return nil
		}
		if !HaveWrk() {
			r.SideNote = "The side-by-side runs with wrk were skipped: wrk is not installed (`apt-get install -y wrk`)."
			logf("%s", r.SideNote)
			return nil
		}
		r.Wrk = o.Wrk
		startOne := func(cold bool) (*Child, error) {
			args := append([]string{"serve", "--addr", "127.0.0.1:0"}, o.ServerArgs...)
			if pg {
				args = append(args, "--database-url", o.DatabaseURL, "--data", filepath.Join(dir, "instance-side"))
			} else {
				args = append(args, "--data", dir)
			}
			env := append([]string{}, o.ServerEnv...)
			if cold {
				env = append(env, "NURTURE_ANSWER_CACHE=0")
			}
			return Start(ctx, o.Exe, args, env, "/healthz", logFile)
		}
		res, err := Side(ctx, SideOptions{Exe: o.Exe, DataDir: dir, DatabaseURL: o.DatabaseURL,
			Users: users, Strokes: strokes, Wrk: o.Wrk, Log: o.Log, Start: startOne, Only: o.SideRuns})
		r.Side = res
		return err
	}
	if o.SideOnly {
		r.Backend = "wrk " + r.Backend // its own section of BENCHMARKS.md
		err := side()
		if err == nil && o.Output != "" {
			r.LoadAvg[1] = LoadAvg()
			err = WriteMarkdown(o.Output, r)
		}
		return r, err
	}
	// The side-by-side runs first, each server on its own.
	if err := side(); err != nil {
		return r, err
	}
	if !pg {
		cs, err := start(1)
		if err != nil {
			return r, err
		}
		var m, rd, wr LoadResult
		if m, err = attack("Mixed 70/30", cs, MixedLoad, true); err == nil {
			if rd, err = attack("Reads only", cs, MixedLoad.Only(false), false); err == nil {
				wr, err = attack("Writes only", cs, MixedLoad.Only(true), false)
			}
		}
		stopAll(cs)
		if err != nil {
			return r, err
		}
		r.Mixed, r.Reads, r.Writes = &m, &rd, &wr
	} else {
		n := max(1, o.Instances)
		for k := 1; k <= n; k++ {
			if k > 1 && k != n {
				continue // one and the requested count
			}
			cs, err := start(k)
			if err != nil {
				return r, err
			}
			res, err := attack(fmt.Sprintf("Mixed 70/30, %d instance(s)", k), cs, MixedLoad, k == n)
			stopAll(cs)
			if err != nil {
				return r, err
			}
			r.Scale = append(r.Scale, res)
		}
	}

	bare, err := Start(ctx, o.Exe, []string{"bench", "bare-serve", "--addr", "127.0.0.1:0"}, nil, "/", io.Discard)
	if err != nil {
		return r, fmt.Errorf("bare baseline: %w", err)
	}
	logf("baseline: bare net/http for %s…", o.Duration)
	b := AttackBare(ctx, bare.URL, LoadOptions{Name: "Bare net/http", Duration: o.Duration, Workers: o.Workers, PIDs: []int{bare.PID}})
	bare.Stop()
	r.Bare = &b
	logf("  %.0f req/s, p99 %s", b.All.PerSecond(), ms(b.All.P99))
	if !pg {
		n := 10000
		if r.Writes != nil {
			n = max(n, r.Writes.All.Requests)
		}
		logf("baseline: raw SQLite, %d single-row transactions…", n)
		s, err := RawSQLite(ctx, dir, n)
		if err != nil {
			return r, fmt.Errorf("raw SQLite baseline: %w", err)
		}
		r.SQLite = &s
		logf("  %.0f tx/s", s.PerSecond())
	}
	r.LoadAvg[1] = LoadAvg()
	if o.Output != "" {
		if err := WriteMarkdown(o.Output, r); err != nil {
			return r, err
		}
		logf("wrote %s", o.Output)
	}
	return r, nil
}

func mbs(v []int64) []string {
	out := make([]string, len(v))
	for i, b := range v {
		out[i] = mb(b)
	}
	return out
}

func stopAll(cs []*Child) {
	for _, c := range cs {
		c.Stop()
	}
}
