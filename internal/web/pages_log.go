package web

import "net/http"

// logRoutes registers the nurturing-touch, sleep and crying pages: the
// timers on the baby's page, manual entries, the day view and the crying
// companion.
func (s *Server) logRoutes(mux *http.ServeMux) {}
