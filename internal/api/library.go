package api

import "net/http"

// libraryRoutes registers GET /api/v1/strokes and /api/v1/routines.
func (h *Handler) libraryRoutes(mux *http.ServeMux) {}
