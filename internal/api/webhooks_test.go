package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"nurture/internal/app"
	"nurture/internal/apptest"
	"nurture/internal/cli"
	"nurture/internal/store"
	"nurture/internal/webhook"
	"nurture/internal/webhook/deliver"
)

// receiver is a webhook's far end: it keeps what it was sent and fails
// the first answers it is told to.
type receiver struct {
	*httptest.Server
	mu       sync.Mutex
	failFor  int
	got      []received
	attempts int
}

type received struct {
	delivery, event, signature string
	body                       []byte
}

func newReceiver(t *testing.T, failFirst int) *receiver {
	rc := &receiver{failFor: failFirst}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		defer rc.mu.Unlock()
		rc.attempts++
		if rc.attempts <= rc.failFor {
			http.Error(w, "not now", http.StatusServiceUnavailable)
			return
		}
		rc.got = append(rc.got, received{r.Header.Get("Nurture-Delivery"), r.Header.Get("Nurture-Event"), r.Header.Get("Nurture-Signature"), b})
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) received() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}

// waitFor waits until the receiver holds n deliveries (or fails the test).
func (rc *receiver) waitFor(t *testing.T, n int) []received {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if got := rc.received(); len(got) >= n {
			return got
		}
	}
	t.Fatalf("the receiver got %d deliveries, want %d", len(rc.received()), n)
	return nil
}

// startDeliverer runs a deliverer over st until the test ends, quickly
// polling and retrying.
func startDeliverer(t *testing.T, st *store.Store, allow webhook.Allow) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	d := &deliver.Deliverer{Store: st, Allow: allow, Poll: 20 * time.Millisecond, Backoff: 30 * time.Millisecond}
	go func() { d.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
}

func TestWebhooks(t *testing.T)         { testWebhooks(t, apptest.OpenSQLite(t)) }
func TestWebhooksPostgres(t *testing.T) { testWebhooks(t, apptest.OpenPostgres(t)) }

// Webhooks end to end, on both databases: an owner registers one (and
// only an owner, only for an address the rules permit, only for known
// events); each write's event reaches the receiver once it answers, in
// order, signed, with the record as its GET returns it; a replay and an
// import-free family of another send nothing; the list shows the
// failures and the deliveries; a deleted webhook gets nothing more.
func testWebhooks(t *testing.T, st *store.Store) {
	allow := webhook.Allow{Nets: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}
	a := apptest.NewOnWith(t, st, cli.Options{Webhooks: app.WebhookTargets{Allow: allow}})
	ann := a.Signup("ann@example.org", "Ann", "Martin")
	bob := a.Join(ann, "bob@example.org", "Bob", "caregiver", "father")
	zoe := a.Signup("zoe@example.org", "Zoe", "Other")
	lou := a.Baby(ann, "Lou", apptest.DaysAgo(60))
	zed := a.Baby(zoe, "Zed", apptest.DaysAgo(60))
	rc := newReceiver(t, 2) // the first two answers are 503
	onlySleep := newReceiver(t, 0)

	all := []string{"session.created", "touch.created", "touch.ended", "sleep.created", "sleep.ended", "crying.created", "crying.ended"}
	for _, c := range []struct {
		name, token string
		body        any
		status      int
		field       string
	}{
		{"caregiver", bob.Token, map[string]any{"url": rc.URL, "events": all}, http.StatusForbidden, ""},
		{"no scheme", ann.Token, map[string]any{"url": "ha.local/x", "events": all}, http.StatusUnprocessableEntity, "url"},
		{"password in it", ann.Token, map[string]any{"url": "https://u:p@ha.example/", "events": all}, http.StatusUnprocessableEntity, "url"},
		{"loopback not allowed", ann.Token, map[string]any{"url": "http://[::1]:9/x", "events": all}, http.StatusUnprocessableEntity, "url"},
		{"link-local", ann.Token, map[string]any{"url": "http://169.254.169.254/latest", "events": all}, http.StatusUnprocessableEntity, "url"},
		{"unknown event", ann.Token, map[string]any{"url": rc.URL, "events": []string{"touch.created", "baby.born"}}, http.StatusUnprocessableEntity, "events"},
		{"no event", ann.Token, map[string]any{"url": rc.URL, "events": []string{}}, http.StatusUnprocessableEntity, "events"},
		{"unknown field", ann.Token, map[string]any{"url": rc.URL, "events": all, "secret": "mine"}, http.StatusBadRequest, ""},
	} {
		r := a.API("POST", "/api/v1/webhooks", c.token, c.body)
		if r.Status != c.status || (c.field != "" && !strings.Contains(r.Body, `"`+c.field+`"`)) {
			t.Errorf("%s: %d %s, want %d naming %q", c.name, r.Status, r.Body, c.status, c.field)
		}
	}
	if r := a.API("GET", "/api/v1/webhooks", bob.Token, nil); r.Status != http.StatusForbidden {
		t.Errorf("a caregiver lists the webhooks: %d", r.Status)
	}
	var hook, sleepHook struct {
		ID, Secret string
		Events     []string
	}
	r := a.API("POST", "/api/v1/webhooks", ann.Token, map[string]any{"url": rc.URL + "/hook", "events": []string{"crying.ended", "touch.created", "touch.ended", "sleep.created", "session.created", "crying.created", "touch.created"}})
	if r.Status != http.StatusCreated {
		t.Fatalf("register: %d %s", r.Status, r.Body)
	}
	json.Unmarshal([]byte(r.Body), &hook)
	if len(hook.Secret) < 32 || strings.Join(hook.Events, " ") != "session.created touch.created touch.ended sleep.created crying.created crying.ended" {
		t.Fatalf("registered: %s", r.Body)
	}
	r = a.API("POST", "/api/v1/webhooks", ann.Token, map[string]any{"url": onlySleep.URL, "events": []string{"sleep.ended"}})
	json.Unmarshal([]byte(r.Body), &sleepHook)
	startDeliverer(t, st, allow)

	now := apptest.Now().UTC().Truncate(time.Second)
	at := func(d time.Duration) string { return now.Add(d).Format(time.RFC3339) }
	post := func(path string, body map[string]any, want int) map[string]any {
		t.Helper()
		r := a.API("POST", path, ann.Token, body)
		if r.Status != want {
			t.Fatalf("POST %s: %d %s", path, r.Status, r.Body)
		}
		return r.JSON(t)
	}
	base := "/api/v1/babies/" + lou
	touch := map[string]any{"id": "0c4c6a4e-49a1-4c55-8d1a-2c7d5f0e3a01", "kind": "skin_to_skin", "started_at": at(-3 * time.Hour)}
	post(base+"/touch", touch, http.StatusCreated)
	post(base+"/touch", touch, http.StatusOK) // a replay: no new event
	if r := a.API("PUT", base+"/touch/"+touch["id"].(string), ann.Token, map[string]any{"kind": "skin_to_skin", "started_at": at(-3 * time.Hour), "ended_at": at(-2 * time.Hour)}); r.Status != http.StatusOK {
		t.Fatalf("stop the timer: %d %s", r.Status, r.Body)
	}
	// Running again then stopped again would be a second "ended"; an edit
	// of a finished entry is none.
	if r := a.API("PUT", base+"/touch/"+touch["id"].(string), ann.Token, map[string]any{"kind": "skin_to_skin", "started_at": at(-3 * time.Hour), "ended_at": at(-2 * time.Hour), "notes": "calm"}); r.Status != http.StatusOK {
		t.Fatalf("edit: %d %s", r.Status, r.Body)
	}
	sleep := post(base+"/sleep", map[string]any{"started_at": at(-90 * time.Minute), "ended_at": at(-30 * time.Minute)}, http.StatusCreated)
	cry := post(base+"/crying", map[string]any{"started_at": at(-20 * time.Minute), "held": true}, http.StatusCreated)
	if r := a.API("PUT", base+"/crying/"+cry["id"].(string), ann.Token, map[string]any{"started_at": at(-20 * time.Minute), "ended_at": at(-10 * time.Minute), "held": true}); r.Status != http.StatusOK {
		t.Fatalf("stop the crying timer: %d %s", r.Status, r.Body)
	}
	ses := post(base+"/sessions", map[string]any{"routine_id": "quick_legs_feet", "started_at": at(-5 * time.Hour), "ended_at": at(-290 * time.Minute), "outcome": "completed"}, http.StatusCreated)
	if r := a.API("POST", "/api/v1/babies/"+zed+"/sleep", zoe.Token, map[string]any{"started_at": at(-90 * time.Minute), "ended_at": at(-30 * time.Minute)}); r.Status != http.StatusCreated {
		t.Fatalf("another family's sleep: %d %s", r.Status, r.Body)
	}

	want := []struct{ event, path string }{
		{"touch.created", base + "/touch/" + touch["id"].(string)},
		{"touch.ended", base + "/touch/" + touch["id"].(string)},
		{"sleep.created", base + "/sleep/" + sleep["id"].(string)},
		{"crying.created", base + "/crying/" + cry["id"].(string)},
		{"crying.ended", base + "/crying/" + cry["id"].(string)},
		{"session.created", base + "/sessions/" + ses["id"].(string)},
	}
	rc.waitFor(t, len(want))
	time.Sleep(100 * time.Millisecond) // anything more would show now
	got := rc.received()
	if len(got) != len(want) {
		t.Fatalf("received %d deliveries, want %d", len(got), len(want))
	}
	seen := map[string]bool{}
	for i, g := range got {
		var p struct {
			ID, Event, FamilyID, BabyID string          `json:"-"`
			Data                        json.RawMessage `json:"data"`
		}
		var env map[string]any
		json.Unmarshal(g.body, &env)
		json.Unmarshal(g.body, &p)
		if env["event"] != want[i].event || g.event != want[i].event {
			t.Errorf("delivery %d: %s (header %s), want %s", i, env["event"], g.event, want[i].event)
		}
		if !webhook.Verify(hook.Secret, g.body, g.signature) {
			t.Errorf("delivery %d: signature %q does not verify", i, g.signature)
		}
		if seen[g.delivery] || len(g.delivery) != 36 {
			t.Errorf("delivery %d: id %q repeated or not a UUID", i, g.delivery)
		}
		seen[g.delivery] = true
		if env["baby_id"] != lou || env["family_id"] == "" {
			t.Errorf("delivery %d: %v", i, env)
		}
		// The payload's record is what its GET returns at that moment; the
		// touch entry was edited after its events, so only its id is compared.
		stored := a.API("GET", want[i].path, ann.Token, nil)
		if want[i].event != "touch.created" && want[i].event != "touch.ended" && want[i].event != "crying.created" && !jsonEqual(t, p.Data, stored.Body) {
			t.Errorf("delivery %d: data %s, GET %s", i, p.Data, stored.Body)
		}
		if !strings.Contains(string(p.Data), want[i].path[strings.LastIndex(want[i].path, "/")+1:]) {
			t.Errorf("delivery %d: data %s is not %s", i, p.Data, want[i].path)
		}
	}
	if s := onlySleep.received(); len(s) != 0 {
		t.Errorf("the sleep.ended webhook got %d deliveries of events it did not ask for", len(s))
	}

	// The list: delivered after two failures, which it remembers.
	var list struct {
		Items []struct {
			ID, URL, Secret string
			LastOKAt        *string `json:"last_ok_at"`
			FailingSince    *string `json:"failing_since"`
			Pending         int
			Deliveries      []struct {
				ID, Event   string
				Attempts    int
				Status      int
				DeliveredAt *string `json:"delivered_at"`
			}
		}
		Events []string
	}
	r = a.API("GET", "/api/v1/webhooks", ann.Token, nil)
	json.Unmarshal([]byte(r.Body), &list)
	if r.Status != http.StatusOK || len(list.Items) != 2 || len(list.Events) != 7 {
		t.Fatalf("list: %d %s", r.Status, r.Body)
	}
	first := list.Items[0]
	if first.ID != hook.ID || first.Secret != "" || first.LastOKAt == nil || first.FailingSince != nil || first.Pending != 0 || len(first.Deliveries) != len(want) {
		t.Errorf("listed: %+v", first)
	}
	oldest := first.Deliveries[len(first.Deliveries)-1]
	if oldest.Event != "touch.created" || oldest.Attempts != 3 || oldest.Status != 200 || oldest.DeliveredAt == nil || oldest.ID != got[0].delivery {
		t.Errorf("the first delivery: %+v, want 3 attempts ending in 200 with id %s", oldest, got[0].delivery)
	}

	// Deleted, it gets nothing more; another family cannot delete it.
	if r := a.API("DELETE", "/api/v1/webhooks/"+hook.ID, zoe.Token, nil); r.Status != http.StatusNotFound {
		t.Errorf("another family deletes it: %d", r.Status)
	}
	if r := a.API("DELETE", "/api/v1/webhooks/"+hook.ID, ann.Token, nil); r.Status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", r.Status, r.Body)
	}
	post(base+"/sleep", map[string]any{"started_at": at(-8 * time.Hour), "ended_at": at(-7 * time.Hour)}, http.StatusCreated)
	running := post(base+"/sleep", map[string]any{"started_at": at(-20 * time.Minute)}, http.StatusCreated)
	if r := a.API("PUT", base+"/sleep/"+running["id"].(string), ann.Token, map[string]any{"started_at": at(-20 * time.Minute), "ended_at": at(-5 * time.Minute)}); r.Status != http.StatusOK {
		t.Fatalf("stop the sleep timer: %d %s", r.Status, r.Body)
	}
	if s := onlySleep.waitFor(t, 1); len(s) != 1 || s[0].event != "sleep.ended" || !webhook.Verify(sleepHook.Secret, s[0].body, s[0].signature) {
		t.Errorf("the sleep.ended webhook: %+v", s)
	}
	time.Sleep(100 * time.Millisecond)
	if n := len(rc.received()); n != len(want) {
		t.Errorf("a deleted webhook got %d more deliveries", n-len(want))
	}
}

func jsonEqual(t *testing.T, a []byte, b string) bool {
	t.Helper()
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return false
	}
	xb, _ := json.Marshal(x)
	yb, _ := json.Marshal(y)
	return bytes.Equal(xb, yb)
}
