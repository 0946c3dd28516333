package api

import (
	"errors"
	"net/http"
	"time"

	"nurture/internal/domain"
	"nurture/internal/route"
	"nurture/internal/store"
	"nurture/internal/webhook"
)

// webhookRoutes registers the family's webhooks, an owner's business:
// their URLs may carry a receiver's own token.
func (h *Handler) webhookRoutes(mux *route.Mux) {
	mux.HandleFunc("POST /api/v1/webhooks", h.owner(h.createWebhook))
	mux.HandleFunc("GET /api/v1/webhooks", h.owner(h.listWebhooks))
	mux.HandleFunc("DELETE /api/v1/webhooks/{wid}", h.owner(h.deleteWebhook))
}

type webhookIn struct {
	URL    string   `json:"url"`
	Events []string `json:"events"`
}

type deliveryJSON struct {
	ID          string  `json:"id"`
	Event       string  `json:"event"`
	EventID     string  `json:"event_id"`
	CreatedAt   string  `json:"created_at"`
	Attempts    int     `json:"attempts"`
	Status      int     `json:"status"`
	Error       string  `json:"error,omitempty"`
	DeliveredAt *string `json:"delivered_at"`
	FailedAt    *string `json:"failed_at"`
}

type webhookJSON struct {
	ID     string   `json:"id"`
	URL    string   `json:"url"`
	Events []string `json:"events"`
	// Secret is answered once, when the webhook is made.
	Secret       string         `json:"secret,omitempty"`
	CreatedAt    string         `json:"created_at"`
	LastOKAt     *string        `json:"last_ok_at"`
	FailingSince *string        `json:"failing_since"`
	LastError    string         `json:"last_error,omitempty"`
	NextRetryAt  *string        `json:"next_retry_at"`
	Pending      int            `json:"pending"`
	Failed       int            `json:"failed"`
	Deliveries   []deliveryJSON `json:"deliveries"`
}

func timePtr(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.UTC().Format(time.RFC3339Nano)
	return &s
}

func webhookOut(w store.Webhook) webhookJSON {
	out := webhookJSON{ID: w.ID, URL: w.URL, Events: w.Events, CreatedAt: w.CreatedAt.UTC().Format(time.RFC3339Nano),
		LastOKAt: timePtr(w.LastOK), FailingSince: timePtr(w.FailingSince), LastError: w.LastError,
		Pending: w.Pending, Failed: w.Failed, Deliveries: []deliveryJSON{}}
	if !w.RetryAt.IsZero() && w.Pending > 0 {
		out.NextRetryAt = timePtr(&w.RetryAt)
	}
	for _, d := range w.Recent {
		out.Deliveries = append(out.Deliveries, deliveryJSON{ID: webhook.DeliveryID(d.EventID, w.ID), Event: d.Event, EventID: d.EventID,
			CreatedAt: d.CreatedAt.UTC().Format(time.RFC3339Nano), Attempts: d.Attempts, Status: d.LastStatus, Error: d.LastError,
			DeliveredAt: timePtr(d.DeliveredAt), FailedAt: timePtr(d.Failed)})
	}
	return out
}

func (h *Handler) createWebhook(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	var in webhookIn
	if !h.decode(w, r, &in) {
		return
	}
	hook, fe, err := h.Cases.AddWebhook(r.Context(), id, "", in.URL, in.Events)
	switch {
	case !fe.OK():
		h.invalid(w, r, fe)
		return
	case errors.Is(err, store.ErrTooManyWebhooks):
		h.error(w, r, http.StatusConflict, "api.webhooks_full")
		return
	case err != nil:
		h.fail(w, r, err)
		return
	}
	out := webhookOut(hook)
	out.Secret = hook.Secret
	w.Header().Set("Location", "/api/v1/webhooks")
	writeJSON(w, http.StatusCreated, out)
}

func (h *Handler) listWebhooks(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	hooks, err := h.Store.Webhooks(r.Context(), id.Family.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := make([]webhookJSON, len(hooks))
	for i, x := range hooks {
		out[i] = webhookOut(x)
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out, "events": webhook.Events})
}

func (h *Handler) deleteWebhook(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	if err := h.Store.DeleteWebhook(r.Context(), id.Family.ID, r.PathValue("wid")); err != nil {
		h.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
