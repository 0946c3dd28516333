// Package cli is the nurture command: serve, migrate, version and the
// operator's account tools.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"net/netip"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"syscall"
	"time"

	"nurture/internal/app"
	"nurture/internal/auth"
	"nurture/internal/config"
	"nurture/internal/content"
	"nurture/internal/i18n"
	"nurture/internal/mail"
	"nurture/internal/metrics"
	"nurture/internal/route"
	"nurture/internal/server"
	"nurture/internal/store"
	"nurture/internal/web"
)

// URLFile, in the SQLite data directory, holds the address a running
// server listens on, so that `nurture demo` can say where to log in.
const URLFile = "nurture.url"

// Version is set at build time with -ldflags "-X nurture/internal/cli.Version=…".
var Version = "dev"

// usage lists the commands from their help lines, in name order.
func usage() string {
	var b strings.Builder
	b.WriteString("Usage: nurture [command] [flags]\n\nCommands:\n")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(&b, "  %-34s %s\n", commands[n].synopsis, commands[n].help)
	}
	b.WriteString("\nRun \"nurture COMMAND -h\" for its flags; each server option also has a NURTURE_* variable.\n")
	return b.String()
}

// command is one subcommand: how it is called, what it does, and the
// function that runs it with the arguments after its name.
type command struct {
	synopsis, help string
	run            func(args []string, stdout, stderr io.Writer) error
}

// commands are the subcommands; other files of this package add theirs
// in an init function.
var commands = map[string]command{
	"serve":   {"serve", "run the web server (the default)", serve},
	"migrate": {"migrate", "create or update the database schema, then exit", func(args []string, stdout, _ io.Writer) error { return migrate(args, stdout) }},
	"user":    {"user reset-password EMAIL", "print a one-time password reset link", func(args []string, stdout, _ io.Writer) error { return user(args, stdout) }},
}

// Main runs the command line and returns the process exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && (!strings.HasPrefix(args[0], "-") || helpFlag(args[0])) {
		cmd, args = args[0], args[1:]
	}
	var err error
	switch c, ok := commands[cmd]; {
	case ok:
		err = c.run(args, stdout, stderr)
	case cmd == "help" || helpFlag(cmd):
		fmt.Fprint(stdout, usage())
	default:
		fmt.Fprintf(stderr, "unknown command %q\n\n%s", cmd, usage())
		return 2
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "nurture:", err)
		return 1
	}
	return 0
}

// helpFlag reports -h, -help and --help, which list the commands when
// they come first (after a command they show its flags).
func helpFlag(s string) bool { return s == "-h" || s == "-help" || s == "--help" }

func openStore(ctx context.Context, c config.Config, log *slog.Logger) (*store.Store, error) {
	return store.Open(ctx, store.Options{DatabaseURL: c.DatabaseURL, DataDir: c.DataDir, Logger: log})
}

func migrate(args []string, stdout io.Writer) error {
	c, _, err := config.Parse("migrate", args, os.Getenv)
	if err != nil {
		return err
	}
	st, err := openStore(context.Background(), c, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintf(stdout, "database schema is up to date (%s)\n", st.Dialect())
	return nil
}

func user(args []string, stdout io.Writer) error {
	if len(args) < 2 || args[0] != "reset-password" {
		return errors.New("usage: nurture user reset-password EMAIL [flags]")
	}
	email := args[1]
	c, _, err := config.Parse("user", args[2:], os.Getenv)
	if err != nil {
		return err
	}
	ctx := context.Background()
	st, err := openStore(ctx, c, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	acc := &auth.Accounts{Store: st, Passwords: auth.NewPasswords(1), Now: time.Now}
	code, err := acc.ResetForEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no user with email %s", email)
	} else if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "One-time reset link for %s (valid %s):\n  %sreset/%s\n", email, auth.ResetTTL, siteURL(c), code)
	return nil
}

// Handler builds the whole server for a store; tests use it too, with a
// clock of their own (nil means the wall clock).
func Handler(st *store.Store, log *slog.Logger, secureCookies bool, now func() time.Time) (*server.Handler, error) {
	return HandlerWith(st, log, Options{SecureCookies: secureCookies, Now: now})
}

// HandlerWithMail is Handler sending e-mail through sender (a test's SMTP
// sink).
func HandlerWithMail(st *store.Store, log *slog.Logger, sender mail.Sender, now func() time.Time) (*server.Handler, error) {
	return HandlerWith(st, log, Options{Mail: sender, Now: now})
}

// Options are the server's settings beyond its store.
type Options struct {
	SecureCookies bool
	// Proxies give the client's address (--trusted-proxies); AuthHeader
	// their single sign-on (--auth-header).
	Proxies    []netip.Prefix
	AuthHeader string
	Metrics    *metrics.Metrics // a registry of its own when nil
	Mail       mail.Sender      // none when nil
	Now        func() time.Time // the wall clock when nil
	// Webhooks say what webhooks may reach (--webhook-allow).
	Webhooks app.WebhookTargets
	// Base is where the server is published (--base-url); the zero Base
	// serves the site root of any host.
	Base route.Base
	// AnswerCache is the bytes of answers kept for repeated reads
	// (--answer-cache): httpcache.DefaultMaxBytes when 0, none when
	// negative.
	AnswerCache int
}

// HandlerWith builds the whole server for a store with o.
func HandlerWith(st *store.Store, log *slog.Logger, o Options) (*server.Handler, error) {
	now := o.Now
	if now == nil {
		now = time.Now
	}
	cat, err := i18n.Load()
	if err != nil {
		return nil, err
	}
	lib, err := content.Load()
	if err != nil {
		return nil, err
	}
	// One hash at a time: each takes 19 MiB, and the server should stay
	// within 80 MB even during a burst of logins.
	acc := auth.NewAccounts(st, auth.NewPasswords(1), now)
	acc.Proxies, acc.AuthHeader = o.Proxies, o.AuthHeader
	m, sender := o.Metrics, o.Mail
	if m == nil {
		m = metrics.New()
	}
	if sender == nil {
		sender = mail.Off{}
	}
	return server.New(server.Deps{Store: st, Accounts: acc, Catalog: cat, Library: lib, Log: log, Now: now, SecureCookies: o.SecureCookies, Metrics: m, Mail: sender,
		Webhooks: o.Webhooks, Base: o.Base, AnswerCache: o.AnswerCache})
}

func serve(args []string, stdout, stderr io.Writer) error {
	c, _, err := config.Parse("serve", args, os.Getenv)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	tuneGC(os.Getenv, answerCacheBytes(c.AnswerCache))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	unlock, err := lockDataDir(c) // SQLite: one server per data directory
	if err != nil {
		return err
	}
	defer unlock()
	st, err := openStore(ctx, c, log)
	if err != nil {
		return err
	}
	defer st.Close()
	m := newMetrics(c)
	waitBackups := startBackups(ctx, c, log, m.BackedUp) // --backup-every, SQLite only
	defer func() { stop(); waitBackups() }()
	targets := webhookTargets(c.WebhookAllow)
	h, err := HandlerWith(st, log, Options{SecureCookies: c.SecureCookies, Proxies: c.TrustedProxies, AuthHeader: c.AuthHeader, Metrics: m,
		Mail: mail.New(c.Mail), Webhooks: targets, Base: c.BaseURL, AnswerCache: answerCacheBytes(c.AnswerCache)})
	if err != nil {
		return err
	}
	waitWebhooks := startWebhooks(ctx, st, targets, c.WebhookRetry, log, m.Delivered)
	defer func() { stop(); waitWebhooks() }()
	// Start-up leaves garbage (templates parsed, assets compressed) that a
	// collector running at GOGC=400 would keep for a long while: hand it
	// back now, at idle (29 MB instead of 35 MB resident).
	debug.FreeOSMemory()
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return err
	}
	if c.PprofAddr != "" {
		if err := servePprof(ctx, c.PprofAddr, log); err != nil {
			return err
		}
	}
	if c.MetricsAddr != "" {
		if err := serveMetrics(ctx, c.MetricsAddr, m, log); err != nil {
			return err
		}
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second}
	where := "SQLite in " + c.DataDir
	if st.Dialect() == store.Postgres {
		where = "PostgreSQL"
	}
	// Other commands (demo) say where to log in: the base URL, else the
	// address as listened.
	listening := "http://" + ln.Addr().String()
	site := listening
	if b := c.BaseURL.String(); b != "" {
		listening += c.BaseURL.Path("/")
		where += ", published at " + b
		site = strings.TrimSuffix(b, "/")
	}
	fmt.Fprintf(stdout, "Nurture is running at %s (%s). Press Ctrl-C to stop.\n", listening, where)
	if st.Dialect() == store.SQLite {
		url := filepath.Join(c.DataDir, URLFile)
		if err := os.WriteFile(url, []byte(site+"\n"), 0o644); err == nil {
			defer os.Remove(url)
		}
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// In-flight requests get time to finish; new ones are refused.
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}

// siteURL is where the configured server is reached, with a final slash:
// the base URL, else its listening address.
func siteURL(c config.Config) string {
	if b := c.BaseURL.String(); b != "" {
		return b
	}
	return "http://" + c.Addr + "/"
}

// servePprof serves the Go profiler on its own listener, apart from the
// application's handler so that it is never reachable through it.
func servePprof(ctx context.Context, addr string, log *slog.Logger) error {
	// The profiler has no login: only this machine may reach it.
	host, _, err := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); err != nil || (host != "localhost" && (ip == nil || !ip.IsLoopback())) {
		return fmt.Errorf("--pprof-addr %q: give a loopback address such as 127.0.0.1:6060", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("--pprof-addr: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	// No /debug/pprof/cmdline: the command line may hold a database password.
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	log.Info("profiler listening", "addr", ln.Addr().String())
	go srv.Serve(ln)
	go func() { <-ctx.Done(); srv.Close() }()
	return nil
}

// tuneGC trades a little memory for less garbage collection: the server's
// live heap is small (about 10 MB under load), so with Go's default the
// collector ran every few dozen requests and took a sixth of the CPU.
// Collecting at 5× the live heap, with a soft limit for the Go heap, gave
// 20 % more requests per second under the benchmark for 5 MB more peak
// RSS. The limit's base went from 36 to 42 MiB when SQLite's readers got
// smaller page caches (store.sqliteDSN): at 1,000 families the mixed load
// went from 570-650 to 924 req/s, peak RSS from 81.1 to 76.2 MB, because
// with 6 MiB more room the collector stopped running back to back. GOGC
// and GOMEMLIMIT, when set, win as usual. serve frees start-up garbage before listening. A
// login's Argon2id hash holds 19 MiB for a moment; six logins in a row took
// no longer than with Go's defaults (0.40 s against 0.43 s), and should the
// heap pass the limit, Go caps the collector at half the CPU. The answers
// kept for repeated reads (httpcache, --answer-cache) are live heap on
// top: the limit grows by their budget and the library's kept pieces',
// or the collector runs without end once they fill it (measured: a kept
// page cost 17 ms of CPU instead of 0.4; at 1,000 families, kept bodies
// twice their size and pieces not counted halved the reads per second,
// the collector taking a fifth of the CPU).
func tuneGC(getenv func(string) string, answers int) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(42<<20 + int64(max(answers, 0)) + web.PiecesBytes)
	}
}

// answerCacheBytes turns --answer-cache (MiB, 0 for none) into
// httpcache.New's budget (bytes, negative for none).
func answerCacheBytes(mib int) int {
	if mib == 0 {
		return -1
	}
	return mib << 20
}
