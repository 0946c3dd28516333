package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"time"

	"nurture/internal/route"
)

// Commit is the source revision, set at build time with -ldflags
// "-X nurture/internal/cli.Commit=…"; without it the revision Go stamps
// into a build from a Git checkout is used.
var Commit = ""

func init() {
	commands["version"] = command{"version", "print the version, the commit it was built from and the Go version", func(_ []string, stdout, _ io.Writer) error {
		fmt.Fprintln(stdout, versionLine())
		return nil
	}}
	commands["healthcheck"] = command{"healthcheck [--url URL]", "exit 0 if the server answers its health check (for a container's HEALTHCHECK)", healthcheck}
}

// versionLine says what this binary is: "nurture v1.2.0 (commit 3f2a9c1,
// 2026-12-07, go1.26.8)".
func versionLine() string {
	commit, when, dirty := Commit, "", false
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				if commit == "" {
					commit = s.Value
				}
			case "vcs.time":
				when = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
	}
	if commit == "" {
		commit = "unknown"
	}
	commit = commit[:min(len(commit), 12)]
	if dirty {
		commit += "+changes"
	}
	if t, err := time.Parse(time.RFC3339, when); err == nil {
		commit += ", " + t.UTC().Format(time.DateOnly)
	}
	return fmt.Sprintf("nurture %s (commit %s, %s)", Version, commit, runtime.Version())
}

// healthcheck asks a running server's /healthz: a static image has no
// curl, so the binary checks itself. By default it asks port 8080 of this
// machine, under the path of NURTURE_BASE_URL when that is set.
func healthcheck(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("healthcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	where := "http://127.0.0.1:8080/healthz"
	if b, err := route.ParseBase(os.Getenv("NURTURE_BASE_URL")); err == nil {
		where = "http://127.0.0.1:8080" + b.Path("/healthz")
	}
	url := fs.String("url", where, "the health check to ask")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *url, nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("health check: %w", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("health check: %s answered %d", *url, res.StatusCode)
	}
	fmt.Fprintln(stdout, "ok")
	return nil
}
