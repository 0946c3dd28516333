package api

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

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

// Import timing. An upload of MaxImport bytes on a slow line outlasts the
// server's read timeout, so an import's body has its own: up to
// ImportTimeout in all, as long as no pause is longer than ImportIdle.
const ImportTimeout = 15 * time.Minute

// ImportIdle is the longest pause of an import's body (tests shorten it).
var ImportIdle = time.Minute

// ImportBody gives the request's body the import's own deadlines; call it
// before reading the body. The answer may be written until a few minutes
// after the upload's end, for the records to be stored.
func ImportBody(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	now := time.Now()
	b := &importBody{ReadCloser: r.Body, rc: rc, end: now.Add(ImportTimeout)}
	rc.SetWriteDeadline(b.end.Add(10 * time.Minute))
	b.extend(now)
	r.Body = b
}

// importBody pushes the read deadline on while bytes keep arriving.
type importBody struct {
	io.ReadCloser
	rc        *http.ResponseController
	end, next time.Time
}

func (b *importBody) extend(now time.Time) {
	d := now.Add(ImportIdle)
	if d.After(b.end) {
		d = b.end
	}
	b.rc.SetReadDeadline(d)
	b.next = now.Add(ImportIdle / 10)
}

func (b *importBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 {
		if now := time.Now(); now.After(b.next) {
			b.extend(now)
		}
	}
	return n, err
}

// ImportInto checks a document and merges it into the family, all or
// nothing: the file is read and checked record by record into a spool
// (export.ReadSpool), then stored in batches (store.ImportFrom). At most
// one import runs per family (store.ErrImportRunning) and
// store.MaxImportsRunning per server (store.ErrImportsBusy); both are
// refused before the body is read. The error is a *export.Problem, an
// *export.ReadError, a *store.ImportError, one of those two, or another
// error.
func (h *Handler) ImportInto(r *http.Request, familyID string, body io.Reader) (store.ImportResult, error) {
	lock, err := h.Store.LockImport(r.Context(), familyID)
	if err != nil {
		return store.ImportResult{}, err
	}
	defer lock.Unlock()
	return h.importLocked(r, lock, body)
}

func (h *Handler) importLocked(r *http.Request, lock *store.ImportLock, body io.Reader) (store.ImportResult, error) {
	// A problem anywhere in the file is found before anything is stored.
	sp, err := export.ReadSpool(body, h.Checks(), "")
	if err != nil {
		return store.ImportResult{}, err
	}
	defer sp.Close()
	return h.Store.ImportFrom(r.Context(), lock, sp.Family, sp, false, nil)
}

// ImportStatus is the HTTP status of an import's failure (0 when it is
// the server's own): 409 while another import of the family runs, 503
// when the server runs too many, 413 over the size limit, 408 or 400 when
// the file stopped arriving, 422 for a file with a problem. busy tells
// the caller to send Retry-After.
func ImportStatus(err error) (status int, busy bool) {
	var prob *export.Problem
	var re *export.ReadError
	var ie *store.ImportError
	var ne net.Error
	switch {
	case errors.Is(err, store.ErrImportRunning):
		return http.StatusConflict, false
	case errors.Is(err, store.ErrImportsBusy):
		return http.StatusServiceUnavailable, true
	case IsTooLarge(err):
		return http.StatusRequestEntityTooLarge, false
	case errors.As(err, &re) && errors.As(err, &ne) && ne.Timeout():
		return http.StatusRequestTimeout, false
	case errors.As(err, &re):
		return http.StatusBadRequest, false
	case errors.As(err, &prob), errors.As(err, &ie):
		return http.StatusUnprocessableEntity, false
	}
	return 0, false
}

// ImportMessage says what went wrong with an import, in the user's words.
func (h *Handler) ImportMessage(r *http.Request, f domain.Family, err error) (string, bool) {
	p := h.printer(r)
	var prob *export.Problem
	var ie *store.ImportError
	var o *domain.Overlap
	var re *export.ReadError
	var ne net.Error
	switch {
	case errors.Is(err, store.ErrImportRunning):
		return p.T("export.error.running"), true
	case errors.Is(err, store.ErrImportsBusy):
		return p.T("export.error.busy"), true
	case IsTooLarge(err):
		return p.T("api.too_large"), true
	case errors.As(err, &re) && errors.As(err, &ne) && ne.Timeout():
		return p.T("export.error.stalled"), true
	case errors.As(err, &re):
		return p.T("export.error.cut"), true
	case errors.As(err, &prob):
		return p.T("export.error.at", "Where", prob.Where, "What", p.T(prob.What)), true
	case errors.As(err, &o) && errors.As(err, &ie):
		return p.T("export.error.at", "Where", ie.Record, "What", OverlapText(p, f, o, h.Now())), true
	case errors.As(err, &ie) && errors.Is(err, store.ErrConflict):
		return p.T("export.error.at", "Where", ie.Record, "What", p.T("api.id_taken")), true
	case errors.As(err, &ie) && errors.Is(err, store.ErrNotFound):
		return p.T("export.error.at", "Where", ie.Record, "What", p.T("export.error.unknown_baby")), true
	}
	return "", false
}

func (h *Handler) importFamily(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	ImportBody(w, r)
	res, err := h.ImportInto(r, id.Family.ID, r.Body)
	if err != nil {
		status, busy := ImportStatus(err)
		msg, ok := h.ImportMessage(r, id.Family, err)
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

// IsTooLarge reports whether err came from reading past a body limit.
func IsTooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe) || strings.Contains(fmt.Sprint(err), "http: request body too large")
}
