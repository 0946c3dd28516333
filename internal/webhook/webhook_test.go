package webhook

import (
	"encoding/json"
	"net/netip"
	"testing"
	"time"

	"nurture/internal/domain"
)

func TestPermits(t *testing.T) {
	own := []netip.Addr{netip.MustParseAddr("192.168.1.10")}
	allow, err := ParseAllow("127.0.0.1, 10.9.0.0/16, ha.local")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		allow  Allow
		host   string
		ip     string
		permit bool
	}{
		{Allow{}, "example.org", "93.184.215.14", true},
		{Allow{}, "ha", "192.168.1.20", true}, // a home network is fine
		{Allow{}, "x", "10.9.1.1", true},
		{Allow{}, "localhost", "127.0.0.1", false},
		{Allow{}, "x", "127.5.5.5", false},
		{Allow{}, "x", "::1", false},
		{Allow{}, "x", "::ffff:127.0.0.1", false}, // mapped loopback
		{Allow{}, "x", "169.254.169.254", false},  // cloud metadata
		{Allow{}, "x", "fe80::1", false},
		{Allow{}, "x", "0.0.0.0", false},
		{Allow{}, "x", "224.0.0.1", false},
		{Allow{}, "x", "192.168.1.10", false}, // the server itself
		{allow, "localhost", "127.0.0.1", true},
		{allow, "x", "127.0.0.2", false}, // only the one address allowed
		{allow, "x", "10.9.200.3", true},
		{allow, "HA.local.", "192.168.1.10", true}, // allowed by name
		{allow, "other.local", "192.168.1.10", false},
	} {
		err := c.allow.Permits(c.host, netip.MustParseAddr(c.ip), own)
		if (err == nil) != c.permit {
			t.Errorf("%v Permits(%s, %s) = %v, want permitted %v", c.allow, c.host, c.ip, err, c.permit)
		}
	}
}

func TestParseAllowRefuses(t *testing.T) {
	for _, bad := range []string{"10.0.0.0/33", "not a host", "a/b", "ha_local"} {
		if _, err := ParseAllow(bad); err == nil {
			t.Errorf("ParseAllow(%q) accepted", bad)
		}
	}
	if a, err := ParseAllow(""); err != nil || len(a.Nets)+len(a.Hosts) != 0 {
		t.Errorf("empty list: %v %v", a, err)
	}
}

func TestCheckURL(t *testing.T) {
	for raw, ok := range map[string]bool{
		"https://ha.example/api/webhook/abc": true,
		"http://192.168.1.5:8123/x":          true,
		" https://ha.example/x ":             true,
		"ftp://ha.example/":                  false,
		"https://":                           false,
		"ha.example/x":                       false,
		"https://user:pw@ha.example/":        false,
		"https://ha.example/#frag":           false,
		"javascript:alert(1)":                false,
		"":                                   false,
	} {
		if _, err := CheckURL(raw); (err == nil) != ok {
			t.Errorf("CheckURL(%q) = %v, want ok %v", raw, err, ok)
		}
	}
	own := []netip.Addr{netip.MustParseAddr("10.0.0.2")}
	for raw, ok := range map[string]bool{
		"http://127.0.0.1:9/x":   false,
		"http://localhost/x":     false,
		"http://app.localhost/x": false,
		"http://[::1]/x":         false,
		"http://10.0.0.2/x":      false,
		"http://10.0.0.3/x":      true,
		"https://ha.example/x":   true, // names are checked when resolved
	} {
		if err := (Allow{}).PermitsLiteral(raw, own); (err == nil) != ok {
			t.Errorf("PermitsLiteral(%q) = %v, want ok %v", raw, err, ok)
		}
	}
}

func TestBackoff(t *testing.T) {
	base := 10 * time.Second
	prev := time.Duration(0)
	total := time.Duration(0)
	n := 0
	for n = 1; total < GiveUpAfter; n++ {
		d := Backoff(n, base)
		lo := min(base<<(n-1), time.Hour)
		if n > 20 {
			lo = time.Hour
		}
		if d > lo || d < lo-lo/5 {
			t.Fatalf("Backoff(%d) = %v, want within 80–100 %% of %v", n, d, lo)
		}
		if d < prev-prev/5 {
			t.Fatalf("Backoff(%d) = %v shrank from %v", n, d, prev)
		}
		prev, total = d, total+d
	}
	if n < 20 || n > 40 {
		t.Errorf("%d attempts in a day, want 20–40", n)
	}
}

func TestSignAndPayload(t *testing.T) {
	body := []byte(`{"a":1}`)
	sig := Sign("s3cret", body)
	// HMAC-SHA256("s3cret", `{"a":1}`), computed apart with Python's hmac.
	if sig != "sha256=5910e62016ef5034272c926c27071992a465c2335cecf41851bda071577f4f6d" || !Verify("s3cret", body, sig) {
		t.Fatalf("signature %s", sig)
	}
	if Verify("other", body, sig) || Verify("s3cret", []byte(`{"a":2}`), sig) {
		t.Error("a wrong secret or body verified")
	}
	end := time.Date(2026, 3, 1, 10, 30, 0, 0, time.UTC)
	e := domain.Entry{Type: domain.SleepLog, ID: "e1", FamilyID: "f", BabyID: "b", StartedAt: end.Add(-time.Hour), EndedAt: &end, CreatedAt: end, UpdatedAt: end}
	b, err := EntryBody("ev1", Ended(e.Type), end, e)
	if err != nil {
		t.Fatal(err)
	}
	var p struct {
		Data struct {
			Type    string `json:"type"`
			EndedAt string `json:"ended_at"`
		} `json:"data"`
	}
	var raw map[string]any
	json.Unmarshal(b, &raw)
	json.Unmarshal(b, &p)
	if raw["id"] != "ev1" || raw["event"] != "sleep.ended" || raw["occurred_at"] != "2026-03-01T10:30:00Z" || raw["baby_id"] != "b" ||
		p.Data.Type != "sleep" || p.Data.EndedAt != "2026-03-01T10:30:00Z" {
		t.Errorf("payload %s", b)
	}
}

func TestDeliveryID(t *testing.T) {
	ev := "7f1e7c9e-8d4b-4b8e-9a55-2f7f8a3c1b10"
	a, b := DeliveryID(ev, "w1"), DeliveryID(ev, "w2")
	if a != DeliveryID(ev, "w1") || a == b || a == DeliveryID("7f1e7c9e-8d4b-4b8e-9a55-2f7f8a3c1b11", "w1") {
		t.Errorf("delivery ids %s %s: want stable per event and webhook, distinct otherwise", a, b)
	}
}

func TestEventList(t *testing.T) {
	s := EventList([]string{TouchCreated, SleepEnded})
	if s != ",touch.created,sleep.ended," {
		t.Errorf("EventList = %q", s)
	}
	if got := ParseEventList(s); len(got) != 2 || got[0] != TouchCreated || got[1] != SleepEnded {
		t.Errorf("ParseEventList = %v", got)
	}
	for _, e := range Events {
		if !Known(e) {
			t.Errorf("%s not known", e)
		}
	}
	if Known("touch") || Known("") || Created(domain.CryingLog) != CryingCreated || Ended(domain.TouchLog) != TouchEnded {
		t.Error("event names")
	}
}
