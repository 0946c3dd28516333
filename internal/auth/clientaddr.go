package auth

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Proxies are the addresses of trusted reverse proxies (--trusted-proxies).
// Only a request whose peer is one of them has its forwarding headers
// believed; any client could forge them.
type Proxies []netip.Prefix

// ClientAddr is the address used for the login and signup limits: the peer
// of the connection, or, when the peer is a trusted proxy, the client it
// forwarded for.
func (a *Accounts) ClientAddr(r *http.Request) string { return a.Proxies.ClientAddr(r) }

// ClientAddr is the peer address of a request, with no proxy trusted.
func ClientAddr(r *http.Request) string { return Proxies(nil).ClientAddr(r) }

func (p Proxies) trusts(a netip.Addr) bool {
	for _, pr := range p {
		if pr.Contains(a) {
			return true
		}
	}
	return false
}

// ClientAddr is the client's address. When the peer is a trusted proxy, it
// walks the X-Forwarded-For list from the right (each proxy appends the
// address it received from) past the trusted proxies, and takes the first
// address that is not one: the left-hand entries are the client's to forge.
// Without X-Forwarded-For, the for= parameters of Forwarded (RFC 7239) are
// read the same way. An entry that is not an address stops the walk at the
// last proxy.
func (p Proxies) ClientAddr(r *http.Request) string {
	peer := peerAddr(r.RemoteAddr)
	if !peer.IsValid() {
		return r.RemoteAddr
	}
	if len(p) == 0 || !p.trusts(peer) {
		return peer.String()
	}
	hops := forwardedFor(r.Header)
	last := peer
	for i := len(hops) - 1; i >= 0; i-- {
		a := parseHop(hops[i])
		if !a.IsValid() {
			break
		}
		if !p.trusts(a) {
			return a.String()
		}
		last = a
	}
	return last.String()
}

// peerAddr is the address of host:port, unmapped from IPv6 and unzoned.
func peerAddr(remote string) netip.Addr {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap().WithZone("")
}

// forwardedFor lists the hops of X-Forwarded-For, or else of Forwarded's
// for= parameters, first hop first, across repeated headers.
func forwardedFor(h http.Header) []string {
	var hops []string
	if xff := h.Values("X-Forwarded-For"); len(xff) > 0 {
		for _, v := range xff {
			for _, e := range strings.Split(v, ",") {
				hops = append(hops, strings.TrimSpace(e))
			}
		}
		return hops
	}
	for _, v := range h.Values("Forwarded") {
		for _, elem := range strings.Split(v, ",") {
			for _, pair := range strings.Split(elem, ";") {
				k, val, ok := strings.Cut(strings.TrimSpace(pair), "=")
				if ok && strings.EqualFold(strings.TrimSpace(k), "for") {
					hops = append(hops, strings.Trim(strings.TrimSpace(val), `"`))
				}
			}
		}
	}
	return hops
}

// parseHop reads one forwarded address: 192.0.2.1, 192.0.2.1:4711,
// 2001:db8::1, [2001:db8::1] or [2001:db8::1]:4711. "unknown" and
// obfuscated names are not addresses.
func parseHop(s string) netip.Addr {
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap().WithZone("")
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap().WithZone("")
	}
	if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		if a, err := netip.ParseAddr(s[1 : len(s)-1]); err == nil {
			return a.Unmap().WithZone("")
		}
	}
	return netip.Addr{}
}
