// Package browsertest holds the helpers of the real-browser tests: a headless
// Debian Chromium driven by chromedp, sized as a phone (390×844), with the
// browser console watched for errors and an axe-core accessibility audit.
//
// A test that needs Chromium skips when none is installed, except under
// CI=true, where it fails: CI installs Chromium, so a skip there would hide a
// test that never ran. Name such tests with "Browser" in the test name
// (TestBrowser...), so that .ci/run can also check that none was skipped.
// RequirePostgres and SkipOrFail give the PostgreSQL tests the same rule;
// their names contain "Postgres".
//
//	func TestBrowserSignup(t *testing.T) {
//		ctx := browsertest.New(t)
//		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL)); err != nil {
//			t.Fatal(err)
//		}
//		browsertest.Axe(t, ctx, "home")
//		browsertest.NoConsoleErrors(t, ctx)
//	}
package browsertest

import (
	"context"
	"fmt"
	"iter"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Phone viewport of the tests, in CSS pixels.
const (
	Width  = 390
	Height = 844
)

// Timeout bounds each browser test, from New to its end. It is generous so
// that a slow -race server still fits, and short enough that a hung page
// fails the test instead of the whole run.
const Timeout = 90 * time.Second

// DefaultChromium is where Debian's chromium package puts the browser.
const DefaultChromium = "/usr/bin/chromium"

// RequireChromium returns the path of the browser: $NURTURE_CHROMIUM, or
// /usr/bin/chromium. When there is none, the test is skipped, or fails when
// CI=true.
func RequireChromium(t testing.TB) string {
	t.Helper()
	path := os.Getenv("NURTURE_CHROMIUM")
	if path == "" {
		path = DefaultChromium
	}
	if _, err := exec.LookPath(path); err != nil {
		SkipOrFail(t, fmt.Sprintf("no Chromium at %s (install it with `apt-get install -y chromium` or set NURTURE_CHROMIUM): %v", path, err))
	}
	return path
}

// SkipOrFail skips the test with msg, but fails it when CI=true: CI provides
// every dependency, so there a missing one is an error. Other packages use it
// for their own dependencies too (for example the PostgreSQL tests).
func SkipOrFail(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatal("CI=true, so this test must not be skipped: " + msg)
		return
	}
	t.Skip(msg)
}

// New starts a headless Chromium for the test and returns the context of its
// first tab, ready to use with chromedp.Do and chromedp.Run. The tab has the
// viewport of a phone, 390×844, with mobile and touch emulation. The context
// ends after Timeout or at the end of the test, and the browser and its
// profile directory are removed then.
func New(t testing.TB) context.Context {
	t.Helper()
	path := RequireChromium(t)

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		// A microphone that plays a tone, granted without asking: the
		// voice recorder's tests record from it.
		chromedp.Flag("use-fake-device-for-media-stream", true),
		chromedp.Flag("use-fake-ui-for-media-stream", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(Width, Height),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	logf := newTestLogf(t)
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx, chromedp.WithErrorf(logf.printf))
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc() // waits for the browser process to end
		logf.stop()
	})
	if err := chromedp.Do(browserCtx); err != nil {
		t.Fatalf("browsertest: starting %s: %v", path, err)
	}

	// The timeout comes after the start: the first Do binds the browser to
	// its context, and the browser must outlive any single action.
	ctx, cancel := context.WithTimeout(browserCtx, Timeout)
	t.Cleanup(cancel)
	return setupTab(t, ctx)
}

// NewContext opens a tab in a new browser context of the browser of parent,
// a context from New. It has its own cookies and storage, like a second
// person on another phone, and the same viewport and console watch as New.
func NewContext(t testing.TB, parent context.Context) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(parent, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("browsertest: opening a new browser context: %v", err)
	}
	return setupTab(t, ctx)
}

// setupTab sets the phone viewport on the tab of ctx and starts collecting
// its console errors.
func setupTab(t testing.TB, ctx context.Context) context.Context {
	t.Helper()
	if err := chromedp.Do(ctx,
		chromedp.EmulateViewport(Width, Height, chromedp.EmulateMobile, chromedp.EmulateTouch),
	); err != nil {
		t.Fatalf("browsertest: emulating a %d×%d phone: %v", Width, Height, err)
	}
	// Ending this context ends the subscription only, not the tab.
	ctx, cancel := context.WithCancel(ctx)
	c := &consoleLog{done: make(chan struct{})}
	messages := chromedp.Console(ctx) // subscribes now, so nothing is lost
	go c.collect(messages)
	t.Cleanup(func() {
		cancel()
		<-c.done
	})
	return context.WithValue(ctx, consoleKey{}, c)
}

type consoleKey struct{}

// consoleLog keeps the errors that a tab wrote to its console.
type consoleLog struct {
	mu      sync.Mutex
	errors  []string
	markers map[string]chan struct{}
	done    chan struct{}
}

func (c *consoleLog) collect(messages iter.Seq2[chromedp.ConsoleMessage, error]) {
	defer close(c.done)
	for m, err := range messages {
		if err != nil {
			return
		}
		c.mu.Lock()
		if ch, ok := c.markers[m.Text]; ok && m.Type == chromedp.ConsoleDebug {
			close(ch)
			delete(c.markers, m.Text)
		} else if m.Type == chromedp.ConsoleError || m.IsException() {
			where := m.URL
			if where != "" {
				where = " (" + where + ":" + strconv.FormatInt(m.Line+1, 10) + ")"
			}
			c.errors = append(c.errors, m.String()+where)
		}
		c.mu.Unlock()
	}
}

var markerSeq atomic.Int64

// ConsoleErrors returns the console errors, uncaught exceptions, unhandled
// promise rejections and browser log errors (failed loads, CSP violations)
// of the tab of ctx so far. It first waits until the messages that the page
// already sent have arrived.
func ConsoleErrors(ctx context.Context) []string {
	c, ok := ctx.Value(consoleKey{}).(*consoleLog)
	if !ok {
		panic("browsertest.ConsoleErrors: the context does not come from browsertest.New or NewContext")
	}
	// Flush: the messages keep their order, so once a marker written now
	// comes back, every earlier message has been collected.
	marker := "browsertest-flush-" + strconv.FormatInt(markerSeq.Add(1), 10)
	seen := make(chan struct{})
	c.mu.Lock()
	if c.markers == nil {
		c.markers = map[string]chan struct{}{}
	}
	c.markers[marker] = seen
	c.mu.Unlock()
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`console.debug(`+strconv.Quote(marker)+`)`)); err == nil {
		select {
		case <-seen:
		case <-time.After(2 * time.Second):
		case <-ctx.Done():
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.markers, marker)
	return append([]string(nil), c.errors...)
}

// NoConsoleErrors fails the test if the tab of ctx wrote any console error
// (see ConsoleErrors).
func NoConsoleErrors(t testing.TB, ctx context.Context) {
	t.Helper()
	if errs := ConsoleErrors(ctx); len(errs) > 0 {
		t.Errorf("browser console has %d error(s):", len(errs))
		for _, e := range errs {
			t.Errorf("  %s", e)
		}
	}
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// Screenshot saves a PNG of the whole page of ctx as
// $NURTURE_SCREENSHOTS/<test name>-<name>.png. It does nothing when
// NURTURE_SCREENSHOTS is not set. A failed screenshot is logged, not fatal.
func Screenshot(t testing.TB, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("NURTURE_SCREENSHOTS")
	if dir == "" {
		return
	}
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // 100 means PNG
	if err == nil {
		err = os.MkdirAll(dir, 0o755)
	}
	file := filepath.Join(dir, unsafeName.ReplaceAllString(t.Name()+"-"+name, "_")+".png")
	if err == nil {
		err = os.WriteFile(file, buf, 0o644)
	}
	if err != nil {
		t.Logf("browsertest: screenshot %s: %v", name, err)
		return
	}
	t.Logf("browsertest: screenshot %s", file)
}

// testLogf sends chromedp's error logs to the test log until the test is
// over: t.Logf after the end of a test panics, and the browser's goroutines
// can outlive it.
type testLogf struct {
	mu   sync.Mutex
	t    testing.TB
	done bool
}

func newTestLogf(t testing.TB) *testLogf { return &testLogf{t: t} }

func (l *testLogf) printf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.done {
		l.t.Logf("chromedp: "+format, args...)
	}
}

func (l *testLogf) stop() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.done = true
}

// RequirePostgres returns the DSN of the test PostgreSQL from
// NURTURE_TEST_POSTGRES (.ci/run and .ci/pg-throwaway.sh set it). When it is
// empty, the test is skipped, or fails when CI=true. Name such tests with
// "Postgres" in the test or subtest name.
func RequirePostgres(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv("NURTURE_TEST_POSTGRES")
	if dsn == "" {
		SkipOrFail(t, `NURTURE_TEST_POSTGRES is not set; start a throwaway PostgreSQL with: eval "$(.ci/pg-throwaway.sh start)"`)
	}
	return dsn
}
