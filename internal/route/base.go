package route

import (
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strings"
)

// Base is where the server is published (--base-url), such as
// https://home.example/nurture/: the scheme and host that links given to
// others (invitations, resets, shares, calendar feeds) point to, and the
// path under which every page, asset and API route lives.
//
// Inside the server every path is the app's own, without the prefix
// (r.URL.Path is "/family", a redirect goes to "/family"): Mount strips
// the prefix from requests and adds it to Location headers. What leaves
// in a body adds it itself: templates with {{base}}, the scripts from
// the page's nurture-base meta tag, JSON with Path, cookies' paths.
//
// The zero Base is the site root of whatever host a request came to.
type Base struct {
	origin string // "https://home.example"; "" takes the request's
	prefix string // "/nurture"; "" at the root
}

// ParseBase reads a base URL: absolute http or https, without a query or
// a fragment, its path plain; a missing final slash is added. "" is the
// zero Base.
func ParseBase(s string) (Base, error) {
	if s == "" {
		return Base{}, nil
	}
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return Base{}, fmt.Errorf("want an absolute http(s) URL such as https://home.example/nurture/, got %q", s)
	case (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "":
		return Base{}, fmt.Errorf("want an absolute http(s) URL such as https://home.example/nurture/, got %q", s)
	case u.User != nil:
		return Base{}, fmt.Errorf("%q: a base URL holds no user name or password", s)
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(s, "#"):
		return Base{}, fmt.Errorf("%q: a base URL has no query (?) or fragment (#)", s)
	}
	p := strings.TrimSuffix(u.Path, "/")
	if p != "" && (path.Clean(p) != p || u.EscapedPath() != u.Path || strings.ContainsAny(p, "%;,")) {
		return Base{}, fmt.Errorf("%q: the path of a base URL is plain, such as /nurture/ (no //, dots or escapes)", s)
	}
	return Base{origin: u.Scheme + "://" + u.Host, prefix: p}, nil
}

// MustParseBase is ParseBase for a URL known to be good (tests).
func MustParseBase(s string) Base {
	b, err := ParseBase(s)
	if err != nil {
		panic(err)
	}
	return b
}

// String is the base URL with its final slash, or "" for the zero Base.
func (b Base) String() string {
	if b.origin == "" {
		return ""
	}
	return b.origin + b.prefix + "/"
}

// Prefix is the path the server lives under, without its final slash:
// "/nurture", or "" at the root.
func (b Base) Prefix() string { return b.prefix }

// Path is the address on this site of the app's path p ("/family").
func (b Base) Path(p string) string { return b.prefix + p }

// URL is the absolute address of the app's path p, for a link given to
// someone else: under the base URL, or without one the scheme and host
// the request came to.
func (b Base) URL(r *http.Request, p string) string {
	origin := b.origin
	if origin == "" {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		origin = scheme + "://" + strings.TrimSuffix(r.Host, "/")
	}
	return origin + b.prefix + p
}

// Mount serves h under the prefix. A request under it reaches h with the
// prefix taken off its path, and a Location header that h sets to a path
// of the app ("/family") gets it back. The prefix alone and the site root
// redirect to the prefix with its slash; any other path is not found.
// Without a prefix, Mount is h.
func (b Base) Mount(h http.Handler) http.Handler {
	if b.prefix == "" {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rest, ok := strings.CutPrefix(r.URL.Path, b.prefix)
		switch {
		case ok && strings.HasPrefix(rest, "/"):
			r2 := new(http.Request)
			*r2 = *r
			u := *r.URL
			u.Path = rest
			u.RawPath, _ = strings.CutPrefix(u.RawPath, b.prefix) // "" when encoded otherwise: Path holds it
			r2.URL = &u
			h.ServeHTTP(&locationWriter{ResponseWriter: w, prefix: b.prefix}, r2)
		case r.URL.Path == b.prefix || r.URL.Path == "/":
			to := b.prefix + "/"
			if r.URL.RawQuery != "" {
				to += "?" + r.URL.RawQuery
			}
			http.Redirect(w, r, to, http.StatusFound)
		default:
			http.NotFound(w, r)
		}
	})
}

// locationWriter puts the prefix in front of a Location header that names
// a path of the app, as the header is written.
type locationWriter struct {
	http.ResponseWriter
	prefix string
	done   bool
}

func (w *locationWriter) fix() {
	if w.done {
		return
	}
	w.done = true
	h := w.ResponseWriter.Header()
	if l := h.Get("Location"); strings.HasPrefix(l, "/") && !strings.HasPrefix(l, "//") {
		h.Set("Location", w.prefix+l)
	}
}

func (w *locationWriter) WriteHeader(code int) {
	if code >= 200 { // not an informational header: the answer's own
		w.fix()
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *locationWriter) Write(p []byte) (int, error) {
	w.fix()
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the connection (deadlines of
// a slow upload, flushing).
func (w *locationWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
