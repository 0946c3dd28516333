package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/netip"
	"slices"
	"time"

	"github.com/google/uuid"

	"nurture/internal/domain"
	"nurture/internal/store"
	"nurture/internal/webhook"
)

// WebhookTargets are the rules of what a webhook may reach: the
// operator's allow list and this machine's own addresses.
type WebhookTargets struct {
	Allow webhook.Allow
	Own   []netip.Addr
}

// AddWebhook registers a webhook for the family: rawURL must be an http
// or https address the rules permit and events known ones. The secret
// that signs its deliveries is returned with it, for the owner to copy
// once. hookID, when not empty, is the form's own id for it: the same
// form sent twice registers one webhook. Input refused is told in fe
// ("url", "events"); past webhook.MaxPerFamily it is
// store.ErrTooManyWebhooks.
func (c *Cases) AddWebhook(ctx context.Context, id domain.Identity, hookID, rawURL string, events []string) (w store.Webhook, fe domain.FieldErrors, err error) {
	fe = domain.FieldErrors{}
	u, err := webhook.CheckURL(rawURL)
	switch {
	case err != nil:
		fe.Add("url", "error.webhook_url")
	case c.Webhooks.Allow.PermitsLiteral(u, c.Webhooks.Own) != nil:
		fe.Add("url", "error.webhook_address")
	}
	var want []string
	for _, e := range events {
		if !webhook.Known(e) {
			fe.Add("events", "error.webhook_events")
			break
		}
		if !slices.Contains(want, e) {
			want = append(want, e)
		}
	}
	if len(want) == 0 {
		fe.Add("events", "error.webhook_events")
	}
	if !fe.OK() {
		return w, fe, nil
	}
	// Ordered as webhook.Events, whatever order they were asked in.
	slices.SortFunc(want, func(a, b string) int { return slices.Index(webhook.Events, a) - slices.Index(webhook.Events, b) })
	key := make([]byte, 32)
	rand.Read(key)
	if u, err := uuid.Parse(hookID); err == nil {
		hookID = u.String()
	} else {
		hookID = uuid.NewString()
	}
	w = store.Webhook{ID: hookID, FamilyID: id.Family.ID, URL: u, Secret: hex.EncodeToString(key), Events: want,
		CreatedBy: id.User.ID, CreatedAt: c.Now().UTC().Truncate(time.Millisecond)}
	w, _, err = c.Store.CreateWebhook(ctx, w)
	return w, fe, err
}
