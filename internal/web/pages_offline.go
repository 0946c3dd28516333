package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"nurture/internal/domain"
	"nurture/internal/route"
)

// Nurture works offline and installs to the home screen:
//
//   - /manifest.webmanifest names the app, its colours and its icons.
//   - /sw.js is the service worker, served from the site root so that its
//     scope is the whole site. Its first line is its configuration: the
//     version, a hash of every asset URL and of the worker's own code, the
//     URLs it precaches (every hashed asset, the routine pages of the
//     library, the offline page) and, under a --base-url with a path, that
//     path: the site root and the scope are then the path's. A new server version with other assets is
//     a new /sw.js, so browsers install it and drop the old caches.
//   - /offline is the page shown for a page not cached yet; it also lists,
//     with data-warm links, the pages of each baby that the worker caches
//     ahead (home, timers and log, crying companion, and the player of
//     every routine), so that all of them open without a connection.
//
// The update rule, in sw.js: a new worker takes over at once (skipWaiting,
// then clients.claim) unless a tab shows a session player or the crying
// companion; then it waits, and a later page load asks it again. Pages
// never reload themselves, so a session in progress is never cut short.
//
// Writes made offline wait in an IndexedDB queue (offline.js) and are
// replayed to the API with their client-made ids; see offline.js.
func (s *Server) offlineRoutes(mux *route.Mux) {
	sw := s.serviceWorker()
	mux.HandleFunc("GET /sw.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Service-Worker-Allowed", s.Base.Path("/"))
		serveSmall(w, r, "text/javascript; charset=utf-8", sw)
	})
	mux.HandleFunc("GET /manifest.webmanifest", s.manifest)
	mux.HandleFunc("GET /offline", s.offlinePage)
}

// swConfig is the first line of /sw.js.
type swConfig struct {
	Version  string   `json:"v"`
	Precache []string `json:"pre"`
	Base     string   `json:"base,omitempty"` // the path prefix
}

// precacheList is what the worker caches when it installs: every asset and
// the library pages a session links to.
func (s *Server) precacheList() []string {
	var urls []string
	for name := range s.assets.names {
		urls = append(urls, s.assets.url(name))
	}
	slices.Sort(urls)
	urls = append(urls, s.Base.Path("/offline"), s.Base.Path("/library"), s.Base.Path("/library/routines"))
	for _, rt := range s.Library.Routines() {
		urls = append(urls, s.Base.Path("/library/routines/"+rt.ID))
	}
	return urls
}

// serviceWorker is the body of /sw.js: its configuration, then the code of
// static/sw.js.
func (s *Server) serviceWorker() []byte {
	code, err := staticFS.ReadFile("static/sw.js")
	if err != nil {
		panic("web: static/sw.js is embedded: " + err.Error())
	}
	cfg := swConfig{Precache: s.precacheList(), Base: s.Base.Prefix()}
	h := sha256.New()
	h.Write(code)
	for _, u := range cfg.Precache {
		h.Write([]byte(u + "\n"))
	}
	cfg.Version = hex.EncodeToString(h.Sum(nil)[:6])
	head, _ := json.Marshal(cfg)
	return append([]byte("self.NURTURE = "+string(head)+";\n"), code...)
}

// serveSmall writes a small generated file that browsers revalidate on
// each use, gzipped when the browser takes it.
func serveSmall(w http.ResponseWriter, r *http.Request, ctype string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Cache-Control", "no-cache")
	h.Set("Vary", "Accept-Encoding")
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		var gz bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		zw.Write(body)
		zw.Close()
		h.Set("Content-Encoding", "gzip")
		w.Write(gz.Bytes())
		return
	}
	w.Write(body)
}

// Colours of the installed app: the accent and the page background of
// app.css.
const (
	themeColour      = "#8a4b2a"
	backgroundColour = "#fbf8f4"
)

type manifestIcon struct {
	Src     string `json:"src"`
	Sizes   string `json:"sizes"`
	Type    string `json:"type"`
	Purpose string `json:"purpose,omitempty"`
}

type webManifest struct {
	Name            string         `json:"name"`
	ShortName       string         `json:"short_name"`
	Description     string         `json:"description"`
	Lang            string         `json:"lang"`
	StartURL        string         `json:"start_url"`
	Scope           string         `json:"scope"`
	ID              string         `json:"id"`
	Display         string         `json:"display"`
	ThemeColor      string         `json:"theme_color"`
	BackgroundColor string         `json:"background_color"`
	Icons           []manifestIcon `json:"icons"`
}

func (s *Server) manifest(w http.ResponseWriter, r *http.Request) {
	p := s.Catalog.For(s.Catalog.Match("", r.Header.Get("Accept-Language")))
	m := webManifest{Name: "Nurture", ShortName: "Nurture", Description: p.T("offline.manifest_description"), Lang: p.Lang,
		StartURL: s.Base.Path("/"), Scope: s.Base.Path("/"), ID: s.Base.Path("/"), Display: "standalone", ThemeColor: themeColour, BackgroundColor: backgroundColour,
		Icons: []manifestIcon{
			{Src: s.assets.url("icon-192.png"), Sizes: "192x192", Type: "image/png", Purpose: "any"},
			{Src: s.assets.url("icon-512.png"), Sizes: "512x512", Type: "image/png", Purpose: "any"},
			{Src: s.assets.url("icon-maskable-512.png"), Sizes: "512x512", Type: "image/png", Purpose: "maskable"},
			{Src: s.assets.url("icon.svg"), Sizes: "any", Type: "image/svg+xml", Purpose: "any"},
		}}
	b, _ := json.MarshalIndent(m, "", " ")
	serveSmall(w, r, "application/manifest+json", b)
}

// offlineLink is a page the worker caches ahead.
type offlineLink struct{ Href, Label string }

type offlineBaby struct {
	Baby     domain.Baby
	Pages    []offlineLink
	Sessions []offlineLink
}

type offlineData struct{ Babies []offlineBaby }

// offlinePage is the fallback of a page not cached. Logged in, it lists the
// pages of each baby that open offline; the worker caches those links.
// The session players offered are those the rules allow the baby today
// (its cautious age, still touch before the due date), each in the form
// that asks the readiness question itself (ask=1). A page kept from an
// earlier day can only be more cautious: every age rule relaxes with age.
func (s *Server) offlinePage(w http.ResponseWriter, r *http.Request) {
	v := s.newView(r, "offline.title", nil)
	d := &offlineData{}
	for _, b := range v.Babies {
		ob := offlineBaby{Baby: b, Pages: []offlineLink{{"/babies/" + b.ID, b.Name}, {"/babies/" + b.ID + "/crying", v.T("offline.crying")}}}
		if v.CanWrite() {
			ob.Pages = append(ob.Pages, offlineLink{"/babies/" + b.ID + "/log", v.T("offline.log")})
			for _, rt := range s.routineChoices(v.Lang, s.cases.Rules(b, v.Me.Family, nil), false) {
				ob.Sessions = append(ob.Sessions, offlineLink{"/babies/" + b.ID + "/session?routine=" + rt.ID + "&ask=1", rt.Name})
			}
		}
		d.Babies = append(d.Babies, ob)
	}
	v.Data = d
	s.render(w, r, http.StatusOK, "offline", v)
}

// OfflineText is what offline.js says, in the user's language.
func (v *view) OfflineText() map[string]string {
	m := map[string]string{
		"one": v.T("offline.waiting_one"), "other": v.T("offline.waiting_other"), "saved": v.T("offline.all_saved"),
		"here": v.T("offline.saved_here"), "bad": v.T("offline.rejected"), "start": v.T("offline.start"), "end": v.T("offline.end"),
		"retry": v.T("offline.retry"), "discard": v.T("offline.discard"), "sure": v.T("offline.discard_confirm"),
		"newer": v.T("offline.newer_kept"), "differs": v.T("offline.not_stored"),
		// For timers started offline, drawn by log.js like the server's.
		"tstart": v.T("logpage.start", "What", "{what}"), "tstop": v.T("logpage.stop", "What", "{what}"),
	}
	return m
}
