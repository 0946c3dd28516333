package config

import (
	"net/netip"
	"testing"
)

func TestTrustedProxies(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	c, _, err := Parse("serve", nil, env(nil))
	if err != nil || len(c.TrustedProxies) != 0 {
		t.Fatalf("default: %v %v", c.TrustedProxies, err)
	}
	c, _, err = Parse("serve", nil, env(map[string]string{"NURTURE_TRUSTED_PROXIES": "10.0.0.1, 192.168.0.0/16,::1, ::ffff:172.16.0.0/108"}))
	want := []netip.Prefix{netip.MustParsePrefix("10.0.0.1/32"), netip.MustParsePrefix("192.168.0.0/16"), netip.MustParsePrefix("::1/128"), netip.MustParsePrefix("172.16.0.0/12")}
	if err != nil || len(c.TrustedProxies) != len(want) {
		t.Fatalf("from the environment: %v %v", c.TrustedProxies, err)
	}
	for i := range want {
		if c.TrustedProxies[i] != want[i] {
			t.Errorf("proxy %d: %v, want %v", i, c.TrustedProxies[i], want[i])
		}
	}
	// The flag wins over the variable.
	c, _, err = Parse("serve", []string{"--trusted-proxies", "127.0.0.1"}, env(map[string]string{"NURTURE_TRUSTED_PROXIES": "10.0.0.1"}))
	if err != nil || len(c.TrustedProxies) != 1 || c.TrustedProxies[0] != netip.MustParsePrefix("127.0.0.1/32") {
		t.Fatalf("flag: %v %v", c.TrustedProxies, err)
	}
	for _, bad := range []string{"10.0.0.1/33", "proxy.example", "10.0.0"} {
		if _, _, err := Parse("serve", []string{"--trusted-proxies", bad}, env(nil)); err == nil {
			t.Errorf("flag %q accepted", bad)
		}
		if _, _, err := Parse("serve", nil, env(map[string]string{"NURTURE_TRUSTED_PROXIES": bad})); err == nil {
			t.Errorf("variable %q accepted", bad)
		}
	}
}

func TestAnswerCache(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	for _, c := range []struct {
		args []string
		env  map[string]string
		want int
		bad  bool
	}{
		{want: 4},
		{env: map[string]string{"NURTURE_ANSWER_CACHE": "0"}, want: 0},
		{args: []string{"--answer-cache", "16"}, env: map[string]string{"NURTURE_ANSWER_CACHE": "0"}, want: 16},
		{env: map[string]string{"NURTURE_ANSWER_CACHE": "off"}, bad: true},
		{args: []string{"--answer-cache", "-1"}, bad: true},
	} {
		got, _, err := Parse("serve", c.args, env(c.env))
		if (err != nil) != c.bad || (!c.bad && got.AnswerCache != c.want) {
			t.Errorf("%v %v: %d %v", c.args, c.env, got.AnswerCache, err)
		}
	}
}
