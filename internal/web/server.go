// Package web is the pages' door: the HTML pages, the static assets and
// the middleware every request goes through (the API's too; package
// server puts them together). Handlers read a form or a query, call the
// use cases (package app) and render a template.
package web

import (
	"log/slog"
	"net/http"
	"time"

	"nurture/internal/app"
	"nurture/internal/auth"
	"nurture/internal/content"
	"nurture/internal/httpcache"
	"nurture/internal/i18n"
	"nurture/internal/mail"
	"nurture/internal/route"
	"nurture/internal/store"
)

// Deps are what the handlers need.
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
	// Cases are the use cases both doors share.
	Cases *app.Cases
	// Mail sends invitations and reset links when the operator configured
	// an SMTP server (mail.Off otherwise).
	Mail mail.Sender
	// Cache keeps pages of repeated reads (a new one when nil).
	Cache *httpcache.Cache
	// Base is where the server is published (--base-url): every link,
	// asset, cookie and script address of the pages carries its path.
	Base route.Base
}

// Server holds the parsed templates and assets.
type Server struct {
	Deps
	pages  *pages
	assets *assets
	cases  *app.Cases
	// shared and layouts are the kept pieces of the library's pages (see
	// renderShared).
	shared, layouts sharedContent
}

// New builds the pages' door over the use cases.
func New(d Deps) (*Server, error) {
	if d.Mail == nil {
		d.Mail = mail.Off{}
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Cache == nil {
		d.Cache = httpcache.New(0)
	}
	as, err := loadAssets()
	if err != nil {
		return nil, err
	}
	as.prefix = d.Base.Prefix()
	ps, err := loadPagesUnder(d.Base.Prefix())
	if err != nil {
		return nil, err
	}
	s := &Server{Deps: d, pages: ps, assets: as, cases: d.Cases}
	s.shared.max, s.layouts.max = maxShared, maxLayouts
	return s, nil
}

// Wrap puts h behind the middleware: security headers, sessions, body
// limits, cross-origin protection, logging.
func (s *Server) Wrap(h http.Handler) http.Handler { return s.middleware(h) }

// Routes registers every page and asset route on mux.
func (s *Server) Routes(mux *route.Mux) {
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.Handle("GET /static/", s.assets)

	mux.HandleFunc("GET /{$}", s.home)
	// Every other unknown page: a 404 in the layout, in the reader's
	// language, with a way home (the API answers its own JSON 404).
	mux.HandleFunc("/", s.notFound)
	mux.HandleFunc("GET /signup", s.signupForm)
	mux.HandleFunc("POST /signup", s.signup)
	mux.HandleFunc("GET /join/{code}", s.joinForm)
	mux.HandleFunc("GET /login", s.loginForm)
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("POST /logout", s.member(s.logout))
	mux.HandleFunc("GET /reset/{code}", s.resetForm)
	mux.HandleFunc("POST /reset/{code}", s.reset)

	mux.HandleFunc("GET /account", s.member(s.account))
	mux.HandleFunc("POST /account", s.member(s.saveAccount))
	mux.HandleFunc("POST /account/password", s.member(s.changePassword))
	mux.HandleFunc("POST /account/tokens", s.member(s.createToken))
	mux.HandleFunc("POST /account/tokens/{id}/revoke", s.member(s.revokeToken))

	mux.HandleFunc("GET /family", s.member(s.family))
	mux.HandleFunc("POST /family/invites", s.owner(s.createInvite))
	mux.HandleFunc("POST /family/invites/{id}/revoke", s.owner(s.revokeInvite))
	mux.HandleFunc("POST /family/members/{user}/reset", s.owner(s.createReset))
	mux.HandleFunc("GET /family/settings", s.owner(s.settings))
	mux.HandleFunc("POST /family/settings", s.owner(s.saveSettings))
	mux.HandleFunc("POST /family/urgent", s.owner(s.saveUrgentNumber))

	mux.HandleFunc("GET /babies/new", s.writer(s.babyForm))
	mux.HandleFunc("POST /babies/new", s.writer(s.createBaby))
	mux.HandleFunc("GET /babies/{id}", s.cachedPage(s.member(s.babyHome)))
	mux.HandleFunc("GET /babies/{id}/edit", s.writer(s.editBabyForm))
	mux.HandleFunc("POST /babies/{id}/edit", s.writer(s.updateBaby))
	mux.HandleFunc("POST /babies/{id}/archive", s.writer(s.archiveBaby))
	mux.HandleFunc("POST /babies/{id}/restore", s.writer(s.restoreBaby))

	s.libraryRoutes(mux)
	s.sessionRoutes(mux)
	s.courseRoutes(mux)
	s.voiceRoutes(mux)
	s.webhookRoutes(mux)
	s.mailRoutes(mux)
	s.shareRoutes(mux)
	s.logRoutes(mux)
	s.dataRoutes(mux)
	s.insightsRoutes(mux)
	s.reminderRoutes(mux)
	s.offlineRoutes(mux)
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	if err := s.Store.Ping(r.Context()); err != nil {
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}
