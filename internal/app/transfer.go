package app

import (
	"context"
	"errors"
	"io"
	"time"

	"nurture/internal/domain"
	"nurture/internal/export"
	"nurture/internal/i18n"
	"nurture/internal/store"
)

// MaxImport is the largest export file accepted for import; far above the
// usual body limit, since years of entries make a large file.
const MaxImport = 64 << 20

// Checks are what an imported document is checked against.
func (c *Cases) Checks() export.Checks {
	return export.Checks{
		KnownStroke:   func(id string) bool { _, ok := c.Library.Stroke(id); return ok },
		KnownRoutine:  func(id string) bool { _, ok := c.Library.Routine(id); return ok },
		KnownVoiceKey: c.KnownVoiceKey,
		Locales:       c.Locales,
		Now:           c.Now(),
	}
}

// Import checks a document and merges it into the family, all or
// nothing: the file is read and checked record by record into a spool
// (export.ReadSpool), then stored in batches (store.ImportFrom). At most
// one import runs per family (store.ErrImportRunning) and
// store.MaxImportsRunning per server (store.ErrImportsBusy); both are
// refused before the body is read. ImportFaultOf sorts its errors.
func (c *Cases) Import(ctx context.Context, familyID string, body io.Reader) (_ store.ImportResult, err error) {
	defer func() { c.observeImport(err) }()
	lock, err := c.Store.LockImport(ctx, familyID)
	if err != nil {
		return store.ImportResult{}, err
	}
	defer lock.Unlock()
	// A problem anywhere in the file is found before anything is stored.
	sp, err := export.ReadSpool(body, c.Checks(), "")
	if err != nil {
		return store.ImportResult{}, err
	}
	defer sp.Close()
	return c.Store.ImportFrom(ctx, lock, sp.Family, sp, false, nil)
}

// ImportFault is what kind of failure an import met; each door turns it
// into its own answer (a status, a page).
type ImportFault int

// The kinds of import failure.
const (
	ImportInternal ImportFault = iota // the server's own: logged, not explained
	ImportRunning                     // another import of the family runs
	ImportBusy                        // the server runs as many as it can
	ImportStalled                     // the file stopped arriving
	ImportCut                         // the file ended or broke off early
	ImportInvalid                     // a record has a problem
)

// ImportFaultOf sorts an error of Import.
func ImportFaultOf(err error) ImportFault {
	var prob *export.Problem
	var re *export.ReadError
	var ie *store.ImportError
	var to interface{ Timeout() bool }
	switch {
	case errors.Is(err, store.ErrImportRunning):
		return ImportRunning
	case errors.Is(err, store.ErrImportsBusy):
		return ImportBusy
	case errors.As(err, &re) && errors.As(err, &to) && to.Timeout():
		return ImportStalled
	case errors.As(err, &re):
		return ImportCut
	case errors.As(err, &prob), errors.As(err, &ie):
		return ImportInvalid
	}
	return ImportInternal
}

// ImportText says what went wrong with an import in p's language, and
// where in the file; ok is false for the server's own errors.
func ImportText(p *i18n.Printer, f domain.Family, err error, now time.Time) (msg string, ok bool) {
	var prob *export.Problem
	var ie *store.ImportError
	var o *domain.Overlap
	switch ImportFaultOf(err) {
	case ImportRunning:
		return p.T("export.error.running"), true
	case ImportBusy:
		return p.T("export.error.busy"), true
	case ImportStalled:
		return p.T("export.error.stalled"), true
	case ImportCut:
		return p.T("export.error.cut"), true
	}
	switch {
	case errors.As(err, &prob):
		return p.T("export.error.at", "Where", prob.Where, "What", p.T(prob.What)), true
	case errors.As(err, &o) && errors.As(err, &ie):
		return p.T("export.error.at", "Where", ie.Record, "What", OverlapText(p, f, o, now)), true
	case errors.As(err, &ie) && errors.Is(err, store.ErrConflict):
		return p.T("export.error.at", "Where", ie.Record, "What", p.T("api.id_taken")), true
	case errors.As(err, &ie) && errors.Is(err, store.ErrVoiceFull):
		return p.T("export.error.at", "Where", ie.Record, "What", p.T("export.error.voice_full")), true
	case errors.As(err, &ie) && errors.Is(err, store.ErrNotFound):
		return p.T("export.error.at", "Where", ie.Record, "What", p.T("export.error.unknown_baby")), true
	}
	return "", false
}

// OverlapText describes an overlap for people: which entry, from when to
// when in the family's time zone, as the reader writes moments
// ("yesterday, 14:05").
func OverlapText(p *i18n.Printer, f domain.Family, o *domain.Overlap, now time.Time) string {
	loc := f.Location()
	what := p.T("log." + string(o.Entry.Type))
	if o.Entry.Type == domain.TouchLog {
		what = p.T("touch." + o.Entry.Kind)
	}
	from := p.When(o.Entry.StartedAt.In(loc), now.In(loc))
	if o.Entry.EndedAt == nil {
		return p.T("error.overlap_running", "What", what, "From", from)
	}
	return p.T("error.overlap", "What", what, "From", from, "To", p.Clock(o.Entry.EndedAt.In(loc)))
}
