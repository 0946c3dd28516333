package cli

import (
	"context"
	"log/slog"
	"net"
	"sync"
	"time"

	"nurture/internal/app"
	"nurture/internal/store"
	"nurture/internal/webhook"
	"nurture/internal/webhook/deliver"
)

// webhookTargets are the rules of what webhooks may reach: the allow
// list, and this machine's addresses as they are at start-up.
func webhookTargets(allow webhook.Allow) app.WebhookTargets {
	addrs, _ := net.InterfaceAddrs()
	return app.WebhookTargets{Allow: allow, Own: webhook.OwnAddresses(addrs)}
}

// startWebhooks delivers the webhooks' outbox until ctx ends; the
// function returned waits for the attempts under way.
func startWebhooks(ctx context.Context, st *store.Store, t app.WebhookTargets, retry time.Duration, log *slog.Logger, observe deliver.Observer) func() {
	d := &deliver.Deliverer{Store: st, Allow: t.Allow, Own: t.Own, Log: log, Observe: observe, Backoff: retry}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		d.Run(ctx)
	}()
	return wg.Wait
}
