package web_test

import (
	"context"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"nurture/internal/apptest"
	"nurture/internal/browsertest"
)

// These tests drive a real Chromium at phone size through the account and
// family pages: a family of three set up entirely in the browser, each page
// audited with axe-core. Helpers are prefixed with "acct" because other test
// files share the package.

// TestBrowserFamilySetup signs a family up, adds a preterm baby, invites a
// caregiver and a viewer who accept in their own browser contexts, and checks
// what each of them may see and do.
func TestBrowserFamilySetup(t *testing.T) {
	app := apptest.New(t)
	owner := browsertest.New(t)
	const (
		family    = "Martin family"
		babyName  = "Lou"
		ownerName = "Claire Martin"
		dadName   = "Hugo Martin"
		granName  = "Mamie Jeanne"
	)

	// 1. Landing, then sign up: a short password first, then a good one.
	acctGo(t, owner, app.URL+"/", 200)
	acctWantText(t, owner, chromedp.CSS("a.button[href='/signup']"), "")
	acctPage(t, owner, "landing")

	acctGo(t, owner, app.URL+"/signup", 200)
	acctPage(t, owner, "signup")
	tz, err := chromedp.Run(owner, chromedp.Value(chromedp.ID("timezone")))
	if err != nil {
		t.Fatal(err)
	}
	if tz == "" {
		t.Errorf("signup: the time zone is not pre-filled by app.js")
	}
	if err := chromedp.Do(owner,
		chromedp.SendKeys(chromedp.ID("name"), ownerName),
		chromedp.SendKeys(chromedp.ID("email"), "claire@example.com"),
		chromedp.SendKeys(chromedp.ID("password"), "short"),
		chromedp.SendKeys(chromedp.ID("family_name"), family),
	); err != nil {
		t.Fatal(err)
	}
	acctSubmit(t, owner, "main form button[type=submit]", 422)
	acctWantText(t, owner, chromedp.CSS("#password ~ .field-error"), "at least 10 characters")
	if inv, _ := chromedp.Run(owner, chromedp.Evaluate[string](`document.getElementById("password").getAttribute("aria-invalid") || ""`)); inv != "true" {
		t.Errorf("signup error: #password has aria-invalid=%q, want true", inv)
	}
	if v, _ := chromedp.Run(owner, chromedp.Value(chromedp.ID("email"))); v != "claire@example.com" {
		t.Errorf("signup error: the email is not kept, got %q", v)
	}
	acctPage(t, owner, "signup-error")

	if err := chromedp.Do(owner, chromedp.SendKeys(chromedp.ID("password"), "a long enough secret")); err != nil {
		t.Fatal(err)
	}
	acctSubmit(t, owner, "main form button[type=submit]", 200)
	acctWantPath(t, owner, "/")
	acctWantText(t, owner, chromedp.CSS("main h1"), family)
	acctWantText(t, owner, chromedp.CSS(".flash"), "")
	acctPage(t, owner, "home-empty")

	// 2. A baby born 60 days ago at 34 weeks: 42 days early.
	if err := chromedp.Do(owner, chromedp.Click(chromedp.CSS("main a[href='/babies/new']"))); err != nil {
		t.Fatal(err)
	}
	acctWaitPath(t, owner, "/babies/new")
	acctWaitVisible(t, owner, chromedp.ID("birth_date"))
	acctPage(t, owner, "baby-new")
	birth := apptest.DaysAgo(60)
	if err := chromedp.Do(owner,
		chromedp.SendKeys(chromedp.ID("name"), babyName),
		chromedp.SetValue(chromedp.ID("birth_date"), birth),
		chromedp.SetValue(chromedp.ID("gestation_weeks"), "34"),
	); err != nil {
		t.Fatal(err)
	}
	acctSubmit(t, owner, "main form button[type=submit]", 200)
	babyPath := acctPath(t, owner)
	if !strings.HasPrefix(babyPath, "/babies/") {
		t.Fatalf("after adding the baby the page is %s, want /babies/{id}", babyPath)
	}
	acctWantText(t, owner, chromedp.CSS("main h1"), babyName)
	age := acctText(t, owner, chromedp.CSS("p.age"))
	m := regexp.MustCompile(`(\d+) days old · (\d+) days since the due date \(corrected age\)`).FindStringSubmatch(age)
	if m == nil {
		t.Errorf("baby page: age %q does not show the age and the corrected age", age)
	} else {
		days, _ := strconv.Atoi(m[1])
		corrected, _ := strconv.Atoi(m[2])
		if days < 59 || days > 61 || corrected != days-42 {
			t.Errorf("baby page: age %q, want about 60 days old and a corrected age 42 days less", age)
		}
	}
	acctWantText(t, owner, chromedp.CSS("nav.tabbar"), babyName)
	acctPage(t, owner, "baby")

	// 3. The family page: invite the father as a caregiver.
	acctGo(t, owner, app.URL+"/family", 200)
	acctPage(t, owner, "family")
	dadInvite := acctInvite(t, owner, "father", "caregiver")
	if !strings.HasPrefix(dadInvite, app.URL+"/join/") {
		t.Fatalf("invite URL %q, want %s/join/…", dadInvite, app.URL)
	}
	acctPage(t, owner, "family-invite")

	// 4. The father accepts in his own browser context.
	dad := browsertest.NewContext(t, owner)
	acctGo(t, dad, dadInvite, 200)
	acctWantText(t, dad, chromedp.CSS("main h1"), family)
	if n, _ := chromedp.Run(dad, chromedp.Evaluate[int](`document.querySelectorAll("#family_name, #timezone").length`)); n != 0 {
		t.Errorf("join page: has %d family fields, want none", n)
	}
	acctPage(t, dad, "join")
	if err := chromedp.Do(dad,
		chromedp.SendKeys(chromedp.ID("name"), dadName),
		chromedp.SendKeys(chromedp.ID("email"), "hugo@example.com"),
		chromedp.SendKeys(chromedp.ID("password"), "another long secret"),
	); err != nil {
		t.Fatal(err)
	}
	acctSubmit(t, dad, "main form button[type=submit]", 200)
	acctWantText(t, dad, chromedp.CSS("nav.tabbar"), babyName)
	acctWantText(t, dad, chromedp.CSS("main"), babyName)
	acctPage(t, dad, "dad-home")
	// Without the welcome message, a one-baby family lands on the baby.
	acctGo(t, dad, app.URL+"/", 200)
	acctWantPath(t, dad, babyPath)
	acctWantText(t, dad, chromedp.CSS("main h1"), babyName)
	// The same link twice is refused: it was single-use.
	acctGo(t, dad, dadInvite, 404)

	// 5. The owner sees both members with their relation.
	acctGo(t, owner, app.URL+"/family", 200)
	members := acctText(t, owner, chromedp.CSS("section[aria-labelledby=members-h] ul"))
	for _, want := range []string{ownerName, dadName, "Father", "Caregiver", "Owner"} {
		if !strings.Contains(members, want) {
			t.Errorf("family members %q do not mention %q", members, want)
		}
	}

	// 6. A grandmother as a viewer, in a third context.
	granInvite := acctInvite(t, owner, "grandparent", "viewer")
	gran := browsertest.NewContext(t, owner)
	acctGo(t, gran, granInvite, 200)
	if err := chromedp.Do(gran,
		chromedp.SendKeys(chromedp.ID("name"), granName),
		chromedp.SendKeys(chromedp.ID("email"), "jeanne@example.com"),
		chromedp.SendKeys(chromedp.ID("password"), "grandmother secret"),
	); err != nil {
		t.Fatal(err)
	}
	acctSubmit(t, gran, "main form button[type=submit]", 200)
	acctWantText(t, gran, chromedp.CSS("main"), babyName)
	if n, _ := chromedp.Run(gran, chromedp.Evaluate[int](`document.querySelectorAll("a[href='/babies/new']").length`)); n != 0 {
		t.Errorf("viewer home: %d \"Add a baby\" link(s), want none", n)
	}
	acctPage(t, gran, "viewer-home")
	acctGo(t, gran, app.URL+babyPath, 200)
	if n, _ := chromedp.Run(gran, chromedp.Evaluate[int](`document.querySelectorAll("a[href$='/edit']").length`)); n != 0 {
		t.Errorf("viewer baby page: %d edit link(s), want none", n)
	}
	acctGo(t, gran, app.URL+"/babies/new", 403)
	acctWantText(t, gran, chromedp.CSS("main h1"), "Not allowed")
	acctPage(t, gran, "viewer-403")
	acctGo(t, gran, app.URL+"/family", 200)
	if n, _ := chromedp.Run(gran, chromedp.Evaluate[int](`document.querySelectorAll("form[action='/family/invites']").length`)); n != 0 {
		t.Errorf("viewer family page: shows the invite form")
	}
	acctWantText(t, gran, chromedp.CSS("section[aria-labelledby=members-h] ul"), "Grandparent")
	acctPage(t, gran, "viewer-family")

	// 7. The owner's settings and account pages, then log out.
	acctGo(t, owner, app.URL+"/family", 200)
	acctWantText(t, owner, chromedp.CSS("section[aria-labelledby=members-h] ul"), granName)
	acctGo(t, owner, app.URL+"/family/settings", 200)
	acctPage(t, owner, "settings")
	acctGo(t, owner, app.URL+"/account", 200)
	acctWantText(t, owner, chromedp.CSS("main"), "claire@example.com")
	acctPage(t, owner, "account")
	acctSubmit(t, owner, "footer.bottom form[action='/logout'] button", 200)
	acctWantPath(t, owner, "/login")
	acctWaitVisible(t, owner, chromedp.ID("password"))
	acctGo(t, owner, app.URL+"/account", 200) // the login page, as a guest
	acctWantPath(t, owner, "/login")

	// The browser logs each 4xx page as a failed load: only the ones
	// asked for above are expected.
	acctNoConsoleErrors(t, owner, "422 (Unprocessable Entity) (%s/signup:1)")
	acctNoConsoleErrors(t, dad, "404 (Not Found) ("+dadInvite+":1)")
	acctNoConsoleErrors(t, gran, "403 (Forbidden) (%s/babies/new:1)")
}

// TestBrowserLoginErrors: a wrong password shows the message on an
// accessible page, and the right one then logs in.
func TestBrowserLoginErrors(t *testing.T) {
	app := apptest.New(t)
	app.Signup("ann@example.com", "Ann", "Ann's family")
	ctx := browsertest.New(t)

	acctGo(t, ctx, app.URL+"/login", 200)
	acctPage(t, ctx, "login")
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("email"), "ann@example.com"),
		chromedp.SendKeys(chromedp.ID("password"), "not the password"),
	); err != nil {
		t.Fatal(err)
	}
	acctSubmit(t, ctx, "main form button[type=submit]", 401)
	acctWantText(t, ctx, chromedp.CSS(".flash"), "Wrong email or password.")
	if v, _ := chromedp.Run(ctx, chromedp.Value(chromedp.ID("email"))); v != "ann@example.com" {
		t.Errorf("login error: the email is not kept, got %q", v)
	}
	if v, _ := chromedp.Run(ctx, chromedp.Value(chromedp.ID("password"))); v != "" {
		t.Errorf("login error: the password is sent back to the page")
	}
	acctPage(t, ctx, "login-error")

	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("password"), "correct horse battery")); err != nil {
		t.Fatal(err)
	}
	acctSubmit(t, ctx, "main form button[type=submit]", 200)
	acctWantPath(t, ctx, "/")
	acctWantText(t, ctx, chromedp.CSS("main h1"), "Ann's family")
	acctNoConsoleErrors(t, ctx, "401 (Unauthorized) (%s/login:1)")
}

// acctNoConsoleErrors is browsertest.NoConsoleErrors except for the failed
// loads of pages that answer a 4xx on purpose, which Chromium logs as
// console errors. Each expected entry is the end of such a message, after
// "the server responded with a status of ", with %s standing for the
// server's URL (taken from the page of ctx).
func acctNoConsoleErrors(t *testing.T, ctx context.Context, expected ...string) {
	t.Helper()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatal(err)
	}
	origin := u.Scheme + "://" + u.Host
	const prefix = "error: Failed to load resource: the server responded with a status of "
	var unexpected []string
	for _, e := range browsertest.ConsoleErrors(ctx) {
		ok := false
		for _, x := range expected {
			if e == prefix+strings.ReplaceAll(x, "%s", origin) {
				ok = true
			}
		}
		if !ok {
			unexpected = append(unexpected, e)
		}
	}
	if len(unexpected) > 0 {
		t.Errorf("browser console has %d unexpected error(s):\n  %s", len(unexpected), strings.Join(unexpected, "\n  "))
	}
}

// acctInvite creates an invite on the family page of ctx and returns its URL.
func acctInvite(t *testing.T, ctx context.Context, relation, role string) string {
	t.Helper()
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.ID("relation"), relation),
		chromedp.Click(chromedp.CSS("input[name=role][value="+role+"]")),
	); err != nil {
		t.Fatal(err)
	}
	acctSubmit(t, ctx, "form[action='/family/invites'] button[type=submit]", 200)
	return strings.TrimSpace(acctText(t, ctx, chromedp.ID("invite-url")))
}

// acctGo loads url and checks the status of the page (after redirects).
func acctGo(t *testing.T, ctx context.Context, u string, status int64) {
	t.Helper()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(u))
	if err != nil {
		t.Fatalf("navigate %s: %v", u, err)
	}
	if resp.Status != status {
		t.Errorf("GET %s: status %d, want %d (now at %s)", u, resp.Status, status, resp.URL)
	}
}

// acctSubmit clicks a submit button, waits for the next page and checks its
// status.
func acctSubmit(t *testing.T, ctx context.Context, button string, status int64) {
	t.Helper()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(button)))
	if err != nil {
		t.Fatalf("submit %s: %v", button, err)
	}
	if resp.Status != status {
		browsertest.Screenshot(t, ctx, "unexpected-status")
		t.Fatalf("submit %s: status %d, want %d (at %s)", button, resp.Status, status, resp.URL)
	}
}

func acctPath(t *testing.T, ctx context.Context) string {
	t.Helper()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatal(err)
	}
	return u.Path
}

func acctWantPath(t *testing.T, ctx context.Context, want string) {
	t.Helper()
	if got := acctPath(t, ctx); got != want {
		t.Fatalf("at %s, want %s", got, want)
	}
}

// acctWaitPath waits for a navigation that a plain link started.
func acctWaitPath(t *testing.T, ctx context.Context, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		loc, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.readyState === "complete" ? location.pathname : ""`))
		if err == nil && loc == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: at %q (%v)", want, loc, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func acctWaitVisible(t *testing.T, ctx context.Context, sel chromedp.ID) {
	t.Helper()
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := chromedp.Do(wctx, chromedp.WaitVisible(sel)); err != nil {
		t.Fatalf("waiting for #%s: %v", sel, err)
	}
}

func acctText[S chromedp.Selectable](t *testing.T, ctx context.Context, sel S) string {
	t.Helper()
	// A missing element would otherwise be waited for until the end of
	// the whole test.
	qctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	s, err := chromedp.Run(qctx, chromedp.Text(sel))
	if err != nil {
		t.Fatalf("text of %v: %v", sel, err)
	}
	return s
}

// acctWantText checks that sel is on the page and its text contains want.
func acctWantText[S chromedp.Selectable](t *testing.T, ctx context.Context, sel S, want string) {
	t.Helper()
	if got := acctText(t, ctx, sel); !strings.Contains(got, want) {
		t.Errorf("text of %v on %s = %q, want it to contain %q", sel, acctPath(t, ctx), got, want)
	}
}

// acctPage checks the page now shown: axe-core finds no serious violation,
// nothing is wider than the phone, and a screenshot is kept when asked for.
func acctPage(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	browsertest.Screenshot(t, ctx, name)
	browsertest.Axe(t, ctx, name)
	wide, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => {
		const w = document.documentElement.clientWidth, out = [];
		if (document.documentElement.scrollWidth > w) out.push("document scrollWidth " + document.documentElement.scrollWidth);
		for (const el of document.querySelectorAll("body *")) {
			if (el.matches(".skip, .skip *")) continue; // off screen until focused
			const r = el.getBoundingClientRect();
			if (r.width > 0 && (r.right > w + 1 || r.left < -1)) {
				out.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className ? "." + String(el.className).replace(/ +/g, ".") : "") + " spans " + Math.round(r.left) + "…" + Math.round(r.right));
			}
		}
		return out;
	})()`))
	if err != nil {
		t.Fatalf("measuring %s: %v", name, err)
	}
	if len(wide) > 0 {
		t.Errorf("%s overflows the %dpx phone: %s", name, browsertest.Width, strings.Join(wide, "; "))
	}
}
