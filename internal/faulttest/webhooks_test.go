//go:build linux

package faulttest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"nurture/internal/apptest"
	"nurture/internal/webhook"
)

// How long the writers run, and after how long an instance restarts.
const (
	hookLoadFor   = 6 * time.Second
	hookRestartAt = 3 * time.Second
	hookFailFirst = 5 // answers the receiver fails before it takes any
)

// TestWebhooksNeverDropSQLite drives writes at full speed with a webhook
// whose receiver fails its first answers, restarts the server (SIGTERM)
// in the middle, and then finds every acknowledged write's event
// delivered, signed, exactly once.
func TestWebhooksNeverDropSQLite(t *testing.T) {
	webhooksUnderLoad(t, []backend{{dataDir: t.TempDir()}})
}

// TestWebhooksNeverDropPostgres is the same with two server instances on
// one PostgreSQL database, each taking half the writes and each running
// its deliverer: every event is delivered by exactly one of them.
func TestWebhooksNeverDropPostgres(t *testing.T) {
	url := apptest.PostgresURL(t)
	webhooksUnderLoad(t, []backend{{dataDir: t.TempDir(), dbURL: url}, {dataDir: t.TempDir(), dbURL: url}})
}

// hookReceiver keeps how many times each delivery was taken (2xx).
type hookReceiver struct {
	mu      sync.Mutex
	answers int
	taken   map[string]int    // Nurture-Delivery → times answered 200
	events  map[string]string // entry id → event, of the deliveries taken
	bad     []string
	secret  atomic.Value
}

func (h *hookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.answers++
	if h.answers <= hookFailFirst {
		http.Error(w, "starting up", http.StatusServiceUnavailable)
		return
	}
	secret, _ := h.secret.Load().(string)
	var p struct {
		Event string `json:"event"`
		Data  struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	switch {
	case !webhook.Verify(secret, body, r.Header.Get("Nurture-Signature")):
		h.bad = append(h.bad, "bad signature: "+string(body))
	case json.Unmarshal(body, &p) != nil || p.Event != r.Header.Get("Nurture-Event"):
		h.bad = append(h.bad, "bad body: "+string(body))
	}
	h.taken[r.Header.Get("Nurture-Delivery")]++
	h.events[p.Data.ID] = p.Event
}

func webhooksUnderLoad(t *testing.T, b []backend) {
	rc := &hookReceiver{taken: map[string]int{}, events: map[string]string{}}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	for i := range b {
		// Retries a tenth of a second apart at first, so that the test does
		// not wait the production 10 s.
		b[i].flags = []string{"--webhook-allow", "127.0.0.1", "--webhook-retry", "100ms"}
	}
	c := newClient(16)
	defer c.CloseIdleConnections()
	servers := make([]*server, len(b))
	for i := range b {
		servers[i] = start(t, b[i])
	}
	f := setup(t, c, servers[0])
	ctx := context.Background()
	st, body, err := call(ctx, c, "POST", servers[0].URL+"/api/v1/webhooks", f.Token, map[string]any{"url": srv.URL + "/nurture", "events": []string{"touch.created", "sleep.created", "crying.created"}})
	if err != nil || st != http.StatusCreated {
		t.Fatalf("register the webhook: %d %s %v", st, body, err)
	}
	var hook struct{ Secret string }
	json.Unmarshal(body, &hook)
	rc.secret.Store(hook.Secret)

	// Writers at full speed, spread over the instances; instance 0 is
	// restarted in the middle. A write refused while it restarts is not
	// acknowledged and expects no event; an acknowledged one must have
	// exactly one delivery taken.
	var mu sync.Mutex
	acked := map[string]string{} // entry id → its event
	var current atomic.Pointer[[]*server]
	current.Store(&servers)
	var slots atomic.Int64
	base := time.Now().UTC().Truncate(time.Minute).Add(-time.Hour)
	stopAt := time.Now().Add(hookLoadFor)
	var wg sync.WaitGroup
	var refused atomic.Int64
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; time.Now().Before(stopAt); i++ {
				s := (*current.Load())[(w+i)%len(servers)]
				typ := entryTypes[i%len(entryTypes)]
				id := uuid.NewString()
				st, _, err := call(ctx, c, "POST", s.URL+"/api/v1/babies/"+f.BabyID+"/"+typ, f.Token, entryBody(typ, id, base, slots.Add(1)))
				if err != nil || st != http.StatusCreated {
					refused.Add(1)
					time.Sleep(10 * time.Millisecond)
					continue
				}
				mu.Lock()
				acked[id] = typ + ".created"
				mu.Unlock()
			}
		}()
	}
	time.Sleep(hookRestartAt)
	servers[0].stop()
	restarted := append([]*server{start(t, b[0])}, servers[1:]...)
	current.Store(&restarted)
	wg.Wait()
	t.Logf("%d writes acknowledged, %d refused or cut off during the restart", len(acked), refused.Load())
	if len(acked) < 100 {
		t.Fatalf("only %d writes acknowledged", len(acked))
	}

	deadline := time.Now().Add(60 * time.Second)
	for {
		rc.mu.Lock()
		missing := 0
		for id := range acked {
			if _, ok := rc.events[id]; !ok {
				missing++
			}
		}
		rc.mu.Unlock()
		if missing == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d acknowledged events never delivered", missing, len(acked))
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond) // a repeat would show now
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for _, bad := range rc.bad {
		t.Error(bad)
	}
	for id, ev := range acked {
		if rc.events[id] != ev {
			t.Errorf("entry %s: delivered as %q, want %q", id, rc.events[id], ev)
		}
	}
	for d, n := range rc.taken {
		if n != 1 {
			t.Errorf("delivery %s taken %d times", d, n)
		}
	}
	// Writes cut off by the restart may still have been stored: their
	// events come too, and nothing else.
	if extra := len(rc.events) - len(acked); extra < 0 || int64(extra) > refused.Load() {
		t.Errorf("%d deliveries for %d acknowledged writes (%d refused)", len(rc.events), len(acked), refused.Load())
	}
	t.Logf("%d events delivered after %d failed answers, each exactly once", len(rc.events), hookFailFirst)
	for _, s := range restarted {
		s.stop()
	}
}
