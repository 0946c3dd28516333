package bench

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

func TestScheduleProportions(t *testing.T) {
	s := MixedLoad.Schedule()
	if len(s) != 100 {
		t.Fatalf("cycle of %d, want 100", len(s))
	}
	count := map[Op]int{}
	writes := 0
	for _, op := range s {
		count[op]++
		if op.Write() {
			writes++
		}
	}
	for _, w := range MixedLoad {
		if count[w.Op] != w.Weight {
			t.Errorf("%s: %d in the cycle, want %d", w.Op, count[w.Op], w.Weight)
		}
	}
	if writes != 30 {
		t.Errorf("writes are %d %%, want 30", writes)
	}
	// Interleaved: any 20 consecutive requests hold 4 to 8 writes.
	for i := range s {
		n := 0
		for j := 0; j < 20; j++ {
			if s[(i+j)%len(s)].Write() {
				n++
			}
		}
		if n < 4 || n > 8 {
			t.Fatalf("window at %d has %d writes in 20", i, n)
		}
	}
	if r, w := MixedLoad.Only(false), MixedLoad.Only(true); len(r) != 6 || len(w) != 3 || w[0].Op != OpTouch {
		t.Fatalf("Only: %v / %v", r, w)
	}
}

func testTargets(t *testing.T, urls []string, mix Mix) *Targets {
	t.Helper()
	users := []User{
		{Family: "f1", User: "u1", Babies: []string{"b1", "b2"}, Session: "s1", API: "a1"},
		{Family: "f2", User: "u2", Babies: []string{"b3"}, Session: "s2", API: "a2"},
		{Family: "f3", User: "u3", Babies: []string{"b4"}, Session: "s3", API: "a3"},
	}
	tok := Tokens{First: "2026-05-01", Last: "2026-05-31"}
	tg, err := NewTargets(urls, users, mix, tok, []string{"toe_roll", "leg_swedish_milking"},
		map[string][]string{"r1": {"toe_roll", "leg_swedish_milking"}}, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

// TestTargetsMix: the generated requests follow the mix, carry the right
// credentials, and every write has a fresh id and a span of its own.
func TestTargetsMix(t *testing.T) {
	tg := testTargets(t, []string{"http://a:1/", "http://b:2"}, MixedLoad)
	count := map[Op]int{}
	ids := map[string]bool{}
	var spans [][2]time.Time
	hosts := map[string]bool{}
	const n = 1000
	for range n {
		var v vegeta.Target
		op := tg.Next(&v)
		count[op]++
		if got := ClassifyURL(v.Method, v.URL); got != op {
			t.Fatalf("%s %s classified %s, made as %s", v.Method, v.URL, got, op)
		}
		hosts[strings.SplitN(v.URL, "/", 4)[2]] = true
		api := strings.Contains(v.URL, "/api/")
		if api && !strings.HasPrefix(v.Header.Get("Authorization"), "Bearer a") {
			t.Fatalf("%s without a bearer token", v.URL)
		}
		if !api && !strings.HasPrefix(v.Header.Get("Cookie"), "nurture_session=s") {
			t.Fatalf("%s without a session cookie", v.URL)
		}
		if op == OpDay && !strings.Contains(v.URL, "date=2026-05-") {
			t.Fatalf("day view outside the seeded month: %s", v.URL)
		}
		if !op.Write() {
			continue
		}
		var body struct {
			ID        string `json:"id"`
			StartedAt string `json:"started_at"`
			EndedAt   string `json:"ended_at"`
		}
		if err := json.Unmarshal(v.Body, &body); err != nil {
			t.Fatal(err)
		}
		if ids[body.ID] || len(body.ID) != 36 {
			t.Fatalf("id %q reused or malformed", body.ID)
		}
		ids[body.ID] = true
		s, _ := time.Parse(time.RFC3339, body.StartedAt)
		e, _ := time.Parse(time.RFC3339, body.EndedAt)
		if s.Year() < 2000 || !e.After(s) || s.After(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)) {
			t.Fatalf("write span %s – %s", body.StartedAt, body.EndedAt)
		}
		spans = append(spans, [2]time.Time{s, e})
	}
	for _, w := range MixedLoad {
		if want := w.Weight * n / 100; count[w.Op] != want {
			t.Errorf("%s: %d of %d, want %d", w.Op, count[w.Op], n, want)
		}
	}
	for i := 1; i < len(spans); i++ {
		if spans[i][0].Before(spans[i-1][1]) {
			t.Fatalf("write %d overlaps the one before", i)
		}
	}
	if len(hosts) != 2 || int(tg.Writes()) != len(spans) {
		t.Fatalf("hosts %v, writes %d/%d", hosts, tg.Writes(), len(spans))
	}
}

func TestWriteBaseSpreadsRuns(t *testing.T) {
	now := time.Date(2026, 11, 26, 3, 0, 0, 0, time.UTC)
	a, b := WriteBase(now), WriteBase(now.Add(30*time.Second))
	if d := b.Sub(a); d < 100000*time.Second {
		t.Fatalf("runs 30 s apart get bases %s apart", d)
	}
	for i := range 2000 {
		w := WriteBase(now.Add(time.Duration(i) * 37 * time.Minute))
		if w.Year() < 2000 || w.Year() > 2024 {
			t.Fatalf("base %s out of range", w)
		}
	}
}

func TestClassifyURL(t *testing.T) {
	for _, c := range []struct {
		method, url string
		want        Op
	}{
		{"GET", "http://x/babies/b1", OpHome},
		{"GET", "http://x/babies/b1/day?date=2026-01-02", OpDay},
		{"GET", "http://x/library", OpLibrary},
		{"GET", "http://x/library/strokes/toe_roll", OpStroke},
		{"GET", "http://x/api/v1/babies/b1/insights", OpInsights},
		{"GET", "http://x/api/v1/babies/b1/sessions", OpSessions},
		{"POST", "http://x/api/v1/babies/b1/sessions", OpSession},
		{"POST", "http://x/api/v1/babies/b1/touch", OpTouch},
		{"POST", "http://x/api/v1/babies/b1/crying", OpCrying},
	} {
		if got := ClassifyURL(c.method, c.url); got != c.want {
			t.Errorf("%s %s: %s, want %s", c.method, c.url, got, c.want)
		}
	}
}

func TestCollectorStats(t *testing.T) {
	var c Collector
	t0 := time.Unix(1000, 0)
	for i := 1; i <= 100; i++ {
		code := 200
		switch i {
		case 7:
			code = 422
		case 8:
			code = 303 // a redirect to the login page is a failure too
		}
		c.Add(code, false, t0.Add(time.Duration(i)*time.Millisecond), time.Duration(i)*time.Millisecond)
	}
	c.Add(0, true, t0, 5*time.Millisecond)
	s := c.Stats(2 * time.Second)
	if s.Requests != 101 || s.Errors != 3 || s.ErrorsBy["422"] != 1 || s.ErrorsBy["303"] != 1 || s.ErrorsBy["0"] != 1 {
		t.Fatalf("counts: %+v", s)
	}
	if s.P50 != 50*time.Millisecond || s.P90 != 90*time.Millisecond || s.P99 != 99*time.Millisecond || s.Max != 100*time.Millisecond {
		t.Fatalf("percentiles: %s %s %s %s", s.P50, s.P90, s.P99, s.Max)
	}
	if got := s.PerSecond(); got != 50.5 {
		t.Fatalf("per second %v", got)
	}
	if Percentile(nil, 99) != 0 {
		t.Fatal("percentile of nothing")
	}
}

func TestPickUsersSpreadsFamilies(t *testing.T) {
	var all []User
	for f := range 5 {
		for u := range 3 {
			all = append(all, User{Family: fmt.Sprint("f", f), User: fmt.Sprint(f, "-", u)})
		}
	}
	got := PickUsers(all, 7)
	fams := map[string]int{}
	for _, u := range got {
		fams[u.Family]++
	}
	if len(got) != 7 || len(fams) != 5 {
		t.Fatalf("picked %d users over %d families", len(got), len(fams))
	}
	if len(PickUsers(all, 0)) != 15 || len(PickUsers(all, 99)) != 15 {
		t.Fatal("0 or too many should give everyone")
	}
}
