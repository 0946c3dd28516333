package config

import "testing"

func TestMetricsAddr(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	if c, _, err := Parse("serve", nil, env(nil)); err != nil || c.MetricsAddr != "" {
		t.Fatalf("default: %q %v", c.MetricsAddr, err)
	}
	if c, _, err := Parse("serve", nil, env(map[string]string{"NURTURE_METRICS_ADDR": "127.0.0.1:9090"})); err != nil || c.MetricsAddr != "127.0.0.1:9090" {
		t.Fatalf("variable: %q %v", c.MetricsAddr, err)
	}
	c, _, err := Parse("serve", []string{"--metrics-addr", "10.0.0.5:9090"}, env(map[string]string{"NURTURE_METRICS_ADDR": "127.0.0.1:9090"}))
	if err != nil || c.MetricsAddr != "10.0.0.5:9090" {
		t.Fatalf("the flag wins: %q %v", c.MetricsAddr, err)
	}
	if _, _, err := Parse("migrate", []string{"--metrics-addr", "127.0.0.1:9090"}, env(nil)); err == nil {
		t.Error("migrate takes --metrics-addr")
	}
}
