// Package server is the composition root: it builds the use cases (app)
// over the store, both doors over them (web for the pages, api for the
// JSON API), and the one router they share behind the pages' middleware.
// Where things go: a new use case in app, a new API field in api (and its
// OpenAPI document), a new page in web (handler, template, both
// catalogs), a new log kind in domain then store, a new language as one
// more catalog in i18n.
package server

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"nurture/internal/api"
	"nurture/internal/app"
	"nurture/internal/auth"
	"nurture/internal/content"
	"nurture/internal/httpcache"
	"nurture/internal/i18n"
	"nurture/internal/mail"
	"nurture/internal/metrics"
	"nurture/internal/route"
	"nurture/internal/store"
	"nurture/internal/web"
)

// Deps are what the server is built from.
type Deps struct {
	Store    *store.Store
	Accounts *auth.Accounts
	Catalog  *i18n.Catalog
	Library  *content.Library
	Log      *slog.Logger
	Now      func() time.Time
	// SecureCookies marks cookies Secure even when TLS is terminated by a
	// proxy in front of Nurture.
	SecureCookies bool
	// Metrics, when set, count the requests and outcomes and are served
	// at /metrics (to loopback clients, unless they have a listener of
	// their own).
	Metrics *metrics.Metrics
	// Mail sends invitations and reset links (mail.Off without SMTP).
	Mail mail.Sender
	// Webhooks say what a family's webhooks may reach.
	Webhooks app.WebhookTargets
	// Base is where the server is published (--base-url); the whole
	// server is mounted under its path.
	Base route.Base
	// AnswerCache is the bytes of answers kept for repeated reads
	// (httpcache.New: httpcache.DefaultMaxBytes when 0, none when
	// negative).
	AnswerCache int
}

// Handler is the whole server: the router behind its middleware, and the
// list of the route patterns it serves.
type Handler struct {
	http.Handler
	Routes []string
}

// New builds the whole HTTP handler.
func New(d Deps) (*Handler, error) {
	if d.Now == nil {
		d.Now = time.Now
	}
	cases := app.New(d.Store, d.Library, d.Catalog.Locales(), d.Now)
	cases.Webhooks = d.Webhooks
	if d.Metrics != nil {
		cases.Observer = d.Metrics
	}
	// One budget of kept answers for both doors.
	cache := httpcache.New(d.AnswerCache)
	pages, err := web.New(web.Deps{Store: d.Store, Accounts: d.Accounts, Catalog: d.Catalog, Library: d.Library, Log: d.Log, Now: d.Now,
		SecureCookies: d.SecureCookies, Cases: cases, Mail: d.Mail, Cache: cache, Base: d.Base})
	if err != nil {
		return nil, err
	}
	jsonAPI := api.New(api.Deps{Store: d.Store, Accounts: d.Accounts, Catalog: d.Catalog, Library: d.Library, Log: d.Log, Now: d.Now, Cases: cases, Cache: cache, Base: d.Base})
	mux := route.New()
	pages.Routes(mux)
	jsonAPI.Routes(mux)
	if d.Metrics == nil {
		return &Handler{Handler: d.Base.Mount(pages.Wrap(mux)), Routes: mux.Patterns()}, nil
	}
	if err := d.Metrics.WatchPools(d.Store.PoolStats); err != nil {
		return nil, err
	}
	if err := d.Metrics.WatchOutbox(func() (int, error) { return d.Store.OutboxDepth(context.Background()) }); err != nil {
		return nil, err
	}
	local := metrics.LoopbackClient(d.Accounts.ClientAddr, auth.ClientAddr)
	mux.Handle("GET /metrics", d.Metrics.Gate(local, http.HandlerFunc(pages.NotFound)))
	// Outermost but for the base URL's mount, so that every request to
	// the server is counted with the pattern the router matched, whatever
	// the middleware answered.
	h := d.Metrics.Instrument(pages.Wrap(metrics.Matched(mux)), mux.Patterns())
	return &Handler{Handler: d.Base.Mount(h), Routes: mux.Patterns()}, nil
}
