// Package api is the JSON door: the API under /api/v1 and its OpenAPI
// document. Handlers decode a body or a query, call the use cases
// (package app) and write JSON; typed errors become a status and a
// message here, in one place. It shares validators, accounts and the
// store with the pages (package web), but never imports them.
package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"nurture/internal/app"
	"nurture/internal/auth"
	"nurture/internal/content"
	"nurture/internal/domain"
	"nurture/internal/httpcache"
	"nurture/internal/i18n"
	"nurture/internal/route"
	"nurture/internal/store"
)

// Deps are what the API handlers need.
type Deps struct {
	Store    *store.Store
	Accounts *auth.Accounts
	Catalog  *i18n.Catalog
	Library  *content.Library
	Log      *slog.Logger
	Now      func() time.Time
	// Cases are the use cases the pages share.
	Cases *app.Cases
	// Cache keeps answers of repeated reads (a new one when nil).
	Cache *httpcache.Cache
	// Base is where the server is published (--base-url): the links and
	// paths an answer gives carry it.
	Base route.Base
}

// Handler serves the API.
type Handler struct {
	Deps
	openapiDoc served // the OpenAPI document, its server under Base
}

// New returns the API handler group.
func New(d Deps) *Handler {
	if d.Cache == nil {
		d.Cache = httpcache.New(0)
	}
	return &Handler{Deps: d, openapiDoc: openapiUnder(d.Base)}
}

// cached answers a read of the family's data from what was answered
// before while the family's version (read with the authentication) is the
// same: 304 to a client that sends the ETag back, the kept JSON to another.
// The answers it wraps depend only on the family's data and the request's
// path and query, not on who asks or in which language (errors are never
// kept or tagged).
func (h *Handler) cached(fn handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, id domain.Identity) {
		key := "api\x00" + id.Family.ID + "\x00" + r.URL.RequestURI()
		h.Cache.Serve(w, r, httpcache.API, key, id.Family.Version, 0, "Authorization, Cookie", func(w http.ResponseWriter, r *http.Request) {
			fn(w, r, id)
		})
	}
}

// Routes registers every API route on mux.
func (h *Handler) Routes(mux *route.Mux) {
	mux.HandleFunc("POST /api/v1/signup", h.signup)
	mux.HandleFunc("POST /api/v1/login", h.login)
	mux.HandleFunc("GET /api/v1/me", h.member(h.me))
	mux.HandleFunc("GET /api/v1/family", h.member(h.family))
	mux.HandleFunc("POST /api/v1/invites", h.owner(h.createInvite))
	mux.HandleFunc("POST /api/v1/babies", h.writer(h.createBaby))
	mux.HandleFunc("GET /api/v1/babies", h.member(h.listBabies))
	mux.HandleFunc("GET /api/v1/babies/{id}", h.member(h.getBaby))
	mux.HandleFunc("POST /api/v1/babies/{id}/readiness", h.member(h.readiness))
	mux.HandleFunc("GET /api/v1/babies/{id}/session-plan", h.writer(h.sessionPlan))
	mux.HandleFunc("POST /api/v1/babies/{id}/sessions", h.writer(h.createSession))
	mux.HandleFunc("GET /api/v1/babies/{id}/sessions", h.member(h.cached(h.listSessions)))
	mux.HandleFunc("GET /api/v1/babies/{id}/sessions/{sid}", h.member(h.cached(h.getSession)))
	mux.HandleFunc("PUT /api/v1/babies/{id}/sessions/{sid}", h.writer(h.updateSession))
	mux.HandleFunc("DELETE /api/v1/babies/{id}/sessions/{sid}", h.writer(h.deleteSession))
	h.entryRoutes(mux)
	mux.HandleFunc("GET /api/v1/export", h.member(h.exportFamily))
	mux.HandleFunc("POST /api/v1/import", h.owner(h.importFamily))
	h.deleteRoutes(mux)
	h.libraryRoutes(mux)
	h.insightsRoutes(mux)
	h.courseRoutes(mux)
	h.voiceRoutes(mux)
	h.shareRoutes(mux)
	h.webhookRoutes(mux)
	h.openapiRoutes(mux)
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		h.error(w, r, http.StatusNotFound, "api.not_found")
	})
}

// printer says messages in the caller's language.
func (h *Handler) printer(r *http.Request) *i18n.Printer {
	loc := ""
	if id, ok := auth.From(r.Context()); ok {
		loc = id.User.Locale
	}
	return h.Catalog.For(h.Catalog.Match(loc, r.Header.Get("Accept-Language")))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.Encode(v)
}

type errorBody struct {
	Error  string            `json:"error"`
	Fields map[string]string `json:"fields,omitempty"`
}

// error answers with a translated message.
func (h *Handler) error(w http.ResponseWriter, r *http.Request, status int, key string, args ...any) {
	writeJSON(w, status, errorBody{Error: h.printer(r).T(key, args...)})
}

// invalid answers 422 with a message per field.
func (h *Handler) invalid(w http.ResponseWriter, r *http.Request, fe domain.FieldErrors) {
	p := h.printer(r)
	body := errorBody{Error: p.T("api.invalid"), Fields: map[string]string{}}
	for f, k := range fe {
		body.Fields[f] = p.T(k)
	}
	writeJSON(w, http.StatusUnprocessableEntity, body)
}

// invalidText answers 422 with messages already in the user's language.
func (h *Handler) invalidText(w http.ResponseWriter, r *http.Request, fields map[string]string) {
	writeJSON(w, http.StatusUnprocessableEntity, errorBody{Error: h.printer(r).T("api.invalid"), Fields: fields})
}

// fail logs an unexpected error; a missing record is a plain 404.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		return // the client went away; nobody is left to answer
	}
	if errors.Is(err, store.ErrNotFound) {
		h.error(w, r, http.StatusNotFound, "api.not_found")
		return
	}
	if store.IsUnavailable(err) {
		h.Log.Error("database unavailable", "path", r.URL.Path, "err", err)
		w.Header().Set("Retry-After", "30")
		h.error(w, r, http.StatusServiceUnavailable, "error.unavailable")
		return
	}
	h.Log.Error("api request failed", "path", r.URL.Path, "err", err)
	h.error(w, r, http.StatusInternalServerError, "error.internal")
}

// decode reads a JSON body into v. It answers and returns false on a
// malformed (400), too large (413) or mistyped (422) body.
func (h *Handler) decode(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if _, extra := dec.Token(); extra != io.EOF {
			h.error(w, r, http.StatusBadRequest, "api.malformed", "Detail", "trailing data after the JSON value")
			return false
		}
		return true
	}
	var mbe *http.MaxBytesError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &mbe):
		h.error(w, r, http.StatusRequestEntityTooLarge, "api.too_large")
	case errors.As(err, &te) && te.Field != "":
		h.invalid(w, r, domain.FieldErrors{te.Field: "error.type"})
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		h.error(w, r, http.StatusBadRequest, "api.unknown_field", "Field", strings.TrimPrefix(err.Error(), "json: unknown field "))
	case errors.Is(err, io.EOF):
		h.error(w, r, http.StatusBadRequest, "api.malformed", "Detail", "empty body")
	default:
		h.error(w, r, http.StatusBadRequest, "api.malformed", "Detail", fmt.Sprint(err))
	}
	return false
}

// identify returns who holds the bearer token, or the browser session the
// pages' middleware found. A bearer token that does not work is refused
// even when a cookie is present, so a client sees its own mistake.
func (h *Handler) identify(r *http.Request) (domain.Identity, bool) {
	if a := r.Header.Get("Authorization"); a != "" {
		secret, ok := strings.CutPrefix(a, "Bearer ")
		if !ok {
			return domain.Identity{}, false
		}
		id, err := h.Accounts.Authenticate(r.Context(), strings.TrimSpace(secret), auth.KindAPI)
		return id, err == nil
	}
	return auth.From(r.Context())
}

type handlerFunc func(http.ResponseWriter, *http.Request, domain.Identity)

func (h *Handler) member(fn handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := h.identify(r)
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="nurture"`)
			h.error(w, r, http.StatusUnauthorized, "api.unauthenticated")
			return
		}
		fn(w, r.WithContext(auth.WithIdentity(r.Context(), id)), id)
	}
}

func (h *Handler) writer(fn handlerFunc) http.HandlerFunc {
	return h.member(func(w http.ResponseWriter, r *http.Request, id domain.Identity) {
		if !id.Role.CanWrite() {
			h.error(w, r, http.StatusForbidden, "api.forbidden")
			return
		}
		fn(w, r, id)
	})
}

func (h *Handler) owner(fn handlerFunc) http.HandlerFunc {
	return h.member(func(w http.ResponseWriter, r *http.Request, id domain.Identity) {
		if id.Role != domain.Owner {
			h.error(w, r, http.StatusForbidden, "api.forbidden")
			return
		}
		fn(w, r, id)
	})
}
