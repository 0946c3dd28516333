package api

import (
	"net/http"
	"time"

	"nurture/internal/domain"
	"nurture/internal/route"
	"nurture/internal/share"
	"nurture/internal/store"
)

// shareRoutes registers the links for the care team: owners make and
// revoke them; every member sees them and when they were opened.
func (h *Handler) shareRoutes(mux *route.Mux) {
	mux.HandleFunc("POST /api/v1/babies/{id}/shares", h.owner(h.createShare))
	mux.HandleFunc("GET /api/v1/babies/{id}/shares", h.member(h.listShares))
	mux.HandleFunc("DELETE /api/v1/babies/{id}/shares/{sid}", h.owner(h.revokeShare))
}

type shareIn struct {
	Shows []string `json:"shows"`
	// Days and Hours take their defaults when absent; 0 is refused.
	Days  *int   `json:"days"`
	From  string `json:"from"`
	To    string `json:"to"`
	Lang  string `json:"lang"`
	Hours *int   `json:"hours"`
}

// orBad is a number given, or -1 (refused) for an explicit 0, or 0 (the
// default) when absent.
func orBad(n *int) int {
	switch {
	case n == nil:
		return 0
	case *n == 0:
		return -1
	}
	return *n
}

type openingJSON struct {
	At     string `json:"at"`
	Client string `json:"client"`
}

type shareJSON struct {
	ID        string        `json:"id"`
	URL       string        `json:"url,omitempty"`
	Shows     []string      `json:"shows"`
	From      string        `json:"from"`
	To        string        `json:"to"`
	Lang      string        `json:"lang"`
	CreatedBy string        `json:"created_by"`
	CreatedAt string        `json:"created_at"`
	ExpiresAt string        `json:"expires_at"`
	RevokedAt *string       `json:"revoked_at"`
	Live      bool          `json:"live"`
	Openings  int           `json:"openings"`
	Opened    []openingJSON `json:"opened"`
}

func (h *Handler) shareOut(x store.Share) shareJSON {
	out := shareJSON{ID: x.ID, Shows: x.Shows, From: x.From, To: x.To, Lang: x.Lang, CreatedBy: x.CreatedBy,
		CreatedAt: x.CreatedAt.UTC().Format(time.RFC3339Nano), ExpiresAt: x.ExpiresAt.UTC().Format(time.RFC3339Nano),
		Live: x.Live(h.Now()), Openings: x.Openings, Opened: []openingJSON{}}
	if x.RevokedAt != nil {
		s := x.RevokedAt.UTC().Format(time.RFC3339Nano)
		out.RevokedAt = &s
	}
	for _, o := range x.Opened {
		out.Opened = append(out.Opened, openingJSON{o.At.UTC().Format(time.RFC3339Nano), o.Client})
	}
	return out
}

// createShare makes a link; its URL, with the secret, is answered once.
func (h *Handler) createShare(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	b, err := h.Store.Baby(r.Context(), id.Family.ID, r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var in shareIn
	if !h.decode(w, r, &in) {
		return
	}
	req := share.Request{Shows: in.Shows, Days: orBad(in.Days), From: in.From, To: in.To, Lang: in.Lang, Hours: orBad(in.Hours)}
	if req.Lang == "" {
		req.Lang = h.printer(r).Lang
	}
	p, fe := req.Check(h.Now(), id.Family.Location(), h.Catalog.Locales())
	if !fe.OK() {
		h.invalid(w, r, fe)
		return
	}
	x, secret, err := h.Cases.CreateShare(r.Context(), id, b.ID, p)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := h.shareOut(x)
	out.URL = h.Base.URL(r, "/s/"+secret)
	writeJSON(w, http.StatusCreated, out)
}

func (h *Handler) listShares(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	list, err := h.Cases.Shares(r.Context(), id.Family, r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	items := make([]shareJSON, 0, len(list))
	for _, x := range list {
		items = append(items, h.shareOut(x))
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

func (h *Handler) revokeShare(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	if err := h.Cases.RevokeShare(r.Context(), id.Family, r.PathValue("id"), r.PathValue("sid")); err != nil {
		h.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
