package metrics

import (
	"context"
	"net/http"
	"time"
)

// The route pattern of a request is known only once the router has
// matched it (http.Request.Pattern, set by ServeMux on the request it
// routes), deep inside the middleware, which may have replaced the request
// by a copy (WithContext). So Instrument, outermost, puts an empty slot in
// the request's context, and Matched, around the router, fills it.

type slotKey struct{}

type slot struct{ pattern string }

// Matched wraps the router: after it has routed a request, the pattern it
// matched is passed to Instrument.
func Matched(router http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s, ok := r.Context().Value(slotKey{}).(*slot); ok {
			defer func() { s.pattern = r.Pattern }()
		}
		router.ServeHTTP(w, r)
	})
}

// Instrument counts and times every request h answers, labelled by
// method, status and the route pattern Matched found, never the path
// (secrets travel in some). patterns are the router's: a pattern not
// among them, or none, is Unmatched, so the labels stay a fixed set.
func (m *Metrics) Instrument(h http.Handler, patterns []string) http.Handler {
	known := make(map[string]string, len(patterns))
	for _, p := range patterns {
		known[p] = p
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		m.inFlight.Inc()
		defer m.inFlight.Dec() // a request aborted by a panic is not counted
		s := &slot{}
		sw := &statusWriter{ResponseWriter: w}
		h.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), slotKey{}, s)))
		pattern, ok := known[s.pattern]
		if !ok {
			pattern = Unmatched
		}
		meth := method(r.Method)
		m.requests.WithLabelValues(meth, pattern, status(sw.status)).Inc()
		m.duration.WithLabelValues(meth, pattern).Observe(time.Since(start).Seconds())
	})
}

// statusWriter remembers the status code written.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 && code >= 200 {
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
