package web

import "net/http"

// libraryRoutes registers the stroke library, routines and guides pages.
func (s *Server) libraryRoutes(mux *http.ServeMux) {}
