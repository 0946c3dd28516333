package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"nurture/internal/apptest"
	"nurture/internal/browsertest"
	"nurture/internal/cli"
)

// subbShape is what a page stands for in the crawl: its path with the
// ids of babies, entries and library items left out, so that one page of
// each kind is opened.
var subbShape = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f-]{27}|(/library/(strokes|routines|guides)/)[a-z_]+`)

// TestBrowserUnderSubPath logs in with Chromium at phone size on a server
// published under http://127.0.0.1:PORT/nurture/, lets the service worker
// install with that scope, starts a timer through the scripts, and opens
// one page of each kind that the main pages link to. Every request the pages make
// stays under /nurture/ and succeeds, every form posts there, the
// worker's caches hold nothing else, and the console stays clean.
func TestBrowserUnderSubPath(t *testing.T) {
	const prefix = "/nurture"
	a := apptest.NewUnder(t, prefix+"/", cli.Options{})
	u, _ := url.Parse(a.URL)
	origin := u.Scheme + "://" + u.Host
	ctx := browsertest.New(t)

	// The site's root leads to the path.
	if resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(origin+"/")); err != nil || resp.URL != a.URL+"/" || resp.Status != http.StatusOK {
		t.Fatalf("the site's root: %v %+v", err, resp)
	}

	// From here on, every request of the tab is watched.
	var mu sync.Mutex
	var bad []string
	requests := 0
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			requests++
			if r := ev.Request.URL; strings.HasPrefix(r, origin+"/") && !strings.HasPrefix(r, a.URL+"/") {
				bad = append(bad, "a request outside the path: "+ev.Request.Method+" "+r)
			}
		case *network.EventResponseReceived:
			if ev.Response.Status >= 400 {
				bad = append(bad, "answered "+ev.Response.StatusText+": "+ev.Response.URL)
			}
		}
	}); err != nil {
		t.Fatal(err)
	}

	// Log in through the form: the family and its baby are there already,
	// so the worker's first look at the baby's pages finds them.
	fam := a.Signup("ann@example.org", "Ann", "Martin")
	baby := a.Baby(fam, "Lou", apptest.DaysAgo(70))
	subbGo(t, ctx, a.URL+"/login")
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("email"), "ann@example.org"),
		chromedp.SendKeys(chromedp.ID("password"), "correct horse battery"),
	); err != nil {
		t.Fatal(err)
	}
	if resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS("main form button[type=submit]"))); err != nil || resp.Status != http.StatusOK || resp.URL != a.URL+"/babies/"+baby {
		t.Fatalf("logging in: %v %+v", err, resp)
	}
	// The worker installs with the path as its scope and keeps the assets
	// it precaches and the pages the offline page lists for the baby (its
	// own requests are not the tab's: what it keeps tells).
	subbUntil(t, ctx, "the service worker", `navigator.serviceWorker.ready.then(r => r.scope === `+jsQuote(a.URL+"/")+` && !!navigator.serviceWorker.controller)`)
	keep := []string{`document.querySelector('link[rel="stylesheet"]').href`}
	for _, p := range []string{"/offline", "/babies/" + baby, "/babies/" + baby + "/log", "/babies/" + baby + "/crying"} {
		keep = append(keep, jsQuote(a.URL+p))
	}
	subbUntil(t, ctx, "the pages kept", `Promise.all([`+strings.Join(keep, ",")+`].map(u => caches.match(u))).then(l => l.every(Boolean))`)

	// A timer started through log.js and the offline queue. (Clicked from
	// the page: log.js may redraw the timers at any moment.)
	subbUntil(t, ctx, "the timer started", `Promise.resolve(document.querySelector('[data-timers] button[data-kind="skin_to_skin"]')).then(b => b && (b.click(), true))`)
	subbUntil(t, ctx, "the timer running", `Promise.resolve(!!document.querySelector('[data-timers] .timer.running[data-kind="skin_to_skin"]'))`)
	if r := a.API("GET", "/api/v1/babies/"+baby+"/touch", fam.Token, nil); !strings.Contains(r.Body, `"skin_to_skin"`) {
		t.Errorf("the timer did not reach the server: %s", r.Body)
	}

	// One page of each kind that a link of the home, baby and voice pages
	// leads to (the pages with scripts of their own; TestSubPath follows
	// every link of every page).
	opened := map[string]bool{}
	start := []string{a.URL + "/", a.URL + "/babies/" + baby, a.URL + "/family/voice"}
	queue := slices.Clone(start)
	for len(queue) > 0 {
		page := queue[0]
		queue = queue[1:]
		shape := subbShape.ReplaceAllString(strings.SplitN(page, "?", 2)[0], "$1*")
		if opened[shape] {
			continue
		}
		opened[shape] = true
		subbGo(t, ctx, page)
		links, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("a[href]:not([download])")].map(a => a.href.split("#")[0])
			.concat([...document.forms].map(f => "form " + new URL(f.getAttribute("action") || "", location.href).href))`))
		if err != nil {
			t.Fatalf("the links of %s: %v", page, err)
		}
		for _, l := range links {
			switch {
			case strings.HasPrefix(l, "form "):
				if !strings.HasPrefix(l, "form "+a.URL+"/") {
					t.Errorf("%s: a %s outside the path", page, l)
				}
			case strings.HasPrefix(l, origin+"/") && !strings.HasPrefix(l, a.URL+"/"):
				t.Errorf("%s: a link outside the path: %s", page, l)
			case strings.HasPrefix(l, a.URL+"/") && !strings.HasPrefix(l, a.URL+"/api/") && slices.Contains(start, page):
				queue = append(queue, l)
			}
		}
	}
	if len(opened) < 15 {
		t.Errorf("only %d kinds of page opened: %v", len(opened), opened)
	}

	// Nothing the worker keeps lies outside the path.
	kept, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`caches.keys().then(ks => Promise.all(ks.map(k => caches.open(k).then(c => c.keys()))))
		.then(ls => ls.flat().map(r => r.url))`, chromedp.EvalAwaitPromise))
	if err != nil || len(kept) < 20 {
		t.Fatalf("the worker's caches: %d entries, %v", len(kept), err)
	}
	for _, k := range kept {
		if !strings.HasPrefix(k, a.URL+"/") {
			t.Errorf("the worker keeps %s", k)
		}
	}
	mu.Lock()
	for _, b := range bad {
		t.Error(b)
	}
	t.Logf("%d kinds of page opened, %d requests, %d entries kept by the worker", len(opened), requests, len(kept))
	mu.Unlock()
	browsertest.NoConsoleErrors(t, ctx)
}

// subbGo opens a page and wants it found.
func subbGo(t *testing.T, ctx context.Context, u string) {
	t.Helper()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(u))
	if err != nil {
		t.Fatalf("navigate %s: %v", u, err)
	}
	if resp.Status != http.StatusOK {
		t.Errorf("GET %s: %d (at %s)", u, resp.Status, resp.URL)
	}
}

// subbUntil waits until js, a promise of a boolean, is true.
func subbUntil(t *testing.T, ctx context.Context, what, js string) {
	t.Helper()
	end := time.Now().Add(15 * time.Second)
	for {
		ectx, cancel := context.WithTimeout(ctx, 2*time.Second) // a promise may never settle
		v, err := chromedp.Run(ectx, chromedp.Evaluate[bool](js, chromedp.EvalAwaitPromise))
		cancel()
		if err == nil && v {
			return
		}
		if time.Now().After(end) {
			t.Fatalf("waiting for %s: %v %v", what, v, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
