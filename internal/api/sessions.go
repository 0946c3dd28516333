package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/google/uuid"

	"nurture/internal/domain"
	"nurture/internal/store"
	"nurture/internal/wire"
)

type stepJSON = wire.Step

// sessionJSON is the API's shape of a session (package wire).
type sessionJSON = wire.Session

func rfc3339(t time.Time) string { return wire.Time(t) }

func toSessionJSON(s domain.Session) sessionJSON { return wire.FromSession(s) }

// sessionBody is what a client sends for a session.
type sessionBody struct {
	ID                 string         `json:"id"`
	RoutineID          string         `json:"routine_id"`
	StartedAt          string         `json:"started_at"`
	EndedAt            string         `json:"ended_at"`
	CaregiverID        string         `json:"caregiver_id"`
	Outcome            domain.Outcome `json:"outcome"`
	Steps              []stepJSON     `json:"steps"`
	ParentCalmBefore   *int           `json:"parent_calm_before"`
	ParentCalmAfter    *int           `json:"parent_calm_after"`
	FellAsleepAfterMin *int           `json:"fell_asleep_after_min"`
	Notes              string         `json:"notes"`
	// UpdatedAt is when the client made this version; see clientTime.
	UpdatedAt string `json:"updated_at"`
	// ReadinessCheckID names the readiness check the session followed.
	ReadinessCheckID string `json:"readiness_check_id"`
}

// parseTime reads an RFC 3339 time into *t, noting a problem in fe.
func parseTime(fe domain.FieldErrors, field, v string, t *time.Time) {
	if v == "" {
		return // the span check reports a missing time
	}
	p, err := time.Parse(time.RFC3339, v)
	if err != nil {
		fe.Add(field, "error.time")
		return
	}
	*t = p.UTC()
}

// session turns a body into a validated session of the baby.
func (h *Handler) session(r *http.Request, id domain.Identity, babyID string, b sessionBody) (domain.Session, domain.FieldErrors) {
	fe := domain.FieldErrors{}
	now := h.Now().UTC()
	s := domain.Session{ID: b.ID, FamilyID: id.Family.ID, BabyID: babyID, CaregiverID: b.CaregiverID, RoutineID: b.RoutineID,
		Outcome: b.Outcome, ParentCalmBefore: b.ParentCalmBefore, ParentCalmAfter: b.ParentCalmAfter,
		FellAsleepAfterMin: b.FellAsleepAfterMin, Notes: b.Notes, CreatedAt: now, UpdatedAt: now}
	if s.ID == "" {
		s.ID = uuid.NewString()
	} else if u, err := uuid.Parse(s.ID); err != nil {
		fe.Add("id", "error.uuid")
	} else {
		s.ID = u.String()
	}
	s.UpdatedAt = clientTime(fe, b.UpdatedAt, now)
	if b.ReadinessCheckID != "" {
		if u, err := uuid.Parse(b.ReadinessCheckID); err != nil {
			fe.Add("readiness_check_id", "error.uuid")
		} else {
			s.ReadinessCheckID = u.String()
		}
	}
	parseTime(fe, "started_at", b.StartedAt, &s.StartedAt)
	parseTime(fe, "ended_at", b.EndedAt, &s.EndedAt)
	for _, st := range b.Steps {
		s.Steps = append(s.Steps, domain.SessionStep{StrokeID: st.StrokeID, Response: st.Response})
	}
	knownStroke := func(id string) bool { _, ok := h.Library.Stroke(id); return ok }
	knownRoutine := func(id string) bool { _, ok := h.Library.Routine(id); return ok }
	for f, k := range s.Validate(now, knownStroke, knownRoutine) {
		fe.Add(f, k)
	}
	if s.CaregiverID == "" {
		s.CaregiverID = id.User.ID
	} else if ok, err := h.Store.IsMember(r.Context(), id.Family.ID, s.CaregiverID); err != nil || !ok {
		fe.Add("caregiver_id", "error.caregiver")
	}
	return s, fe
}

func (h *Handler) createSession(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	babyID := r.PathValue("id")
	if _, err := h.Store.Baby(r.Context(), id.Family.ID, babyID); err != nil {
		h.fail(w, r, err)
		return
	}
	var b sessionBody
	if !h.decode(w, r, &b) {
		return
	}
	s, fe := h.session(r, id, babyID, b)
	if !fe.OK() {
		h.invalid(w, r, fe)
		return
	}
	// A replay with other content is an update (latest edit wins).
	saved, s, err := h.Cases.RecordSession(r.Context(), s)
	if errors.Is(err, store.ErrConflict) {
		h.error(w, r, http.StatusConflict, "api.id_taken")
		return
	} else if errors.Is(err, store.ErrStale) {
		h.sessionConflict(w, r, id, babyID, s.ID)
		return
	} else if err != nil {
		h.fail(w, r, err)
		return
	}
	if saved == store.Created {
		// What was stored is s (the answer's times are to the second).
		writeJSON(w, http.StatusCreated, toSessionJSON(s))
		return
	}
	stored, err := h.Store.Session(r.Context(), id.Family.ID, babyID, s.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toSessionJSON(stored))
}

func (h *Handler) updateSession(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	babyID, sid := r.PathValue("id"), r.PathValue("sid")
	old, err := h.Store.Session(r.Context(), id.Family.ID, babyID, sid)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var b sessionBody
	if !h.decode(w, r, &b) {
		return
	}
	b.ID = sid
	s, fe := h.session(r, id, babyID, b)
	if !fe.OK() {
		h.invalid(w, r, fe)
		return
	}
	// The readiness answer that preceded a session is history: an edit
	// keeps it.
	s.CreatedAt, s.Readiness, s.ReadinessCheckID = old.CreatedAt, old.Readiness, old.ReadinessCheckID
	// See clientTime: the latest edit wins, checked and written at once.
	err = h.Cases.EditSession(r.Context(), s, b.UpdatedAt != "")
	if errors.Is(err, store.ErrStale) {
		h.sessionConflict(w, r, id, babyID, sid)
		return
	} else if err != nil {
		h.fail(w, r, err)
		return
	}
	stored, err := h.Store.Session(r.Context(), id.Family.ID, babyID, sid)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toSessionJSON(stored))
}

// sessionConflict answers 409 with the session as stored now.
func (h *Handler) sessionConflict(w http.ResponseWriter, r *http.Request, id domain.Identity, babyID, sid string) {
	stored, err := h.Store.Session(r.Context(), id.Family.ID, babyID, sid)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.conflict(w, r, toSessionJSON(stored))
}

func (h *Handler) deleteSession(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	if err := h.Cases.DeleteSession(r.Context(), id.Family.ID, r.PathValue("id"), r.PathValue("sid")); err != nil {
		h.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *Handler) getSession(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	s, err := h.Store.Session(r.Context(), id.Family.ID, r.PathValue("id"), r.PathValue("sid"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toSessionJSON(s))
}

// pageOf reads from, to, limit and cursor, and what is wrong with them.
func pageOf(r *http.Request) (store.Page, domain.FieldErrors) {
	q := r.URL.Query()
	fe := domain.FieldErrors{}
	var p store.Page
	parseTime(fe, "from", q.Get("from"), &p.From)
	parseTime(fe, "to", q.Get("to"), &p.To)
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > store.MaxLimit {
			fe.Add("limit", "error.limit")
		}
		p.Limit = n
	}
	p.Cursor = q.Get("cursor")
	return p, fe
}

type list[T any] struct {
	Items []T     `json:"items"`
	Next  *string `json:"next"`
}

func newList[T any](items []T, next string) list[T] {
	l := list[T]{Items: items}
	if l.Items == nil {
		l.Items = []T{}
	}
	if next != "" {
		l.Next = &next
	}
	return l
}

func (h *Handler) listSessions(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	listPage(h, w, r, id, func(babyID string, p store.Page) ([]domain.Session, string, error) {
		return h.Store.Sessions(r.Context(), id.Family.ID, babyID, p)
	}, toSessionJSON)
}

// listPage answers one page of a baby's records, newest first: the baby
// must be the family's, the page parameters valid and the cursor ours.
// The list reads only the family's rows, so a page with rows is the
// family's baby's: the baby is looked up (404) only when the page is
// empty or refused, which spares a query on every other read.
func listPage[T, J any](h *Handler, w http.ResponseWriter, r *http.Request, id domain.Identity,
	load func(babyID string, p store.Page) ([]T, string, error), toJSON func(T) J) {
	babyID := r.PathValue("id")
	notOurs := func() bool {
		if _, err := h.Store.Baby(r.Context(), id.Family.ID, babyID); err != nil {
			h.fail(w, r, err)
			return true
		}
		return false
	}
	p, fe := pageOf(r)
	if !fe.OK() {
		if !notOurs() {
			h.invalid(w, r, fe)
		}
		return
	}
	list, next, err := load(babyID, p)
	if (err != nil || len(list) == 0) && notOurs() {
		return
	}
	if errors.Is(err, store.ErrCursor) {
		h.invalid(w, r, domain.FieldErrors{"cursor": "error.cursor"})
		return
	} else if err != nil {
		h.fail(w, r, err)
		return
	}
	items := make([]J, len(list))
	for i, x := range list {
		items[i] = toJSON(x)
	}
	writeList(w, items, next)
}

// writeList answers 200 with a page of items and the next cursor: entries
// through wire.Entry.AppendJSON (the same bytes as encoding/json, without
// reflection), anything else through writeJSON.
func writeList[J any](w http.ResponseWriter, items []J, next string) {
	entries, ok := any(items).([]entryJSON)
	if !ok || len(entries) == 0 {
		writeJSON(w, http.StatusOK, newList(items, next))
		return
	}
	buf := listBufs.Get().(*[]byte)
	defer listBufs.Put(buf)
	b := append((*buf)[:0], `{"items":[`...)
	for i := range entries {
		if i > 0 {
			b = append(b, ',')
		}
		b = entries[i].AppendJSON(b)
	}
	b = append(b, `],"next":`...)
	if next == "" {
		b = append(b, "null"...)
	} else {
		c, _ := json.Marshal(next) // a cursor: short
		b = append(b, c...)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	b = append(b, "}\n"...)
	w.Write(b)
	if cap(b) <= 256<<10 {
		*buf = b
	}
}

// listBufs are writeList's buffers, reused (a page of 100 entries is
// about 40 KB).
var listBufs = sync.Pool{New: func() any { b := make([]byte, 0, 64<<10); return &b }}
