package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"nurture/internal/apptest"
	"nurture/internal/browsertest"
)

// fewestTaps is the number of taps from the landing page to a finished
// session and a logged skin-to-skin time, as the README says. Typing in
// fields is not counted; every tap on a link, button or choice is.
const fewestTaps = 11

// TestBrowserFewestTaps goes from sign-up to a finished session (today's
// routine, through the one-tap readiness answer) and a logged day (a
// skin-to-skin timer started and stopped), counting the taps, in English
// with speech and in French with speech turned off.
func TestBrowserFewestTaps(t *testing.T) {
	for _, tc := range []struct {
		lang      string
		speechOff bool
		want      int
	}{
		{"en", false, fewestTaps},
		{"fr", true, fewestTaps + 2}, // choosing French and turning speech off
	} {
		t.Run(tc.lang, func(t *testing.T) {
			a := apptest.New(t)
			ctx := browsertest.New(t)
			if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: sesSpeechStub}); err != nil {
				t.Fatal(err)
			}
			taps := 0
			tap := func(sel string) {
				t.Helper()
				taps++
				if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
					t.Fatalf("tap %d, %s: %v", taps, sel, err)
				}
			}
			wait := func(sel string) {
				t.Helper()
				sesWaitVisible(t, ctx, sel, 15*time.Second)
			}
			typeIn := func(id, v string) {
				t.Helper()
				if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID(id), v)); err != nil {
					t.Fatal(err)
				}
			}

			sesGo(t, ctx, a.URL+"/", 200)
			tap("a.button[href='/signup']")
			wait("#family_name")
			typeIn("name", "Claire")
			typeIn("email", "claire@example.org")
			typeIn("password", "a long enough secret")
			typeIn("family_name", "Martin")
			if tc.lang == "fr" {
				taps++ // the language menu
				if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.ID("locale"), "fr")); err != nil {
					t.Fatal(err)
				}
			}
			tap("main form button[type=submit]")
			wait("main a.button[href='/babies/new']")
			tap("main a.button[href='/babies/new']")
			wait("#birth_date")
			typeIn("name", "Lou")
			if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.ID("birth_date"), apptest.DaysAgo(70))); err != nil {
				t.Fatal(err)
			}
			tap("main form button[type=submit]")
			wait("#start-today")
			// The test runs the routine fast; a parent's link has no speed.
			sesEval[bool](t, ctx, `(document.getElementById("start-today").href += "&speed=50", true)`)
			tap("#start-today")
			wait("#btn-ask-yes")
			tap("#btn-ask-yes")
			wait("#btn-yes")
			if tc.speechOff {
				tap("#sound-speech")
			}
			tap("#btn-yes")
			// Touch relaxation waits for the parent's "relaxed": a tap each.
			relaxed := 0
			for deadline := time.Now().Add(60 * time.Second); ; {
				if time.Now().After(deadline) {
					t.Fatalf("the session did not end")
				}
				if sesEval[bool](t, ctx, `!document.getElementById("screen-summary").hidden`) {
					break
				}
				if sesEval[bool](t, ctx, `!document.getElementById("btn-relaxed").hidden && !document.getElementById("screen-step").hidden`) {
					tap("#btn-relaxed")
					relaxed++
				}
				time.Sleep(100 * time.Millisecond)
			}
			wait("#btn-save")
			said := sesEval[int](t, ctx, `(window.__spoken || []).length`)
			if tc.speechOff && said != 0 {
				t.Errorf("speech is off, yet %d things were said", said)
			} else if !tc.speechOff && said == 0 {
				t.Errorf("nothing was said with speech on")
			}
			if words := sesEval[string](t, ctx, `document.getElementById("step-say").textContent`); words == "" {
				t.Errorf("no words were on screen")
			}
			tap("#btn-save")
			wait("#after-save a.button")
			tap("#after-save a.button")
			wait(`[data-timers] button[data-kind="skin_to_skin"]`)
			tap(`[data-timers] button[data-kind="skin_to_skin"]`)
			wait(`[data-timers] .timer.running[data-kind="skin_to_skin"]`)
			tap(`[data-timers] .timer.running[data-kind="skin_to_skin"]`)
			wait(`[data-timers] button.timer[data-kind="skin_to_skin"]:not(.running)`)

			if taps-relaxed != tc.want {
				t.Errorf("%d taps (besides %d for touch relaxation), want %d (update the README if the design changed)", taps-relaxed, relaxed, tc.want)
			}
			lang := sesEval[string](t, ctx, `document.documentElement.lang`)
			if lang != tc.lang {
				t.Errorf("page language %q, want %q", lang, tc.lang)
			}
			// What the family now has: one session after a readiness answer,
			// and a finished skin-to-skin time.
			body := offbAwait[string](t, ctx, `fetch(location.origin + "/api/v1/babies/" + location.pathname.split("/")[2] + "/sessions", {credentials: "same-origin"}).then(r => r.text())`)
			if !strings.Contains(body, `"readiness":"go"`) || !strings.Contains(body, `"routine_id":"today"`) || !strings.Contains(body, `"outcome":"completed"`) {
				t.Errorf("stored session: %s", body)
			}
			touch := offbAwait[string](t, ctx, `fetch(location.origin + "/api/v1/babies/" + location.pathname.split("/")[2] + "/touch", {credentials: "same-origin"}).then(r => r.text())`)
			if !strings.Contains(touch, `"kind":"skin_to_skin"`) || strings.Contains(touch, `"ended_at":null`) {
				t.Errorf("stored touch: %s", touch)
			}
			browsertest.Axe(t, ctx, "taps-"+tc.lang)
			browsertest.NoConsoleErrors(t, ctx)
		})
	}
}
