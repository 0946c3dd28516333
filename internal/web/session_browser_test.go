package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"nurture/internal/apptest"
	"nurture/internal/browsertest"
	"nurture/internal/content"
)

// These tests run the guided session in a real Chromium at phone size, with
// speech synthesis replaced by a recorder: every utterance lands in
// window.__spoken as {text, lang} (the empty one that unlocks speech on
// iOS says nothing, so it is not kept). Helpers are prefixed with "ses".

const sesSpeechStub = `(() => {
  window.__spoken = [];
  function Utterance(text) { this.text = text; this.lang = ""; this.rate = 1; this.voice = null; this.onend = null; }
  const synth = {
    speaking: false, pending: false, paused: false,
    speak(u) { if (u.text) window.__spoken.push({text: u.text, lang: u.lang}); setTimeout(() => { if (u.onstart) u.onstart({}); if (u.onend) u.onend({}); }, 0); },
    cancel() {}, pause() {}, resume() {}, getVoices() { return []; },
    addEventListener() {}, removeEventListener() {}
  };
  Object.defineProperty(window, "SpeechSynthesisUtterance", {value: Utterance, configurable: true, writable: true});
  Object.defineProperty(window, "speechSynthesis", {value: synth, configurable: true});
})();`

type sesSpoken struct {
	Text string `json:"text"`
	Lang string `json:"lang"`
}

// sesBrowser starts Chromium with the speech recorder and logs in.
func sesBrowser(t *testing.T, a *apptest.App, email string) context.Context {
	t.Helper()
	ctx := browsertest.New(t)
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: sesSpeechStub}); err != nil {
		t.Fatalf("installing the speech stub: %v", err)
	}
	sesGo(t, ctx, a.URL+"/login", 200)
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), "correct horse battery"),
	); err != nil {
		t.Fatal(err)
	}
	sesSubmit(t, ctx, "main form button[type=submit]", 200)
	return ctx
}

func sesGo(t *testing.T, ctx context.Context, u string, status int64) {
	t.Helper()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(u))
	if err != nil {
		t.Fatalf("navigate %s: %v", u, err)
	}
	if resp.Status != status {
		t.Fatalf("GET %s: status %d, want %d", u, resp.Status, status)
	}
}

func sesSubmit(t *testing.T, ctx context.Context, button string, status int64) string {
	t.Helper()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(button)))
	if err != nil {
		t.Fatalf("submit %s: %v", button, err)
	}
	if resp.Status != status {
		browsertest.Screenshot(t, ctx, "unexpected-status")
		t.Fatalf("submit %s: status %d, want %d (at %s)", button, resp.Status, status, resp.URL)
	}
	return resp.URL
}

func sesClick(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := chromedp.Do(cctx, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible)); err != nil {
		browsertest.Screenshot(t, ctx, "click-failed")
		t.Fatalf("click %s: %v", sel, err)
	}
}

func sesWaitVisible(t *testing.T, ctx context.Context, sel string, d time.Duration) {
	t.Helper()
	wctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	if err := chromedp.Do(wctx, chromedp.WaitVisible(chromedp.CSS(sel))); err != nil {
		browsertest.Screenshot(t, ctx, "wait-failed")
		t.Fatalf("waiting for %s: %v", sel, err)
	}
}

func sesEval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

func sesWantText(t *testing.T, ctx context.Context, sel, want string) {
	t.Helper()
	got := sesEval[string](t, ctx, `(document.querySelector(`+jsQuote(sel)+`) || {innerText: "<missing>"}).innerText`)
	if !strings.Contains(got, want) {
		t.Errorf("text of %s = %q, want it to contain %q", sel, got, want)
	}
}

func jsQuote(s string) string {
	return `"` + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), `"`, `\"`) + `"`
}

// sesPage audits the page shown: a screenshot when asked for, axe-core,
// and nothing wider than the phone.
func sesPage(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	browsertest.Screenshot(t, ctx, name)
	browsertest.Axe(t, ctx, name)
	wide := sesEval[[]string](t, ctx, `(() => {
		const w = document.documentElement.clientWidth, out = [];
		for (const el of document.querySelectorAll("body *")) {
			if (el.matches(".skip, .skip *")) continue;
			const r = el.getBoundingClientRect();
			if (r.width > 0 && (r.right > w + 1 || r.left < -1)) out.push(el.tagName + "#" + el.id + " " + Math.round(r.left) + "…" + Math.round(r.right));
		}
		return out;
	})()`)
	if len(wide) > 0 {
		t.Errorf("%s: wider than the phone: %v", name, wide)
	}
}

// sesStored reads the baby's sessions through the API.
func sesStored(t *testing.T, a *apptest.App, token, baby string) []map[string]any {
	t.Helper()
	r := a.API("GET", "/api/v1/babies/"+baby+"/sessions", token, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("list sessions: %d %s", r.Status, r.Body)
	}
	var out []map[string]any
	for _, it := range r.JSON(t)["items"].([]any) {
		out = append(out, it.(map[string]any))
	}
	return out
}

func sesResponses(s map[string]any) []string {
	var out []string
	for _, st := range s["steps"].([]any) {
		out = append(out, st.(map[string]any)["response"].(string))
	}
	return out
}

// TestBrowserGuidedSession checks readiness, then runs the quick legs and
// feet routine at 50× speed with one "enjoying it" and one break, saves it
// and reads it back through the API.
func TestBrowserGuidedSession(t *testing.T) {
	a := apptest.New(t)
	fam := a.Signup("ann@example.org", "Ann", "Martin")
	baby := a.Baby(fam, "Lou", sesDaysAgo(100))
	ctx := sesBrowser(t, a, "ann@example.org")
	lib := content.MustLoad()

	// The baby page leads to the readiness check.
	sesGo(t, ctx, a.URL+"/babies/"+baby, 200)
	sesSubmit(t, ctx, "a[href='/babies/"+baby+"/ready']", 200)
	sesWantText(t, ctx, "main h1", "Is now a good time for Lou?")
	sesPage(t, ctx, "ready")

	// The full questions, one tap away from the one-tap answer.
	sesClick(t, ctx, "#full-check summary")
	sesClick(t, ctx, "#full-check input[name=state][value=quiet_alert]")
	sesClick(t, ctx, "input[name=feed][value='60']")
	sesSubmit(t, ctx, "#full-check form button[type=submit]", 200)
	sesWantText(t, ctx, ".verdict", "A good moment")
	sesWantText(t, ctx, ".verdict", "This app does not diagnose")
	sesPage(t, ctx, "verdict-go")

	sesClick(t, ctx, "input[name=routine][value=quick_legs_feet]")
	start := sesSubmit(t, ctx, "form[action$='/session'] button[type=submit]", 200)
	u, _ := url.Parse(start)
	if u.Path != "/babies/"+baby+"/session" || u.Query().Get("routine") != "quick_legs_feet" || u.Query().Get("check") == "" {
		t.Fatalf("start leads to %s", start)
	}

	// The same session at test speed.
	sesGo(t, ctx, start+"&speed=50", 200)
	sesWantText(t, ctx, "#screen-start h1", "Ask your baby first")
	sesPage(t, ctx, "player-start")
	if n := sesEval[int](t, ctx, `JSON.parse(document.getElementById("plan").textContent).steps.length`); n != 14 {
		t.Errorf("the browser parses a plan of %d steps, want 14", n)
	}

	sesClick(t, ctx, "#btn-yes")
	sesWaitVisible(t, ctx, "#screen-step", 5*time.Second)
	// The first step is "Step 1" (the ritual is not counted), and its
	// words are on screen even with speech.
	sesWantText(t, ctx, "#step-count", "Step 1 of 13")
	sesWaitVisible(t, ctx, "#step-say", time.Second)
	sesClick(t, ctx, "#btn-enjoy")
	// Wait for the next step, so the break falls on another one.
	first := sesEval[string](t, ctx, `document.getElementById("step-count").textContent`)
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById("step-count").textContent !== `+jsQuote(first), chromedp.WithPollingTimeout(5*time.Second))); err != nil {
		t.Fatalf("the steps do not advance: %v", err)
	}
	sesClick(t, ctx, "#btn-break")
	sesWaitVisible(t, ctx, "#screen-break", 2*time.Second)
	if sesEval[bool](t, ctx, `!document.getElementById("btn-end").hidden`) {
		t.Errorf("one break already offers to end the session")
	}
	browsertest.Screenshot(t, ctx, "player-break")
	paused := sesEval[string](t, ctx, `document.getElementById("step-count").textContent`)
	time.Sleep(1500 * time.Millisecond) // longer than any step at 50×
	if now := sesEval[string](t, ctx, `document.getElementById("step-count").textContent`); now != paused {
		t.Errorf("a break does not pause: %q became %q", paused, now)
	}
	sesClick(t, ctx, "#btn-continue")
	// Paused, then a break, then continue: the session goes on.
	sesClick(t, ctx, "#btn-pause")
	sesClick(t, ctx, "#btn-break")
	sesWaitVisible(t, ctx, "#screen-break", 2*time.Second)
	sesClick(t, ctx, "#btn-continue")

	// Pause holds the step; back returns to the one before; resume goes on.
	sesClick(t, ctx, "#btn-pause")
	held := sesEval[string](t, ctx, `document.getElementById("step-count").textContent`)
	time.Sleep(1200 * time.Millisecond)
	if now := sesEval[string](t, ctx, `document.getElementById("step-count").textContent`); now != held {
		t.Errorf("pause does not hold: %q became %q", held, now)
	}
	sesClick(t, ctx, "#btn-back")
	if back := sesEval[string](t, ctx, `document.getElementById("step-count").textContent`); back == held {
		t.Errorf("back stayed on %q", back)
	}
	sesClick(t, ctx, "#btn-replay")

	sesWaitVisible(t, ctx, "#screen-summary", 20*time.Second)
	sesWantText(t, ctx, "#summary-done", "All done")
	sesPage(t, ctx, "summary")
	// Fell asleep: how to lay the baby down safely shows at once.
	sesClick(t, ctx, "#asleep")
	sesWaitVisible(t, ctx, "#summary-safe-sleep", 2*time.Second)
	sesWantText(t, ctx, "#summary-safe-sleep", "on their back in their own cot")
	sesPage(t, ctx, "summary-asleep")
	sesClick(t, ctx, "input[name=calm_after][value='4']")
	sesClick(t, ctx, "#btn-save")
	sesWaitVisible(t, ctx, "#after-save", 10*time.Second)
	sesWantText(t, ctx, "#saved", "Saved")
	browsertest.Screenshot(t, ctx, "saved")

	// What was said: every step's line, in the family's language.
	spoken := sesEval[[]sesSpoken](t, ctx, `window.__spoken`)
	all := ""
	for _, s := range spoken {
		all += s.Text + "\n"
		if s.Lang != "en-GB" {
			t.Errorf("utterance %q in %q, want en-GB", s.Text, s.Lang)
		}
	}
	rt, _ := lib.Routine("quick_legs_feet")
	for _, st := range rt.Steps[1:] {
		text, _ := lib.StrokeText(st.StrokeID, "en")
		if !strings.Contains(all, text.Say) {
			t.Errorf("never said %q (%s)", text.Say, st.StrokeID)
		}
	}
	for _, want := range []string{"Now, your legs.", "Now, your feet.", "Rest your hands still on your baby"} {
		if !strings.Contains(all, want) {
			t.Errorf("never said %q; said:\n%s", want, all)
		}
	}

	// What was stored.
	stored := sesStored(t, a, fam.Token, baby)
	if len(stored) != 1 {
		t.Fatalf("%d sessions stored, want 1", len(stored))
	}
	s := stored[0]
	resp := sesResponses(s)
	if s["outcome"] != "completed" || s["routine_id"] != "quick_legs_feet" || s["caregiver_id"] != fam.UserID || s["parent_calm_after"] != 4.0 ||
		len(resp) != len(rt.Steps) || s["readiness"] != "go" || s["readiness_check_id"] != u.Query().Get("check") {
		t.Errorf("stored session: %v", s)
	}
	count := map[string]int{}
	for _, r := range resp {
		count[r]++
	}
	if count["engaged"] < 1 || count["disengaged"] < 1 || count["skipped"] != 0 {
		t.Errorf("responses %v", resp)
	}

	sesGo(t, ctx, a.URL+"/babies/"+baby+"/sessions", 200)
	sesWantText(t, ctx, ".history", "Completed")
	sesWantText(t, ctx, ".history", "Ann")
	sesPage(t, ctx, "history")
	sesSubmit(t, ctx, ".history a[href$='/edit']", 200)
	sesWantText(t, ctx, "main h1", "Edit session")
	sesPage(t, ctx, "edit")
	browsertest.NoConsoleErrors(t, ctx)
}

// TestBrowserBabySaysNo runs a session at normal speed, audits the player
// during a step, then taps "baby says no": the session ends at once, thanks
// the parent, and is saved as baby_declined with the rest skipped.
func TestBrowserBabySaysNo(t *testing.T) {
	a := apptest.New(t)
	fam := a.Signup("ann@example.org", "Ann", "Martin")
	baby := a.Baby(fam, "Lou", sesDaysAgo(100))
	ctx := sesBrowser(t, a, "ann@example.org")

	// A crying baby: comfort first, no routine offered.
	sesGo(t, ctx, a.URL+"/babies/"+baby+"/ready", 200)
	sesClick(t, ctx, "#full-check summary")
	sesClick(t, ctx, "#full-check input[name=state][value=crying]")
	sesSubmit(t, ctx, "#full-check form button[type=submit]", 200)
	sesWantText(t, ctx, ".verdict", "Comfort first")
	sesPage(t, ctx, "verdict-wait")

	// The player does not open over that answer: the questions again.
	sesGo(t, ctx, a.URL+"/babies/"+baby+"/session?routine=quick_legs_feet", 200)
	sesWantText(t, ctx, "main h1", "Is now a good time for Lou?")
	// Calm now: one tap, and the session starts.
	sesSubmit(t, ctx, "#quick-yes", 200)
	sesWaitVisible(t, ctx, "#btn-yes", 5*time.Second)
	sesClick(t, ctx, "#btn-yes")
	sesWaitVisible(t, ctx, "#screen-step", 5*time.Second)
	sesWantText(t, ctx, "#step-part", "Whole body")
	sesPage(t, ctx, "player-step")

	// A few seconds to undo a "no" tapped by mistake.
	sesClick(t, ctx, "#btn-no")
	sesWaitVisible(t, ctx, "#undo-bar", 2*time.Second)
	sesPage(t, ctx, "player-undo")
	// While the undo waits, the other controls do nothing: undo returns
	// to the very step, running, not paused.
	before := sesEval[string](t, ctx, `document.getElementById("step-count").textContent`)
	sesEval[bool](t, ctx, `(["btn-skip", "btn-pause", "btn-break", "btn-back", "btn-relaxed"].forEach(id => document.getElementById(id).click()), true)`)
	sesClick(t, ctx, "#btn-undo")
	if !sesEval[bool](t, ctx, `!document.getElementById("screen-step").hidden && document.getElementById("undo-bar").hidden`) {
		t.Fatalf("undo did not return to the step")
	}
	if after := sesEval[string](t, ctx, `document.getElementById("step-count").textContent`); after != before ||
		sesEval[string](t, ctx, `document.getElementById("btn-pause").getAttribute("aria-pressed")`) != "false" {
		t.Fatalf("taps during the undo moved the session: %q then %q", before, after)
	}
	sesClick(t, ctx, "#btn-no")
	sesWaitVisible(t, ctx, "#screen-summary", 10*time.Second)
	sesWantText(t, ctx, "#summary-thanks", "Thank you for listening to your baby")
	sesPage(t, ctx, "summary-declined")
	spoken := sesEval[[]sesSpoken](t, ctx, `window.__spoken`)
	if len(spoken) == 0 || spoken[len(spoken)-1].Text != "Thank you for listening to your baby." {
		t.Errorf("last words %v, want the thanks", spoken)
	}
	sesClick(t, ctx, "#btn-save")
	sesWaitVisible(t, ctx, "#after-save", 10*time.Second)

	stored := sesStored(t, a, fam.Token, baby)
	if len(stored) != 1 {
		t.Fatalf("%d sessions stored, want 1", len(stored))
	}
	resp := sesResponses(stored[0])
	if stored[0]["outcome"] != "baby_declined" || len(resp) != 14 {
		t.Fatalf("stored: %v", stored[0])
	}
	if resp[0] != "neutral" || resp[1] != "disengaged" {
		t.Errorf("responses of the reached steps: %v", resp[:2])
	}
	for i, r := range resp[2:] {
		if r != "skipped" {
			t.Errorf("step %d after the no: %s, want skipped", i+2, r)
		}
	}
	sesGo(t, ctx, a.URL+"/babies/"+baby+"/sessions", 200)
	sesWantText(t, ctx, ".history", "Baby said no — you listened")
	browsertest.NoConsoleErrors(t, ctx)
}

// TestBrowserEveryWayIntoASession walks each way into a session: today's
// routine from the baby page and from the insights page, the readiness
// page without a routine, and the routine page; each asks the readiness
// answer first (one tap when the baby is calm, fed and well), and the
// session is saved with the verdict that preceded it.
func TestBrowserEveryWayIntoASession(t *testing.T) {
	a := apptest.New(t)
	fam := a.Signup("ann@example.org", "Ann", "Martin")
	baby := a.Baby(fam, "Lou", sesDaysAgo(100))
	ctx := sesBrowser(t, a, "ann@example.org")
	home := a.URL + "/babies/" + baby

	declineFirst := func(name string) {
		t.Helper()
		sesClick(t, ctx, "#btn-no-start")
		sesWaitVisible(t, ctx, "#screen-summary", 5*time.Second)
		sesClick(t, ctx, "#btn-save")
		sesWaitVisible(t, ctx, "#after-save", 10*time.Second)
	}

	// 1. Today's routine from the baby page: the player asks first.
	sesGo(t, ctx, home, 200)
	sesSubmit(t, ctx, "a[href='/babies/"+baby+"/session?routine=today']", 200)
	sesWaitVisible(t, ctx, "#btn-ask-yes", 5*time.Second)
	if sesEval[bool](t, ctx, `!document.getElementById("screen-start").hidden`) {
		t.Fatalf("the ritual shows before the readiness answer")
	}
	sesPage(t, ctx, "player-ask")
	sesClick(t, ctx, "#btn-ask-yes")
	sesWaitVisible(t, ctx, "#btn-yes", 5*time.Second)
	declineFirst("today")

	// 2. Within 30 minutes the same parent is not asked twice.
	sesGo(t, ctx, home+"/session?routine=quick_legs_feet", 200)
	sesWaitVisible(t, ctx, "#btn-yes", 5*time.Second)
	declineFirst("again")

	stored := sesStored(t, a, fam.Token, baby)
	if len(stored) != 2 {
		t.Fatalf("%d sessions stored, want 2", len(stored))
	}
	for _, s := range stored {
		if s["readiness"] != "go" || s["readiness_check_id"] == "" {
			t.Errorf("session without its readiness answer: %v", s)
		}
	}
	// Today's routine is saved as such, not as a free massage.
	if stored[len(stored)-1]["routine_id"] != "today" {
		t.Errorf("today's routine saved as %q", stored[len(stored)-1]["routine_id"])
	}
	sesGo(t, ctx, home+"/sessions", 200)
	sesWantText(t, ctx, ".history", "Today's routine")

	// 3. The insights page starts today's routine through the same door;
	// a "wait" answer in between sends the parent to the questions.
	r := a.API("POST", "/api/v1/babies/"+baby+"/readiness", fam.Token, `{"state":"asleep"}`)
	if r.Status != 200 {
		t.Fatalf("asleep: %d", r.Status)
	}
	sesGo(t, ctx, home+"/insights", 200)
	sesSubmit(t, ctx, "form[action$='/session'] button[type=submit]", 200)
	sesWantText(t, ctx, "main h1", "Is now a good time for Lou?")
	sesPage(t, ctx, "ready-after-wait")
	sesSubmit(t, ctx, "#quick-yes", 200)
	sesWaitVisible(t, ctx, "#btn-yes", 5*time.Second)
	if got := sesEval[string](t, ctx, `new URL(location.href).searchParams.get("routine")`); got != "today" {
		t.Errorf("the insights' routine became %q", got)
	}
	browsertest.NoConsoleErrors(t, ctx)
}

// TestBrowserRoutinePageStart: a routine page's Start opens the player,
// which asks the readiness answer first; "not quite" leads to the full
// questions, which then start that routine.
func TestBrowserRoutinePageStart(t *testing.T) {
	a := apptest.New(t)
	fam := a.Signup("ann@example.org", "Ann", "Martin")
	baby := a.Baby(fam, "Lou", sesDaysAgo(100))
	ctx := sesBrowser(t, a, "ann@example.org")
	sesGo(t, ctx, a.URL+"/library/routines/quick_legs_feet", 200)
	sesSubmit(t, ctx, "a[href='/babies/"+baby+"/session?routine=quick_legs_feet']", 200)
	sesWaitVisible(t, ctx, "#btn-ask-yes", 5*time.Second)
	sesSubmit(t, ctx, "#ask-more", 200)
	sesWaitVisible(t, ctx, "#full-check input[name=state][value=drowsy]", 5*time.Second)
	sesPage(t, ctx, "ready-full")
	sesClick(t, ctx, "#full-check input[name=state][value=drowsy]")
	sesSubmit(t, ctx, "#full-check form button[type=submit]", 200)
	// Drowsy: the routine is cut to a short, slow sequence.
	sesWaitVisible(t, ctx, "#btn-yes", 5*time.Second)
	secs := sesEval[int](t, ctx, `JSON.parse(document.getElementById("plan").textContent).steps.reduce((n, s) => n + s.seconds, 0)`)
	if secs > 300 {
		t.Errorf("a drowsy baby's session lasts %d s", secs)
	}
	sesWantText(t, ctx, "#screen-start .adjust", "No full routine")
	browsertest.NoConsoleErrors(t, ctx)
}

// TestBrowserSeekHelp: a newborn who seems unwell gets "seek help" with
// the warning signs one tap away; the missing urgent number is set right
// there, in French too.
func TestBrowserSeekHelp(t *testing.T) {
	a := apptest.New(t)
	fam := a.Signup("ann@example.org", "Ann", "Martin")
	baby := a.Baby(fam, "Lou", sesDaysAgo(20))
	ctx := sesBrowser(t, a, "ann@example.org")
	sesGo(t, ctx, a.URL+"/babies/"+baby+"/ready?full=1", 200)
	sesClick(t, ctx, "#full-check input[name=state][value=quiet_alert]")
	sesClick(t, ctx, "#full-check input[name=unwell]")
	sesSubmit(t, ctx, "#full-check form button[type=submit]", 200)
	sesWantText(t, ctx, ".verdict", "under 3 months old and seems unwell")
	sesPage(t, ctx, "verdict-seek-help")
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(".urgent-set input[name=urgent_number]"), "15")); err != nil {
		t.Fatal(err)
	}
	sesSubmit(t, ctx, ".urgent-set button[type=submit]", 200)
	sesWantText(t, ctx, ".flash", "Urgent number saved")
	r := a.API("GET", "/api/v1/family", fam.Token, nil)
	if r.Status != 200 {
		t.Fatal(r.Status)
	}
	// The red flags are one tap from the verdict.
	sesGo(t, ctx, a.URL+"/babies/"+baby+"/crying?flags=1#cry-flags", 200)
	sesWantText(t, ctx, "#cry-flags", "15")
	browsertest.NoConsoleErrors(t, ctx)
}

// TestBrowserPlayerWithoutSpeech: with speech turned off the player says
// nothing, the words stay on screen, and the choice is remembered on this
// device.
func TestBrowserPlayerWithoutSpeech(t *testing.T) {
	a := apptest.New(t)
	fam := a.Signup("ann@example.org", "Ann", "Martin")
	baby := a.Baby(fam, "Lou", sesDaysAgo(100))
	ctx := sesBrowser(t, a, "ann@example.org")
	if r := a.API("POST", "/api/v1/babies/"+baby+"/readiness", fam.Token, `{"state":"quiet_alert"}`); r.Status != 200 {
		t.Fatal(r.Status)
	}
	player := a.URL + "/babies/" + baby + "/session?routine=quick_legs_feet&speed=50"
	sesGo(t, ctx, player, 200)
	sesClick(t, ctx, "#sound-speech")
	sesPage(t, ctx, "player-sound-off")
	sesGo(t, ctx, player, 200)
	if sesEval[bool](t, ctx, `document.getElementById("sound-speech").checked`) {
		t.Fatalf("speech is on again after a reload")
	}
	sesClick(t, ctx, "#btn-yes")
	sesWaitVisible(t, ctx, "#step-say", 5*time.Second)
	if words := sesEval[string](t, ctx, `document.getElementById("step-say").textContent`); words == "" {
		t.Errorf("no words on screen")
	}
	sesWaitVisible(t, ctx, "#screen-summary", 30*time.Second)
	if spoken := sesEval[[]sesSpoken](t, ctx, `window.__spoken`); len(spoken) != 0 {
		t.Errorf("speech is off, yet %d things were said: %v", len(spoken), spoken)
	}
	browsertest.NoConsoleErrors(t, ctx)
}
