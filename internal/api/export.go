package api

import (
	"net/http"

	"nurture/internal/app"
	"nurture/internal/domain"
	"nurture/internal/export"
	"nurture/internal/route"
)

func (h *Handler) exportFamily(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	doc, day, err := h.Cases.Export(r.Context(), id.Family)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	name := "nurture-" + day
	w.Header().Set("Cache-Control", "no-store")
	switch r.URL.Query().Get("format") {
	case "", "json":
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.json"`)
		if err := export.Write(w, doc, h.Cases.ExportAudio(r.Context(), id.Family.ID)); err != nil {
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

// ImportStatus is the HTTP status of an import's failure (0 when it is
// the server's own): 413 over the size limit, 409 while another import of
// the family runs, 503 when the server runs too many, 408 or 400 when the
// file stopped arriving, 422 for a file with a problem. busy tells the
// caller to send Retry-After. The pages answer with the same statuses.
func ImportStatus(err error) (status int, busy bool) {
	if route.TooLarge(err) {
		return http.StatusRequestEntityTooLarge, false
	}
	switch app.ImportFaultOf(err) {
	case app.ImportRunning:
		return http.StatusConflict, false
	case app.ImportBusy:
		return http.StatusServiceUnavailable, true
	case app.ImportStalled:
		return http.StatusRequestTimeout, false
	case app.ImportCut:
		return http.StatusBadRequest, false
	case app.ImportInvalid:
		return http.StatusUnprocessableEntity, false
	}
	return 0, false
}

func (h *Handler) importFamily(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	route.SlowUpload(w, r)
	res, err := h.Cases.Import(r.Context(), id.Family.ID, r.Body)
	if err != nil {
		status, busy := ImportStatus(err)
		msg, ok := h.printer(r).T("api.too_large"), true
		if status != http.StatusRequestEntityTooLarge {
			msg, ok = app.ImportText(h.printer(r), id.Family, err, h.Now())
		}
		if status == 0 || !ok {
			h.fail(w, r, err)
			return
		}
		if busy {
			w.Header().Set("Retry-After", "60")
		}
		writeJSON(w, status, errorBody{Error: msg})
		return
	}
	writeJSON(w, http.StatusOK, map[string]int{"added": res.Added, "unchanged": res.Unchanged})
}
