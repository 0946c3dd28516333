package web

import "net/http"

// NotFound answers the site's 404 page: what a route the server adds
// answers a request it is not for (/metrics to a client elsewhere).
func (s *Server) NotFound(w http.ResponseWriter, r *http.Request) { s.notFound(w, r) }
