package api

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"nurture/internal/domain"
	"nurture/internal/export"
	"nurture/internal/store"
)

// MaxImport is the largest export file accepted for import; far above the
// usual body limit, since years of entries make a large file.
const MaxImport = 64 << 20

// Checks are what an imported document is checked against.
func (h *Handler) Checks() export.Checks {
	return export.Checks{
		KnownStroke:  func(id string) bool { _, ok := h.Library.Stroke(id); return ok },
		KnownRoutine: func(id string) bool { _, ok := h.Library.Routine(id); return ok },
		Locales:      h.Catalog.Locales(),
		Now:          h.Now(),
	}
}

func (h *Handler) exportFamily(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	snap, err := h.Store.Export(r.Context(), id.Family.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	doc := export.Build(snap, h.Now())
	name := "nurture-" + h.Now().In(id.Family.Location()).Format("2006-01-02")
	w.Header().Set("Cache-Control", "no-store")
	switch r.URL.Query().Get("format") {
	case "", "json":
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.json"`)
		if err := export.Write(w, doc); err != nil {
			h.Log.Error("export", "err", err)
		}
	case "csv":
		w.Header().Set("Content-Type", "application/zip")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`-csv.zip"`)
		if err := export.WriteCSVZip(w, doc); err != nil {
			h.Log.Error("export csv", "err", err)
		}
	default:
		h.invalid(w, r, domain.FieldErrors{"format": "error.choice"})
	}
}

// ImportInto checks a document and merges it into the family, all or
// nothing. The error is a *export.Problem, a *store.ImportError, or
// another error.
func (h *Handler) ImportInto(r *http.Request, familyID string, body io.Reader) (store.ImportResult, error) {
	_, snap, err := export.Read(body, h.Checks())
	if err != nil {
		return store.ImportResult{}, err
	}
	return h.Store.Import(r.Context(), familyID, snap, false, nil)
}

// ImportMessage says what went wrong with an import, in the user's words.
func (h *Handler) ImportMessage(r *http.Request, f domain.Family, err error) (string, bool) {
	p := h.printer(r)
	var prob *export.Problem
	var ie *store.ImportError
	var o *domain.Overlap
	switch {
	case errors.As(err, &prob):
		return p.T("export.error.at", "Where", prob.Where, "What", p.T(prob.What)), true
	case errors.As(err, &o) && errors.As(err, &ie):
		return p.T("export.error.at", "Where", ie.Record, "What", OverlapText(p.T, f, o)), true
	case errors.As(err, &ie) && errors.Is(err, store.ErrConflict):
		return p.T("export.error.at", "Where", ie.Record, "What", p.T("api.id_taken")), true
	case errors.As(err, &ie) && errors.Is(err, store.ErrNotFound):
		return p.T("export.error.at", "Where", ie.Record, "What", p.T("export.error.unknown_baby")), true
	}
	return "", false
}

func (h *Handler) importFamily(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	res, err := h.ImportInto(r, id.Family.ID, r.Body)
	if err != nil {
		if IsTooLarge(err) {
			h.error(w, r, http.StatusRequestEntityTooLarge, "api.too_large")
			return
		}
		if msg, ok := h.ImportMessage(r, id.Family, err); ok {
			writeJSON(w, http.StatusUnprocessableEntity, errorBody{Error: msg})
			return
		}
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]int{"added": res.Added, "unchanged": res.Unchanged})
}

// IsTooLarge reports whether err came from reading past a body limit.
func IsTooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe) || strings.Contains(fmt.Sprint(err), "http: request body too large")
}
