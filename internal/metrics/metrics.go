// Package metrics is the server's Prometheus metrics: its own registry
// (never the global one) with the Go runtime and process collectors,
// requests by route pattern, the database pools, and the outcomes of
// sync saves, imports and backups. The composition root (package server)
// wires it in; the use cases hear of it only through app.Observer, and the
// pure rules never.
package metrics

import (
	"database/sql"
	"net/http"
	"net/netip"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Unmatched is the pattern label of a request no route answered: a 405,
// or one refused by the middleware before routing (413, cross-origin).
const Unmatched = "unmatched"

// Outcomes, the values of the outcome labels.
var (
	SaveOutcomes   = []string{"created", "updated", "unchanged", "conflict"}
	ImportOutcomes = []string{"ok", "refused", "failed"}
	BackupOutcomes = []string{"ok", "failed"}
	// WebhookOutcomes are what a webhook delivery attempt came to.
	WebhookOutcomes = []string{"delivered", "retry", "given_up"}
)

// Metrics holds the registry and the server's own metrics.
type Metrics struct {
	// OwnListener is set when the metrics are served on an address of
	// their own (--metrics-addr): the main listener then answers /metrics
	// with 404 for everyone.
	OwnListener bool

	reg        *prometheus.Registry
	requests   *prometheus.CounterVec
	duration   *prometheus.HistogramVec
	inFlight   prometheus.Gauge
	saves      *prometheus.CounterVec
	imports    *prometheus.CounterVec
	backups    *prometheus.CounterVec
	lastBackup prometheus.Gauge
	webhooks   *prometheus.CounterVec
}

// Buckets of the request latency histogram, in seconds: pages take about a
// millisecond, an import or an export may take minutes.
var Buckets = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}

// New returns the metrics on a fresh registry.
func New() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "nurture_http_requests_total",
		Help: "HTTP requests answered, by method, route pattern (never the path) and status code.",
	}, []string{"method", "pattern", "status"})
	m.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "nurture_http_request_duration_seconds",
		Help:    "Time to answer an HTTP request, by method and route pattern.",
		Buckets: Buckets,
	}, []string{"method", "pattern"})
	m.inFlight = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "nurture_http_requests_in_flight",
		Help: "HTTP requests being answered.",
	})
	m.saves = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "nurture_sync_saves_total",
		Help: "Sessions and entries posted with a client-made id (offline sync and its replays), by kind and outcome: " +
			"created, updated (a newer version), unchanged (the same again) or conflict (an older version, or another family's id).",
	}, []string{"kind", "outcome"})
	m.imports = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "nurture_imports_total",
		Help: "Imports of an export file through the server, by outcome: ok, refused (a bad or cut file, one already running, too many running) or failed (the server's own error).",
	}, []string{"outcome"})
	m.backups = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "nurture_backups_total",
		Help: "Scheduled SQLite backups (--backup-every), by outcome: ok or failed.",
	}, []string{"outcome"})
	m.lastBackup = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "nurture_backup_last_success_timestamp_seconds",
		Help: "When the last scheduled backup was written (Unix time); 0 before the first.",
	})
	m.webhooks = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "nurture_webhook_attempts_total",
		Help: "Webhook delivery attempts by this instance, by outcome: delivered, retry (it failed and waits for its next try) or given_up (failed for a day).",
	}, []string{"outcome"})
	for _, o := range WebhookOutcomes {
		m.webhooks.WithLabelValues(o)
	}
	for _, k := range []string{"session", "entry"} {
		for _, o := range SaveOutcomes {
			m.saves.WithLabelValues(k, o)
		}
	}
	for _, o := range ImportOutcomes {
		m.imports.WithLabelValues(o)
	}
	for _, o := range BackupOutcomes {
		m.backups.WithLabelValues(o)
	}
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewBuildInfoCollector(),
		m.requests, m.duration, m.inFlight, m.saves, m.imports, m.backups, m.lastBackup, m.webhooks,
	)
	return m
}

// Registry is the metrics' own registry.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler answers a scrape in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError, MaxRequestsInFlight: 4})
}

// Gate is the /metrics route of the main listener: the metrics for a
// client on this machine, the site's 404 (notFound) for anyone else, and
// for everyone when the metrics have a listener of their own. local says
// whether a request's client is on this machine (the client address as
// the login limits read it; see LoopbackClient).
func (m *Metrics) Gate(local func(*http.Request) bool, notFound http.Handler) http.Handler {
	metrics := m.Handler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if m.OwnListener || !local(r) {
			notFound.ServeHTTP(w, r)
			return
		}
		metrics.ServeHTTP(w, r)
	})
}

// LoopbackClient builds the test Gate applies: the client address, as
// clientAddr reads it (honouring the trusted proxies), is a loopback
// address. A request that carries X-Forwarded-For or Forwarded but whose
// client address is its peer's (a proxy not trusted, so its headers were
// not read) came through a proxy Nurture does not know, perhaps on this
// machine, and is refused. peerAddr is the connection's peer address.
func LoopbackClient(clientAddr, peerAddr func(*http.Request) string) func(*http.Request) bool {
	return func(r *http.Request) bool {
		client := clientAddr(r)
		if (r.Header.Get("X-Forwarded-For") != "" || r.Header.Get("Forwarded") != "") && client == peerAddr(r) {
			return false
		}
		a, err := netip.ParseAddr(client)
		return err == nil && a.IsLoopback()
	}
}

// OwnHandler is what the metrics' own listener (--metrics-addr) serves:
// /metrics, and 404 for anything else.
func (m *Metrics) OwnHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	return mux
}

// WatchPools adds the database pools' statistics, read at each scrape
// from stats (pool name → sql.DBStats).
func (m *Metrics) WatchPools(stats func() map[string]sql.DBStats) error {
	return m.reg.Register(newPoolCollector(stats))
}

// Saved counts a sync save of kind "session" or "entry" with one of
// SaveOutcomes (it implements app.Observer).
func (m *Metrics) Saved(kind, outcome string) { m.saves.WithLabelValues(kind, outcome).Inc() }

// Imported counts an import with one of ImportOutcomes (app.Observer).
func (m *Metrics) Imported(outcome string) { m.imports.WithLabelValues(outcome).Inc() }

// BackedUp counts a scheduled backup: ok when err is nil, failed otherwise.
func (m *Metrics) BackedUp(err error) {
	if err != nil {
		m.backups.WithLabelValues("failed").Inc()
		return
	}
	m.backups.WithLabelValues("ok").Inc()
	m.lastBackup.Set(float64(time.Now().UnixNano()) / 1e9)
}

// Delivered counts a webhook delivery attempt with one of
// WebhookOutcomes.
func (m *Metrics) Delivered(outcome string) { m.webhooks.WithLabelValues(outcome).Inc() }

// WatchOutbox adds the number of webhook events waiting for delivery,
// every instance's, read at each scrape with depth.
func (m *Metrics) WatchOutbox(depth func() (int, error)) error {
	return m.reg.Register(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "nurture_webhook_queue_depth",
		Help: "Webhook events waiting for delivery (retries included), as stored in the database; -1 when it could not be read.",
	}, func() float64 {
		n, err := depth()
		if err != nil {
			return -1
		}
		return float64(n)
	}))
}

// methods are the request methods kept as labels; any other is "other",
// so that clients cannot make new series at will.
var methods = map[string]string{"GET": "GET", "HEAD": "HEAD", "POST": "POST", "PUT": "PUT", "DELETE": "DELETE",
	"PATCH": "PATCH", "OPTIONS": "OPTIONS"}

func method(m string) string {
	if v, ok := methods[m]; ok {
		return v
	}
	return "other"
}

// status labels, made once.
var statusText = func() [600]string {
	var s [600]string
	for i := range s {
		s[i] = strconv.Itoa(i)
	}
	return s
}()

func status(code int) string {
	if code <= 0 {
		code = http.StatusOK
	}
	if code < len(statusText) {
		return statusText[code]
	}
	return strconv.Itoa(code)
}
