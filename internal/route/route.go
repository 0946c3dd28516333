// Package route is the server's request router and the HTTP plumbing both
// doors share (body limits, slow uploads): the standard ServeMux,
// remembering the patterns registered on it so tests can walk every route
// (access control, the OpenAPI document, the page budget).
package route

import (
	"net/http"
	"sort"
)

// Mux is an http.ServeMux that records its patterns.
type Mux struct {
	*http.ServeMux
	patterns []string
}

// New returns an empty router.
func New() *Mux { return &Mux{ServeMux: http.NewServeMux()} }

// HandleFunc registers a handler function for a pattern.
func (m *Mux) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	m.patterns = append(m.patterns, pattern)
	m.ServeMux.HandleFunc(pattern, h)
}

// Handle registers a handler for a pattern.
func (m *Mux) Handle(pattern string, h http.Handler) {
	m.patterns = append(m.patterns, pattern)
	m.ServeMux.Handle(pattern, h)
}

// Patterns lists every registered pattern, sorted.
func (m *Mux) Patterns() []string {
	out := append([]string(nil), m.patterns...)
	sort.Strings(out)
	return out
}
