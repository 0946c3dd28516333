package cli

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestVersionSaysWhatWasBuilt(t *testing.T) {
	defer func(v, c string) { Version, Commit = v, c }(Version, Commit)
	Version, Commit = "v1.2.0", "3f2a9c1d0e5b7a8c9d0e1f2a3b4c5d6e7f8a9b0c"
	var out bytes.Buffer
	if code := Main([]string{"version"}, &out, &out); code != 0 {
		t.Fatalf("exit %d: %s", code, out.String())
	}
	if got := out.String(); !strings.HasPrefix(got, "nurture v1.2.0 (commit 3f2a9c1d0e5b") || !strings.Contains(got, "go1.") {
		t.Fatalf("version: %q", got)
	}
}

func TestHealthcheck(t *testing.T) {
	ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
		}
	}))
	defer ok.Close()
	var out bytes.Buffer
	if code := Main([]string{"healthcheck", "--url", ok.URL + "/healthz"}, &out, &out); code != 0 {
		t.Fatalf("a healthy server: exit %d: %s", code, out.String())
	}
	for _, u := range []string{ok.URL + "/nope", "http://127.0.0.1:1/healthz"} {
		if code := Main([]string{"healthcheck", "--url", u}, &out, &out); code != 1 {
			t.Errorf("%s: exit %d, want 1", u, code)
		}
	}
}
