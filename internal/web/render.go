package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"maps"
	"math"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"

	"nurture/internal/auth"
	"nurture/internal/domain"
	"nurture/internal/httpcache"
	"nurture/internal/i18n"
	"nurture/internal/route"
	"nurture/internal/store"
)

//go:embed templates
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// pages are the parsed templates, one set per page, each with the layout.
type pages struct {
	byName map[string]*template.Template
	// shells are the sharedPages' layouts around a kept content block.
	shells map[string]*template.Template
}

var funcs = template.FuncMap{
	"deref":          func(p *float64) float64 { return *p },
	"derefTime":      func(p *time.Time) time.Time { return *p },
	"divi":           func(a, b int) int { return a / b },
	"roundi":         func(f float64) int { return int(math.Round(f)) },
	"minutesChoices": func() []int { return []int{5, 10, 15, 20, 30} },
	"hasPrefix":      strings.HasPrefix,
	"contains": func(list []string, s string) bool {
		for _, v := range list {
			if v == s {
				return true
			}
		}
		return false
	},
}

func loadPages() (*pages, error) { return loadPagesUnder("") }

// loadPagesUnder parses the pages of a server living under prefix
// ("/nurture", or "" at the root), which {{base}} writes before each of
// the site's own paths: href="{{base}}/family".
func loadPagesUnder(prefix string) (*pages, error) {
	funcs := maps.Clone(funcs)
	funcs["base"] = func() string { return prefix }
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials/*.html")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(templateFS, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	ps := &pages{byName: map[string]*template.Template{}, shells: map[string]*template.Template{}}
	for _, n := range names {
		t, err := template.Must(layout.Clone()).ParseFS(templateFS, n)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", n, err)
		}
		name := strings.TrimSuffix(path.Base(n), ".html")
		ps.byName[name] = t
		if name == sharedPages[0] {
			// One shell for every shared page: they have the same head
			// and scripts blocks (each clone costs about a megabyte of
			// heap the collector walks on every cycle).
			shell, err := template.Must(t.Clone()).Parse(contentShell)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", n, err)
			}
			for _, p := range sharedPages {
				ps.shells[p] = shell
			}
		}
	}
	// Bare pages are whole documents of their own, without the app's
	// header, tabs and scripts (the summary a share link opens).
	bare, err := fs.Glob(templateFS, "templates/bare/*.html")
	if err != nil {
		return nil, err
	}
	for _, n := range bare {
		t, err := template.New(path.Base(n)).Funcs(funcs).ParseFS(templateFS, n)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", n, err)
		}
		ps.byName[strings.TrimSuffix(path.Base(n), ".html")] = t
	}
	return ps, nil
}

// view is what every template gets: the printer for the user's language,
// who is logged in, and the page's own data.
type view struct {
	*i18n.Printer
	Title  string
	Me     *domain.Identity
	Babies []domain.Baby
	Flash  string
	// FlashError marks Flash as a problem, shown as an alert.
	FlashError bool
	Errors     domain.FieldErrors
	Form       map[string]string
	Data       any
	// Shared is a content block rendered once for every reader (see
	// renderShared).
	Shared template.HTML
	// Cut marks where a shared content block is cut for the reader's own
	// part (see ownParts).
	Cut      template.HTML
	Loc      *time.Location
	Path     string
	Locales  []string
	now      time.Time
	langName func(string) string
	asset    func(string) string
	mailOn   bool
}

// MailOn reports whether this server sends e-mail (a reset link to whoever
// forgot a password).
func (v *view) MailOn() bool { return v.mailOn }

// Alert shows msg as a problem rather than a confirmation.
func (v *view) Alert(msg string) { v.Flash, v.FlashError = msg, true }

// Asset is the content-hashed URL of a static file (under the prefix).
func (v *view) Asset(name string) string { return v.asset(name) }

// LangName is a language's own name.
func (v *view) LangName(l string) string { return v.langName(l) }

// Err is the translated problem of a form field, or "".
func (v *view) Err(field string) string {
	if k, ok := v.Errors[field]; ok {
		return v.T(k)
	}
	return ""
}

// Val is a submitted form value, to refill a form after an error.
func (v *view) Val(field string) string { return v.Form[field] }

// CanWrite reports whether the viewer may record entries.
func (v *view) CanWrite() bool { return v.Me != nil && v.Me.Role.CanWrite() }

// At writes a moment in the family's zone as the reader's language does,
// relative to today: "14:05", "yesterday, 09:30", "Monday 3 November, 08:00".
func (v *view) At(t time.Time) string { return v.When(t.In(v.Loc), v.now.In(v.Loc)) }

// On writes a day the same way: "today", "Thursday 3 December".
func (v *view) On(t time.Time) string { return v.Day(t.In(v.Loc), v.now.In(v.Loc)) }

// ClockAt writes a whole hour of the day as the reader does ("20:00",
// "8:00 PM"), for the night mode's hours.
func (v *view) ClockAt(hour int) string {
	return v.Clock(time.Date(2000, 1, 1, hour, 0, 0, 0, time.UTC))
}

// IsOwner reports whether the viewer is a family owner.
func (v *view) IsOwner() bool { return v.Me != nil && v.Me.Role == domain.Owner }

func (s *Server) newView(r *http.Request, title string, data any) *view {
	v := &view{Data: data, Path: r.URL.Path, Loc: time.UTC, Locales: s.Catalog.Locales(), now: s.Now(),
		langName: s.Catalog.LangName, asset: s.assets.url, mailOn: s.Mail != nil && s.mailOn()}
	userLocale := ""
	if id, ok := auth.From(r.Context()); ok {
		v.Me = &id
		userLocale = id.User.Locale
		v.Loc = id.Family.Location()
		v.Babies, _ = s.Store.Babies(r.Context(), id.Family.ID, false)
	}
	accept := r.Header.Get("Accept-Language")
	v.Printer = s.Catalog.For(s.Catalog.Match(userLocale, accept)).WithRegion(accept)
	if title != "" {
		v.Title = v.T(title)
	}
	if isErr, ok := flashes[r.URL.Query().Get("msg")]; ok {
		v.Flash, v.FlashError = v.T("flash."+r.URL.Query().Get("msg")), isErr
	}
	return v
}

// flashes are the messages a redirect may ask for; true marks a problem.
var flashes = map[string]bool{"saved": false, "webhook_deleted": false, "baby_added": false, "baby_archived": false, "baby_restored": false,
	"password_changed": false, "token_revoked": false, "password_reset": false, "welcome": false,
	"account_deleted": false, "family_deleted": false, "member_removed": false, "baby_deleted": false,
	"last_owner": true, "confirm_needed": true, "urgent_saved": false}

func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, page string, v *view) {
	t, ok := s.pages.byName[page]
	if !ok {
		s.fail(w, r, fmt.Errorf("no template %q", page))
		return
	}
	buf := httpcache.BorrowBuffer() // written out before render returns
	defer httpcache.LendBuffer(buf)
	root := "layout.html"
	if t.Lookup(root) == nil {
		root = t.Name() // a bare page
	}
	if err := t.ExecuteTemplate(buf, root, v); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// fail logs an unexpected error and shows a plain error page. A missing
// record becomes a 404, never a hint that it exists elsewhere.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		return // the client went away; nobody is left to answer
	}
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return
	}
	if route.TooLarge(err) {
		http.Error(w, "request body too large (1 MiB at most)", http.StatusRequestEntityTooLarge)
		return
	}
	status, msg := http.StatusInternalServerError, "error.internal"
	if store.IsUnavailable(err) {
		status, msg = http.StatusServiceUnavailable, "error.unavailable"
		w.Header().Set("Retry-After", "30")
	}
	s.Log.Error("request failed", "path", logPath(r), "status", status, "err", err)
	v := s.newView(r, "error.title", nil)
	v.Alert(v.T(msg))
	s.renderPlain(w, r, status, v)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	v := s.newView(r, "error.not_found_title", nil)
	v.Alert(v.T("error.not_found"))
	s.renderPlain(w, r, http.StatusNotFound, v)
}

func (s *Server) forbidden(w http.ResponseWriter, r *http.Request, _ domain.Identity) {
	v := s.newView(r, "error.forbidden_title", nil)
	v.Alert(v.T("error.forbidden"))
	s.renderPlain(w, r, http.StatusForbidden, v)
}

// renderPlain shows the error page, falling back to text if even that fails.
func (s *Server) renderPlain(w http.ResponseWriter, r *http.Request, status int, v *view) {
	t := s.pages.byName["error"]
	var buf bytes.Buffer
	if t == nil || t.ExecuteTemplate(&buf, "layout.html", v) != nil {
		http.Error(w, v.Flash, status)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// assets are the embedded static files, served under a content hash so
// browsers may cache them forever, gzipped once at start-up.
type assets struct {
	files  map[string]*asset // by hashed path
	names  map[string]string // plain name -> hashed path
	prefix string            // the server's path prefix, before each URL
}

type asset struct {
	body, gz []byte
	ctype    string
}

func loadAssets() (*assets, error) {
	as := &assets{files: map[string]*asset{}, names: map[string]string{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		sum := sha256.Sum256(b)
		hashed := "/static/" + hex.EncodeToString(sum[:6]) + "/" + name
		a := &asset{body: b, ctype: mime.TypeByExtension(path.Ext(name))}
		if a.ctype == "" {
			a.ctype = "application/octet-stream"
		}
		var gz bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		zw.Write(b)
		zw.Close()
		if gz.Len() < len(b) {
			a.gz = gz.Bytes()
		}
		as.files[hashed] = a
		as.names[name] = hashed
		return nil
	})
	return as, err
}

func (as *assets) url(name string) string {
	if u, ok := as.names[name]; ok {
		return as.prefix + u
	}
	return as.prefix + "/static/missing/" + name
}

// ServeHTTP serves a hashed asset with a long cache life.
func (as *assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a, ok := as.files[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.ctype)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("Vary", "Accept-Encoding")
	if a.gz != nil && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		h.Set("Content-Encoding", "gzip")
		w.Write(a.gz)
		return
	}
	w.Write(a.body)
}
