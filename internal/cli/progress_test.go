package cli

import (
	"bytes"
	"nurture/internal/config"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Written to a file or a pipe, progress is a line every tenth of the way,
// not thousands of redraws.
func TestProgressToAPipe(t *testing.T) {
	var out bytes.Buffer
	p := newProgress(&out, 20000, "importing", false)
	for range 20000 {
		p.Add(1)
	}
	p.Finish()
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 10 || lines[0] != "importing: 10% (2000 of 20000)" || lines[9] != "importing: done (20000 of 20000)" {
		t.Fatalf("%d lines:\n%s", len(lines), out.String())
	}
	if strings.Contains(out.String(), "\r") {
		t.Errorf("redraws in a pipe")
	}
	out.Reset()
	w := writerOf(newProgress(&out, -1, "writing", true))
	w.Write(make([]byte, 1<<20))
	if out.Len() != 0 {
		t.Errorf("bytes of unknown total said something: %q", out.String())
	}
}

// nurture --help lists the commands; each command's -h shows only its
// own flags.
func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}} {
		var out, errb bytes.Buffer
		if code := Main(args, &out, &errb); code != 0 || !strings.Contains(out.String(), "Commands:") || !strings.Contains(out.String(), "demo") {
			t.Errorf("%v: %d %q %q", args, code, out.String(), errb.String())
		}
	}
}

// demo says the address the running server wrote, or how to find it.
func TestDemoSaysWhereToLogIn(t *testing.T) {
	dir := t.TempDir()
	c := config.Defaults
	c.DataDir = dir
	if got := loginWhere(c); !strings.Contains(got, "http://127.0.0.1:8080/login") || !strings.Contains(got, "prints its own address") {
		t.Errorf("no server: %q", got)
	}
	os.WriteFile(filepath.Join(dir, URLFile), []byte("http://127.0.0.1:9123\n"), 0o644)
	if got := loginWhere(c); !strings.Contains(got, "http://127.0.0.1:9123/login") {
		t.Errorf("running server: %q", got)
	}
}
