package browsertest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

const cleanPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Clean page</title>
</head>
<body>
<main>
<h1>Hello</h1>
<form action="/" method="get">
<label for="name">Baby's name</label>
<input id="name" name="name" type="text">
<button id="go" type="button">Say hello</button>
</form>
<p id="out">nothing yet</p>
</main>
<script src="/app.js"></script>
</body>
</html>`

// A file script, allowed by the CSP: it proves scripts from 'self' run and
// that clicks reach the page with touch emulation on.
const appJS = `document.getElementById("go").addEventListener("click", () => {
	document.getElementById("out").textContent = "hello " + document.getElementById("name").value;
});`

// An image without alt text and an input without a label: both are
// critical axe violations.
const badPage = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Bad page</title></head>
<body>
<main>
<h1>Bad</h1>
<img src="/pixel.gif">
<input type="text" name="nolabel">
</main>
</body>
</html>`

// One uncaught exception from an allowed script, and one inline script that
// the CSP blocks (which the browser reports as a console error).
const errorPage = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Errors</title></head>
<body>
<main><h1>Errors</h1></main>
<script src="/boom.js"></script>
<script>document.title = "inline ran";</script>
</body>
</html>`

const cookiePage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Who</title></head>
<body><main><h1>Who</h1><p id="who">%s</p></main></body></html>`

var pixelGIF = []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")

// newServer serves the test pages with the same CSP as the app.
func newServer(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	page := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte(body))
		}
	}
	mux.HandleFunc("GET /{$}", page(cleanPage))
	mux.HandleFunc("GET /bad", page(badPage))
	mux.HandleFunc("GET /errors", page(errorPage))
	mux.HandleFunc("GET /app.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		w.Write([]byte(appJS))
	})
	mux.HandleFunc("GET /boom.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		w.Write([]byte(`throw new Error("boom from the page");`))
	})
	mux.HandleFunc("GET /pixel.gif", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/gif")
		w.Write(pixelGIF)
	})
	mux.HandleFunc("GET /login", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "who", Value: r.URL.Query().Get("as"), Path: "/", HttpOnly: true})
		http.Redirect(w, r, "/who", http.StatusSeeOther)
	})
	mux.HandleFunc("GET /who", func(w http.ResponseWriter, r *http.Request) {
		who := "nobody"
		if c, err := r.Cookie("who"); err == nil {
			who = c.Value
		}
		page(strings.Replace(cookiePage, "%s", who, 1))(w, r)
	})
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'")
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func navigate(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("navigate %s: %v", url, err)
	}
}

func text(t *testing.T, ctx context.Context, sel chromedp.CSS) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(sel))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

func TestBrowserHarnessCleanPage(t *testing.T) {
	srv := newServer(t)
	ctx := New(t)
	navigate(t, ctx, srv.URL+"/")

	width, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.innerWidth`))
	if err != nil || width != Width {
		t.Errorf("window.innerWidth = %d, %v; want %d", width, err, Width)
	}
	height, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.innerHeight`))
	if err != nil || height != Height {
		t.Errorf("window.innerHeight = %d, %v; want %d", height, err, Height)
	}

	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("name"), "Ada"),
		chromedp.Click(chromedp.ID("go")),
	); err != nil {
		t.Fatal(err)
	}
	if got := text(t, ctx, "#out"); got != "hello Ada" {
		t.Errorf("#out = %q after the click, want %q", got, "hello Ada")
	}

	Axe(t, ctx, "clean")
	Axe(t, ctx, "clean again") // axe is already injected: reused
	NoConsoleErrors(t, ctx)
	Screenshot(t, ctx, "clean")
}

func TestBrowserHarnessAxeFindsViolations(t *testing.T) {
	srv := newServer(t)
	ctx := New(t)
	navigate(t, ctx, srv.URL+"/bad")

	violations, err := axeRun(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var blocking []string
	for _, v := range violations {
		if v.blocking() {
			blocking = append(blocking, v.ID)
			if len(v.Nodes) == 0 || v.Nodes[0].Target == "" {
				t.Errorf("violation %s has no element target: %+v", v.ID, v)
			}
		}
	}
	for _, want := range []string{"image-alt", "label"} {
		if !slices.Contains(blocking, want) {
			t.Errorf("axe did not report %q as serious or critical; got %v", want, violations)
		}
	}

	// The same audit through Axe must fail the test: check it on a
	// stand-in testing.TB.
	ft := &fakeT{TB: t}
	Axe(ft, ctx, "bad")
	if !ft.failed || !strings.Contains(ft.msg, "image-alt") || !strings.Contains(ft.msg, "img") {
		t.Errorf("Axe on the bad page: failed=%v, message %q; want a failure naming image-alt and the img", ft.failed, ft.msg)
	}
	t.Logf("what Axe reports on the bad page:\n%s", ft.msg)
}

func TestSkipOrFail(t *testing.T) {
	for _, tc := range []struct {
		ci                  string
		wantSkip, wantFatal bool
	}{
		{ci: "", wantSkip: true},
		{ci: "false", wantSkip: true},
		{ci: "true", wantFatal: true},
	} {
		t.Setenv("CI", tc.ci)
		ft := &skipT{TB: t}
		SkipOrFail(ft, "no widget")
		if ft.skipped != tc.wantSkip || ft.fatal != tc.wantFatal {
			t.Errorf("CI=%q: skipped=%v fatal=%v, want skipped=%v fatal=%v", tc.ci, ft.skipped, ft.fatal, tc.wantSkip, tc.wantFatal)
		}
	}
}

// skipT records Skip and Fatal instead of ending the real test.
type skipT struct {
	testing.TB
	skipped, fatal bool
}

func (s *skipT) Helper()      {}
func (s *skipT) Skip(...any)  { s.skipped = true }
func (s *skipT) Fatal(...any) { s.fatal = true }

func TestBrowserHarnessConsoleErrors(t *testing.T) {
	srv := newServer(t)
	ctx := New(t)
	navigate(t, ctx, srv.URL+"/errors")

	errs := ConsoleErrors(ctx)
	all := strings.Join(errs, "\n")
	if !strings.Contains(all, "boom from the page") {
		t.Errorf("ConsoleErrors misses the uncaught exception; got %q", errs)
	}
	if !strings.Contains(all, "Content Security Policy") {
		t.Errorf("ConsoleErrors misses the CSP violation of the inline script; got %q", errs)
	}
	if title, _ := chromedp.Run(ctx, chromedp.Title()); title == "inline ran" {
		t.Errorf("the inline script ran despite the CSP")
	}

	// A fresh tab has its own, empty list.
	other := NewContext(t, ctx)
	navigate(t, other, srv.URL+"/")
	if errs := ConsoleErrors(other); len(errs) != 0 {
		t.Errorf("ConsoleErrors of a clean tab = %q, want none", errs)
	}
}

func TestBrowserHarnessNewContextIsolatesCookies(t *testing.T) {
	srv := newServer(t)
	ann := New(t)
	navigate(t, ann, srv.URL+"/login?as=ann")
	if got := text(t, ann, "#who"); got != "ann" {
		t.Fatalf("first context: who = %q, want ann", got)
	}

	bob := NewContext(t, ann)
	navigate(t, bob, srv.URL+"/who")
	if got := text(t, bob, "#who"); got != "nobody" {
		t.Errorf("second context sees the first one's cookie: who = %q, want nobody", got)
	}
	navigate(t, bob, srv.URL+"/login?as=bob")
	if got := text(t, bob, "#who"); got != "bob" {
		t.Errorf("second context: who = %q, want bob", got)
	}

	navigate(t, ann, srv.URL+"/who")
	if got := text(t, ann, "#who"); got != "ann" {
		t.Errorf("first context after the second logged in: who = %q, want ann", got)
	}
	width, err := chromedp.Run(bob, chromedp.Evaluate[int](`window.innerWidth`))
	if err != nil || width != Width {
		t.Errorf("second context: window.innerWidth = %d, %v; want %d", width, err, Width)
	}
}

// fakeT records a failure instead of failing the real test.
type fakeT struct {
	testing.TB
	failed bool
	msg    string
}

func (f *fakeT) Helper() {}
func (f *fakeT) Error(args ...any) {
	f.failed = true
	for _, a := range args {
		if s, ok := a.(string); ok {
			f.msg += s
		}
	}
}
func (f *fakeT) Errorf(format string, args ...any) { f.failed = true; f.msg += format }
func (f *fakeT) Fatalf(format string, args ...any) {
	f.TB.Fatalf("unexpected fatal from Axe: "+format, args...)
}
func (f *fakeT) Logf(format string, args ...any) { f.TB.Logf(format, args...) }
