package web_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"image/png"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"nurture/internal/apptest"
)

// These tests cover the installable, offline app (pages_offline.go) and
// the conflict rule of edits from two devices (the API's PUT with
// updated_at). Helpers are prefixed with "off".

func offGet(t *testing.T, a *apptest.App, path string) *http.Response {
	t.Helper()
	res, err := http.Get(a.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	return res
}

func TestManifestAndIcons(t *testing.T) {
	a := apptest.New(t)
	res := offGet(t, a, "/manifest.webmanifest")
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/manifest+json") {
		t.Fatalf("manifest: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	var m struct {
		Name            string `json:"name"`
		ShortName       string `json:"short_name"`
		StartURL        string `json:"start_url"`
		Scope           string `json:"scope"`
		Display         string `json:"display"`
		ThemeColor      string `json:"theme_color"`
		BackgroundColor string `json:"background_color"`
		Icons           []struct{ Src, Sizes, Type, Purpose string }
	}
	raw, _ := io.ReadAll(res.Body)
	var generic map[string]any
	if err := json.Unmarshal(raw, &generic); err != nil {
		t.Fatalf("manifest is not JSON: %v\n%s", err, raw)
	}
	for _, f := range []string{"name", "short_name", "icons", "theme_color", "background_color", "display", "start_url", "scope"} {
		if _, ok := generic[f]; !ok {
			t.Errorf("manifest lacks %s", f)
		}
	}
	json.Unmarshal(raw, &m)
	if m.Name != "Nurture" || m.ShortName == "" || m.StartURL != "/" || m.Scope != "/" || m.Display != "standalone" {
		t.Errorf("manifest: %+v", m)
	}
	colour := regexp.MustCompile(`^#[0-9a-f]{6}$`)
	if !colour.MatchString(m.ThemeColor) || !colour.MatchString(m.BackgroundColor) {
		t.Errorf("colours %q %q", m.ThemeColor, m.BackgroundColor)
	}

	// Every PNG icon is served, and is as large as the manifest says.
	sizes := map[string]bool{}
	checkPNG := func(src string, w, h int) {
		t.Helper()
		r := offGet(t, a, src)
		if r.StatusCode != 200 || r.Header.Get("Content-Type") != "image/png" || !strings.Contains(r.Header.Get("Cache-Control"), "immutable") {
			t.Errorf("%s: %d %s %s", src, r.StatusCode, r.Header.Get("Content-Type"), r.Header.Get("Cache-Control"))
			return
		}
		cfg, err := png.DecodeConfig(r.Body)
		if err != nil {
			t.Errorf("%s: %v", src, err)
			return
		}
		if cfg.Width != w || cfg.Height != h {
			t.Errorf("%s is %d×%d, want %d×%d", src, cfg.Width, cfg.Height, w, h)
		}
	}
	for _, ic := range m.Icons {
		if !strings.HasPrefix(ic.Src, "/static/") {
			t.Errorf("icon %s is not a hashed asset", ic.Src)
		}
		if ic.Type != "image/png" {
			continue
		}
		var w, h int
		if _, err := fmt.Sscanf(ic.Sizes, "%dx%d", &w, &h); err != nil {
			t.Errorf("icon sizes %q", ic.Sizes)
			continue
		}
		checkPNG(ic.Src, w, h)
		sizes[ic.Sizes+" "+ic.Purpose] = true
	}
	for _, want := range []string{"192x192 any", "512x512 any", "512x512 maskable"} {
		if !sizes[want] {
			t.Errorf("no %s icon in %v", want, sizes)
		}
	}

	// Every page links the manifest, the Apple icon (180×180) and the theme.
	fam := a.Signup("ann@example.org", "Ann", "Martin")
	baby := a.Baby(fam, "Lou", "2026-10-01")
	b := a.Browser()
	b.Login("ann@example.org", "correct horse battery")
	for _, page := range []string{"/login", "/library"} {
		body := a.Browser().Get(page).Body
		for _, want := range []string{`<link rel="manifest" href="/manifest.webmanifest">`, `<meta name="theme-color" content="` + m.ThemeColor + `">`} {
			if !strings.Contains(body, want) {
				t.Errorf("%s lacks %s", page, want)
			}
		}
	}
	home := b.Get("/babies/" + baby).Body
	apple := regexp.MustCompile(`<link rel="apple-touch-icon" href="([^"]+)">`).FindStringSubmatch(home)
	if apple == nil {
		t.Fatalf("no apple-touch-icon link")
	}
	checkPNG(apple[1], 180, 180)
	for _, want := range []string{`id="sync"`, `id="sync-status" class="hint" role="status" aria-live="polite"`, `id="sync-text"`, "offline.js"} {
		if !strings.Contains(home, want) {
			t.Errorf("a page of a member lacks %s", want)
		}
	}
}

func gzipWriter(w io.Writer) *gzip.Writer {
	zw, _ := gzip.NewWriterLevel(w, gzip.BestCompression)
	return zw
}

func TestOfflineServiceWorkerServed(t *testing.T) {
	a := apptest.New(t)
	res := offGet(t, a, "/sw.js")
	body, _ := io.ReadAll(res.Body) // http.Get takes gzip off
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/javascript") {
		t.Fatalf("sw.js: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if cc := res.Header.Get("Cache-Control"); cc != "no-cache" {
		t.Errorf("sw.js Cache-Control %q, want no-cache (browsers must see a new version)", cc)
	}
	if res.Header.Get("Service-Worker-Allowed") != "/" {
		t.Errorf("sw.js: Service-Worker-Allowed %q", res.Header.Get("Service-Worker-Allowed"))
	}
	line, _, _ := strings.Cut(string(body), "\n")
	var cfg struct {
		V   string   `json:"v"`
		Pre []string `json:"pre"`
	}
	if err := json.Unmarshal([]byte(strings.TrimSuffix(strings.TrimPrefix(line, "self.NURTURE = "), ";")), &cfg); err != nil || cfg.V == "" {
		t.Fatalf("configuration line %q: %v", line, err)
	}
	// Every asset a page uses is precached, and every URL of the list works.
	baby := a.Baby(a.Signup("ann@example.org", "Ann", "Martin"), "Lou", "2026-10-01")
	b := a.Browser()
	b.Login("ann@example.org", "correct horse battery")
	pages := b.Get("/babies/"+baby).Body + b.Get("/babies/"+baby+"/insights").Body + a.Browser().Get("/library").Body
	if !strings.Contains(pages, "/vendor/uplot-1.6.32/uPlot.iife.min.js") {
		t.Error("the insights page does not load the vendored uPlot")
	}
	for _, u := range regexp.MustCompile(`"(/static/[^"]+)"`).FindAllStringSubmatch(pages, -1) {
		if !slices.Contains(cfg.Pre, u[1]) {
			t.Errorf("%s is not precached", u[1])
		}
	}
	for _, u := range cfg.Pre {
		if r := a.Browser().Get(u); r.Status != 200 {
			t.Errorf("precached %s: %d", u, r.Status)
		}
	}
	// The worker is small: it counts in every page's budget.
	var gz bytes.Buffer
	zw := gzipWriter(&gz)
	zw.Write(body)
	zw.Close()
	if gz.Len() > 4096 {
		t.Errorf("sw.js is %d bytes gzipped; keep it under 4 KB", gz.Len())
	}
	t.Logf("sw.js: %d bytes, %d gzipped, %d URLs", len(body), gz.Len(), len(cfg.Pre))
}

func TestOfflinePage(t *testing.T) {
	a := apptest.New(t)
	fam := a.Signup("ann@example.org", "Ann", "Martin")
	a.Join(fam, "gran@example.org", "Gran", "viewer", "grandparent")
	baby := a.Baby(fam, "Lou", "2026-10-01")
	if r := a.Browser().Get("/offline"); r.Status != 200 || strings.Contains(r.Body, "data-warm") {
		t.Errorf("anonymous /offline: %d, or lists pages", r.Status)
	}
	owner := a.Browser()
	owner.Login("ann@example.org", "correct horse battery")
	r := owner.Get("/offline")
	warm := regexp.MustCompile(`href="([^"]+)" data-warm`).FindAllStringSubmatch(r.Body, -1)
	var urls []string
	for _, m := range warm {
		urls = append(urls, strings.ReplaceAll(m[1], "&amp;", "&"))
	}
	for _, want := range []string{"/babies/" + baby, "/babies/" + baby + "/log", "/babies/" + baby + "/crying", "/babies/" + baby + "/session?routine=quick_legs_feet&ask=1"} {
		if !slices.Contains(urls, want) {
			t.Errorf("/offline does not list %s: %v", want, urls)
		}
	}
	// The worker caches only answers that are pages of this user: 200, no redirect.
	for _, u := range urls {
		if got := owner.Get(u); got.Status != 200 {
			t.Errorf("warm page %s: %d", u, got.Status)
		}
	}
	viewer := a.Browser()
	viewer.Login("gran@example.org", "correct horse battery")
	if body := viewer.Get("/offline").Body; strings.Contains(body, "/session?") || strings.Contains(body, "/log\"") {
		t.Errorf("a viewer's /offline lists pages only writers may open")
	}
}

// offAPI sends a JSON request through apptest, which also checks the
// answer (the 409 of the conflict rule included) against the OpenAPI
// document, and decodes the answer.
func offAPI(t *testing.T, a *apptest.App, method, path, token string, body any) (int, map[string]any) {
	t.Helper()
	r := a.API(method, path, token, body)
	var out map[string]any
	json.Unmarshal([]byte(r.Body), &out)
	return r.Status, out
}

func rfc(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// TestConflictLatestEditWins: an entry edited on two devices keeps the
// latest edit; the older one gets 409 with the record kept.
func TestConflictLatestEditWins(t *testing.T) {
	a := apptest.New(t)
	fam := a.Signup("ann@example.org", "Ann", "Martin")
	bob := a.Join(fam, "bob@example.org", "Bob", "caregiver", "father")
	baby := a.Baby(fam, "Lou", "2026-10-01")
	now := apptest.Now()
	start := now.Add(-3 * time.Hour).Truncate(time.Second)
	base := "/api/v1/babies/" + baby + "/touch"
	id := "7d8f6a52-5b7e-4c44-9c59-2f1e5d0c1a01"

	// Started offline on Ann's phone: the POST carries her time.
	st, e := offAPI(t, a, "POST", base, fam.Token, map[string]any{"id": id, "kind": "holding", "started_at": rfc(start), "updated_at": rfc(now.Add(-170 * time.Minute))})
	if st != 201 {
		t.Fatalf("create: %d %v", st, e)
	}
	edit := func(token, notes string, at time.Time) (int, map[string]any) {
		body := map[string]any{"kind": "holding", "started_at": rfc(start), "ended_at": rfc(start.Add(time.Hour)), "notes": notes}
		if !at.IsZero() {
			body["updated_at"] = rfc(at)
		}
		return offAPI(t, a, "PUT", base+"/"+id, token, body)
	}
	stored := func() map[string]any {
		t.Helper()
		r := a.API("GET", base+"/"+id, fam.Token, nil)
		if r.Status != 200 {
			t.Fatalf("get: %d %s", r.Status, r.Body)
		}
		return r.JSON(t)
	}

	// Stopped later on Ann's phone, sent later still: hers is the latest.
	annAt := now.Add(-20 * time.Minute)
	if st, e := edit(fam.Token, "from Ann", annAt); st != 200 || e["notes"] != "from Ann" {
		t.Fatalf("Ann's edit: %d %v", st, e)
	}
	// Bob edited offline before Ann did and syncs now: Ann's edit is kept.
	st, e = edit(bob.Token, "from Bob", now.Add(-40*time.Minute))
	if st != http.StatusConflict {
		t.Fatalf("older edit: %d %v, want 409", st, e)
	}
	cur, _ := e["current"].(map[string]any)
	if msg, _ := e["error"].(string); msg == "" || cur == nil || cur["notes"] != "from Ann" || cur["id"] != id {
		t.Errorf("409 body: %v", e)
	}
	if got := stored(); got["notes"] != "from Ann" {
		t.Errorf("stored after the older edit: %v", got)
	}
	// A replay of Ann's edit (its answer was lost) is not older: 200.
	if st, _ := edit(fam.Token, "from Ann", annAt); st != 200 {
		t.Errorf("replayed edit: %d", st)
	}
	// Bob's newer edit wins, keeps Ann as who did it, and takes his time.
	bobAt := now.Add(-5 * time.Minute)
	if st, e := edit(bob.Token, "from Bob, later", bobAt); st != 200 || e["notes"] != "from Bob, later" || e["caregiver_id"] != fam.UserID {
		t.Errorf("newer edit: %d %v", st, e)
	}
	if got := stored()["updated_at"].(string); got != bobAt.UTC().Format(time.RFC3339) {
		t.Errorf("updated_at %s, want the edit's time %s", got, bobAt.UTC().Format(time.RFC3339))
	}
	// A clock ahead of the server counts as now, not as the future.
	if st, _ := edit(fam.Token, "ahead", now.Add(time.Hour)); st != 200 {
		t.Errorf("edit from a clock ahead: %d", st)
	}
	if got, _ := time.Parse(time.RFC3339, stored()["updated_at"].(string)); got.After(apptest.Now().Add(time.Second)) {
		t.Errorf("updated_at in the future: %v", got)
	}
	// Without updated_at an edit always wins, as before the rule.
	if st, e := edit(fam.Token, "plain", time.Time{}); st != 200 || e["notes"] != "plain" {
		t.Errorf("edit without updated_at: %d %v", st, e)
	}
	st, e = offAPI(t, a, "PUT", base+"/"+id, fam.Token, map[string]any{"kind": "holding", "started_at": rfc(start), "updated_at": "yesterday"})
	if st != 422 || e["fields"].(map[string]any)["updated_at"] == nil {
		t.Errorf("bad updated_at: %d %v", st, e)
	}
}

// TestConflictSessions applies the same rule to sessions.
func TestConflictSessions(t *testing.T) {
	a := apptest.New(t)
	fam := a.Signup("ann@example.org", "Ann", "Martin")
	baby := a.Baby(fam, "Lou", "2026-10-01")
	now := apptest.Now()
	start := now.Add(-2 * time.Hour).Truncate(time.Second)
	id := "0b5e7c1d-3f0a-4e8b-a7a2-6c1d2e3f4a5b"
	base := "/api/v1/babies/" + baby + "/sessions"
	session := func(notes string, at time.Time) map[string]any {
		return map[string]any{"id": id, "routine_id": "quick_legs_feet", "started_at": rfc(start), "ended_at": rfc(start.Add(10 * time.Minute)),
			"outcome": "completed", "steps": []any{}, "notes": notes, "updated_at": rfc(at)}
	}
	if st, e := offAPI(t, a, "POST", base, fam.Token, session("first", now.Add(-100*time.Minute))); st != 201 {
		t.Fatalf("create: %d %v", st, e)
	}
	// The same POST again (an offline replay) stores nothing new.
	if st, e := offAPI(t, a, "POST", base, fam.Token, session("first", now.Add(-100*time.Minute))); st != 200 || e["id"] != id {
		t.Fatalf("replay: %d %v", st, e)
	}
	if st, e := offAPI(t, a, "PUT", base+"/"+id, fam.Token, session("newer", now.Add(-10*time.Minute))); st != 200 || e["notes"] != "newer" {
		t.Fatalf("newer edit: %d %v", st, e)
	}
	st, e := offAPI(t, a, "PUT", base+"/"+id, fam.Token, session("older", now.Add(-50*time.Minute)))
	if cur, _ := e["current"].(map[string]any); st != 409 || cur == nil || cur["notes"] != "newer" {
		t.Errorf("older edit: %d %v", st, e)
	}
	r := a.API("GET", base, fam.Token, nil)
	if items := r.JSON(t)["items"].([]any); len(items) != 1 || items[0].(map[string]any)["notes"] != "newer" {
		t.Errorf("sessions: %s", r.Body)
	}
}
