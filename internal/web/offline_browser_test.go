package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"nurture/internal/apptest"
	"nurture/internal/browsertest"
)

// These tests use the app without a connection in a real Chromium: the
// service worker serves the pages, offline.js queues the writes and
// replays them. The network is cut with DevTools emulation, for the page
// and for its service worker. Helpers are prefixed with "offb".

// offbLink stands between the browser and the server: when down, it
// drops every connection, as an unreachable server does. DevTools network
// emulation covers the page (and navigator.onLine) but not always the
// service worker's own requests; the link covers both.
type offbLink struct {
	URL     string
	down    atomic.Bool
	watched sync.Once
}

func offbProxy(t *testing.T, a *apptest.App) (*offbLink, *apptest.App) {
	target, err := url.Parse(a.URL)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(target)
	l := &offbLink{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if l.down.Load() {
			if c, _, err := http.NewResponseController(w).Hijack(); err == nil {
				c.Close()
			}
			return
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	l.URL = srv.URL
	pa := *a
	pa.URL = srv.URL
	return l, &pa
}

// offbNetwork cuts the tab's network (and the server's link) or gives
// them back.
func offbNetwork(t *testing.T, ctx context.Context, l *offbLink, offline bool) {
	t.Helper()
	l.down.Store(offline)
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	// Chromium 148 moved "offline" out of each rule to the command itself
	// (and dropped emulateOfflineServiceWorker); the cdproto in go.mod
	// still sends the older shape, which an older Chromium wants.
	newer := map[string]any{"offline": offline, "matchedNetworkConditions": []map[string]any{
		{"urlPattern": "", "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}}}
	byRule := cdp.Command[map[string]any, network.EmulateNetworkConditionsByRuleResult]{Method: network.CommandEmulateNetworkConditionsByRule}
	if _, err := chromedp.Call(ctx, byRule, newer); err != nil {
		on := true
		conds := []*network.Conditions{{Offline: offline, DownloadThroughput: -1, UploadThroughput: -1}}
		if _, err2 := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
			EmulateOfflineServiceWorker: &on, MatchedNetworkConditions: conds}); err2 != nil {
			t.Fatalf("network emulation: %v; older shape: %v", err, err2)
		}
	}
	state := network.OverrideNetworkStateParams{Offline: offline, DownloadThroughput: -1, UploadThroughput: -1}
	if _, err := chromedp.Call(ctx, network.OverrideNetworkState, state); err != nil {
		t.Fatalf("network state: %v", err)
	}
	// Since Chromium 148 a navigation forgets the navigator override, so a
	// page opened offline would say navigator.onLine and never see the
	// "online" event when the link returns: say it again on each one, as
	// a phone without a connection would.
	l.watched.Do(func() {
		chromedp.Listen(ctx, func(ev any) {
			if nav, ok := ev.(*page.EventFrameNavigated); ok && nav.Frame.ParentID == "" && l.down.Load() {
				go chromedp.Call(ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: true, DownloadThroughput: -1, UploadThroughput: -1})
			}
		})
	})
}

// offbAwait evaluates js, waiting for its promise.
func offbAwait[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// offbUntil waits until js (a promise of a boolean) is true.
func offbUntil(t *testing.T, ctx context.Context, what, js string, d time.Duration) {
	t.Helper()
	end := time.Now().Add(d)
	for {
		v, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js, chromedp.EvalAwaitPromise))
		if err == nil && v {
			return
		}
		if time.Now().After(end) {
			browsertest.Screenshot(t, ctx, "offline-wait-failed")
			state, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`navigator.onLine + " " + (document.getElementById("sync-status") || {}).textContent`))
			t.Fatalf("waiting for %s: %v (last error %v; online, badge: %s)", what, v, err, state)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// offbGo navigates; offline, the answer comes from the service worker.
func offbGo(t *testing.T, ctx context.Context, u string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(u)); err != nil {
		t.Fatalf("navigate %s: %v", u, err)
	}
}

// offbReady opens the baby page online and waits until the worker
// controls it and has cached the baby's pages.
func offbReady(t *testing.T, ctx context.Context, a *apptest.App, baby string) {
	t.Helper()
	offbGo(t, ctx, a.URL+"/babies/"+baby)
	offbUntil(t, ctx, "the service worker", `navigator.serviceWorker.ready.then(() => !!navigator.serviceWorker.controller)`, 45*time.Second) // the install fetches every kept page, slow under -race on a busy machine
	cached := func(p string) string { return `caches.match(location.origin + "` + p + `").then(r => !!r)` }
	offbUntil(t, ctx, "the cached pages", `Promise.all([`+strings.Join([]string{
		cached("/babies/" + baby), cached("/babies/" + baby + "/log"), cached("/babies/" + baby + "/crying"),
		cached("/babies/" + baby + "/session?routine=quick_legs_feet&ask=1"), cached("/offline"), cached("/library/routines"),
	}, ",")+`]).then(a => a.every(Boolean))`, 45*time.Second)
}

func offbWaitStatus(t *testing.T, ctx context.Context, want string) {
	t.Helper()
	offbUntil(t, ctx, "the badge to say "+want, `Promise.resolve(document.getElementById("sync-status").textContent.includes(`+jsQuote(want)+`))`, 20*time.Second)
}

// offbItems reads a list of the API as the owner.
func offbItems(t *testing.T, a *apptest.App, token, path string) []map[string]any {
	t.Helper()
	r := a.API("GET", path, token, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, r.Status, r.Body)
	}
	var out []map[string]any
	for _, it := range r.JSON(t)["items"].([]any) {
		out = append(out, it.(map[string]any))
	}
	return out
}

// offbConsole fails on console errors other than the failed loads that
// being offline causes.
func offbConsole(t *testing.T, ctx context.Context, expected ...string) {
	t.Helper()
	// What a dropped connection looks like to the page (the test's proxy
	// drops them while "offline"); the browser's own manifest fetch, which
	// no service worker answers, shows up as an empty response.
	expected = append(expected, "ERR_INTERNET_DISCONNECTED", "Failed to fetch", "net::ERR_FAILED", "net::ERR_EMPTY_RESPONSE")
next:
	for _, e := range browsertest.ConsoleErrors(ctx) {
		for _, x := range expected {
			if strings.Contains(e, x) {
				continue next
			}
		}
		t.Errorf("console: %s", e)
	}
}

// TestBrowserOfflineSessionAndTouch records a session and a touch timer
// with no connection, reopens the app offline, and finds both on the
// server exactly once when the connection returns.
func TestBrowserOfflineSessionAndTouch(t *testing.T) {
	a := apptest.New(t)
	fam := a.Signup("ann@example.org", "Ann", "Martin")
	baby := a.Baby(fam, "Lou", sesDaysAgo(100))
	link, pa := offbProxy(t, a)
	ctx := sesBrowser(t, pa, "ann@example.org")
	home := pa.URL + "/babies/" + baby
	player := home + "/session?routine=quick_legs_feet&ask=1&speed=50"

	offbReady(t, ctx, pa, baby)
	// The player at test speed, opened once online (a player is kept in
	// the form that asks the readiness question itself, ask=1).
	offbGo(t, ctx, player)
	offbUntil(t, ctx, "the player cached", `caches.match(location.href).then(r => !!r)`, 10*time.Second)

	offbNetwork(t, ctx, link, true)
	if offbAwait[bool](t, ctx, `fetch("/healthz").then(() => true, () => false)`) {
		t.Fatalf("the network is not cut")
	}
	// A page never opened: the offline page.
	offbGo(t, ctx, home+"/sessions")
	sesWantText(t, ctx, "main h1", "No connection")

	// A whole session without a connection, after the short readiness
	// answer, which waits in the queue too.
	offbGo(t, ctx, player)
	sesWaitVisible(t, ctx, "#btn-ask-yes", 10*time.Second)
	browsertest.Axe(t, ctx, "player-offline-ask")
	sesClick(t, ctx, "#btn-ask-yes")
	sesWaitVisible(t, ctx, "#btn-yes", 10*time.Second)
	sesClick(t, ctx, "#btn-yes")
	sesWaitVisible(t, ctx, "#screen-summary", 30*time.Second)
	sesClick(t, ctx, "input[name=calm_after][value='4']")
	sesClick(t, ctx, "#btn-save")
	sesWaitVisible(t, ctx, "#after-save", 10*time.Second)
	sesWantText(t, ctx, "#saved", "Saved on this device")
	offbWaitStatus(t, ctx, "2 entries waiting to sync")

	// A touch timer, started and stopped offline.
	offbGo(t, ctx, home)
	sesWaitVisible(t, ctx, `[data-timers] button[data-kind="skin_to_skin"]`, 10*time.Second)
	sesClick(t, ctx, `[data-timers] button[data-kind="skin_to_skin"]`)
	sesWaitVisible(t, ctx, `[data-timers] .timer.running[data-kind="skin_to_skin"]`, 10*time.Second)
	offbWaitStatus(t, ctx, "3 entries waiting to sync")
	// Reopened offline, the timer still runs.
	offbGo(t, ctx, home)
	sesWaitVisible(t, ctx, `[data-timers] .timer.running[data-kind="skin_to_skin"]`, 10*time.Second)
	time.Sleep(50 * time.Millisecond)
	sesClick(t, ctx, `[data-timers] .timer.running[data-kind="skin_to_skin"]`)
	sesWaitVisible(t, ctx, `[data-timers] button.timer[data-kind="skin_to_skin"]:not(.running)`, 10*time.Second)
	offbWaitStatus(t, ctx, "3 entries waiting to sync")

	// Reload without a connection: the app opens, the badge counts.
	if err := chromedp.Do(ctx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	sesWaitVisible(t, ctx, "#timers", 10*time.Second)
	offbWaitStatus(t, ctx, "3 entries waiting to sync")
	browsertest.Axe(t, ctx, "baby-offline-badge")
	browsertest.Screenshot(t, ctx, "baby-offline-badge")
	if n := len(offbItems(t, a, fam.Token, "/api/v1/babies/"+baby+"/touch")); n != 0 {
		t.Fatalf("offline, %d touch entries reached the server", n)
	}

	// Back online: everything is sent, once.
	offbNetwork(t, ctx, link, false)
	offbWaitStatus(t, ctx, "All saved")
	browsertest.Axe(t, ctx, "baby-all-saved")
	sessions := offbItems(t, a, fam.Token, "/api/v1/babies/"+baby+"/sessions")
	touch := offbItems(t, a, fam.Token, "/api/v1/babies/"+baby+"/touch")
	// The session keeps the verdict of the answer given offline.
	if len(sessions) != 1 || sessions[0]["routine_id"] != "quick_legs_feet" || sessions[0]["outcome"] != "completed" || sessions[0]["readiness"] != "go" {
		t.Errorf("sessions on the server: %v", sessions)
	}
	if len(touch) != 1 || touch[0]["kind"] != "skin_to_skin" || touch[0]["ended_at"] == nil || touch[0]["caregiver_id"] != fam.UserID {
		t.Errorf("touch entries on the server: %v", touch)
	}
	if n := offbAwait[int](t, ctx, `NurtureQ.list().then(l => l.length)`); n != 0 {
		t.Errorf("%d entries left in the queue", n)
	}
	// Online again, the page shows the server's timers.
	offbGo(t, ctx, home)
	sesWaitVisible(t, ctx, `[data-timers] button.timer[data-kind="skin_to_skin"]:not(.running)`, 10*time.Second)
	offbConsole(t, ctx)
}

// TestBrowserOfflineReplayTwice replays the same queue twice, at once and
// again later with the same records put back, and finds no duplicates.
func TestBrowserOfflineReplayTwice(t *testing.T) {
	a := apptest.New(t)
	fam := a.Signup("ann@example.org", "Ann", "Martin")
	baby := a.Baby(fam, "Lou", sesDaysAgo(100))
	link, pa := offbProxy(t, a)
	ctx := sesBrowser(t, pa, "ann@example.org")
	offbReady(t, ctx, pa, baby)

	offbNetwork(t, ctx, link, true)
	start := time.Now().Add(-90 * time.Minute).UTC()
	api := "/api/v1/babies/" + baby
	queue := fmt.Sprintf(`Promise.all([
		NurtureQ.send({id: "a0000000-0000-4000-8000-000000000001", m: "POST", url: %q, body: {id: "a0000000-0000-4000-8000-000000000001", kind: "holding", started_at: %q, ended_at: %q}}),
		NurtureQ.send({id: "a0000000-0000-4000-8000-000000000002", m: "POST", url: %q, body: {id: "a0000000-0000-4000-8000-000000000002", started_at: %q, ended_at: %q}}),
		NurtureQ.send({id: "a0000000-0000-4000-8000-000000000003", m: "POST", url: %q, body: {id: "a0000000-0000-4000-8000-000000000003", routine_id: "quick_legs_feet", started_at: %q, ended_at: %q, outcome: "baby_declined", steps: []}})
	]).then(rs => rs.every(r => r.queued))`,
		api+"/touch", start.Format(time.RFC3339), start.Add(20*time.Minute).Format(time.RFC3339),
		api+"/sleep", start.Add(30*time.Minute).Format(time.RFC3339), start.Add(80*time.Minute).Format(time.RFC3339),
		api+"/sessions", start.Add(21*time.Minute).Format(time.RFC3339), start.Add(25*time.Minute).Format(time.RFC3339))
	if !offbAwait[bool](t, ctx, queue) {
		t.Fatalf("the entries were not queued")
	}
	offbWaitStatus(t, ctx, "3 entries waiting to sync")
	// A copy of the queue, to put back after it was sent.
	saved := offbAwait[string](t, ctx, `NurtureQ.list().then(l => JSON.stringify(l))`)

	// Back online, two replays at once (as two tabs would) and the online event.
	offbNetwork(t, ctx, link, false)
	offbAwait[bool](t, ctx, `Promise.all([NurtureQ.flush(true), NurtureQ.flush(true)]).then(() => true)`)
	offbWaitStatus(t, ctx, "All saved")
	// The same records again, sent as if never acknowledged.
	offbAwait[bool](t, ctx, `Promise.all(JSON.parse(`+jsQuote(saved)+`).map(r => NurtureQ.put(r))).then(() => NurtureQ.flush(true)).then(() => NurtureQ.flush(true)).then(() => true)`)
	offbUntil(t, ctx, "the queue to empty", `NurtureQ.list().then(l => l.length === 0)`, 20*time.Second)
	// And raw, concurrent replays of one POST.
	offbAwait[bool](t, ctx, fmt.Sprintf(`Promise.all([1, 2, 3].map(() => fetch(%q, {method: "POST", credentials: "same-origin", headers: {"Content-Type": "application/json"},
		body: JSON.stringify({id: "a0000000-0000-4000-8000-000000000001", kind: "holding", started_at: %q, ended_at: %q})}).then(r => r.status)))
		.then(s => s.every(x => x === 200))`, api+"/touch", start.Format(time.RFC3339), start.Add(20*time.Minute).Format(time.RFC3339)))

	for path, want := range map[string]string{"touch": "a0000000-0000-4000-8000-000000000001", "sleep": "a0000000-0000-4000-8000-000000000002", "sessions": "a0000000-0000-4000-8000-000000000003"} {
		items := offbItems(t, a, fam.Token, api+"/"+path)
		if len(items) != 1 || items[0]["id"] != want {
			t.Errorf("%s on the server: %v, want one, %s", path, items, want)
		}
	}
	offbConsole(t, ctx)
}

// TestBrowserOfflineRejected: an entry the server refuses (it overlaps one
// another caregiver saved meanwhile) stays, with the server's message,
// until the user fixes its times or discards it.
func TestBrowserOfflineRejected(t *testing.T) {
	a := apptest.New(t)
	fam := a.Signup("ann@example.org", "Ann", "Martin")
	baby := a.Baby(fam, "Lou", sesDaysAgo(100))
	link, pa := offbProxy(t, a)
	ctx := sesBrowser(t, pa, "ann@example.org")
	offbReady(t, ctx, pa, baby)
	api := "/api/v1/babies/" + baby + "/touch"
	start := time.Now().Add(-3 * time.Hour).UTC().Truncate(time.Minute)
	if r := a.API("POST", api, fam.Token, map[string]any{"kind": "holding", "started_at": start.Format(time.RFC3339), "ended_at": start.Add(time.Hour).Format(time.RFC3339)}); r.Status != 201 {
		t.Fatalf("entry: %d %s", r.Status, r.Body)
	}

	offbNetwork(t, ctx, link, true)
	for i, id := range []string{"b0000000-0000-4000-8000-000000000001", "b0000000-0000-4000-8000-000000000002"} {
		s, e := start.Add(time.Duration(10+i)*time.Minute), start.Add(30*time.Minute)
		js := fmt.Sprintf(`NurtureQ.send({id: %q, m: "POST", url: %q, what: "Holding", body: {id: %q, kind: "holding", started_at: %q, ended_at: %q}}).then(r => !!r.queued)`,
			id, api, id, s.Format(time.RFC3339), e.Format(time.RFC3339))
		if !offbAwait[bool](t, ctx, js) {
			t.Fatalf("not queued")
		}
	}
	offbNetwork(t, ctx, link, false)
	offbUntil(t, ctx, "two refused entries", `Promise.resolve(document.querySelectorAll("#sync-bad [data-k]").length === 2)`, 20*time.Second)
	sesWantText(t, ctx, "#sync-bad", "overlaps")
	browsertest.Axe(t, ctx, "baby-rejected")
	browsertest.Screenshot(t, ctx, "baby-rejected")

	// Fix the first: after the other entry.
	later := start.Add(2 * time.Hour).Local().Format("2006-01-02T15:04")
	end := start.Add(2*time.Hour + 20*time.Minute).Local().Format("2006-01-02T15:04")
	sesEval[bool](t, ctx, `(() => {
		const box = document.querySelector("#sync-bad [data-k]");
		const [s, e] = box.querySelectorAll("input");
		s.value = `+jsQuote(later)+`; e.value = `+jsQuote(end)+`;
		box.querySelector("button[data-retry]").click();
		return true;
	})()`)
	offbUntil(t, ctx, "one refused entry", `Promise.resolve(document.querySelectorAll("#sync-bad [data-k]").length === 1)`, 20*time.Second)
	// Discard the second.
	sesEval[bool](t, ctx, `(window.confirm = () => true, document.querySelector("#sync-bad button[data-discard]").click(), true)`)
	offbUntil(t, ctx, "the queue to empty", `NurtureQ.list().then(l => l.length === 0)`, 10*time.Second)
	// The panel is redrawn after the queue changes: wait for it.
	offbUntil(t, ctx, "the refused entries to go", `Promise.resolve(document.getElementById("sync-bad").hidden)`, 10*time.Second)
	items := offbItems(t, a, fam.Token, api)
	if len(items) != 2 || items[0]["id"] != "b0000000-0000-4000-8000-000000000001" {
		t.Errorf("touch entries: %v", items)
	}
	offbConsole(t, ctx, "status of 422")
}

// TestBrowserOfflineQuickEntry logs a quick entry and the crying
// companion offline.
func TestBrowserOfflineQuickEntry(t *testing.T) {
	a := apptest.New(t)
	fam := a.Signup("ann@example.org", "Ann", "Martin")
	baby := a.Baby(fam, "Lou", sesDaysAgo(100))
	link, pa := offbProxy(t, a)
	ctx := sesBrowser(t, pa, "ann@example.org")
	offbReady(t, ctx, pa, baby)

	offbNetwork(t, ctx, link, true)
	offbGo(t, ctx, pa.URL+"/babies/"+baby+"/log")
	sesWaitVisible(t, ctx, "#what", 10*time.Second)
	sesEval[bool](t, ctx, `(document.getElementById("what").value = "sleep", document.getElementById("ago").value = "60", document.getElementById("minutes").value = "20", true)`)
	sesClick(t, ctx, `form[action$="/entries"] button[type=submit]`)
	offbWaitStatus(t, ctx, "1 entry waiting to sync")
	offbWaitStatus(t, ctx, "Saved on this device")

	// The crying companion starts its timer offline and saves the episode.
	offbGo(t, ctx, pa.URL+"/babies/"+baby+"/crying")
	sesClick(t, ctx, "#cry-start button[type=submit]")
	offbUntil(t, ctx, "the crying timer", `Promise.resolve(document.getElementById("cry-eid").value !== "")`, 10*time.Second)
	offbWaitStatus(t, ctx, "2 entries waiting to sync")
	sesEval[bool](t, ctx, `(document.querySelector('[data-go="end"]').click(), true)`)
	sesClick(t, ctx, `input[name="held"][value="yes"]`)
	sesClick(t, ctx, "#cry-save")
	offbWaitStatus(t, ctx, "Saved on this device")
	if n := offbAwait[int](t, ctx, `NurtureQ.list().then(l => l.length)`); n != 2 {
		t.Errorf("%d entries queued, want 2 (the crying start and end are one)", n)
	}

	offbNetwork(t, ctx, link, false)
	offbWaitStatus(t, ctx, "All saved")
	sleep := offbItems(t, a, fam.Token, "/api/v1/babies/"+baby+"/sleep")
	if len(sleep) != 1 {
		t.Fatalf("sleep entries: %v", sleep)
	}
	st, _ := time.Parse(time.RFC3339, sleep[0]["started_at"].(string))
	en, _ := time.Parse(time.RFC3339, sleep[0]["ended_at"].(string))
	if d := time.Since(st); d < 59*time.Minute || d > 62*time.Minute || en.Sub(st) != 20*time.Minute {
		t.Errorf("sleep entry %v", sleep[0])
	}
	cry := offbItems(t, a, fam.Token, "/api/v1/babies/"+baby+"/crying")
	if len(cry) != 1 || cry[0]["ended_at"] == nil || cry[0]["held"] != true {
		t.Errorf("crying episodes: %v", cry)
	}
	offbConsole(t, ctx)
}

// TestBrowserOfflineQueueKeepsWhatWasNotStored: the queue drops an entry
// only when the server's answer holds what was sent; a stop merged into
// its start reaches the server even when the start got there first.
func TestBrowserOfflineQueueKeepsWhatWasNotStored(t *testing.T) {
	a := apptest.New(t)
	fam := a.Signup("ann@example.org", "Ann", "Martin")
	baby := a.Baby(fam, "Lou", sesDaysAgo(100))
	ctx := sesBrowser(t, a, "ann@example.org")
	sesGo(t, ctx, a.URL+"/babies/"+baby, 200)
	cases := `[
		[{id: "x", started_at: "2026-01-01T10:00:00.123Z", ended_at: null, notes: " hi "}, {id: "x", started_at: "2026-01-01T10:00:00Z", ended_at: null, notes: "hi"}, true],
		[{id: "x", started_at: "2026-01-01T10:00:00Z", ended_at: "2026-01-01T10:20:00Z"}, {id: "x", started_at: "2026-01-01T10:00:00Z", ended_at: null}, false],
		[{kind: "holding"}, {kind: "carrying"}, false],
		[{steps: [{stroke_id: "a"}, {stroke_id: "b"}]}, {steps: [{stroke_id: "a"}]}, false],
		[{state: "quiet_alert", now: "2026-01-01T10:00:00Z"}, {id: "c", verdict: "go"}, true]
	]`
	got := sesEval[[]bool](t, ctx, `(`+cases+`).map(c => NurtureQ.stored(c[0], c[1]) === c[2])`)
	for i, ok := range got {
		if !ok {
			t.Errorf("case %d: the queue's comparison is wrong", i)
		}
	}

	// A timer started online, then its stop sent as a replay of the start
	// (as the queue merges them offline): the server ends the timer.
	api := "/api/v1/babies/" + baby + "/touch"
	start := time.Now().Add(-40 * time.Minute).UTC().Truncate(time.Second)
	id := "c0000000-0000-4000-8000-000000000001"
	js := fmt.Sprintf(`NurtureQ.send({id: %q, m: "POST", url: %q, body: {id: %q, kind: "holding", started_at: %q}})
		.then(() => NurtureQ.send({id: %q, m: "POST", url: %q, body: {id: %q, kind: "holding", started_at: %q, ended_at: %q}}))
		.then(r => r.status)`, id, api, id, start.Format(time.RFC3339), id, api, id, start.Format(time.RFC3339), start.Add(30*time.Minute).Format(time.RFC3339))
	if s := offbAwait[int](t, ctx, js); s != 200 {
		t.Fatalf("the stop answered %d", s)
	}
	items := offbItems(t, a, fam.Token, api)
	if len(items) != 1 || items[0]["ended_at"] == nil {
		t.Errorf("the timer was not stopped on the server: %v", items)
	}
	if n := offbAwait[int](t, ctx, `NurtureQ.list().then(l => l.length)`); n != 0 {
		t.Errorf("%d entries left in the queue", n)
	}
}

// TestBrowserRevokedSessionForgetsPages: once the server says the session
// is gone (revoked on another device), the pages kept for offline use are
// dropped, so no signed-in page is shown from the cache any more.
func TestBrowserRevokedSessionForgetsPages(t *testing.T) {
	a := apptest.New(t)
	fam := a.Signup("ann@example.org", "Ann", "Martin")
	baby := a.Baby(fam, "Lou", sesDaysAgo(100))
	_, pa := offbProxy(t, a)
	ctx := sesBrowser(t, pa, "ann@example.org")
	offbReady(t, ctx, pa, baby)
	// Another device changes the password: every other session ends.
	if err := a.Store.SetPassword(context.Background(), fam.UserID, "x", ""); err != nil {
		t.Fatal(err)
	}
	offbGo(t, ctx, pa.URL+"/babies/"+baby)
	sesWantText(t, ctx, "main h1", "Log in")
	gone := func(p string) string { return `caches.match(location.origin + "` + p + `").then(r => !r)` }
	offbUntil(t, ctx, "the kept pages to go", `Promise.all([`+gone("/babies/"+baby)+`, `+gone("/babies/"+baby+"/log")+`, `+
		gone("/babies/"+baby+"/session?routine=quick_legs_feet&ask=1")+`]).then(a => a.every(Boolean))`, 10*time.Second)
	offbConsole(t, ctx)
}
