package web

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"nurture/internal/app"
	"nurture/internal/auth"
	"nurture/internal/domain"
	"nurture/internal/store"
)

// MaxBody is the largest request body accepted.
const MaxBody = 1 << 20

const sessionCookie = "nurture_session"

func (s *Server) middleware(h http.Handler) http.Handler {
	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusForbidden)
			w.Write([]byte(`{"error":"cross-origin request refused"}` + "\n"))
			return
		}
		http.Error(w, "cross-origin request refused", http.StatusForbidden)
	}))
	h = s.identify(h)
	h = csrf.Handler(h)
	h = limitBody(h)
	h = securityHeaders(h)
	h = s.recoverPanics(h)
	return s.logRequests(h)
}

// securityHeaders sets the headers every response carries.
func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		for k, v := range securityValues {
			hd[k] = v // shared, never changed: Set would copy each on every request
		}
		h.ServeHTTP(w, r)
	})
}

// securityValues are the headers every answer carries, keys canonical.
var securityValues = map[string][]string{
	"Content-Security-Policy": {"default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"},
	"X-Content-Type-Options":  {"nosniff"},
	"Referrer-Policy":         {"same-origin"},
	"X-Frame-Options":         {"DENY"},
}

// largeBodies are the routes that take an export file, which may be large.
var largeBodies = map[string]bool{"/api/v1/import": true, "/family/import": true}

// limitBody refuses bodies over MaxBody (or app.MaxImport on the import
// routes); the handlers see the error when they read and answer 413.
func limitBody(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := int64(MaxBody)
		if largeBodies[r.URL.Path] {
			limit = app.MaxImport
		}
		if r.ContentLength > limit {
			if strings.HasPrefix(r.URL.Path, "/api/") {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusRequestEntityTooLarge)
				fmt.Fprintf(w, `{"error":"request body too large (%d MiB at most)"}`+"\n", limit>>20)
				return
			}
			http.Error(w, fmt.Sprintf("request body too large (%d MiB at most)", limit>>20), http.StatusRequestEntityTooLarge)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		h.ServeHTTP(w, r)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests logs method, path, status and duration — never the query
// string, which may hold a code, nor any header.
func (s *Server) logRequests(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		h.ServeHTTP(sw, r)
		s.Log.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("method", r.Method), slog.String("path", logPath(r)),
			slog.Int("status", sw.status), slog.Duration("duration", time.Since(start)))
	})
}

// logPath is a request's path as every log line writes it: secrets travel
// in some paths (invitations, resets, calendar feeds, share links), so
// those keep only their prefix.
func logPath(r *http.Request) string {
	for _, p := range []string{"/join/", "/reset/", "/cal/", "/s/"} {
		if strings.HasPrefix(r.URL.Path, p) {
			return p + "…"
		}
	}
	return r.URL.Path
}

func (s *Server) recoverPanics(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.Log.Error("panic", "path", logPath(r), "value", v)
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		h.ServeHTTP(w, r)
	})
}

// identify attaches the logged-in member (from the session cookie) to the
// request context. The API adds bearer tokens on its own routes.
func (s *Server) identify(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var id domain.Identity
		var ok bool
		if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
			if got, err := s.Accounts.Authenticate(r.Context(), c.Value, auth.KindSession); err == nil {
				id, ok = got, true
			}
		}
		// Behind a single-sign-on proxy its word counts: the person it
		// vouches for is signed in, whoever the cookie was for.
		// (Pages only: a page's own calls to the API carry its cookie, and
		// an API client has its token.)
		if email := s.Accounts.HeaderEmail(r); email != "" && (!ok || id.User.Email != email) && !strings.HasPrefix(r.URL.Path, "/api/") {
			got, secret, err := s.Accounts.SignInByHeader(r.Context(), email)
			ok = err == nil
			if ok {
				id = got
				s.setSession(w, r, secret)
			} else if !errors.Is(err, store.ErrNotFound) {
				s.Log.Error("single sign-on", "err", err)
			}
		}
		if ok {
			r = r.WithContext(auth.WithIdentity(r.Context(), id))
		}
		h.ServeHTTP(w, r)
	})
}

// member wraps a page that needs a logged-in member.
func (s *Server) member(h func(http.ResponseWriter, *http.Request, domain.Identity)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := auth.From(r.Context())
		if !ok {
			http.Redirect(w, r, "/login?next="+pathOnly(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		h(w, r, id)
	}
}

// writer wraps a page that records something: viewers may only read.
func (s *Server) writer(h func(http.ResponseWriter, *http.Request, domain.Identity)) http.HandlerFunc {
	return s.member(func(w http.ResponseWriter, r *http.Request, id domain.Identity) {
		if !id.Role.CanWrite() {
			s.forbidden(w, r, id)
			return
		}
		h(w, r, id)
	})
}

// owner wraps a page only owners may use.
func (s *Server) owner(h func(http.ResponseWriter, *http.Request, domain.Identity)) http.HandlerFunc {
	return s.member(func(w http.ResponseWriter, r *http.Request, id domain.Identity) {
		if id.Role != domain.Owner {
			s.forbidden(w, r, id)
			return
		}
		h(w, r, id)
	})
}

func (s *Server) setSession(w http.ResponseWriter, r *http.Request, secret string) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: secret, Path: s.Base.Path("/"), HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.SecureCookies || r.TLS != nil, MaxAge: int(auth.SessionTTL.Seconds())})
}

func (s *Server) clearSession(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: s.Base.Path("/"), HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.SecureCookies || r.TLS != nil, MaxAge: -1})
}

// pathOnly keeps a local path for ?next=, so it cannot send users away:
// anything but a same-site path gives "/". Refused: no leading slash
// (javascript:, http://…), a scheme-relative //host, a backslash (browsers
// read /\host as //host), control and format characters (browsers drop
// tabs and newlines: /<TAB>/host), and the same tricks percent-encoded
// (/%5Chost, /%2F%2Fhost), however many times.
func pathOnly(u string) string {
	s := u
	for range 4 {
		if !plainPath(s) {
			return "/"
		}
		d, err := url.PathUnescape(s)
		if err != nil {
			return "/"
		}
		if d == s {
			return u
		}
		s = d
	}
	return "/" // encoded more deeply than any real link
}

// plainPath reports whether s is a path on this site as it stands.
func plainPath(s string) bool {
	if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r == '\\' || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return false
		}
	}
	return true
}
