package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/schollz/progressbar/v3"

	"nurture/internal/bench"
	"nurture/internal/config"
	"nurture/internal/content"
	"nurture/internal/store"
)

func init() {
	commands["bench"] = command{"bench seed|load|baseline|all", "measure Nurture under load (see BENCHMARKS.md)", benchCmd}
}

const benchUsage = `Usage: nurture bench COMMAND [flags]

  seed       generate realistic families straight into the store
  load       drive running server(s) with the mixed load
  baseline   measure bare net/http and raw SQLite on this machine
  all        seed a temporary database, start the server, load, baselines,
             the side-by-side runs with wrk, and write the tables into
             BENCHMARKS.md (what make bench runs)
  side       only the side-by-side runs with wrk (bare hello, bare stack
             list, Nurture's list, pages and writes); same flags as all

Run "nurture bench COMMAND -h" for its flags.
`

func benchCmd(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, benchUsage)
		return nil
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	sub, rest := args[0], args[1:]
	switch sub {
	case "seed":
		return benchSeed(ctx, rest, stdout, stderr)
	case "load":
		return benchLoad(ctx, rest, stdout, stderr)
	case "baseline":
		return benchBaseline(ctx, rest, stdout, stderr)
	case "all":
		return benchAll(ctx, rest, stdout, stderr)
	case "bare-serve": // the bare net/http baseline, run as a child process
		fs := flag.NewFlagSet("bench bare-serve", flag.ContinueOnError)
		addr := fs.String("addr", "127.0.0.1:0", "address to listen on")
		if err := fs.Parse(rest); err != nil {
			return err
		}
		return bench.ServeBare(ctx, *addr, stdout)
	case "bare-list-serve": // the bare stack doing the list, as a child process
		fs := flag.NewFlagSet("bench bare-list-serve", flag.ContinueOnError)
		addr := fs.String("addr", "127.0.0.1:0", "address to listen on")
		data := fs.String("data", ".", "SQLite data directory (DIR/nurture.db)")
		dsn := fs.String("database-url", "", "PostgreSQL instead")
		if err := fs.Parse(rest); err != nil {
			return err
		}
		return bench.ServeBareList(ctx, *addr, *data, *dsn, stdout)
	case "side":
		return benchAll(ctx, append([]string{"--side-only"}, rest...), stdout, stderr)
	}
	return fmt.Errorf("unknown bench command %q\n\n%s", sub, benchUsage)
}

// defaultTokens is where the seed leaves the secrets for the load.
func defaultTokens(dataDir, databaseURL string) string {
	if databaseURL != "" {
		return "bench-tokens.json"
	}
	return filepath.Join(dataDir, "bench-tokens.json")
}

// runSeed seeds an open-able store with a progress bar on stderr.
func runSeed(ctx context.Context, dataDir, databaseURL, tokensPath string, families, months int, seed uint64, stderr io.Writer) (bench.Tokens, bench.SeedStats, error) {
	st, err := store.Open(ctx, store.Options{DataDir: dataDir, DatabaseURL: databaseURL})
	if err != nil {
		return bench.Tokens{}, bench.SeedStats{}, err
	}
	defer st.Close()
	lib, err := content.Load()
	if err != nil {
		return bench.Tokens{}, bench.SeedStats{}, err
	}
	workers := 1 // SQLite has one writer
	if st.Dialect() == store.Postgres {
		workers = 4
	}
	bar := progressbar.NewOptions(families, progressbar.OptionSetWriter(stderr), progressbar.OptionSetDescription("seeding families"),
		progressbar.OptionShowCount(), progressbar.OptionSetPredictTime(true), progressbar.OptionClearOnFinish(),
		progressbar.OptionThrottle(200*time.Millisecond))
	tok, stats, err := bench.Seed(ctx, st, lib, bench.SeedOptions{Families: families, Months: months, Seed: seed, Workers: workers,
		Progress: func() { bar.Add(1) }})
	bar.Finish()
	if err != nil {
		return tok, stats, err
	}
	if err := bench.WriteTokens(tokensPath, tok); err != nil {
		return tok, stats, err
	}
	return tok, stats, nil
}

func benchSeed(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var families, months int
	var tokens string
	var seed uint64
	c, _, err := config.ParseWith("bench seed", args, os.Getenv, func(fs *flag.FlagSet) {
		fs.IntVar(&families, "families", 1000, "families to generate")
		fs.IntVar(&months, "months", 6, "months of history per baby")
		fs.StringVar(&tokens, "tokens", "", "where to write the users' secrets for the load (default DATA/bench-tokens.json, or ./bench-tokens.json on PostgreSQL)")
		fs.Uint64Var(&seed, "seed", uint64(time.Now().UnixNano()), "random seed")
	})
	if err != nil {
		return err
	}
	if families < 1 || months < 1 {
		return errors.New("--families and --months must be at least 1")
	}
	if tokens == "" {
		tokens = defaultTokens(c.DataDir, c.DatabaseURL)
	}
	_, stats, err := runSeed(ctx, c.DataDir, c.DatabaseURL, tokens, families, months, seed, stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "seeded %d families (%d caregivers, %d babies, %d sessions with %d steps, %d entries): %d rows in %.1f s (%.0f rows/s)\n",
		stats.Families, stats.Members, stats.Babies, stats.Sessions, stats.Steps, stats.Entries, stats.Rows(), stats.Duration.Seconds(),
		float64(stats.Rows())/stats.Duration.Seconds())
	fmt.Fprintf(stdout, "secrets for the load are in %s (mode 0600; keep it private)\n", tokens)
	return nil
}

func parsePIDs(s string) ([]int, error) {
	var out []int
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		n, err := strconv.Atoi(p)
		if err != nil {
			return nil, fmt.Errorf("--pid: %q is not a process id", p)
		}
		out = append(out, n)
	}
	return out, nil
}

func benchLoad(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench load", flag.ContinueOnError)
	urls := fs.String("url", "http://127.0.0.1:8080", "server URL(s), comma-separated; users are spread over them")
	duration := fs.Duration("duration", 30*time.Second, "how long to load")
	rate := fs.String("rate", "max", `requests per second, or "max"`)
	users := fs.Int("users", 200, "logged-in users taking part (from the seed's tokens)")
	workers := fs.Int("workers", 32, "requests in flight (at max rate; the cap at a fixed rate)")
	tokens := fs.String("tokens", "./nurture-data/bench-tokens.json", "the seed's secrets file")
	pids := fs.String("pid", "", "server process id(s), comma-separated, to sample peak RSS")
	mixName := fs.String("mix", "mixed", "mixed (70 % reads / 30 % writes), reads or writes")
	if err := fs.Parse(args); err != nil {
		return err
	}
	r := 0
	if *rate != "max" {
		n, err := strconv.Atoi(*rate)
		if err != nil || n < 1 {
			return fmt.Errorf(`--rate: want a positive number or "max", got %q`, *rate)
		}
		r = n
	}
	mix := bench.MixedLoad
	switch *mixName {
	case "mixed":
	case "reads":
		mix = mix.Only(false)
	case "writes":
		mix = mix.Only(true)
	default:
		return fmt.Errorf("--mix: want mixed, reads or writes")
	}
	pl, err := parsePIDs(*pids)
	if err != nil {
		return err
	}
	tok, err := bench.ReadTokens(*tokens)
	if err != nil {
		return err
	}
	strokes, routines, err := bench.LibraryTargets()
	if err != nil {
		return err
	}
	t, err := bench.NewTargets(strings.Split(*urls, ","), bench.PickUsers(tok.Users, *users), mix, tok, strokes, routines, time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "loading %s for %s (rate %s, %d in flight, %d users)…\n", *urls, *duration, *rate, *workers, len(t.Users))
	res := bench.Attack(ctx, t, bench.LoadOptions{Name: "Load (" + *mixName + ")", Duration: *duration, Rate: r, Workers: *workers, PIDs: pl})
	rep := bench.Report{Date: time.Now(), Duration: *duration, Workers: *workers}
	if *mixName == "mixed" {
		rep.Mixed = &res
	} else {
		rep.Scale = []bench.LoadResult{res}
	}
	fmt.Fprint(stdout, rep.Markdown())
	if res.All.Errors > 0 {
		return fmt.Errorf("%d requests failed", res.All.Errors)
	}
	return nil
}

func benchBaseline(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench baseline", flag.ContinueOnError)
	duration := fs.Duration("duration", 20*time.Second, "how long to load the bare net/http server")
	workers := fs.Int("workers", 32, "requests in flight")
	txs := fs.Int("sqlite-tx", 50000, "single-row transactions for the raw SQLite baseline")
	dir := fs.String("dir", "", "directory for the SQLite file (default a temporary one)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	bare, err := bench.Start(ctx, exe, []string{"bench", "bare-serve", "--addr", "127.0.0.1:0"}, nil, "/", io.Discard)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "bare net/http for %s…\n", *duration)
	b := bench.AttackBare(ctx, bare.URL, bench.LoadOptions{Name: "Bare net/http", Duration: *duration, Workers: *workers, PIDs: []int{bare.PID}})
	bare.Stop()
	d := *dir
	if d == "" {
		if d, err = os.MkdirTemp("", "nurture-baseline-"); err != nil {
			return err
		}
		defer os.RemoveAll(d)
	}
	fmt.Fprintf(stderr, "raw SQLite, %d transactions…\n", *txs)
	s, err := bench.RawSQLite(ctx, d, *txs)
	if err != nil {
		return err
	}
	rep := bench.Report{Date: time.Now(), Duration: *duration, Workers: *workers, Bare: &b, SQLite: &s}
	fmt.Fprint(stdout, rep.Markdown())
	return nil
}

func benchAll(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench all", flag.ContinueOnError)
	o := bench.AllOptions{Log: stderr}
	fs.IntVar(&o.Families, "families", 1000, "families to seed")
	fs.IntVar(&o.Months, "months", 6, "months of history per baby")
	fs.StringVar(&o.DataDir, "data", "", "SQLite data directory: reused if it holds a database and bench-tokens.json from an earlier seed, else seeded and kept (default: a temporary directory, removed after)")
	fs.StringVar(&o.DatabaseURL, "database-url", "", "run on this PostgreSQL database (seeded, then loaded) instead of a temporary SQLite one")
	fs.IntVar(&o.Instances, "instances", 2, "PostgreSQL: servers for the scale-out run (one is always measured first)")
	fs.DurationVar(&o.Duration, "duration", 20*time.Second, "length of each load phase and of the bare baseline")
	fs.IntVar(&o.Workers, "workers", 32, "requests in flight")
	fs.IntVar(&o.Users, "users", 200, "logged-in users taking part")
	fs.StringVar(&o.Output, "out", "BENCHMARKS.md", `file to write the results into ("" for none)`)
	fs.BoolVar(&o.Keep, "keep", false, "keep the temporary data directory (server log, database)")
	serverBin := fs.String("server-bin", "", "binary to run as the server (default this one), e.g. a build with pprof")
	pprofURL := fs.String("pprof", "", "base URL of the server's net/http/pprof (e.g. http://127.0.0.1:6060): take CPU and allocation profiles during the mixed load")
	profDir := fs.String("profile-dir", ".", "where to write cpu.pprof and allocs.pprof")
	seed := fs.Uint64("seed", 1, "random seed of the data")
	fs.IntVar(&o.Wrk.Threads, "wrk-threads", 2, "wrk threads of the side-by-side runs (0 skips them)")
	fs.IntVar(&o.Wrk.Conns, "wrk-connections", 32, "wrk connections of the side-by-side runs")
	fs.DurationVar(&o.Wrk.Duration, "wrk-duration", 10*time.Second, "length of each side-by-side run")
	fs.BoolVar(&o.SideOnly, "side-only", false, "run only the side-by-side runs with wrk")
	only := fs.String("only", "", `with --side-only: run only hello and the runs whose name holds one of these comma-separated words (e.g. "post,library")`)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *only != "" {
		o.SideRuns = strings.Split(*only, ",")
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	o.Exe = exe
	if *serverBin != "" {
		o.Exe = *serverBin
	}
	o.Command = "nurture bench all " + strings.Join(args, " ")
	if o.DatabaseURL != "" {
		o.Command = "nurture bench all " + redactDSN(args)
	}
	o.Seeder = func(ctx context.Context, dir, dsn string) (bench.Tokens, bench.SeedStats, bool, error) {
		path := filepath.Join(dir, "bench-tokens.json")
		if dsn == "" && o.DataDir != "" {
			if _, err := os.Stat(filepath.Join(dir, "nurture.db")); err == nil {
				tok, err := bench.ReadTokens(path)
				return tok, bench.SeedStats{}, true, err
			}
		}
		fmt.Fprintf(stderr, "seeding %d families × %d months…\n", o.Families, o.Months)
		tok, stats, err := runSeed(ctx, dir, dsn, path, o.Families, o.Months, *seed, stderr)
		return tok, stats, false, err
	}
	if *pprofURL != "" {
		o.During = func(ctx context.Context, _ []string, _ []int) {
			secs := max(1, int(o.Duration.Seconds())-4)
			time.Sleep(2 * time.Second)
			fetch(ctx, fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", *pprofURL, secs), filepath.Join(*profDir, "cpu.pprof"), stderr)
			fetch(ctx, *pprofURL+"/debug/pprof/allocs", filepath.Join(*profDir, "allocs.pprof"), stderr)
		}
	}
	rep, err := bench.All(ctx, o)
	if err != nil {
		return err
	}
	for _, c := range rep.Checks() {
		res := "pass"
		if !c.Pass {
			res = "MISS (" + c.Miss + ")"
		}
		fmt.Fprintf(stdout, "%-26s %-12s %-14s %s\n", c.What, c.Target, c.Got, res)
	}
	return nil
}

// redactDSN keeps a password in --database-url out of BENCHMARKS.md.
func redactDSN(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = a
		if i > 0 && (args[i-1] == "--database-url" || args[i-1] == "-database-url") || strings.HasPrefix(a, "postgres") ||
			strings.Contains(a, "database-url=") {
			out[i] = "URL"
			if strings.Contains(a, "database-url=") {
				out[i] = "--database-url=URL"
			}
		}
	}
	return strings.Join(out, " ")
}

func fetch(ctx context.Context, url, path string, log io.Writer) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(log, "profile %s: %v\n", url, err)
		return
	}
	defer resp.Body.Close()
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintf(log, "profile: %v\n", err)
		return
	}
	io.Copy(f, resp.Body)
	f.Close()
	fmt.Fprintf(log, "wrote %s\n", path)
}
