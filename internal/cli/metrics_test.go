//go:build unix

package cli

import (
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// `nurture serve --metrics-addr` serves the metrics on that address alone:
// the main listener answers /metrics with 404 even to loopback, and the
// metrics count the main listener's requests and the scheduled backups.
func TestServeMetricsOnTheirOwnAddress(t *testing.T) {
	for _, k := range []string{"NURTURE_DATABASE_URL", "NURTURE_ADDR", "NURTURE_METRICS_ADDR", "NURTURE_TRUSTED_PROXIES", "NURTURE_PPROF_ADDR"} {
		t.Setenv(k, "")
	}
	t.Setenv("GOGC", "100") // leave the test process's collector alone
	t.Setenv("GOMEMLIMIT", "off")
	free, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	maddr := free.Addr().String()
	free.Close()
	dir := t.TempDir()
	done := make(chan int, 1)
	var stderr strings.Builder
	go func() {
		done <- Main([]string{"serve", "--data", dir, "--addr", "127.0.0.1:0", "--metrics-addr", maddr, "--backup-every", "1h"}, io.Discard, &stderr)
	}()
	// The server writes its address once it listens.
	var main string
	for deadline := time.Now().Add(20 * time.Second); main == "" && time.Now().Before(deadline); {
		select {
		case code := <-done:
			t.Fatalf("serve exited with %d: %s", code, stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
		if b, err := os.ReadFile(filepath.Join(dir, URLFile)); err == nil {
			main = strings.TrimSpace(string(b))
		}
	}
	if main == "" {
		t.Fatal("serve did not start")
	}
	defer func() {
		syscall.Kill(syscall.Getpid(), syscall.SIGINT) // serve stops on it
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("serve exited with %d", code)
			}
		case <-time.After(30 * time.Second):
			t.Error("serve did not stop")
		}
	}()
	get := func(url string) (int, string) {
		t.Helper()
		res, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if status, _ := get(main + "/healthz"); status != 200 {
		t.Fatalf("healthz: %d", status)
	}
	if status, body := get(main + "/metrics"); status != 404 || strings.Contains(body, "nurture_") {
		t.Errorf("main listener's /metrics: %d %.200s", status, body)
	}
	if status, _ := get("http://" + maddr + "/healthz"); status != 404 {
		t.Errorf("metrics listener's /healthz: %d", status)
	}
	// The first scheduled backup runs at once.
	var last string
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		status, body := get("http://" + maddr + "/metrics")
		if status != 200 {
			t.Fatalf("metrics listener: %d %.200s", status, body)
		}
		last = body
		if strings.Contains(body, `nurture_backups_total{outcome="ok"} 1`) {
			break
		}
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(last))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(last, `nurture_backups_total{outcome="ok"} 1`) {
		t.Errorf("no backup counted:\n%s", grep(last, "nurture_backup"))
	}
	for _, want := range []string{`nurture_http_requests_total{method="GET",pattern="GET /healthz",status="200"} 1`,
		`nurture_http_requests_total{method="GET",pattern="GET /metrics",status="404"} 1`} {
		if !strings.Contains(last, want) {
			t.Errorf("missing %s:\n%s", want, grep(last, "nurture_http_requests_total"))
		}
	}
	for _, name := range []string{"nurture_db_open_connections", "go_goroutines", "process_resident_memory_bytes"} {
		if fams[name] == nil {
			t.Errorf("%s missing", name)
		}
	}
}

func grep(s, sub string) string {
	var out []string
	for l := range strings.Lines(s) {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "")
}
