package api

import (
	"errors"
	"net/http"

	"nurture/internal/domain"
	"nurture/internal/route"
	"nurture/internal/store"
)

func (h *Handler) deleteRoutes(mux *route.Mux) {
	mux.HandleFunc("DELETE /api/v1/babies/{id}", h.owner(h.deleteBaby))
	mux.HandleFunc("DELETE /api/v1/family/members/{user}", h.member(h.removeMember))
	mux.HandleFunc("PUT /api/v1/family/members/{user}", h.owner(h.setRole))
	mux.HandleFunc("DELETE /api/v1/family", h.owner(h.deleteFamily))
	mux.HandleFunc("DELETE /api/v1/me", h.member(h.deleteMe))
}

func (h *Handler) deleteBaby(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	if err := h.Store.DeleteBaby(r.Context(), id.Family.ID, r.PathValue("id")); err != nil {
		h.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// removeMember lets an owner remove anyone, and anyone remove themself
// (leave the family, which deletes their account).
func (h *Handler) removeMember(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	user := r.PathValue("user")
	if user != id.User.ID && id.Role != domain.Owner {
		h.error(w, r, http.StatusForbidden, "api.forbidden")
		return
	}
	h.removeUser(w, r, id, user)
}

func (h *Handler) deleteMe(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	h.removeUser(w, r, id, id.User.ID)
}

func (h *Handler) removeUser(w http.ResponseWriter, r *http.Request, id domain.Identity, user string) {
	err := h.Store.RemoveMember(r.Context(), id.Family.ID, id.User.ID, user)
	if errors.Is(err, store.ErrLastOwner) {
		h.error(w, r, http.StatusConflict, "data.last_owner")
		return
	} else if errors.Is(err, store.ErrNotOwner) {
		h.error(w, r, http.StatusForbidden, "api.forbidden")
		return
	} else if err != nil {
		h.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *Handler) setRole(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	// Another family's member is "not found" whatever the body says.
	if ok, err := h.Store.IsMember(r.Context(), id.Family.ID, r.PathValue("user")); err != nil || !ok {
		if err == nil {
			err = store.ErrNotFound
		}
		h.fail(w, r, err)
		return
	}
	var in struct {
		Role domain.Role `json:"role"`
	}
	if !h.decode(w, r, &in) {
		return
	}
	if !in.Role.Valid() {
		h.invalid(w, r, domain.FieldErrors{"role": "error.choice"})
		return
	}
	err := h.Store.SetRole(r.Context(), id.Family.ID, id.User.ID, r.PathValue("user"), in.Role)
	if errors.Is(err, store.ErrLastOwner) {
		h.error(w, r, http.StatusConflict, "data.last_owner")
		return
	} else if errors.Is(err, store.ErrNotOwner) {
		h.error(w, r, http.StatusForbidden, "api.forbidden")
		return
	} else if err != nil {
		h.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *Handler) deleteFamily(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	if err := h.Store.DeleteFamily(r.Context(), id.Family.ID); err != nil {
		h.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
