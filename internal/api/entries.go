package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/google/uuid"

	"nurture/internal/app"
	"nurture/internal/domain"
	"nurture/internal/route"
	"nurture/internal/store"
	"nurture/internal/wire"
)

// entryRoutes registers the touch, sleep and crying logs, which share one
// shape: a timed entry, finished or with its timer running.
func (h *Handler) entryRoutes(mux *route.Mux) {
	for _, t := range []domain.EntryType{domain.TouchLog, domain.SleepLog, domain.CryingLog} {
		base := "/api/v1/babies/{id}/" + string(t)
		mux.HandleFunc("POST "+base, h.writer(h.createEntry(t)))
		mux.HandleFunc("GET "+base, h.member(h.cached(h.listEntries(t))))
		mux.HandleFunc("GET "+base+"/{eid}", h.member(h.cached(h.getEntry(t))))
		mux.HandleFunc("PUT "+base+"/{eid}", h.writer(h.updateEntry(t)))
		mux.HandleFunc("DELETE "+base+"/{eid}", h.writer(h.deleteEntry(t)))
	}
	mux.HandleFunc("GET /api/v1/babies/{id}/timers", h.member(h.timers))
}

// The API's shape of an entry lives in package wire, shared with the
// webhooks' payloads.
type entryJSON = wire.Entry

func toEntryJSON(e domain.Entry) entryJSON { return wire.FromEntry(e) }

// entryBody is what a client sends; ended_at left out starts a timer.
type entryBody struct {
	ID           string   `json:"id"`
	Kind         *string  `json:"kind"`
	StartedAt    string   `json:"started_at"`
	EndedAt      *string  `json:"ended_at"`
	CaregiverID  string   `json:"caregiver_id"`
	Notes        string   `json:"notes"`
	Held         *bool    `json:"held"`
	NeedsChecked []string `json:"needs_checked"`
	SoothedBy    []string `json:"soothed_by"`
	ParentStress *int     `json:"parent_stress"`
	// UpdatedAt is when the client made this version (an offline edit is
	// sent later): a PUT older than the stored record loses, see conflict.
	UpdatedAt string `json:"updated_at"`
}

func (h *Handler) entry(r *http.Request, id domain.Identity, t domain.EntryType, babyID string, b entryBody) (domain.Entry, domain.FieldErrors) {
	fe := domain.FieldErrors{}
	now := h.Now().UTC()
	e := domain.Entry{Type: t, ID: b.ID, FamilyID: id.Family.ID, BabyID: babyID, CaregiverID: b.CaregiverID, Notes: b.Notes,
		NeedsChecked: b.NeedsChecked, SoothedBy: b.SoothedBy, ParentStress: b.ParentStress, CreatedAt: now, UpdatedAt: now}
	if e.ID == "" {
		e.ID = uuid.NewString()
	} else if u, err := uuid.Parse(e.ID); err != nil {
		fe.Add("id", "error.uuid")
	} else {
		e.ID = u.String()
	}
	// Fields of another log are refused rather than silently dropped.
	if b.Kind != nil {
		if t != domain.TouchLog {
			fe.Add("kind", "error.not_for_log")
		}
		e.Kind = *b.Kind
	}
	if t != domain.CryingLog && (b.Held != nil || b.NeedsChecked != nil || b.SoothedBy != nil || b.ParentStress != nil) {
		fe.Add("held", "error.not_for_log")
	}
	if b.Held != nil {
		e.Held = *b.Held
	}
	e.UpdatedAt = clientTime(fe, b.UpdatedAt, now)
	parseTime(fe, "started_at", b.StartedAt, &e.StartedAt)
	if b.EndedAt != nil {
		var end = e.StartedAt
		parseTime(fe, "ended_at", *b.EndedAt, &end)
		if *b.EndedAt == "" {
			fe.Add("ended_at", "error.time")
		}
		e.EndedAt = &end
	}
	if b.StartedAt == "" {
		fe.Add("started_at", "error.required")
	}
	for f, k := range e.Validate(now) {
		fe.Add(f, k)
	}
	if e.CaregiverID == "" {
		e.CaregiverID = id.User.ID
	} else if ok, err := h.Store.IsMember(r.Context(), id.Family.ID, e.CaregiverID); err != nil || !ok {
		fe.Add("caregiver_id", "error.caregiver")
	}
	return e, fe
}

// overlapMessage names the entry a new one overlaps, in the family's time.
func (h *Handler) overlapMessage(r *http.Request, id domain.Identity, o *domain.Overlap) domain.FieldErrors {
	return domain.FieldErrors{"started_at": app.OverlapText(h.printer(r), id.Family, o, h.Now())}
}

func (h *Handler) createEntry(t domain.EntryType) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, id domain.Identity) {
		babyID := r.PathValue("id")
		if _, err := h.Store.Baby(r.Context(), id.Family.ID, babyID); err != nil {
			h.fail(w, r, err)
			return
		}
		var b entryBody
		if !h.decode(w, r, &b) {
			return
		}
		e, fe := h.entry(r, id, t, babyID, b)
		if !fe.OK() {
			h.invalid(w, r, fe)
			return
		}
		// A replay with other content is an update (latest edit wins), so a
		// timer's stop merged offline into its start is never lost.
		saved, err := h.Cases.RecordEntry(r.Context(), e)
		var o *domain.Overlap
		switch {
		case errors.As(err, &o):
			h.invalidText(w, r, h.overlapMessage(r, id, o))
			return
		case errors.Is(err, store.ErrConflict):
			h.error(w, r, http.StatusConflict, "api.id_taken")
			return
		case errors.Is(err, store.ErrStale):
			h.conflictWithStored(w, r, t, id, babyID, e.ID)
			return
		case err != nil:
			h.fail(w, r, err)
			return
		}
		if saved == store.Created {
			// What was stored is e (the answer's times are to the second).
			writeJSON(w, http.StatusCreated, toEntryJSON(e))
			return
		}
		stored, err := h.Store.Entry(r.Context(), t, id.Family.ID, babyID, e.ID)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, toEntryJSON(stored))
	}
}

func (h *Handler) updateEntry(t domain.EntryType) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, id domain.Identity) {
		babyID, eid := r.PathValue("id"), r.PathValue("eid")
		old, err := h.Store.Entry(r.Context(), t, id.Family.ID, babyID, eid)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		var b entryBody
		if !h.decode(w, r, &b) {
			return
		}
		b.ID = eid
		if b.CaregiverID == "" {
			b.CaregiverID = old.CaregiverID // editing keeps who did it
		}
		e, fe := h.entry(r, id, t, babyID, b)
		if !fe.OK() {
			h.invalid(w, r, fe)
			return
		}
		e.CreatedAt = old.CreatedAt
		// Checked and written in one transaction: an edit stored meanwhile
		// by another device is never overwritten.
		err = h.Cases.EditEntry(r.Context(), e, b.UpdatedAt != "")
		var o *domain.Overlap
		if errors.As(err, &o) {
			h.invalidText(w, r, h.overlapMessage(r, id, o))
			return
		} else if errors.Is(err, store.ErrStale) {
			h.conflictWithStored(w, r, t, id, babyID, eid)
			return
		} else if err != nil {
			h.fail(w, r, err)
			return
		}
		stored, err := h.Store.Entry(r.Context(), t, id.Family.ID, babyID, eid)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, toEntryJSON(stored))
	}
}

// The conflict rule of edits made on two devices: the latest edit wins.
// A client sends updated_at, the time of its edit (made offline, perhaps,
// and sent later). When the stored record was updated after that, the
// stored record is kept and the answer is 409 with it as "current", so the
// client can tell the user that a newer edit from another device was kept.
// Otherwise the edit is stored with the client's time as its updated_at
// (never later than the server's clock), and the answer is 200. A replay of
// the same edit has the same time, so it is not older: 200 again. Without
// updated_at a PUT always wins, as before.

// clientTime reads the optional updated_at of a body, in milliseconds as
// stored; it is now when left out or later than now.
func clientTime(fe domain.FieldErrors, v string, now time.Time) time.Time {
	t := now
	parseTime(fe, "updated_at", v, &t)
	t = t.Truncate(time.Millisecond)
	if t.After(now) {
		return now
	}
	return t
}

// conflictBody is the 409 answer to an edit older than the stored record.
type conflictBody struct {
	Error   string `json:"error"`
	Current any    `json:"current"`
}

func (h *Handler) conflict(w http.ResponseWriter, r *http.Request, current any) {
	writeJSON(w, http.StatusConflict, conflictBody{Error: h.printer(r).T("api.newer_kept"), Current: current})
}

// conflictWithStored answers 409 with the entry as stored now.
func (h *Handler) conflictWithStored(w http.ResponseWriter, r *http.Request, t domain.EntryType, id domain.Identity, babyID, eid string) {
	stored, err := h.Store.Entry(r.Context(), t, id.Family.ID, babyID, eid)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.conflict(w, r, toEntryJSON(stored))
}

func (h *Handler) deleteEntry(t domain.EntryType) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, id domain.Identity) {
		if err := h.Cases.DeleteEntry(r.Context(), t, id.Family.ID, r.PathValue("id"), r.PathValue("eid")); err != nil {
			h.fail(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

func (h *Handler) getEntry(t domain.EntryType) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, id domain.Identity) {
		e, err := h.Store.Entry(r.Context(), t, id.Family.ID, r.PathValue("id"), r.PathValue("eid"))
		if err != nil {
			h.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, toEntryJSON(e))
	}
}

func (h *Handler) listEntries(t domain.EntryType) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, id domain.Identity) {
		listPage(h, w, r, id, func(babyID string, p store.Page) ([]domain.Entry, string, error) {
			return h.Store.Entries(r.Context(), t, id.Family.ID, babyID, p)
		}, toEntryJSON)
	}
}

// timers lists the baby's running timers of every log, so every
// caregiver's device shows the same ones.
func (h *Handler) timers(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	babyID := r.PathValue("id")
	if _, err := h.Store.Baby(r.Context(), id.Family.ID, babyID); err != nil {
		h.fail(w, r, err)
		return
	}
	list, err := h.Store.Running(r.Context(), id.Family.ID, babyID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	items := make([]entryJSON, len(list))
	for i, e := range list {
		items[i] = toEntryJSON(e)
	}
	writeJSON(w, http.StatusOK, newList(items, ""))
}
