package bench

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"
)

// Report is everything one `nurture bench all` run measured.
type Report struct {
	Date      time.Time
	NProc     int
	GoVersion string
	Command   string
	Backend   string // "SQLite" or "PostgreSQL"
	Families  int
	Months    int
	Seed      SeedStats
	Workers   int
	Duration  time.Duration // of each load phase
	// LoadAvg is /proc/loadavg before and after the run: other work on
	// the machine skews every figure.
	LoadAvg [2]string
	// SeedReused is set when the data was seeded by an earlier run.
	SeedReused bool

	Startup []time.Duration // per instance, exec to first /healthz 200
	IdleRSS []int64         // per instance, after start-up

	Mixed  *LoadResult // the 70/30 mix at maximum rate
	Reads  *LoadResult // reads of the mix only
	Writes *LoadResult // writes of the mix only
	Bare   *LoadResult // bare net/http, same attacker
	SQLite *SQLiteResult

	// Scale is the mixed load against 1, 2, … instances (PostgreSQL).
	Scale []LoadResult

	// Side are the side-by-side runs with wrk (issue 22), Wrk their
	// settings; SideNote says why they are missing, if they are.
	Side     []WrkResult
	Wrk      WrkOptions
	SideNote string
}

// Targets of issue 9.
const (
	TargetRPS        = 5000
	TargetP99        = 25 * time.Millisecond
	TargetReadRatio  = 0.10
	TargetWriteRatio = 0.30
	TargetPeakRSS    = 80 << 20
	TargetIdleRSS    = 30 << 20
	TargetStartup    = 300 * time.Millisecond
)

// LoadAvg reads the first three fields of /proc/loadavg.
func LoadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

// Ratio is a/b, 0 when b is 0.
func Ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// Check is one target and how the run did against it.
type Check struct {
	What, Target, Got string
	Pass              bool
	Miss              string // by how much, when missed
}

func mb(b int64) string { return fmt.Sprintf("%.1f MB", float64(b)/(1<<20)) }

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }

func maxOf(v []int64) int64 {
	if len(v) == 0 {
		return 0
	}
	return slices.Max(v)
}

// Checks compares the report with the targets; missing parts are left out.
func (r Report) Checks() []Check {
	var out []Check
	lower := func(what, target, got string, ok bool, miss string) {
		c := Check{What: what, Target: target, Got: got, Pass: ok}
		if !ok {
			c.Miss = miss
		}
		out = append(out, c)
	}
	if m := r.Mixed; m != nil {
		rps := m.All.PerSecond()
		lower("Mixed load throughput", fmt.Sprintf("≥ %d req/s", TargetRPS), fmt.Sprintf("%.0f req/s", rps), rps >= TargetRPS,
			fmt.Sprintf("%.0f %% of target (%.1f× short)", 100*rps/TargetRPS, Ratio(TargetRPS, rps)))
		lower("Mixed load p99", "≤ "+ms(TargetP99), ms(m.All.P99), m.All.P99 <= TargetP99,
			fmt.Sprintf("%.1f× over", Ratio(float64(m.All.P99), float64(TargetP99))))
		errs := m.All.Errors
		lower("Mixed load errors", "0", fmt.Sprint(errs), errs == 0, fmt.Sprintf("%d errors %v", errs, m.All.ErrorsBy))
	}
	if r.Reads != nil && r.Bare != nil {
		q := Ratio(r.Reads.All.PerSecond(), r.Bare.All.PerSecond())
		lower("Reads ÷ bare net/http", fmt.Sprintf("≥ %.0f %%", 100*TargetReadRatio), fmt.Sprintf("%.1f %%", 100*q), q >= TargetReadRatio,
			fmt.Sprintf("%.1f points short", 100*(TargetReadRatio-q)))
	}
	if r.Writes != nil && r.SQLite != nil {
		q := Ratio(r.Writes.All.PerSecond(), r.SQLite.PerSecond())
		lower("Writes ÷ raw SQLite tx", fmt.Sprintf("≥ %.0f %%", 100*TargetWriteRatio), fmt.Sprintf("%.1f %%", 100*q), q >= TargetWriteRatio,
			fmt.Sprintf("%.1f points short (%.1f× short)", 100*(TargetWriteRatio-q), Ratio(TargetWriteRatio, q)))
	}
	var peak, anon int64
	for _, l := range []*LoadResult{r.Mixed, r.Reads, r.Writes} {
		if l != nil {
			peak, anon = max(peak, maxOf(l.PeakRSS)), max(anon, maxOf(l.PeakAnon))
		}
	}
	if peak > 0 {
		got := mb(peak)
		if anon > 0 {
			got += " (anon " + mb(anon) + ")"
		}
		lower("Peak RSS under load", "≤ "+mb(TargetPeakRSS), got, peak <= TargetPeakRSS,
			fmt.Sprintf("%s over", mb(peak-TargetPeakRSS)))
	}
	if idle := maxOf(r.IdleRSS); idle > 0 {
		lower("Idle RSS", "≤ "+mb(TargetIdleRSS), mb(idle), idle <= TargetIdleRSS, fmt.Sprintf("%s over", mb(idle-TargetIdleRSS)))
	}
	if len(r.Startup) > 0 {
		s := slices.Max(r.Startup)
		lower("Start-up to serving", "≤ "+ms(TargetStartup), ms(s), s <= TargetStartup,
			fmt.Sprintf("%.1f× over", Ratio(float64(s), float64(TargetStartup))))
	}
	return out
}

// loadRow is one line of a load table.
func loadRow(name string, s Stats, peak []int64, anon ...int64) string {
	rss := "—"
	if len(peak) > 0 {
		parts := make([]string, len(peak))
		for i, p := range peak {
			parts[i] = mb(p)
			if i < len(anon) && anon[i] > 0 {
				parts[i] += " (anon " + mb(anon[i]) + ")"
			}
		}
		rss = strings.Join(parts, " + ")
	}
	return fmt.Sprintf("| %s | %d | %.0f | %s | %s | %s | %s | %s | %s |\n", name, s.Requests, s.PerSecond(), ms(s.P50), ms(s.P90), ms(s.P99),
		ms(s.Max), errorText(s), rss)
}

func errorText(s Stats) string {
	if s.Errors == 0 {
		return "0"
	}
	keys := make([]string, 0, len(s.ErrorsBy))
	for k := range s.ErrorsBy {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%d×%s", s.ErrorsBy[k], k)
	}
	return fmt.Sprintf("%d (%s)", s.Errors, strings.Join(parts, ", "))
}

const loadHeader = "| Load | Requests | req/s | p50 | p90 | p99 | max | Errors (by status) | Server peak RSS (anonymous) |\n|---|---:|---:|---:|---:|---:|---:|---|---:|\n"

// Markdown renders the report as the section of BENCHMARKS.md.
func (r Report) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Measured %s on %d cores (`nproc`), %s, %s backend.\n\n", r.Date.UTC().Format("2006-01-02 15:04 MST"), r.NProc, r.GoVersion, r.Backend)
	fmt.Fprintf(&b, "Command: `%s`\n\n", r.Command)
	if r.LoadAvg[0] != "" {
		fmt.Fprintf(&b, "Machine load average (1, 5, 15 min) before the run: %s; after: %s.\n\n", r.LoadAvg[0], r.LoadAvg[1])
	}
	if r.Seed.Families > 0 && !r.SeedReused {
		fmt.Fprintf(&b, "Data: %d families × %d months — %d caregivers, %d babies, %d sessions (%d steps), %d touch/sleep/crying entries; %d rows seeded in %.1f s (%.0f rows/s).\n\n",
			r.Seed.Families, r.Months, r.Seed.Members, r.Seed.Babies, r.Seed.Sessions, r.Seed.Steps, r.Seed.Entries,
			r.Seed.Rows(), r.Seed.Duration.Seconds(), Ratio(float64(r.Seed.Rows()), r.Seed.Duration.Seconds()))
	} else if r.Families > 0 {
		fmt.Fprintf(&b, "Data: %d families × %d months, seeded by an earlier run and reused (the server starts on an existing database).\n\n", r.Families, r.Months)
	}
	fmt.Fprintf(&b, "Each load phase runs %s at maximum rate with %d requests in flight (vegeta, on the same cores as the server); any status outside 2xx counts as an error.\n\n",
		r.Duration, r.Workers)
	b.WriteString(loadHeader)
	for _, l := range []*LoadResult{r.Mixed, r.Reads, r.Writes} {
		if l != nil {
			b.WriteString(loadRow(l.Name, l.All, l.PeakRSS, l.PeakAnon...))
		}
	}
	if m := r.Mixed; m != nil {
		b.WriteString(loadRow(m.Name+": reads", m.Reads, nil))
		b.WriteString(loadRow(m.Name+": writes", m.Writes, nil))
	}
	for _, l := range r.Scale {
		b.WriteString(loadRow(l.Name, l.All, l.PeakRSS, l.PeakAnon...))
	}
	if r.Bare != nil {
		b.WriteString(loadRow(r.Bare.Name, r.Bare.All, r.Bare.PeakRSS, r.Bare.PeakAnon...))
	}
	b.WriteString("\n")
	if m := r.Mixed; m != nil && len(m.ByOp) > 0 {
		b.WriteString("Mixed load by request:\n\n" + loadHeader)
		for _, w := range MixedLoad {
			if s, ok := m.ByOp[w.Op]; ok {
				b.WriteString(loadRow(fmt.Sprintf("%s (%d %%)", w.Op, w.Weight), s, nil))
			}
		}
		b.WriteString("\n")
	}
	b.WriteString("Baselines and ratios:\n\n| Figure | Value |\n|---|---:|\n")
	if r.Bare != nil {
		fmt.Fprintf(&b, "| Bare net/http | %.0f req/s |\n", r.Bare.All.PerSecond())
	}
	if r.SQLite != nil {
		fmt.Fprintf(&b, "| Raw SQLite, one row per transaction (%d tx) | %.0f tx/s |\n", r.SQLite.Transactions, r.SQLite.PerSecond())
	}
	if r.Reads != nil && r.Bare != nil {
		fmt.Fprintf(&b, "| Reads ÷ bare net/http (reads-only phase) | %.1f %% |\n", 100*Ratio(r.Reads.All.PerSecond(), r.Bare.All.PerSecond()))
	}
	if r.Mixed != nil && r.Bare != nil {
		fmt.Fprintf(&b, "| Mixed load ÷ bare net/http | %.1f %% |\n", 100*Ratio(r.Mixed.All.PerSecond(), r.Bare.All.PerSecond()))
	}
	if r.Writes != nil && r.SQLite != nil {
		fmt.Fprintf(&b, "| Writes ÷ raw SQLite tx (writes-only phase) | %.1f %% |\n", 100*Ratio(r.Writes.All.PerSecond(), r.SQLite.PerSecond()))
	}
	if r.Mixed != nil && r.SQLite != nil {
		fmt.Fprintf(&b, "| Writes within the mix ÷ raw SQLite tx | %.1f %% |\n", 100*Ratio(r.Mixed.Writes.PerSecond(), r.SQLite.PerSecond()))
	}
	for i, s := range r.Startup {
		fmt.Fprintf(&b, "| Server start %d: start-up to serving; idle RSS | %s; %s |\n", i+1, ms(s), mb(at(r.IdleRSS, i)))
	}
	b.WriteString("\n")
	if cs := r.Checks(); len(cs) > 0 {
		b.WriteString("Targets (issue 9):\n\n| Target | Wanted | Got | Result |\n|---|---|---|---|\n")
		for _, c := range cs {
			res := "pass"
			if !c.Pass {
				res = "**miss**: " + c.Miss
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", c.What, c.Target, c.Got, res)
		}
		b.WriteString("\n")
	}
	if len(r.Side) > 0 {
		b.WriteString(SideMarkdown(r.Side, r.Wrk))
	} else if r.SideNote != "" {
		b.WriteString(r.SideNote + "\n\n")
	}
	var errs []string
	for _, l := range append([]*LoadResult{r.Mixed, r.Reads, r.Writes}, ptrs(r.Scale)...) {
		if l != nil {
			for _, e := range l.FirstErrors {
				errs = append(errs, "- "+l.Name+": `"+strings.ReplaceAll(e, "`", "'")+"`")
			}
		}
	}
	if len(errs) > 0 {
		b.WriteString("First errors seen:\n\n" + strings.Join(errs, "\n") + "\n\n")
	}
	return b.String()
}

func at(v []int64, i int) int64 {
	if i < len(v) {
		return v[i]
	}
	return 0
}

func ptrs(l []LoadResult) []*LoadResult {
	out := make([]*LoadResult, len(l))
	for i := range l {
		out[i] = &l[i]
	}
	return out
}

// Section markers in BENCHMARKS.md: a run replaces what is between the
// markers of its backend and leaves the rest (the notes) alone.
func markers(backend string) (begin, end string) {
	key := strings.ToLower(backend)
	return "<!-- bench:" + key + ":begin -->", "<!-- bench:" + key + ":end -->"
}

// Splice puts section between the backend's markers in doc, appending a
// titled section when the markers are missing.
func Splice(doc, backend, section string) string {
	begin, end := markers(backend)
	i, j := strings.Index(doc, begin), strings.Index(doc, end)
	block := begin + "\n" + section + end
	if i >= 0 && j > i {
		return doc[:i] + block + doc[j+len(end):]
	}
	if doc != "" && !strings.HasSuffix(doc, "\n") {
		doc += "\n"
	}
	return doc + "\n## Latest run: " + backend + "\n\n" + block + "\n"
}

// WriteMarkdown updates path (BENCHMARKS.md) with the report.
func WriteMarkdown(path string, r Report) error {
	old, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	doc := string(old)
	if doc == "" {
		doc = "# Benchmarks\n\nGenerated by `make bench` (`nurture bench all`); the sections between the markers are rewritten by each run.\n"
	}
	return os.WriteFile(path, []byte(Splice(doc, r.Backend, r.Markdown())), 0o644)
}
