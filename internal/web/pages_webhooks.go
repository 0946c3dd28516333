package web

// Connected services: an owner sends the family's events to a service of
// their own (Home Assistant, n8n…) and sees whether they arrive.

import (
	"errors"
	"net/http"

	"github.com/google/uuid"

	"nurture/internal/domain"
	"nurture/internal/route"
	"nurture/internal/store"
	"nurture/internal/webhook"
)

func (s *Server) webhookRoutes(mux *route.Mux) {
	mux.HandleFunc("GET /family/webhooks", s.owner(s.webhooksPage))
	mux.HandleFunc("POST /family/webhooks", s.owner(s.webhookAdd))
	mux.HandleFunc("POST /family/webhooks/{wid}/delete", s.owner(s.webhookDelete))
}

type webhooksData struct {
	Hooks  []store.Webhook
	Events []string
	// Checked are the events ticked in the form.
	Checked map[string]bool
	// Made is the webhook just made, whose secret is shown this once.
	Made *store.Webhook
	// FormID names the form shown, so that sending it twice (a reload)
	// adds one webhook.
	FormID string
	// By names the members who added them (a former member has none: a
	// webhook stays until an owner removes it).
	By map[string]string
}

func (s *Server) webhooksView(r *http.Request, id domain.Identity, d *webhooksData) (*view, error) {
	var err error
	if d.Hooks, err = s.Store.Webhooks(r.Context(), id.Family.ID); err != nil {
		return nil, err
	}
	d.Events, d.FormID = webhook.Events, uuid.NewString()
	members, err := s.Store.Members(r.Context(), id.Family.ID)
	if err != nil {
		return nil, err
	}
	d.By = map[string]string{}
	for _, m := range members {
		d.By[m.UserID] = m.Name
	}
	if d.Checked == nil {
		// What a home automation most often wants: timers started and stopped.
		d.Checked = map[string]bool{}
		for _, e := range webhook.Events {
			d.Checked[e] = true
		}
	}
	return s.newView(r, "webhooks.title", d), nil
}

func (s *Server) webhooksPage(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	v, err := s.webhooksView(r, id, &webhooksData{})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "webhooks", v)
}

func (s *Server) webhookAdd(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, err)
		return
	}
	events := r.PostForm["event"]
	hook, fe, err := s.Cases.AddWebhook(r.Context(), id, r.PostFormValue("form_id"), r.PostFormValue("url"), events)
	full := errors.Is(err, store.ErrTooManyWebhooks)
	if err != nil && !full {
		s.fail(w, r, err)
		return
	}
	d := &webhooksData{}
	if fe.OK() && !full {
		d.Made = &hook
	} else {
		d.Checked = map[string]bool{}
		for _, e := range events {
			d.Checked[e] = true
		}
	}
	v, err := s.webhooksView(r, id, d)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	switch {
	case full:
		v.Alert(v.T("api.webhooks_full"))
		v.Form = formValues(r, "url")
		s.render(w, r, http.StatusConflict, "webhooks", v)
	case !fe.OK():
		v.Errors, v.Form = fe, formValues(r, "url")
		s.render(w, r, http.StatusUnprocessableEntity, "webhooks", v)
	default:
		s.render(w, r, http.StatusOK, "webhooks", v)
	}
}

func (s *Server) webhookDelete(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	if err := s.Store.DeleteWebhook(r.Context(), id.Family.ID, r.PathValue("wid")); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/family/webhooks?msg=webhook_deleted", http.StatusSeeOther)
}
