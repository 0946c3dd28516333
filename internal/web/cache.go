package web

import (
	"net/http"

	"nurture/internal/auth"
	"nurture/internal/httpcache"
)

// pageBucket is how long a kept page may go on saying "3 minutes ago" or
// showing a timer's start: pages are kept per minute at most.
const pageBucket = 60 // seconds

// cachedPage answers a page again from the one kept for the same reader,
// family version and minute (see package httpcache): 304 to a browser
// that sends the ETag back, the kept gzipped page to another request.
// A page depends on the reader (their name, role, babies, language, the
// family's time zone), on the path and query, and on the time; a write to
// the family moves its version. Without a session, the library's pages
// depend only on the language asked for.
func (s *Server) cachedPage(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		key, version := pageKey(r)
		s.Cache.Serve(w, r, httpcache.Page, key, version, s.Now().Unix()/pageBucket, pageVary, h)
	}
}

// pageVary names the request headers a page depends on.
const pageVary = "Cookie, Accept-Language"

// pageKey is what a page depends on besides the family's version: the
// reader, the language asked for, the path and query.
func pageKey(r *http.Request) (key string, version int64) {
	accept := r.Header.Get("Accept-Language")
	if id, ok := auth.From(r.Context()); ok {
		return "page\x00" + id.Family.ID + "\x00" + id.User.ID + "\x00" + string(id.Role) + "\x00" + id.User.Locale + "\x00" +
			accept + "\x00" + r.URL.RequestURI(), id.Family.Version
	}
	return "page\x00\x00" + accept + "\x00" + r.URL.RequestURI(), 0
}
