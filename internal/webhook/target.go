package webhook

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"slices"
	"strings"
)

// Allow is what the operator lets webhooks reach beyond the default
// (--webhook-allow): address ranges and host names.
type Allow struct {
	Nets  []netip.Prefix
	Hosts []string
}

// ParseAllow reads a comma-separated list of CIDRs, addresses and host
// names.
func ParseAllow(list string) (Allow, error) {
	var a Allow
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		switch {
		case f == "":
			continue
		case strings.Contains(f, "/"):
			p, err := netip.ParsePrefix(f)
			if err != nil {
				return a, fmt.Errorf("webhook allow list: %q is not a CIDR range", f)
			}
			a.Nets = append(a.Nets, p.Masked())
		default:
			if ip, err := netip.ParseAddr(f); err == nil {
				a.Nets = append(a.Nets, netip.PrefixFrom(ip, ip.BitLen()))
				continue
			}
			if !validHost(f) {
				return a, fmt.Errorf("webhook allow list: %q is neither an address, a CIDR range nor a host name", f)
			}
			a.Hosts = append(a.Hosts, strings.ToLower(strings.TrimSuffix(f, ".")))
		}
	}
	return a, nil
}

func validHost(h string) bool {
	if h == "" || len(h) > 253 {
		return false
	}
	for _, r := range h {
		if !(r == '-' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

// Refusals of a target, for the messages.
var (
	ErrURL     = errors.New("not an http or https address")
	ErrAddress = errors.New("address not allowed")
)

// CheckURL reads a webhook's address: http or https, a host, no user
// name or password (the secret signs instead), no fragment. It returns
// the address as it will be used.
func CheckURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Hostname() == "" ||
		u.User != nil || u.Fragment != "" || len(raw) > 2000 {
		return "", ErrURL
	}
	return u.String(), nil
}

// Permits says whether a webhook for host may reach ip. Loopback,
// link-local, unspecified and multicast addresses and the server's own
// (own) are refused unless the operator allowed the address or the host
// name; everything else, a home network included, is allowed.
func (a Allow) Permits(host string, ip netip.Addr, own []netip.Addr) error {
	ip = ip.Unmap()
	if slices.Contains(a.Hosts, strings.ToLower(strings.TrimSuffix(host, "."))) {
		return nil
	}
	for _, p := range a.Nets {
		if p.Contains(ip) {
			return nil
		}
	}
	if ip.IsLoopback() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() || ip.IsUnspecified() ||
		ip.IsMulticast() || ip.IsInterfaceLocalMulticast() || slices.Contains(own, ip) {
		return fmt.Errorf("%w: %s", ErrAddress, ip)
	}
	return nil
}

// PermitsLiteral checks an address whose host is written as an IP (or
// is "localhost") when the webhook is registered; other host names are
// checked on each delivery, where they are resolved.
func (a Allow) PermitsLiteral(rawURL string, own []netip.Addr) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return ErrURL
	}
	h := u.Hostname()
	if ip, err := netip.ParseAddr(h); err == nil {
		return a.Permits(h, ip, own)
	}
	if strings.EqualFold(strings.TrimSuffix(h, "."), "localhost") || strings.HasSuffix(strings.ToLower(h), ".localhost") {
		return a.Permits(h, netip.MustParseAddr("127.0.0.1"), own)
	}
	return nil
}

// OwnAddresses lists the addresses of this machine's interfaces, which a
// webhook may not reach by default.
func OwnAddresses(addrs []net.Addr) []netip.Addr {
	var out []netip.Addr
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok {
			if ip, ok := netip.AddrFromSlice(n.IP); ok {
				out = append(out, ip.Unmap())
			}
		}
	}
	return out
}
