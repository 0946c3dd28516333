package cli

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"nurture/internal/config"
	"nurture/internal/metrics"
)

// newMetrics are the server's Prometheus metrics: on the main listener for
// loopback clients, or on --metrics-addr alone.
func newMetrics(c config.Config) *metrics.Metrics {
	m := metrics.New()
	m.OwnListener = c.MetricsAddr != ""
	return m
}

// serveMetrics serves the metrics on their own listener (--metrics-addr)
// until ctx is done: /metrics to whoever reaches the address, nothing
// else. It has no login; the operator chooses who can reach it.
func serveMetrics(ctx context.Context, addr string, m *metrics.Metrics, log *slog.Logger) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("--metrics-addr: %w", err)
	}
	srv := &http.Server{Handler: m.OwnHandler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second}
	log.Info("metrics listening", "addr", ln.Addr().String())
	go srv.Serve(ln)
	go func() { <-ctx.Done(); srv.Close() }()
	return nil
}
