// Package deliver posts the webhooks' outbox: at least once, in order per
// webhook, signed, retried with backoff for a day, and by one server
// instance at a time (a lease on the webhook, claimed with SKIP LOCKED on
// PostgreSQL).
package deliver

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"github.com/google/uuid"

	"nurture/internal/store"
	"nurture/internal/webhook"
)

// Observer hears what each attempt came to: "delivered", "retry" (it
// failed and will be tried again) or "given_up".
type Observer func(outcome string)

// Deliverer posts the outbox. The zero values of the tuning fields are
// the production ones.
type Deliverer struct {
	Store *store.Store
	Allow webhook.Allow
	// Own are this machine's addresses, refused unless allowed.
	Own     []netip.Addr
	Log     *slog.Logger
	Observe Observer
	Now     func() time.Time

	Workers     int           // webhooks delivered at once (4)
	Poll        time.Duration // how often to look for work another instance wrote (1 s)
	Lease       time.Duration // how long a claim lasts without news (1 min)
	Timeout     time.Duration // one attempt (10 s)
	Backoff     time.Duration // the first retry's wait (10 s), doubling
	GiveUpAfter time.Duration // webhook.GiveUpAfter
	Keep        time.Duration // how long ended deliveries stay listed (7 days)

	owner  string
	client *http.Client
}

func (d *Deliverer) defaults() {
	def := func(v *time.Duration, x time.Duration) {
		if *v <= 0 {
			*v = x
		}
	}
	def(&d.Poll, time.Second)
	def(&d.Lease, time.Minute)
	def(&d.Timeout, 10*time.Second)
	def(&d.Backoff, 10*time.Second)
	def(&d.GiveUpAfter, webhook.GiveUpAfter)
	def(&d.Keep, 7*24*time.Hour)
	if d.Workers <= 0 {
		d.Workers = 4
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Observe == nil {
		d.Observe = func(string) {}
	}
	d.owner = uuid.NewString()
	dialer := &net.Dialer{Timeout: d.Timeout}
	d.client = &http.Client{
		Timeout: d.Timeout,
		Transport: &http.Transport{
			Proxy:               nil, // the address checks must see the real target
			DialContext:         d.dial(dialer),
			MaxIdleConnsPerHost: 2,
			IdleConnTimeout:     time.Minute,
			TLSHandshakeTimeout: d.Timeout,
		},
		// A redirect is not followed: it could lead where the checks refuse.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// dial resolves the host itself and connects only to an address the
// rules permit, so a name cannot point a webhook at this machine.
func (d *Deliverer) dial(dialer *net.Dialer) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		ips, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		if err != nil {
			return nil, err
		}
		var refused error
		for _, ip := range ips {
			if err := d.Allow.Permits(host, ip, d.Own); err != nil {
				refused = err
				continue
			}
			c, err := dialer.DialContext(ctx, network, net.JoinHostPort(ip.Unmap().String(), port))
			if err == nil {
				return c, nil
			}
			refused = err
		}
		if refused == nil {
			refused = fmt.Errorf("%s has no address", host)
		}
		return nil, refused
	}
}

// Run delivers until ctx ends, then waits for the attempts under way.
func (d *Deliverer) Run(ctx context.Context) {
	d.defaults()
	var wg sync.WaitGroup
	for i := range d.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d.work(ctx, i == 0)
		}()
	}
	wg.Wait()
}

func (d *Deliverer) work(ctx context.Context, prunes bool) {
	tick := time.NewTicker(d.Poll)
	defer tick.Stop()
	lastPrune := time.Time{}
	for {
		busy, err := d.once(ctx)
		if err != nil && ctx.Err() == nil {
			d.Log.Warn("webhooks", "err", err)
		}
		if prunes && d.Now().Sub(lastPrune) > time.Hour {
			lastPrune = d.Now()
			if _, err := d.Store.PruneDeliveries(ctx, lastPrune.Add(-d.Keep)); err != nil && ctx.Err() == nil {
				d.Log.Warn("webhooks: prune", "err", err)
			}
		}
		if busy && err == nil {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-d.Store.Emitted():
		case <-tick.C:
		}
	}
}

// batch is how many events are read at a time; a claim delivers for
// turn at most before the webhook goes back to the end of the line, so
// that a slow receiver cannot keep the workers from other families'.
const (
	batch = 50
	turn  = 20 * time.Second
)

// once claims one webhook and delivers what waits for it, in order; busy
// says one was claimed.
func (d *Deliverer) once(ctx context.Context) (busy bool, err error) {
	w, ok, err := d.Store.ClaimWebhook(ctx, d.owner, d.Now(), d.Lease)
	if err != nil || !ok {
		return false, err
	}
	// The lease is given back even when ctx is ending.
	defer d.Store.ReleaseWebhook(context.WithoutCancel(ctx), w.ID, d.owner)
	for start := d.Now(); d.Now().Sub(start) < turn; {
		waiting, err := d.Store.Waiting(ctx, w.ID, batch)
		if err != nil || len(waiting) == 0 {
			return true, err
		}
		for _, dl := range waiting {
			if ctx.Err() != nil || d.Now().Sub(start) >= turn {
				return true, nil // shutting down, or another webhook's turn
			}
			if held, err := d.Store.Holds(ctx, w.ID, d.owner, d.Now()); err != nil || !held {
				return true, err // the lease ran out: another instance may have it
			}
			// An attempt under way is finished and recorded even when the
			// server is stopping, so that a restart does not send it twice.
			a := d.attempt(context.WithoutCancel(ctx), w, dl)
			if err := d.Store.Attempted(context.WithoutCancel(ctx), dl, d.owner, d.Now(), d.Lease, a); err != nil {
				return true, err
			}
			switch {
			case a.Error == "":
				d.Observe("delivered")
			case a.GiveUp:
				d.Observe("given_up")
				d.Log.Warn("webhook delivery given up", "webhook", w.ID, "event", dl.Event, "err", a.Error)
			default:
				d.Observe("retry")
				return true, nil // the webhook waits; its next events with it
			}
		}
	}
	return true, nil
}

// reason says why a post got no answer, in a few words an owner can act
// on. It is kept coarse on purpose: the exact network error would let a
// family owner map the server's network through a webhook.
func reason(err error) error {
	var ne net.Error
	switch {
	case errors.Is(err, webhook.ErrAddress):
		return webhook.ErrAddress
	case errors.As(err, &ne) && ne.Timeout():
		return errors.New("no answer in time")
	}
	var cert *tls.CertificateVerificationError
	if errors.As(err, &cert) {
		return errors.New("its certificate is not trusted")
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return errors.New("host name not found")
	}
	return errors.New("could not connect")
}

// attempt posts one event and says how it went.
func (d *Deliverer) attempt(ctx context.Context, w store.Webhook, dl store.Delivery) store.Attempt {
	status, err := d.post(ctx, w, dl)
	if err == nil {
		return store.Attempt{Status: status}
	}
	a := store.Attempt{Status: status, Error: err.Error()}
	now := d.Now()
	if now.Sub(dl.QueuedAt) >= d.GiveUpAfter {
		a.GiveUp, a.GiveUpBefore = true, now.Add(-d.GiveUpAfter)
	} else {
		a.RetryAt = now.Add(webhook.Backoff(dl.Attempts+1, d.Backoff))
	}
	return a
}

func (d *Deliverer) post(ctx context.Context, w store.Webhook, dl store.Delivery) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(dl.Body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Nurture-Webhook/1")
	req.Header.Set("Nurture-Delivery", webhook.DeliveryID(dl.EventID, w.ID))
	req.Header.Set("Nurture-Event", dl.Event)
	req.Header.Set("Nurture-Signature", webhook.Sign(w.Secret, dl.Body))
	resp, err := d.client.Do(req)
	if err != nil {
		return 0, reason(err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, errors.New("HTTP " + strconv.Itoa(resp.StatusCode))
	}
	return resp.StatusCode, nil
}
