package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"nurture/internal/app"
	"nurture/internal/apptest"
	"nurture/internal/cli"
	"nurture/internal/webhook"
	"nurture/internal/webhook/deliver"
)

// TestBrowserWebhooks: the mother connects Home Assistant from the Family
// page at phone size. A wrong address is refused with a message beside
// the field, keeping what she typed; the right one shows the secret once.
// When the service stops answering, the Family page says so and the
// connected services page says since when and how many events wait; once
// it answers again, everything arrives and the page says it works.
// Removing it stops the sending.
func TestBrowserWebhooks(t *testing.T) {
	var up atomic.Bool
	var got atomic.Int64
	rc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !up.Load() {
			http.Error(w, "down", http.StatusBadGateway)
			return
		}
		got.Add(1)
	}))
	defer rc.Close()
	allow := webhook.Allow{Nets: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}
	st := apptest.OpenSQLite(t)
	a := apptest.NewOnWith(t, st, cli.Options{Webhooks: app.WebhookTargets{Allow: allow}})
	ann := a.Signup("ann@example.org", "Ann", "Martin")
	baby := a.Baby(ann, "Lou", sesDaysAgo(70))
	dctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	d := &deliver.Deliverer{Store: st, Allow: allow, Poll: 20 * time.Millisecond, Backoff: 50 * time.Millisecond}
	go func() { d.Run(dctx); close(done) }()
	defer func() { stop(); <-done }()

	ctx := sesBrowser(t, a, "ann@example.org")
	sesGo(t, ctx, a.URL+"/family", 200)
	sesSubmit(t, ctx, "#webhooks-link", 200)
	sesWantText(t, ctx, "main", "Nothing is connected yet.")
	sesPage(t, ctx, "webhooks-empty")
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("hook-url"), "homeassistant.local/api/webhook/lou")); err != nil {
		t.Fatal(err)
	}
	// The browser's own check of type=url would stop the form first: this
	// is what the server says to a browser that lets it through.
	sesEval[bool](t, ctx, `document.querySelector("#hook-url").type = "text", true`)
	sesSubmit(t, ctx, "main form[action='/family/webhooks'] button[type=submit]", 422)
	sesWantText(t, ctx, "#url-error", "starting with https:// or http://")
	if v := sesEval[string](t, ctx, `document.querySelector("#hook-url").value`); v != "homeassistant.local/api/webhook/lou" {
		t.Errorf("the address typed became %q", v)
	}
	sesPage(t, ctx, "webhooks-refused")
	sesEval[bool](t, ctx, `document.querySelector("#hook-url").value = `+jsQuote(rc.URL+"/api/webhook/lou")+`, true`)
	sesSubmit(t, ctx, "main form[action='/family/webhooks'] button[type=submit]", 200)
	secret := sesEval[string](t, ctx, `document.querySelector("#webhook-secret").innerText`)
	if len(secret) != 64 {
		t.Errorf("secret shown: %q", secret)
	}
	sesWantText(t, ctx, ".hook", "Nothing sent yet.")
	sesPage(t, ctx, "webhooks-added")

	// The service is down: a sleep logged waits, and both pages say so.
	now := apptest.Now().UTC()
	for i, log := range []string{"sleep", "touch"} {
		body := map[string]any{"started_at": now.Add(-time.Duration(3+i) * time.Hour).Format(time.RFC3339), "ended_at": now.Add(-time.Duration(2+i) * time.Hour).Format(time.RFC3339)}
		if log == "touch" {
			body["kind"] = "holding"
		}
		if r := a.API("POST", "/api/v1/babies/"+baby+"/"+log, ann.Token, body); r.Status != http.StatusCreated {
			t.Fatalf("%s: %d %s", log, r.Status, r.Body)
		}
	}
	waitHooks(t, a, ann.Token, func(h map[string]any) bool { return h["failing_since"] != nil })
	sesGo(t, ctx, a.URL+"/family", 200)
	sesWantText(t, ctx, "#hooks-failing", "A connected service has not taken what was sent since")
	sesPage(t, ctx, "family-hook-failing")
	sesGo(t, ctx, a.URL+"/family/webhooks", 200)
	sesWantText(t, ctx, ".hook", "Failing since")
	sesWantText(t, ctx, ".hook", "HTTP 502")
	sesWantText(t, ctx, ".hook", "2 events are waiting")
	sesPage(t, ctx, "webhooks-failing")

	up.Store(true)
	waitHooks(t, a, ann.Token, func(h map[string]any) bool { return h["pending"].(float64) == 0 && h["failing_since"] == nil })
	if got.Load() != 2 {
		t.Errorf("the service took %d events, want 2", got.Load())
	}
	sesGo(t, ctx, a.URL+"/family/webhooks", 200)
	sesWantText(t, ctx, ".hook", "Working: last delivered")
	sesClick(t, ctx, ".hook details summary")
	sesWantText(t, ctx, ".deliveries", "delivered after")
	sesPage(t, ctx, "webhooks-working")
	sesGo(t, ctx, a.URL+"/family", 200)
	if n := sesEval[int](t, ctx, `document.querySelectorAll("#hooks-failing").length`); n != 0 {
		t.Error("the Family page still says a service fails")
	}

	sesGo(t, ctx, a.URL+"/family/webhooks", 200)
	sesSubmit(t, ctx, ".hook form button", 200)
	sesWantText(t, ctx, "main", "Removed: nothing more is sent there.")
	sesWantText(t, ctx, "main", "Nothing is connected yet.")
}

// waitHooks waits until the family's only webhook, as the API lists it,
// is as ok says.
func waitHooks(t *testing.T, a *apptest.App, token string, ok func(map[string]any) bool) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		items, _ := a.API("GET", "/api/v1/webhooks", token, nil).JSON(t)["items"].([]any)
		if len(items) == 1 && ok(items[0].(map[string]any)) {
			return
		}
	}
	t.Fatalf("the webhook did not get there: %s", a.API("GET", "/api/v1/webhooks", token, nil).Body)
}
