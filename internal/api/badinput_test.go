package api_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"nurture/internal/app"
	"nurture/internal/apptest"
)

// writeRoute is one write route of the API and what its body holds.
type writeRoute struct {
	method, pattern string
	// src is how internal/api registers it: "POST /api/v1/signup" for a
	// literal pattern, `POST +base` for one built from a variable.
	src string
	// body is a valid body; nil for routes that take none.
	body map[string]any
	// text fields are checked for control characters; times are RFC 3339,
	// dates civil dates; ints and floats numbers.
	text, times, dates, ints, floats []string
	// also lists answers besides 400/413/422 that are calm for this route.
	also []int
	// pathIDs: the pattern has ids, so unknown ids must give 404.
	pathIDs bool
	// timesMayPass: the route only answers a question (readiness), so a
	// long-past time is valid input, not an error.
	timesMayPass bool
}

// writeRoutes lists every POST, PUT and DELETE route of the API.
// TestBadInputRouteTable fails when internal/api registers one it lacks.
func writeRoutes(w *world, sid string, eids map[string]string) []writeRoute {
	now := apptest.Now().UTC().Truncate(time.Second)
	at := func(min int) string { return now.Add(time.Duration(min) * time.Minute).Format(time.RFC3339) }
	routes := []writeRoute{
		{method: "POST", pattern: "/api/v1/signup", src: "POST /api/v1/signup",
			body: map[string]any{"email": "sweep@example.org", "password": "0123456789xx", "name": "Sweep", "family_name": "Sweep", "timezone": "Europe/Paris", "locale": "en", "relation": "parent"},
			text: []string{"name", "family_name", "email", "timezone", "locale", "relation"}},
		{method: "POST", pattern: "/api/v1/login", src: "POST /api/v1/login",
			body: map[string]any{"email": "ann@example.org", "password": "not the password"}, also: []int{401, 429}},
		{method: "POST", pattern: "/api/v1/invites", src: "POST /api/v1/invites",
			body: map[string]any{"role": "viewer", "relation": "sibling"}, text: []string{"role", "relation"}},
		{method: "POST", pattern: "/api/v1/babies", src: "POST /api/v1/babies",
			body: map[string]any{"name": "Tom", "birth_date": "2026-11-01", "gestation_weeks": 34}, text: []string{"name", "birth_date"},
			dates: []string{"birth_date"}, ints: []string{"gestation_weeks"}},
		{method: "POST", pattern: "/api/v1/babies/{id}/readiness", src: "POST /api/v1/babies/{id}/readiness", pathIDs: true, timesMayPass: true,
			body:  map[string]any{"state": "quiet_alert", "last_feed_at": at(-120), "vaccinated_at": at(-6000), "temperature_c": 37.0, "unwell": false, "skin_issue": false, "cord_healed": true, "now": at(0)},
			text:  []string{"state"},
			times: []string{"last_feed_at", "vaccinated_at", "now"}, floats: []string{"temperature_c"}},
		{method: "POST", pattern: "/api/v1/babies/{id}/sessions", src: "POST /api/v1/babies/{id}/sessions", pathIDs: true,
			body: map[string]any{"id": "6a1e2d3c-4b5a-4697-8877-665544332299", "routine_id": "quick_legs_feet", "started_at": at(-600), "ended_at": at(-590), "outcome": "completed",
				"steps": []any{map[string]any{"stroke_id": "toe_roll", "response": "engaged"}}, "parent_calm_before": 3, "parent_calm_after": 4, "fell_asleep_after_min": 10, "notes": "ok"},
			text:  []string{"id", "routine_id", "outcome", "notes", "caregiver_id"},
			times: []string{"started_at", "ended_at"}, ints: []string{"parent_calm_before", "parent_calm_after", "fell_asleep_after_min"}},
		{method: "PUT", pattern: "/api/v1/babies/{id}/sessions/{sid}", src: "PUT /api/v1/babies/{id}/sessions/{sid}", pathIDs: true,
			body: map[string]any{"started_at": at(-700), "ended_at": at(-690), "outcome": "stopped_early", "notes": "edited", "parent_calm_before": 2},
			text: []string{"outcome", "notes", "routine_id"}, times: []string{"started_at", "ended_at"}, ints: []string{"parent_calm_before"}},
		{method: "DELETE", pattern: "/api/v1/babies/{id}/sessions/{sid}", src: "DELETE /api/v1/babies/{id}/sessions/{sid}", pathIDs: true},
		{method: "POST", pattern: "/api/v1/import", src: "POST /api/v1/import"}, // body: the family's export, filled in below
		{method: "DELETE", pattern: "/api/v1/babies/{id}", src: "DELETE /api/v1/babies/{id}", pathIDs: true},
		{method: "DELETE", pattern: "/api/v1/family/members/{user}", src: "DELETE /api/v1/family/members/{user}", pathIDs: true},
		{method: "PUT", pattern: "/api/v1/family/members/{user}", src: "PUT /api/v1/family/members/{user}", pathIDs: true,
			body: map[string]any{"role": "viewer"}, text: []string{"role"}},
		{method: "DELETE", pattern: "/api/v1/family", src: "DELETE /api/v1/family"},
		{method: "DELETE", pattern: "/api/v1/me", src: "DELETE /api/v1/me"},
		{method: "POST", pattern: "/api/v1/babies/{id}/course/advance", src: "POST /api/v1/babies/{id}/course/advance", pathIDs: true,
			body: map[string]any{"week": 2}, text: []string{"caregiver_id"}, ints: []string{"week"}},
		{method: "POST", pattern: "/api/v1/babies/{id}/course/pause", src: "POST /api/v1/babies/{id}/course/pause", pathIDs: true,
			body: map[string]any{}, text: []string{"caregiver_id"}},
		{method: "POST", pattern: "/api/v1/babies/{id}/course/resume", src: "POST /api/v1/babies/{id}/course/resume", pathIDs: true,
			body: map[string]any{}, text: []string{"caregiver_id"}},
		{method: "POST", pattern: "/api/v1/babies/{id}/shares", src: "POST /api/v1/babies/{id}/shares", pathIDs: true,
			body: map[string]any{"shows": []any{"crying", "sleep"}, "days": 14, "lang": "en", "hours": 24},
			text: []string{"lang", "from", "to"}, ints: []string{"days", "hours"}},
		{method: "DELETE", pattern: "/api/v1/babies/{id}/shares/00000000-0000-4000-8000-000000000000", src: "DELETE /api/v1/babies/{id}/shares/{sid}", pathIDs: true, also: []int{404}},
		{method: "POST", pattern: "/api/v1/webhooks", src: "POST /api/v1/webhooks",
			body: map[string]any{"url": "https://ha.example/api/webhook/nurture", "events": []any{"sleep.created"}}, text: []string{"url"}, also: []int{409}},
		{method: "DELETE", pattern: "/api/v1/webhooks/00000000-0000-4000-8000-000000000000", src: "DELETE /api/v1/webhooks/{wid}", also: []int{404}},
		// A recording's body is audio, not JSON: only its size is swept
		// here (its bad bodies are in TestVoiceAPI).
		{method: "PUT", pattern: "/api/v1/voice/part:legs", src: "PUT /api/v1/voice/{key}", also: []int{415}},
		{method: "DELETE", pattern: "/api/v1/voice/part:legs", src: "DELETE /api/v1/voice/{key}", also: []int{404}},
		{method: "POST", pattern: "/api/v1/voice/choose", src: "POST /api/v1/voice/choose",
			body: map[string]any{"caregiver_id": "{user}", "key": "part:legs"}, text: []string{"caregiver_id", "key"}, also: []int{404}},
	}
	for i, typ := range []string{"touch", "sleep", "crying"} {
		body := map[string]any{"id": fmt.Sprintf("7a1e2d3c-4b5a-4697-8877-66554433220%d", i), "started_at": at(-300 - 30*i), "ended_at": at(-290 - 30*i), "notes": "ok"}
		put := map[string]any{"started_at": at(-400 - 30*i), "ended_at": at(-395 - 30*i), "notes": "edited"}
		text := []string{"id", "notes", "caregiver_id"}
		var ints []string
		switch typ {
		case "touch":
			body["kind"], put["kind"] = "holding", "cuddle"
			text = append(text, "kind")
		case "crying":
			body["held"], body["needs_checked"], body["soothed_by"], body["parent_stress"] = true, []any{"hungry"}, []any{"walking"}, 3
			put["parent_stress"] = 2
			ints = []string{"parent_stress"}
		}
		base := "/api/v1/babies/{id}/" + typ
		routes = append(routes,
			writeRoute{method: "POST", pattern: base, src: `POST +base`, pathIDs: true, body: body, text: text, times: []string{"started_at", "ended_at"}, ints: ints},
			writeRoute{method: "PUT", pattern: base + "/{eid}", src: `PUT +base+"/{eid}"`, pathIDs: true, body: put, text: text[1:], times: []string{"started_at", "ended_at"}, ints: ints},
			writeRoute{method: "DELETE", pattern: base + "/{eid}", src: `DELETE +base+"/{eid}"`, pathIDs: true})
	}
	// Concrete paths with the world's ids.
	for i := range routes {
		if routes[i].body["caregiver_id"] == "{user}" {
			routes[i].body["caregiver_id"] = w.caregiver.UserID
		}
		p := strings.ReplaceAll(routes[i].pattern, "{id}", w.babyA)
		p = strings.ReplaceAll(p, "{sid}", sid)
		p = strings.ReplaceAll(p, "{user}", w.caregiver.UserID)
		for typ, id := range eids {
			if strings.Contains(p, "/"+typ+"/") {
				p = strings.ReplaceAll(p, "{eid}", id)
			}
		}
		routes[i].pattern = p
	}
	return routes
}

// registered finds the write routes internal/api registers, by reading
// its source: `HandleFunc("POST /path"` or `HandleFunc("POST "+expr`.
func registered(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`\.Handle(?:Func)?\(\s*"((?:POST|PUT|DELETE|PATCH) [^"]*)"\s*(\+[^,]*)?,`)
	out := map[string]string{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			sig := m[1]
			if m[2] != "" {
				sig = strings.TrimSpace(m[1]) + " " + strings.Join(strings.Fields(m[2]), "")
			}
			out[sig] = f
		}
	}
	return out
}

// TestBadInputRouteTable: the sweep covers every write route. A route
// added to internal/api without a line in writeRoutes fails here.
func TestBadInputRouteTable(t *testing.T) {
	reg := registered(t)
	if len(reg) < 10 {
		t.Fatalf("found only %d write routes in the source; is the pattern still right? %v", len(reg), reg)
	}
	table := map[string]bool{}
	for _, r := range writeRoutes(&world{}, "", nil) {
		table[r.src] = true
	}
	for sig, file := range reg {
		if !table[sig] {
			t.Errorf("%s registers %q, which the bad-input table (writeRoutes) lacks", file, sig)
		}
	}
	for sig := range table {
		if _, ok := reg[sig]; !ok {
			t.Errorf("writeRoutes lists %q, which internal/api no longer registers", sig)
		}
	}
}

// badCase is one bad request.
type badCase struct {
	name   string
	path   string
	body   string
	length int64 // > 0: a body of this many bytes made by bigBody
	chunk  bool  // send without Content-Length
	want   []int
}

func with(body map[string]any, field string, v any) string {
	m := map[string]any{}
	for k, x := range body {
		m[k] = x
	}
	m[field] = v
	b, _ := json.Marshal(m)
	return string(b)
}

// raw puts v into the JSON as written (for numbers JSON can hold but Go
// cannot decode into the field).
type raw string

func withRaw(body map[string]any, field string, v raw) string {
	s := with(body, field, "@@RAW@@")
	return strings.Replace(s, `"@@RAW@@"`, string(v), 1)
}

// cases makes the bad requests for one route.
func cases(r writeRoute, w *world) []badCase {
	calm := append([]int{400, 413, 422}, r.also...)
	var cs []badCase
	add := func(name, body string, want ...int) {
		if len(want) == 0 {
			want = calm
		}
		cs = append(cs, badCase{name: name, path: r.pattern, body: body, want: want})
	}
	// Bodies over the limit, told by Content-Length and not.
	limit := int64(1 << 20)
	if r.pattern == "/api/v1/import" {
		limit = app.MaxImport
	}
	cs = append(cs, badCase{name: "body over the limit", path: r.pattern, length: limit + 1, want: []int{413}})
	if r.body != nil {
		want := []int{413}
		if r.pattern == "/api/v1/import" {
			// Known: export.Read turns the body limit's error into a
			// Problem ("not a valid export"), so a chunked import over
			// 64 MiB gets 422 instead of 413. Calm, but the wrong message.
			want = []int{413, 422}
		}
		cs = append(cs, badCase{name: "chunked body over the limit", path: r.pattern, length: limit + 1, chunk: true, want: want})
	}
	if r.pathIDs {
		for _, id := range []string{"nope", "00000000-0000-0000-0000-000000000000", w.babyB, w.other.UserID, strings.Repeat("9", 5000), "%00", "..%2f..%2fetc"} {
			p := r.pattern
			for _, known := range []string{w.babyA, w.caregiver.UserID} {
				p = strings.Replace(p, known, id, 1)
			}
			if p == r.pattern { // ids of sessions and entries: replace the last segment
				p = r.pattern[:strings.LastIndex(r.pattern, "/")+1] + id
			}
			b := ""
			if r.body != nil {
				b = mustJSON(r.body)
			}
			cs = append(cs, badCase{name: "unknown id " + trunc(id), path: p, body: b, want: append([]int{404}, r.also...)})
		}
	}
	if r.body == nil {
		return cs
	}
	for _, m := range []string{``, `{`, `{"a":}`, `nul`, `[1,2`, `{}}`, "\xff\xfe{}", `{} {}`, `"a string"`, `[]`, `123`, `{"` + strings.Repeat("a", 1000) + `":1}`,
		strings.Repeat("[", 100000), `{"a":` + strings.Repeat(`{"a":`, 20000) + `1` + strings.Repeat("}", 20001)} {
		add("malformed "+trunc(m), m)
	}
	add("unknown field", with(r.body, "zzz_unknown", 1))
	add("unknown field __proto__", with(r.body, "__proto__", map[string]any{"admin": true}))
	fields := make([]string, 0, len(r.body))
	for f := range r.body {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	for _, f := range fields {
		var wrong []any
		switch r.body[f].(type) {
		case string:
			wrong = []any{5, true, map[string]any{}, []any{"x"}}
		case int, float64:
			wrong = []any{"3", true, map[string]any{}, []any{1}}
		case bool:
			wrong = []any{"yes", 1, []any{}}
		case []any:
			wrong = []any{"hungry", 1, map[string]any{}}
		}
		for _, v := range wrong {
			add(fmt.Sprintf("%s wrong type %T", f, v), with(r.body, f, v))
		}
	}
	for _, f := range r.text {
		base := with(r.body, f, "")
		n := (1 << 20) - len(base) - 64
		add(f+" huge string just under 1 MiB", with(r.body, f, strings.Repeat("a", n)))
		add(f+" huge string over 1 MiB", with(r.body, f, strings.Repeat("a", n+200)), 413)
		for _, c := range []string{"a\u0000b", "x\u001b[31my", "\u007f", "a\u0085b"} {
			add(f+" control character "+fmt.Sprintf("%q", c), with(r.body, f, c))
		}
	}
	for _, f := range r.times {
		for _, v := range []string{"1900-01-01T00:00:00Z", "0000-01-01T00:00:00Z", "2999-12-31T23:59:59Z", "9999-12-31T23:59:59+23:59", "2026-02-30T10:00:00Z", "2026-11-20 10:00:00", "tonight", "2026-11-20T10:00:00+25:00"} {
			want := calm
			if r.timesMayPass && (v < "2026" || f == "now") {
				want = append([]int{200}, calm...)
			}
			add(f+" "+v, with(r.body, f, v), want...)
		}
	}
	for _, f := range r.dates {
		for _, v := range []string{"1900-01-01", "0000-01-01", "2999-12-31", "2026-02-30", "2026-13-01", "20261101"} {
			add(f+" "+v, with(r.body, f, v))
		}
	}
	for _, f := range r.ints {
		for _, v := range []raw{"-1", "0", "1e308", "-1e308", "9223372036854775808", "-9223372036854775809", "1.5", "1e309", "99999"} {
			if v == "0" && f == "fell_asleep_after_min" {
				continue // zero minutes is a valid answer
			}
			add(f+" "+string(v), withRaw(r.body, f, v))
		}
	}
	for _, f := range r.floats {
		for _, v := range []raw{"-1", "1e308", "-1e308", "9223372036854775808", "1e309", "0"} {
			add(f+" "+string(v), withRaw(r.body, f, v))
		}
	}
	return cs
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func trunc(s string) string {
	if len(s) > 24 {
		return fmt.Sprintf("%.20s…(%d)", s, len(s))
	}
	return s
}

// bigBody is n bytes of a JSON string, made as it is read.
type bigBody struct{ left, n int64 }

func (b *bigBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		return 0, io.EOF
	}
	k := min(int64(len(p)), b.left)
	for i := range p[:k] {
		p[i] = 'a'
	}
	if b.left == b.n {
		p[0] = '"'
	}
	b.left -= k
	return int(k), nil
}

func (w *world) send(t *testing.T, method string, c badCase, token string) (int, string) {
	t.Helper()
	var rd io.Reader = strings.NewReader(c.body)
	n := int64(len(c.body))
	if c.length > 0 {
		rd, n = &bigBody{c.length, c.length}, c.length
	}
	if c.chunk {
		rd = io.MultiReader(rd) // hides the length
	}
	req, err := http.NewRequest(method, w.app.URL+c.path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if !c.chunk {
		req.ContentLength = n
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, trunc(c.path), err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("reading the answer: %v", err)
	}
	return res.StatusCode, string(b)
}

// snapshot is the family's export without its time stamp.
func (w *world) snapshot(t *testing.T) map[string]any {
	t.Helper()
	r := w.app.API("GET", "/api/v1/export", w.owner.Token, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("export: %d %s", r.Status, r.Body)
	}
	m := r.JSON(t)
	delete(m, "exported_at")
	return m
}

// TestBadInputSweep sends every write route malformed JSON, wrong types,
// strings just under and over 1 MiB, unknown fields, control characters,
// far-past and future dates, negative and enormous numbers, bodies over
// the limit and unknown ids. Every answer must be 400, 413 or 422 (404 for
// unknown ids; the few routes with other calm answers say so) with a JSON
// message, never a 5xx, and the family's export must be unchanged.
func TestBadInputSweep(t *testing.T) {
	w := newWorld(t)
	a := w.app
	now := apptest.Now().UTC().Truncate(time.Second)
	at := func(min int) string { return now.Add(time.Duration(min) * time.Minute).Format(time.RFC3339) }
	r := a.API("POST", "/api/v1/babies/"+w.babyA+"/sessions", w.owner.Token, fmt.Sprintf(`{"started_at":%q,"ended_at":%q,"outcome":"completed"}`, at(-60), at(-50)))
	if r.Status != http.StatusCreated {
		t.Fatalf("session: %d %s", r.Status, r.Body)
	}
	sid := r.JSON(t)["id"].(string)
	eids := map[string]string{}
	for i, typ := range []string{"touch", "sleep", "crying"} {
		body := fmt.Sprintf(`{"started_at":%q,"ended_at":%q}`, at(-40+10*i), at(-35+10*i))
		if typ == "touch" {
			body = fmt.Sprintf(`{"kind":"holding","started_at":%q,"ended_at":%q}`, at(-40), at(-35))
		}
		r := a.API("POST", "/api/v1/babies/"+w.babyA+"/"+typ, w.owner.Token, body)
		if r.Status != http.StatusCreated {
			t.Fatalf("%s: %d %s", typ, r.Status, r.Body)
		}
		eids[typ] = r.JSON(t)["id"].(string)
	}
	routes := writeRoutes(w, sid, eids)
	before := w.snapshot(t)
	for i := range routes {
		if routes[i].pattern == "/api/v1/import" {
			// The family's own export is a valid import; its text fields
			// are nested, so the sweep mutates the top level.
			routes[i].body = before
		}
	}
	total := 0
	counts := map[string]int{}
	for _, rt := range routes {
		t.Run(rt.method+" "+strings.ReplaceAll(rt.pattern, "/", "_"), func(t *testing.T) {
			for _, c := range cases(rt, w) {
				total++
				counts[c.name[:strings.IndexAny(c.name+" ", " ")]]++
				st, body := w.send(t, rt.method, c, w.owner.Token)
				if !slices.Contains(c.want, st) {
					t.Errorf("%s %s: %s: got %d, want one of %v: %.300s", rt.method, trunc(c.path), c.name, st, c.want, body)
					continue
				}
				if st >= 400 {
					var e struct{ Error string }
					if json.Unmarshal([]byte(body), &e) != nil || e.Error == "" {
						t.Errorf("%s %s: %s: %d without a JSON error message: %.300s", rt.method, trunc(c.path), c.name, st, body)
					}
				}
				if after := w.snapshot(t); !reflect.DeepEqual(before, after) {
					t.Fatalf("%s %s: %s changed the store (answer %d %.200s)", rt.method, trunc(c.path), c.name, st, body)
				}
			}
		})
	}
	// No account was made by a refused signup.
	if r := a.API("POST", "/api/v1/login", "", map[string]string{"email": "sweep@example.org", "password": "0123456789xx"}); r.Status != http.StatusUnauthorized {
		t.Errorf("a refused signup made an account: login %d", r.Status)
	}
	t.Logf("%d write routes, %d bad requests", len(routes), total)
}

// TestBadInputHTMLEscaped: HTML in text fields is valid text, stored as
// given and shown escaped on the pages.
func TestBadInputHTMLEscaped(t *testing.T) {
	w := newWorld(t)
	a := w.app
	const evil = `<script>alert(1)</script><img src=x onerror=alert(2)>`
	const escaped = `&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;`
	name := `<script>alert(1)</script>"'&`
	r := a.API("POST", "/api/v1/babies", w.owner.Token, map[string]any{"name": name, "birth_date": "2026-10-01"})
	if r.Status != http.StatusCreated {
		t.Fatalf("baby: %d %s", r.Status, r.Body)
	}
	baby := r.JSON(t)["id"].(string)
	now := apptest.Now().UTC().Truncate(time.Second)
	at := func(min int) string { return now.Add(time.Duration(min) * time.Minute).Format(time.RFC3339) }
	r = a.API("POST", "/api/v1/babies/"+baby+"/touch", w.owner.Token, map[string]any{"kind": "holding", "started_at": at(-30), "ended_at": at(-20), "notes": evil})
	if r.Status != http.StatusCreated {
		t.Fatalf("entry: %d %s", r.Status, r.Body)
	}
	eid := r.JSON(t)["id"].(string)
	r = a.API("POST", "/api/v1/babies/"+baby+"/sessions", w.owner.Token, map[string]any{"started_at": at(-60), "ended_at": at(-50), "outcome": "completed", "notes": evil})
	if r.Status != http.StatusCreated {
		t.Fatalf("session: %d %s", r.Status, r.Body)
	}
	sid := r.JSON(t)["id"].(string)
	br := a.Browser()
	br.Login("ann@example.org", "correct horse battery")
	for _, p := range []struct{ path, want string }{
		{"/babies/" + baby, `&lt;script&gt;alert(1)&lt;/script&gt;`},
		{"/babies/" + baby + "/log", `&lt;script&gt;alert(1)&lt;/script&gt;`},
		{"/babies/" + baby + "/sessions", `&lt;script&gt;alert(1)&lt;/script&gt;`},
		{"/babies/" + baby + "/entries/touch/" + eid, escaped},
		{"/babies/" + baby + "/sessions/" + sid + "/edit", escaped},
	} {
		res := br.Get(p.path)
		if res.Status != http.StatusOK {
			t.Errorf("GET %s: %d", p.path, res.Status)
			continue
		}
		if !strings.Contains(res.Body, p.want) {
			t.Errorf("GET %s does not show the text escaped (%s)", p.path, p.want)
		}
		if strings.Contains(res.Body, "<script>alert(1)") || strings.Contains(res.Body, "<img src=x") {
			t.Errorf("GET %s shows the HTML unescaped", p.path)
		}
	}
}
