package storetest

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"nurture/internal/domain"
	"nurture/internal/store"
	"nurture/internal/webhook"
)

func init() {
	logCases = append(logCases, struct {
		name string
		fn   func(t *testing.T, s *store.Store)
	}{"Webhooks", testWebhooks}, struct {
		name string
		fn   func(t *testing.T, s *store.Store)
	}{"WebhookTurns", testWebhookTurns})
}

// The outbox: a write's events go to the webhooks that asked for them
// (none to another family's, none for a replay); claims never hand one
// webhook to two deliverers at once, and a lease that ran out lets
// another take over while the old holder can no longer record anything;
// a failure holds the webhook back, a success clears it, a give-up ends
// the delivery; deleting the webhook drops what waits.
func testWebhooks(t *testing.T, s *store.Store) {
	ctx := context.Background()
	f, u := seedFamily(t, s, "a@example.org")
	b := seedBaby(t, s, f)
	other, _ := seedFamily(t, s, "z@example.org")
	ob := seedBaby(t, s, other)
	hook := func(fam domain.Family, events ...string) store.Webhook {
		w := store.Webhook{ID: uuid.NewString(), FamilyID: fam.ID, URL: "https://ha.example/x", Secret: "s", Events: events, CreatedBy: u.ID, CreatedAt: t0}
		if _, _, err := s.CreateWebhook(ctx, w); err != nil {
			t.Fatal(err)
		}
		return w
	}
	all := hook(f, webhook.Events...)
	// The same form sent again registers nothing; another family's id is
	// refused.
	again := all
	again.URL = "https://elsewhere.example/"
	if got, replay, err := s.CreateWebhook(ctx, again); err != nil || !replay || got.URL != all.URL || got.Secret != all.Secret {
		t.Fatalf("the same id again: %+v %v %v", got, replay, err)
	}
	sleepEnded := hook(f, webhook.SleepEnded)
	theirs := hook(other, webhook.Events...)
	stolen := theirs
	stolen.FamilyID = f.ID
	if _, _, err := s.CreateWebhook(ctx, stolen); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("another family's id: %v", err)
	}
	for i := 3; i <= webhook.MaxPerFamily; i++ {
		hook(f, webhook.TouchCreated)
	}
	if _, _, err := s.CreateWebhook(ctx, store.Webhook{ID: uuid.NewString(), FamilyID: f.ID, URL: "https://x/", Secret: "s", Events: []string{webhook.TouchCreated}, CreatedBy: u.ID, CreatedAt: t0}); !errors.Is(err, store.ErrTooManyWebhooks) {
		t.Fatalf("webhook %d: %v", webhook.MaxPerFamily+1, err)
	}

	running := domain.Entry{Type: domain.SleepLog, ID: uuid.NewString(), FamilyID: f.ID, BabyID: b.ID, CaregiverID: u.ID, StartedAt: t0.Add(-time.Hour), CreatedAt: t0, UpdatedAt: t0}
	if saved, err := s.SaveEntry(ctx, running); err != nil || saved != store.Created {
		t.Fatal(saved, err)
	}
	if saved, err := s.SaveEntry(ctx, running); err != nil || saved != store.Unchanged {
		t.Fatal("replay:", saved, err)
	}
	stopped := running
	end := t0
	stopped.EndedAt, stopped.UpdatedAt = &end, t0.Add(time.Minute)
	if saved, err := s.SaveEntry(ctx, stopped); err != nil || saved != store.Updated {
		t.Fatal("stop:", saved, err)
	}
	edited := stopped
	edited.Notes, edited.UpdatedAt = "slept well", t0.Add(2*time.Minute)
	if err := s.UpdateEntry(ctx, edited); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutEntry(ctx, domain.Entry{Type: domain.SleepLog, ID: uuid.NewString(), FamilyID: other.ID, BabyID: ob.ID, CaregiverID: u.ID,
		StartedAt: t0.Add(-time.Hour), EndedAt: &end, CreatedAt: t0, UpdatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	waiting := func(w store.Webhook) []string {
		t.Helper()
		ds, err := s.Waiting(ctx, w.ID, 50)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, d := range ds {
			out = append(out, d.Event)
		}
		return out
	}
	if got := waiting(all); len(got) != 2 || got[0] != webhook.SleepCreated || got[1] != webhook.SleepEnded {
		t.Fatalf("events of the webhook that wants all: %v", got)
	}
	if got := waiting(sleepEnded); len(got) != 1 || got[0] != webhook.SleepEnded {
		t.Fatalf("events of the sleep.ended webhook: %v", got)
	}
	select {
	case <-s.Emitted():
	default:
		t.Error("no wake-up after a write to the outbox")
	}
	if n, err := s.OutboxDepth(ctx); err != nil || n != 4 {
		t.Errorf("outbox depth %d %v, want 4 (2 + 1 + the other family's 1)", n, err)
	}

	// Claims: four deliverers at once get four different webhooks (three
	// have events), so one gets none.
	var mu sync.Mutex
	claimed := map[string]string{}
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			owner := string(rune('A' + i))
			w, ok, err := s.ClaimWebhook(ctx, owner, t0, time.Minute)
			if err != nil {
				t.Error(err)
				return
			}
			if ok {
				mu.Lock()
				defer mu.Unlock()
				if prev, dup := claimed[w.ID]; dup {
					t.Errorf("webhook claimed by %s and %s", prev, owner)
				}
				claimed[w.ID] = owner
			}
		}()
	}
	wg.Wait()
	if len(claimed) != 3 {
		t.Fatalf("%d webhooks claimed, want the 3 with events", len(claimed))
	}
	holder := claimed[all.ID]
	if _, ok, _ := s.ClaimWebhook(ctx, "E", t0.Add(30*time.Second), time.Minute); ok {
		t.Fatal("a leased webhook was claimed again")
	}
	// The lease runs out: another takes it, and the old holder's record
	// of an attempt is refused.
	w, ok, err := s.ClaimWebhook(ctx, "F", t0.Add(2*time.Minute), time.Minute)
	if err != nil || !ok {
		t.Fatal("no claim after the leases ran out", err)
	}
	for w.ID != all.ID {
		if w, ok, err = s.ClaimWebhook(ctx, "F", t0.Add(2*time.Minute), time.Minute); err != nil || !ok {
			t.Fatal("the webhook that wants all was not claimed again", err)
		}
	}
	ds, _ := s.Waiting(ctx, all.ID, 50)
	if err := s.Attempted(ctx, ds[0], holder, t0.Add(2*time.Minute), time.Minute, store.Attempt{Status: 200}); !errors.Is(err, store.ErrLeaseLost) {
		t.Fatalf("the old holder recorded an attempt: %v", err)
	}
	// A failure holds the webhook back until RetryAt.
	at := t0.Add(2 * time.Minute)
	if err := s.Attempted(ctx, ds[0], "F", at, time.Minute, store.Attempt{Status: 503, Error: "HTTP 503", RetryAt: at.Add(10 * time.Second)}); err != nil {
		t.Fatal(err)
	}
	s.ReleaseWebhook(ctx, all.ID, "F")
	for {
		w, ok, _ := s.ClaimWebhook(ctx, "G", at.Add(5*time.Second), time.Minute)
		if !ok {
			break
		}
		if w.ID == all.ID {
			t.Fatal("a webhook held back was claimed before its retry")
		}
	}
	for w.ID = ""; w.ID != all.ID; {
		if w, ok, _ = s.ClaimWebhook(ctx, "G", at.Add(5*time.Minute), time.Minute); !ok {
			t.Fatal("not claimed after its retry time")
		}
	}
	find := func() store.Webhook {
		t.Helper()
		list, err := s.Webhooks(ctx, f.ID)
		if err != nil || len(list) != webhook.MaxPerFamily {
			t.Fatal(len(list), err)
		}
		for _, l := range list {
			if l.ID == all.ID {
				return l
			}
		}
		t.Fatal("not listed")
		return store.Webhook{}
	}
	if l := find(); l.ID != all.ID || l.FailingSince == nil || l.LastError != "HTTP 503" || l.Pending != 2 || len(l.Recent) != 2 || l.Recent[1].Attempts != 1 {
		t.Fatalf("listed: %+v", l)
	}
	if n, since, err := s.FailingWebhooks(ctx, f.ID); err != nil || n != 1 || !since.Equal(at) {
		t.Fatalf("failing webhooks: %d since %v (%v), want 1 since %v", n, since, err, at)
	}
	// Success clears the failure; giving up ends a delivery, and the
	// ones waiting behind it as long (not a newer one).
	// The day of retries counts from when an event was queued, by the
	// database's clock: cut falls between two events queued now.
	later := at.Add(5 * time.Minute)
	var cut time.Time
	for i := range 2 {
		start := t0.Add(-time.Duration(3+i) * time.Hour)
		stop := start.Add(time.Minute)
		e := domain.Entry{Type: domain.SleepLog, ID: uuid.NewString(), FamilyID: f.ID, BabyID: b.ID, CaregiverID: u.ID,
			StartedAt: start, EndedAt: &stop, CreatedAt: t0, UpdatedAt: t0}
		if _, err := s.PutEntry(ctx, e); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			time.Sleep(5 * time.Millisecond)
			cut = time.Now()
			time.Sleep(5 * time.Millisecond)
		}
	}
	if err := s.Attempted(ctx, ds[0], "G", later, time.Minute, store.Attempt{Status: 204}); err != nil {
		t.Fatal(err)
	}
	if err := s.Attempted(ctx, ds[1], "G", later, time.Minute, store.Attempt{Error: "timeout", GiveUp: true, GiveUpBefore: cut}); err != nil {
		t.Fatal(err)
	}
	if l := find(); l.Pending != 1 || l.Failed != 2 || l.LastOK == nil || l.Recent[3].DeliveredAt == nil || l.Recent[2].Failed == nil || l.Recent[1].Failed == nil || l.Recent[0].Failed != nil {
		t.Fatalf("after a success and a give-up: %+v", l)
	}
	if n, _, err := s.FailingWebhooks(ctx, f.ID); err != nil || n != 1 {
		t.Fatalf("after a give-up the webhook still fails: %d %v", n, err)
	}
	if n, err := s.PruneDeliveries(ctx, later.Add(time.Second)); err != nil || n != 3 {
		t.Errorf("pruned %d %v, want the 3 ended", n, err)
	}
	if err := s.DeleteWebhook(ctx, other.ID, sleepEnded.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another family deleted a webhook: %v", err)
	}
	if err := s.DeleteWebhook(ctx, f.ID, sleepEnded.ID); err != nil {
		t.Fatal(err)
	}
	if got := waiting(sleepEnded); len(got) != 0 {
		t.Errorf("a deleted webhook's events still wait: %v", got)
	}

	// Webhooks deleted while members write fail none of the writes. (They
	// are added first: on PostgreSQL adding one takes the family's row,
	// which a nonstop stream of writes, each holding a key-share lock on
	// it for its foreign keys, can keep from it for as long as it lasts.)
	var doomed []store.Webhook
	for range 8 {
		doomed = append(doomed, hook(other, webhook.SleepCreated))
	}
	var writers sync.WaitGroup
	var failed atomic.Value
	stopWriting := make(chan struct{})
	var slot atomic.Int64
	for range 6 {
		writers.Add(1)
		go func() {
			defer writers.Done()
			for {
				select {
				case <-stopWriting:
					return
				default:
				}
				start := t0.Add(-time.Duration(100+slot.Add(1)) * time.Hour)
				stop := start.Add(time.Minute)
				if _, err := s.PutEntry(ctx, domain.Entry{Type: domain.SleepLog, ID: uuid.NewString(), FamilyID: other.ID, BabyID: ob.ID, CaregiverID: u.ID,
					StartedAt: start, EndedAt: &stop, CreatedAt: t0, UpdatedAt: t0}); err != nil {
					failed.Store(err)
				}
			}
		}()
	}
	for _, w := range doomed {
		time.Sleep(2 * time.Millisecond)
		if err := s.DeleteWebhook(ctx, other.ID, w.ID); err != nil {
			t.Fatal(err)
		}
	}
	close(stopWriting)
	writers.Wait()
	if err, _ := failed.Load().(error); err != nil {
		t.Errorf("a write racing a webhook's deletion: %v", err)
	}
}

// Webhooks take turns: the one claimed longest ago goes first.
func testWebhookTurns(t *testing.T, s *store.Store) {
	ctx := context.Background()
	f, u := seedFamily(t, s, "a@example.org")
	b := seedBaby(t, s, f)
	var ids []string
	for range 3 {
		w := store.Webhook{ID: uuid.NewString(), FamilyID: f.ID, URL: "https://ha.example/x", Secret: "s", Events: []string{webhook.SleepCreated}, CreatedBy: u.ID, CreatedAt: t0}
		if _, _, err := s.CreateWebhook(ctx, w); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, w.ID)
	}
	stop := t0.Add(-time.Hour)
	if _, err := s.PutEntry(ctx, domain.Entry{Type: domain.SleepLog, ID: uuid.NewString(), FamilyID: f.ID, BabyID: b.ID, CaregiverID: u.ID,
		StartedAt: t0.Add(-2 * time.Hour), EndedAt: &stop, CreatedAt: t0, UpdatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for i := range 9 {
		now := t0.Add(time.Duration(i) * time.Second)
		w, ok, err := s.ClaimWebhook(ctx, "A", now, time.Minute)
		if err != nil || !ok {
			t.Fatal(ok, err)
		}
		seen[w.ID]++
		s.ReleaseWebhook(ctx, w.ID, "A")
	}
	for _, id := range ids {
		if seen[id] != 3 {
			t.Errorf("claims per webhook %v, want 3 each", seen)
			break
		}
	}
}
