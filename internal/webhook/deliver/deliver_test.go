package deliver_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"nurture/internal/apptest"
	"nurture/internal/store"
	"nurture/internal/webhook"
	"nurture/internal/webhook/deliver"
)

// What a webhook may reach is checked where the address is dialled, so a
// receiver on this machine is refused without --webhook-allow whatever
// the URL says (here a name that resolves to it, written straight into
// the store as an import or an older version could have), and a
// redirect is not followed.
func TestTargetsCheckedWhenDialled(t *testing.T) {
	var hits atomic.Int64
	rc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.URL.Path == "/moved" {
			http.Redirect(w, r, "http://169.254.169.254/latest", http.StatusFound)
		}
	}))
	defer rc.Close()
	port := rc.URL[strings.LastIndex(rc.URL, ":"):]
	for _, c := range []struct {
		name, url string
		allow     webhook.Allow
		delivered bool
		err       string
	}{
		{"loopback by name", "http://localhost" + port + "/x", webhook.Allow{}, false, "address not allowed"},
		{"loopback by address", rc.URL + "/x", webhook.Allow{}, false, "address not allowed"},
		{"allowed by range", "http://localhost" + port + "/x", webhook.Allow{Nets: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}}, true, ""},
		{"allowed by name", "http://localhost" + port + "/x", webhook.Allow{Hosts: []string{"localhost"}}, true, ""},
		{"a redirect", rc.URL + "/moved", webhook.Allow{Nets: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}, false, "HTTP 302"},
	} {
		t.Run(c.name, func(t *testing.T) {
			st := apptest.OpenSQLite(t)
			a := apptest.NewOn(t, st)
			ann := a.Signup("ann@example.org", "Ann", "Martin")
			baby := a.Baby(ann, "Lou", apptest.DaysAgo(30))
			fam := a.API("GET", "/api/v1/family", ann.Token, nil).JSON(t)["id"].(string)
			w := store.Webhook{ID: uuid.NewString(), FamilyID: fam, URL: c.url, Secret: "s", Events: webhook.Events, CreatedBy: "x", CreatedAt: time.Now()}
			if _, _, err := st.CreateWebhook(context.Background(), w); err != nil {
				t.Fatal(err)
			}
			before := hits.Load()
			now := apptest.Now().UTC()
			if r := a.API("POST", "/api/v1/babies/"+baby+"/sleep", ann.Token, map[string]any{"started_at": now.Add(-2 * time.Hour).Format(time.RFC3339), "ended_at": now.Add(-time.Hour).Format(time.RFC3339)}); r.Status != http.StatusCreated {
				t.Fatalf("sleep: %d %s", r.Status, r.Body)
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			d := &deliver.Deliverer{Store: st, Allow: c.allow, Poll: 10 * time.Millisecond, Backoff: time.Hour}
			go func() { d.Run(ctx); close(done) }()
			var got store.Webhook
			for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
				hooks, _ := st.Webhooks(context.Background(), fam)
				if got = hooks[0]; len(got.Recent) == 1 && got.Recent[0].Attempts > 0 {
					break
				}
			}
			cancel()
			<-done
			if len(got.Recent) != 1 || got.Recent[0].Attempts != 1 {
				t.Fatalf("no attempt: %+v", got)
			}
			dl := got.Recent[0]
			if (dl.DeliveredAt != nil) != c.delivered || !strings.Contains(dl.LastError, c.err) {
				t.Errorf("delivered %v, error %q; want delivered %v, error with %q", dl.DeliveredAt != nil, dl.LastError, c.delivered, c.err)
			}
			reached := hits.Load() > before
			if wantReach := c.delivered || c.err == "HTTP 302"; reached != wantReach {
				t.Errorf("the receiver was reached: %v, want %v", reached, wantReach)
			}
		})
	}
}
