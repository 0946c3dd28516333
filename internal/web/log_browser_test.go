package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"nurture/internal/apptest"
	"nurture/internal/browsertest"
	"nurture/internal/domain"
)

// These tests log touch and crying in a real Chromium at phone size.
// Helpers are prefixed with "logb".

func logbLogin(t *testing.T, a *apptest.App, email string) context.Context {
	t.Helper()
	ctx := browsertest.New(t)
	logbGo(t, ctx, a.URL+"/login")
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), "correct horse battery"),
	); err != nil {
		t.Fatal(err)
	}
	logbSubmit(t, ctx, "main form button[type=submit]")
	return ctx
}

func logbGo(t *testing.T, ctx context.Context, u string) {
	t.Helper()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(u))
	if err != nil {
		t.Fatalf("navigate %s: %v", u, err)
	}
	if resp.Status != http.StatusOK {
		t.Fatalf("GET %s: status %d", u, resp.Status)
	}
}

// logbSubmit clicks a button that loads a new page and wants it to be 200.
func logbSubmit(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
	if err != nil {
		browsertest.Screenshot(t, ctx, "submit-failed")
		t.Fatalf("submit %s: %v", sel, err)
	}
	if resp.Status != http.StatusOK {
		browsertest.Screenshot(t, ctx, "unexpected-status")
		t.Fatalf("submit %s: status %d (at %s)", sel, resp.Status, resp.URL)
	}
	return resp.URL
}

func logbClick(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := chromedp.Do(cctx, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible)); err != nil {
		browsertest.Screenshot(t, ctx, "click-failed")
		t.Fatalf("click %s: %v", sel, err)
	}
}

func logbWait(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := chromedp.Do(wctx, chromedp.WaitVisible(chromedp.CSS(sel))); err != nil {
		browsertest.Screenshot(t, ctx, "wait-failed")
		t.Fatalf("waiting for %s: %v", sel, err)
	}
}

func logbEval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// logbAudit screenshots the page, runs axe-core, and checks nothing is
// wider than the phone.
func logbAudit(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	browsertest.Screenshot(t, ctx, name)
	browsertest.Axe(t, ctx, name)
	wide := logbEval[[]string](t, ctx, `(() => {
		const w = document.documentElement.clientWidth, out = [];
		for (const el of document.querySelectorAll("body *")) {
			if (el.matches(".skip, .skip *") || el.closest(".timeline-wrap, .table-wrap")) continue;
			const r = el.getBoundingClientRect();
			if (r.width > 0 && (r.right > w + 1 || r.left < -1)) out.push(el.tagName + "." + el.className + " " + Math.round(r.left) + "…" + Math.round(r.right));
		}
		return out;
	})()`)
	if len(wide) > 0 {
		t.Errorf("%s: wider than the phone: %v", name, wide)
	}
}

// logbNight switches night mode with the footer toggle.
func logbNight(t *testing.T, ctx context.Context, mode string) {
	t.Helper()
	logbClick(t, ctx, `input[name="night-mode"][value="`+mode+`"]`)
	night := logbEval[bool](t, ctx, `document.documentElement.classList.contains("night")`)
	if night != (mode == "on") {
		t.Fatalf("night mode %s: html.night is %v", mode, night)
	}
}

func TestBrowserTouchTimer(t *testing.T) {
	a := apptest.New(t)
	fam := a.Signup("ann@example.org", "Ann", "Martin")
	baby := a.Baby(fam, "Lou", apptest.DaysAgo(44))
	ctx := logbLogin(t, a, "ann@example.org")
	home := a.URL + "/babies/" + baby

	logbGo(t, ctx, home)
	// log.js swaps in the live timers block.
	logbWait(t, ctx, `[data-timers] button[data-kind="skin_to_skin"]`)
	logbAudit(t, ctx, "baby")
	url := logbSubmit(t, ctx, `[data-timers] button[data-kind="skin_to_skin"]`)
	if !strings.HasPrefix(url, home) || strings.Contains(url, "/log") {
		t.Errorf("after start: at %s, want the baby page", url)
	}
	logbWait(t, ctx, `[data-timers] .timer.running[data-kind="skin_to_skin"]`)
	browsertest.Screenshot(t, ctx, "running")

	// A reload keeps it: the timer lives in the database.
	if _, err := chromedp.RunResponse(ctx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	logbWait(t, ctx, `[data-timers] .timer.running[data-kind="skin_to_skin"]`)
	text := logbEval[string](t, ctx, `document.querySelector('[data-timers] .timer.running[data-kind="skin_to_skin"]').innerText`)
	if !strings.Contains(text, "Ann") || !strings.Contains(text, "min") {
		t.Errorf("running timer says %q, want who and how long", text)
	}

	logbNight(t, ctx, "on")
	logbAudit(t, ctx, "baby-night")
	logbSubmit(t, ctx, `[data-timers] .timer.running[data-kind="skin_to_skin"]`)
	logbWait(t, ctx, `[data-timers] button[data-kind="skin_to_skin"]:not(.running)`)
	if !logbEval[bool](t, ctx, `document.documentElement.classList.contains("night")`) {
		t.Errorf("night mode was not kept across pages")
	}

	r := a.API("GET", "/api/v1/babies/"+baby+"/touch", fam.Token, nil)
	items, _ := r.JSON(t)["items"].([]any)
	if r.Status != 200 || len(items) != 1 {
		t.Fatalf("touch entries: %d %s", r.Status, r.Body)
	}
	e := items[0].(map[string]any)
	if e["kind"] != "skin_to_skin" || e["ended_at"] == nil || e["caregiver_id"] != fam.UserID {
		t.Errorf("entry: %v", e)
	}

	// The day view, at night and by day.
	logbGo(t, ctx, home+"/day")
	logbWait(t, ctx, "svg.timeline")
	logbAudit(t, ctx, "day-night")
	logbNight(t, ctx, "off")
	logbAudit(t, ctx, "day")
	logbGo(t, ctx, home+"/log")
	logbAudit(t, ctx, "log")
	browsertest.NoConsoleErrors(t, ctx)
}

func TestBrowserCryingCompanion(t *testing.T) {
	a := apptest.New(t)
	fam := a.Signup("ann@example.org", "Ann", "Martin")
	baby := a.Baby(fam, "Lou", apptest.DaysAgo(44))
	if err := a.Store.UpdateFamily(context.Background(), fam.FamilyID, domain.FamilySettings{Name: "Martin", Timezone: "Europe/Paris",
		Languages: []string{"en"}, FeedWaitMin: 30, TempUnit: "c", UrgentNumber: "15", SupportLines: "Grandma Jo 06 12 34 56 78"}); err != nil {
		t.Fatal(err)
	}
	ctx := logbLogin(t, a, "ann@example.org")

	// One tap from the header.
	logbClick(t, ctx, "a.cry-link")
	logbWait(t, ctx, "#cry-needs h2")
	// Reading the companion starts nothing: the timer waits for the parent
	// to say the baby is crying now.
	time.Sleep(500 * time.Millisecond)
	if logbEval[string](t, ctx, `document.getElementById("cry-eid").value`) != "" {
		t.Fatalf("opening the companion started a crying timer")
	}
	logbClick(t, ctx, "#cry-start button[type=submit]")
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById("cry-eid").value !== ""`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("the crying timer did not start: %v", err)
	}
	// Started by mistake: one tap discards it, and it is gone from the server.
	logbWait(t, ctx, "#cry-discard")
	logbClick(t, ctx, "#cry-discard")
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById("cry-eid").value === "" && !document.getElementById("cry-start").hidden`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("the discarded timer stays: %v", err)
	}
	if r := a.API("GET", "/api/v1/babies/"+baby+"/timers", fam.Token, nil); strings.Contains(r.Body, `"crying"`) {
		t.Fatalf("a discarded crying timer is still on the server: %s", r.Body)
	}
	logbClick(t, ctx, "#cry-start button[type=submit]")
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById("cry-eid").value !== ""`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("the crying timer did not start again: %v", err)
	}
	steps := []string{"needs", "hold", "limit", "flags", "end"}
	visible := func(want string) {
		t.Helper()
		logbWait(t, ctx, "#cry-"+want)
		for _, s := range steps {
			shown := logbEval[bool](t, ctx, `!document.getElementById("cry-`+s+`").hidden`)
			if shown != (s == want) {
				t.Fatalf("step %s shown=%v while on %s", s, shown, want)
			}
		}
	}
	visible("needs")
	logbAudit(t, ctx, "crying-needs")
	logbClick(t, ctx, `input[name="needs_checked"][value="hungry"]`)
	logbClick(t, ctx, `input[name="needs_checked"][value="wind"]`)

	logbClick(t, ctx, `#cry-needs [data-go="hold"]`)
	visible("hold")
	if logbEval[string](t, ctx, `document.activeElement.id`) != "hold-h" {
		t.Errorf("focus does not move to the step's heading")
	}
	anim := logbEval[string](t, ctx, `getComputedStyle(document.querySelector(".pacer-dot")).animationName`)
	if anim != "breathe" {
		t.Errorf("pacer animation = %q", anim)
	}
	logbAudit(t, ctx, "crying-hold")

	logbClick(t, ctx, `.cry-jump [data-go="limit"]`)
	visible("limit")
	limit := logbEval[string](t, ctx, `document.getElementById("cry-limit").innerText`)
	for _, want := range []string{"back in the cot", "Never shake a baby", "Grandma Jo 06 12 34 56 78", "Urgent medical help: 15"} {
		if !strings.Contains(limit, want) && !strings.Contains(strings.ToLower(limit), strings.ToLower(want)) {
			t.Errorf("at-my-limit step lacks %q:\n%s", want, limit)
		}
	}
	logbAudit(t, ctx, "crying-limit")

	logbClick(t, ctx, `.cry-jump [data-go="flags"]`)
	visible("flags")
	if href := logbEval[string](t, ctx, `document.getElementById("urgent-flags").getAttribute("href")`); href != "tel:15" {
		t.Errorf("urgent link = %q", href)
	}
	logbAudit(t, ctx, "crying-flags")

	// Night mode on every step.
	logbNight(t, ctx, "on")
	for _, s := range steps {
		logbEval[bool](t, ctx, `(document.querySelector('.cry-step [data-go="`+s+`"], .cry-jump [data-go="`+s+`"]').click(), true)`)
		visible(s)
		logbAudit(t, ctx, "crying-"+s+"-night")
	}
	logbNight(t, ctx, "off")
	logbAudit(t, ctx, "crying-end")

	logbClick(t, ctx, `input[name="held"][value="yes"]`)
	logbClick(t, ctx, `input[name="parent_stress"][value="3"]`)
	logbClick(t, ctx, `input[name="soothed_by"][value="walking"]`)
	url := logbSubmit(t, ctx, "#cry-save")
	if !strings.HasSuffix(url, "/done") {
		t.Errorf("after saving: at %s", url)
	}
	logbAudit(t, ctx, "crying-done")

	r := a.API("GET", "/api/v1/babies/"+baby+"/crying", fam.Token, nil)
	items, _ := r.JSON(t)["items"].([]any)
	if r.Status != 200 || len(items) != 1 {
		t.Fatalf("crying episodes: %d %s", r.Status, r.Body)
	}
	e := items[0].(map[string]any)
	needs, _ := e["needs_checked"].([]any)
	if e["ended_at"] == nil || e["held"] != true || e["parent_stress"] != float64(3) || len(needs) != 2 || needs[0] != "hungry" || needs[1] != "wind" {
		t.Errorf("saved episode: %v", e)
	}
	browsertest.NoConsoleErrors(t, ctx)
}
