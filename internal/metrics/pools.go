package metrics

import (
	"database/sql"

	"github.com/prometheus/client_golang/prometheus"
)

// poolCollector reads the database pools' statistics at each scrape.
type poolCollector struct {
	stats                         func() map[string]sql.DBStats
	maxOpen, open, inUse, idle    *prometheus.Desc
	waitCount, waitSeconds, idled *prometheus.Desc
}

func newPoolCollector(stats func() map[string]sql.DBStats) *poolCollector {
	d := func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc("nurture_db_"+name, help, []string{"pool"}, nil)
	}
	return &poolCollector{
		stats:       stats,
		maxOpen:     d("max_open_connections", "Most connections the pool may open."),
		open:        d("open_connections", "Connections open, in use or idle."),
		inUse:       d("in_use_connections", "Connections in use."),
		idle:        d("idle_connections", "Idle connections."),
		waitCount:   d("wait_count_total", "Times a query waited for a connection of the pool."),
		waitSeconds: d("wait_duration_seconds_total", "Time spent waiting for a connection of the pool."),
		idled:       d("closed_idle_total", "Connections closed for being idle (too many idle, or idle too long)."),
	}
}

func (c *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.maxOpen, c.open, c.inUse, c.idle, c.waitCount, c.waitSeconds, c.idled} {
		ch <- d
	}
}

func (c *poolCollector) Collect(ch chan<- prometheus.Metric) {
	for pool, s := range c.stats() {
		gauge := func(d *prometheus.Desc, v float64) {
			ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, pool)
		}
		counter := func(d *prometheus.Desc, v float64) {
			ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v, pool)
		}
		gauge(c.maxOpen, float64(s.MaxOpenConnections))
		gauge(c.open, float64(s.OpenConnections))
		gauge(c.inUse, float64(s.InUse))
		gauge(c.idle, float64(s.Idle))
		counter(c.waitCount, float64(s.WaitCount))
		counter(c.waitSeconds, s.WaitDuration.Seconds())
		counter(c.idled, float64(s.MaxIdleClosed+s.MaxIdleTimeClosed))
	}
}
