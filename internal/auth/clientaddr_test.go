package auth

import (
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestClientAddr(t *testing.T) {
	proxies := Proxies{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.0.2.1/32"), netip.MustParsePrefix("2001:db8::/32")}
	for _, tc := range []struct {
		name, remote string
		proxies      Proxies
		header       map[string][]string
		want         string
	}{
		{"no proxy trusted: the peer, headers ignored", "203.0.113.5:4711", nil,
			map[string][]string{"X-Forwarded-For": {"198.51.100.1"}}, "203.0.113.5"},
		{"untrusted peer: headers ignored", "203.0.113.5:4711", proxies,
			map[string][]string{"X-Forwarded-For": {"198.51.100.1"}, "Forwarded": {"for=198.51.100.2"}}, "203.0.113.5"},
		{"trusted peer without header: the peer", "10.1.2.3:80", proxies, nil, "10.1.2.3"},
		{"trusted peer: the forwarded client", "10.1.2.3:80", proxies,
			map[string][]string{"X-Forwarded-For": {"198.51.100.1"}}, "198.51.100.1"},
		{"right-most untrusted: the left is the client's to forge", "10.1.2.3:80", proxies,
			map[string][]string{"X-Forwarded-For": {"1.1.1.1, 198.51.100.1, 10.9.9.9"}}, "198.51.100.1"},
		{"several headers are one list", "10.1.2.3:80", proxies,
			map[string][]string{"X-Forwarded-For": {"1.1.1.1", "198.51.100.7, 192.0.2.1"}}, "198.51.100.7"},
		{"a port and IPv4-mapped address", "10.1.2.3:80", proxies,
			map[string][]string{"X-Forwarded-For": {"[::ffff:198.51.100.8]:1234"}}, "198.51.100.8"},
		{"all trusted: the first proxy", "10.1.2.3:80", proxies,
			map[string][]string{"X-Forwarded-For": {"10.0.0.7, 10.0.0.8"}}, "10.0.0.7"},
		{"garbage stops at the last proxy", "10.1.2.3:80", proxies,
			map[string][]string{"X-Forwarded-For": {"1.1.1.1, not-an-ip, 10.0.0.8"}}, "10.0.0.8"},
		{"Forwarded for=", "10.1.2.3:80", proxies,
			map[string][]string{"Forwarded": {`for=1.1.1.1, for=198.51.100.9;proto=https;by=10.1.2.3`}}, "198.51.100.9"},
		{"Forwarded IPv6 with port", "[2001:db8::1]:443", proxies,
			map[string][]string{"Forwarded": {`For="[2001:db8:cafe::17]:4711"`}}, "2001:db8:cafe::17"},
		{"Forwarded unknown: the proxy", "10.1.2.3:80", proxies,
			map[string][]string{"Forwarded": {`for=unknown`}}, "10.1.2.3"},
		{"X-Forwarded-For wins over Forwarded", "10.1.2.3:80", proxies,
			map[string][]string{"X-Forwarded-For": {"198.51.100.1"}, "Forwarded": {"for=198.51.100.2"}}, "198.51.100.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tc.remote
			for k, vs := range tc.header {
				for _, v := range vs {
					r.Header.Add(k, v)
				}
			}
			if got := tc.proxies.ClientAddr(r); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
