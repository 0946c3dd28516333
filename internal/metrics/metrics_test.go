package metrics_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"nurture/internal/apptest"
	"nurture/internal/auth"
	"nurture/internal/cli"
	"nurture/internal/metrics"
	"nurture/internal/store"
)

// scrape reads url's metrics in the Prometheus text format.
func scrape(t *testing.T, url string, header http.Header) (int, map[string]*dto.MetricFamily, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		return res.StatusCode, nil, string(body)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("Content-Type %q", ct)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(string(body)))
	if err != nil {
		t.Fatalf("not the Prometheus text format: %v\n%.500s", err, body)
	}
	return res.StatusCode, fams, string(body)
}

// value is the value of the sample of family name whose labels include
// want, or -1 when there is none.
func value(fams map[string]*dto.MetricFamily, name string, want map[string]string) float64 {
	f := fams[name]
	if f == nil {
		return -1
	}
next:
	for _, m := range f.Metric {
		labels := map[string]string{}
		for _, l := range m.Label {
			labels[l.GetName()] = l.GetValue()
		}
		for k, v := range want {
			if labels[k] != v {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue()
		case m.Gauge != nil:
			return m.Gauge.GetValue()
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount())
		case m.Untyped != nil:
			return m.Untyped.GetValue()
		}
	}
	return -1
}

func TestMetricsThroughTheServerSQLite(t *testing.T) {
	testThroughTheServer(t, apptest.OpenSQLite(t), []string{"reader", "writer"})
}

func TestMetricsThroughTheServerPostgres(t *testing.T) {
	testThroughTheServer(t, apptest.OpenPostgres(t), []string{"shared"})
}

// A few requests, replays and imports, then a scrape: the request counter
// of a known pattern went up, no path with a secret is a label, the pools,
// the outcomes and the Go runtime are reported.
func testThroughTheServer(t *testing.T, st *store.Store, pools []string) {
	a := apptest.NewOn(t, st)
	f := a.Signup("ann@example.org", "Ann", "Alpha")
	baby := a.Baby(f, "Lou", apptest.DaysAgo(60))
	for range 3 {
		if r := a.API("GET", "/api/v1/babies/"+baby, f.Token, nil); r.Status != 200 {
			t.Fatalf("baby: %d", r.Status)
		}
	}
	// Paths that carry secrets (answered 404 here: made-up secrets).
	secrets := []string{"/join/SECRETjoin", "/reset/SECRETreset", "/cal/SECRETcal.ics", "/s/SECRETshare", "/api/v1/SECRETapi", "/SECRETpage"}
	for _, p := range secrets {
		a.Browser().Get(p)
	}
	// A webhook no deliverer serves here: its events stay in the queue.
	if r := a.API("POST", "/api/v1/webhooks", f.Token, map[string]any{"url": "https://ha.example/hook", "events": []string{"touch.created", "touch.ended", "session.created"}}); r.Status != 201 {
		t.Fatalf("webhook: %d %s", r.Status, r.Body)
	}
	// Sync saves: an entry created, updated, then an older version; a
	// session created, sent again, updated, then an older version.
	b := "/api/v1/babies/" + baby
	now := apptest.Now().UTC().Truncate(time.Second)
	at := func(m int) string { return now.Add(time.Duration(m) * time.Minute).Format(time.RFC3339) }
	id, sid := uuid.NewString(), uuid.NewString()
	for _, c := range []struct {
		path, body string
		want       int
	}{
		{"/touch", fmt.Sprintf(`{"id":%q,"kind":"holding","started_at":%q,"updated_at":%q}`, id, at(-30), at(-30)), 201},
		{"/touch", fmt.Sprintf(`{"id":%q,"kind":"holding","started_at":%q,"ended_at":%q,"updated_at":%q}`, id, at(-30), at(-5), at(-5)), 200},
		{"/touch", fmt.Sprintf(`{"id":%q,"kind":"holding","started_at":%q,"notes":"older","updated_at":%q}`, id, at(-30), at(-20)), 409},
		{"/sessions", fmt.Sprintf(`{"id":%q,"started_at":%q,"ended_at":%q,"outcome":"completed","updated_at":%q}`, sid, at(-60), at(-50), at(-50)), 201},
		{"/sessions", fmt.Sprintf(`{"id":%q,"started_at":%q,"ended_at":%q,"outcome":"completed","updated_at":%q}`, sid, at(-60), at(-50), at(-50)), 200},
		{"/sessions", fmt.Sprintf(`{"id":%q,"started_at":%q,"ended_at":%q,"outcome":"baby_declined","updated_at":%q}`, sid, at(-60), at(-50), at(-40)), 200},
		{"/sessions", fmt.Sprintf(`{"id":%q,"started_at":%q,"ended_at":%q,"outcome":"stopped_early","updated_at":%q}`, sid, at(-60), at(-50), at(-45)), 409},
	} {
		if r := a.API("POST", b+c.path, f.Token, c.body); r.Status != c.want {
			t.Fatalf("POST %s: %d, want %d: %s", c.path, r.Status, c.want, r.Body)
		}
	}
	// Imports: the family's own export again (ok), and a file that is not
	// an export (refused).
	exp := a.API("GET", "/api/v1/export", f.Token, nil)
	if r := a.Request("POST", "/api/v1/import", f.Token, http.Header{"Content-Type": {"application/json"}}, []byte(exp.Body)); r.Status != 200 {
		t.Fatalf("import: %d %s", r.Status, r.Body)
	}
	if r := a.Request("POST", "/api/v1/import", f.Token, http.Header{"Content-Type": {"application/json"}}, []byte(`{"format":"nope"}`)); r.Status < 400 || r.Status >= 500 {
		t.Fatalf("bad import: %d %s", r.Status, r.Body)
	}

	status, fams, body := scrape(t, a.URL+"/metrics", nil)
	if status != 200 {
		t.Fatalf("/metrics from loopback: %d %.300s", status, body)
	}
	if n := value(fams, "nurture_http_requests_total", map[string]string{"method": "GET", "pattern": "GET /api/v1/babies/{id}", "status": "200"}); n != 3 {
		t.Errorf("GET /api/v1/babies/{id} counted %v times, want 3", n)
	}
	if n := value(fams, "nurture_http_request_duration_seconds", map[string]string{"method": "GET", "pattern": "GET /api/v1/babies/{id}"}); n != 3 {
		t.Errorf("GET /api/v1/babies/{id} timed %v times, want 3", n)
	}
	if n := value(fams, "nurture_http_requests_total", map[string]string{"pattern": "GET /join/{code}", "status": "404"}); n != 1 {
		t.Errorf("GET /join/{code} counted %v times, want 1", n)
	}
	// Every pattern label is a registered route or "unmatched"; no label
	// anywhere holds a path.
	if strings.Contains(body, "SECRET") {
		t.Errorf("a secret path shows in the metrics:\n%s", grep(body, "SECRET"))
	}
	for _, m := range fams["nurture_http_requests_total"].Metric {
		for _, l := range m.Label {
			if l.GetName() == "pattern" && !slices.Contains(a.Routes, l.GetValue()) && l.GetValue() != metrics.Unmatched {
				t.Errorf("pattern label %q is no route", l.GetValue())
			}
		}
	}
	for _, pool := range pools {
		if n := value(fams, "nurture_db_max_open_connections", map[string]string{"pool": pool}); n < 1 {
			t.Errorf("pool %s: max open %v", pool, n)
		}
		for _, name := range []string{"nurture_db_open_connections", "nurture_db_in_use_connections", "nurture_db_idle_connections", "nurture_db_wait_count_total", "nurture_db_wait_duration_seconds_total"} {
			if value(fams, name, map[string]string{"pool": pool}) < 0 {
				t.Errorf("%s{pool=%q} missing", name, pool)
			}
		}
	}
	for kind, outcomes := range map[string]map[string]float64{
		"entry":   {"created": 1, "updated": 1, "unchanged": 0, "conflict": 1},
		"session": {"created": 1, "updated": 1, "unchanged": 1, "conflict": 1},
	} {
		for o, want := range outcomes {
			if n := value(fams, "nurture_sync_saves_total", map[string]string{"kind": kind, "outcome": o}); n != want {
				t.Errorf("sync saves %s %s: %v, want %v", kind, o, n, want)
			}
		}
	}
	for o, want := range map[string]float64{"ok": 1, "refused": 1, "failed": 0} {
		if n := value(fams, "nurture_imports_total", map[string]string{"outcome": o}); n != want {
			t.Errorf("imports %s: %v, want %v", o, n, want)
		}
	}
	for _, o := range []string{"ok", "failed"} {
		if n := value(fams, "nurture_backups_total", map[string]string{"outcome": o}); n != 0 {
			t.Errorf("backups %s: %v, want 0", o, n)
		}
	}
	// The touch entry's start and stop, and the session's creation.
	if n := value(fams, "nurture_webhook_queue_depth", nil); n != 3 {
		t.Errorf("webhook queue depth %v, want 3", n)
	}
	for _, o := range metrics.WebhookOutcomes {
		if n := value(fams, "nurture_webhook_attempts_total", map[string]string{"outcome": o}); n != 0 {
			t.Errorf("webhook attempts %s: %v, want 0", o, n)
		}
	}
	for _, name := range []string{"go_goroutines", "go_memstats_heap_alloc_bytes", "go_gc_duration_seconds", "process_resident_memory_bytes", "process_cpu_seconds_total", "go_build_info"} {
		if fams[name] == nil {
			t.Errorf("%s missing", name)
		}
	}

	// A request from elsewhere, here one that came through a proxy
	// Nurture does not trust, gets the site's 404 page.
	r := a.Browser().GetWith("/metrics", http.Header{"X-Forwarded-For": {"203.0.113.9"}})
	if r.Status != 404 || strings.Contains(r.Body, "nurture_") || !strings.Contains(r.Body, "<html") {
		t.Errorf("/metrics through an unknown proxy: %d %.200s", r.Status, r.Body)
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

// The handler itself, with the connection's peer set: only loopback
// clients are answered; with a listener of their own, nobody is.
func TestMetricsOnlyForLoopback(t *testing.T) {
	h, err := cli.Handler(apptest.OpenSQLite(t), slog.New(slog.DiscardHandler), false, nil)
	if err != nil {
		t.Fatal(err)
	}
	get := func(h http.Handler, remote string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", "/metrics", nil)
		req.RemoteAddr = remote
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	for remote, want := range map[string]int{"127.0.0.1:4711": 200, "127.8.9.10:4711": 200, "[::1]:4711": 200,
		"192.0.2.1:4711": 404, "[2001:db8::1]:4711": 404, "10.0.0.1:4711": 404, "@": 404, "": 404} {
		rec := get(h, remote)
		if rec.Code != want {
			t.Errorf("from %q: %d, want %d", remote, rec.Code, want)
		}
		if want == 404 && strings.Contains(rec.Body.String(), "nurture_http") {
			t.Errorf("from %q: the metrics leak", remote)
		}
	}

	// --metrics-addr: the main handler answers 404 even to loopback, the
	// metrics' own handler serves them (and nothing else).
	m := metrics.New()
	m.OwnListener = true
	own := metrics.New()
	if rec := get(m.Gate(func(*http.Request) bool { return true }, http.NotFoundHandler()), "127.0.0.1:1"); rec.Code != 404 {
		t.Errorf("main listener with its own: %d", rec.Code)
	}
	srv := httptest.NewServer(own.OwnHandler())
	defer srv.Close()
	if status, fams, _ := scrape(t, srv.URL+"/metrics", nil); status != 200 || fams["go_goroutines"] == nil {
		t.Errorf("own listener: %d", status)
	}
	if res, err := http.Get(srv.URL + "/"); err != nil || res.StatusCode != 404 {
		t.Errorf("own listener, another path: %v %v", res, err)
	}
}

// The client address is read as for the login limits: a trusted proxy's
// forwarded client counts, an unknown proxy's headers make the request a
// distant one.
func TestLoopbackClient(t *testing.T) {
	proxies := auth.Proxies{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("127.0.0.1/32")}
	local := metrics.LoopbackClient(proxies.ClientAddr, auth.ClientAddr)
	for _, c := range []struct {
		remote, header, value string
		want                  bool
	}{
		{"127.0.0.1:1", "", "", true},
		{"[::1]:1", "", "", true},
		{"192.0.2.1:1", "", "", false},
		{"10.0.0.1:1", "X-Forwarded-For", "203.0.113.9", false},
		{"10.0.0.1:1", "X-Forwarded-For", "127.0.0.1, 203.0.113.9", false}, // forged on the left
		{"10.0.0.1:1", "Forwarded", "for=203.0.113.9", false},
		{"10.0.0.1:1", "X-Forwarded-For", "::1", true},
		{"127.0.0.1:1", "X-Forwarded-For", "203.0.113.9", false}, // a local proxy, trusted
		{"10.0.0.1:1", "", "", false},
		{"[::1]:1", "X-Forwarded-For", "203.0.113.9", false}, // a local proxy not trusted
		{"[::1]:1", "Forwarded", "for=127.0.0.1", false},
		{"192.0.2.1:1", "X-Forwarded-For", "127.0.0.1", false}, // an untrusted peer's word
	} {
		req := httptest.NewRequest("GET", "/metrics", nil)
		req.RemoteAddr = c.remote
		if c.header != "" {
			req.Header.Set(c.header, c.value)
		}
		if got := local(req); got != c.want {
			t.Errorf("%s with %s: %q: %v, want %v", c.remote, c.header, c.value, got, c.want)
		}
	}
}

// A pattern Matched reports that the router does not list, and requests
// refused before routing, are "unmatched"; odd methods are "other".
func TestInstrumentLabels(t *testing.T) {
	m := metrics.New()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /a/{id}", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) })
	mux.HandleFunc("GET /hidden", func(w http.ResponseWriter, r *http.Request) {})
	refuse := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/refused" {
				http.Error(w, "no", http.StatusRequestEntityTooLarge)
				return
			}
			h.ServeHTTP(w, r.WithContext(r.Context())) // a copy, as the middleware makes
		})
	}
	h := m.Instrument(refuse(metrics.Matched(mux)), []string{"GET /a/{id}"})
	for _, c := range []struct{ method, path string }{{"GET", "/a/1"}, {"GET", "/a/2"}, {"GET", "/hidden"}, {"POST", "/refused"}, {"BREW", "/a/1"}} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(c.method, c.path, nil))
	}
	srv := httptest.NewServer(m.OwnHandler())
	defer srv.Close()
	_, fams, body := scrape(t, srv.URL+"/metrics", nil)
	for _, c := range []struct {
		labels map[string]string
		want   float64
	}{
		{map[string]string{"method": "GET", "pattern": "GET /a/{id}", "status": "204"}, 2},
		{map[string]string{"method": "GET", "pattern": "unmatched", "status": "200"}, 1},
		{map[string]string{"method": "POST", "pattern": "unmatched", "status": "413"}, 1},
		{map[string]string{"method": "other", "pattern": "unmatched", "status": "405"}, 1},
	} {
		if n := value(fams, "nurture_http_requests_total", c.labels); n != c.want {
			t.Errorf("%v: %v, want %v\n%s", c.labels, n, c.want, grep(body, "nurture_http_requests_total"))
		}
	}
	if strings.Contains(body, "/hidden") || strings.Contains(body, "BREW") {
		t.Errorf("an unlisted pattern or method shows:\n%s", grep(body, "nurture_http_requests_total"))
	}
}

func TestBackupOutcomes(t *testing.T) {
	m := metrics.New()
	m.BackedUp(nil)
	m.BackedUp(nil)
	m.BackedUp(io.ErrUnexpectedEOF)
	srv := httptest.NewServer(m.OwnHandler())
	defer srv.Close()
	_, fams, _ := scrape(t, srv.URL+"/metrics", nil)
	if ok, failed := value(fams, "nurture_backups_total", map[string]string{"outcome": "ok"}), value(fams, "nurture_backups_total", map[string]string{"outcome": "failed"}); ok != 2 || failed != 1 {
		t.Errorf("backups: ok %v, failed %v", ok, failed)
	}
	if last := value(fams, "nurture_backup_last_success_timestamp_seconds", nil); time.Since(time.Unix(int64(last), 0)) > time.Minute {
		t.Errorf("last backup at %v", last)
	}
}

// The Grafana dashboard in contrib/ is valid JSON with a data source
// variable, and every metric it queries is one the server reports.
func TestGrafanaDashboard(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "contrib", "grafana-dashboard.json"))
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Templating struct {
			List []struct{ Name, Type string }
		}
		Panels []struct {
			Title      string
			Datasource struct{ UID string }
			Targets    []struct{ Expr string }
		}
	}
	if err := json.Unmarshal(b, &dash); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if !slices.ContainsFunc(dash.Templating.List, func(v struct{ Name, Type string }) bool { return v.Type == "datasource" && v.Name == "datasource" }) {
		t.Error("no datasource variable")
	}
	a := apptest.New(t)
	a.Browser().Get("/healthz")
	_, fams, _ := scrape(t, a.URL+"/metrics", nil)
	name := regexp.MustCompile(`\b(?:nurture|go|process)_[a-z_]+`)
	exprs := 0
	for _, p := range dash.Panels {
		for _, tg := range p.Targets {
			exprs++
			if p.Datasource.UID != "${datasource}" {
				t.Errorf("%s: data source %q", p.Title, p.Datasource.UID)
			}
			for _, n := range name.FindAllString(tg.Expr, -1) {
				base := n
				for _, suf := range []string{"_bucket", "_sum", "_count"} {
					if s, ok := strings.CutSuffix(n, suf); ok && fams[s] != nil {
						if k := fams[s].GetType(); k == dto.MetricType_HISTOGRAM || k == dto.MetricType_SUMMARY {
							base = s
						}
					}
				}
				if fams[base] == nil {
					t.Errorf("%s: %s is not reported", p.Title, n)
				}
			}
		}
	}
	if exprs < 15 {
		t.Errorf("only %d queries", exprs)
	}
}
