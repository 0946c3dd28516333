package web

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"nurture/internal/i18n"
)

// No log line carries a secret from a path: the access log, a failed
// request and a panic all write the same short form.
func TestLogsKeepSecretsOut(t *testing.T) {
	for path, want := range map[string]string{
		"/s/K9h0guMxLIn_0UeN-YxRcBnx9KxnTkWhXgLEGSsf08U": "/s/…",
		"/join/abcdefgh":     "/join/…",
		"/reset/abcdefgh":    "/reset/…",
		"/cal/feed-secret":   "/cal/…",
		"/babies/1234/share": "/babies/1234/share",
		"/s/":                "/s/…",
	} {
		if got := logPath(httptest.NewRequest("GET", path, nil)); got != want {
			t.Errorf("logPath(%s) = %s, want %s", path, got, want)
		}
	}
	var buf bytes.Buffer
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	ps, err := loadPages()
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Deps: Deps{Log: slog.New(slog.NewTextHandler(&buf, nil)), Catalog: cat, Now: time.Now}, pages: ps}
	secret := "K9h0guMxLIn_0UeN-YxRcBnx9KxnTkWhXgLEGSsf08U"
	h := s.logRequests(s.recoverPanics(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") })))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/s/"+secret, nil))
	s.fail(httptest.NewRecorder(), httptest.NewRequest("GET", "/s/"+secret, nil), errors.New("database closed"))
	if strings.Contains(buf.String(), secret) || !strings.Contains(buf.String(), "/s/…") {
		t.Fatalf("the log:\n%s", buf.String())
	}
}
