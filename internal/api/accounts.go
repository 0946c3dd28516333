package api

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"nurture/internal/auth"
	"nurture/internal/domain"
	"nurture/internal/store"
)

type userJSON struct {
	ID    string `json:"id"`
	Email string `json:"email"`
	Name  string `json:"name"`
}

type familyRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

func (h *Handler) signup(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Email      string `json:"email"`
		Password   string `json:"password"`
		Name       string `json:"name"`
		FamilyName string `json:"family_name"`
		Timezone   string `json:"timezone"`
		Locale     string `json:"locale"`
		InviteCode string `json:"invite_code"`
		Relation   string `json:"relation"`
		// UrgentNumber is the family's local urgent medical number.
		UrgentNumber string `json:"urgent_number"`
	}
	if !h.decode(w, r, &in) {
		return
	}
	su := domain.Signup{Email: in.Email, Password: in.Password, Name: in.Name, FamilyName: in.FamilyName,
		Timezone: in.Timezone, Locale: in.Locale, InviteCode: in.InviteCode, Relation: domain.Relation(in.Relation),
		UrgentNumber: in.UrgentNumber}
	if fe := su.Validate(h.Catalog.Locales()); !fe.OK() {
		h.invalid(w, r, fe)
		return
	}
	id, secret, err := h.Accounts.Signup(r.Context(), su, auth.KindAPI, h.Accounts.ClientAddr(r))
	if key, retry, ok := auth.Refusal(err); ok {
		w.Header().Set("Retry-After", strconv.Itoa(retry))
		h.error(w, r, http.StatusTooManyRequests, key)
		return
	}
	switch {
	case errors.Is(err, auth.ErrEmailTaken):
		h.error(w, r, http.StatusConflict, "error.email_taken")
		return
	case errors.Is(err, store.ErrInvite):
		h.invalid(w, r, domain.FieldErrors{"invite_code": "join.invalid"})
		return
	case err != nil:
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{
		"token":  secret,
		"user":   userJSON{id.User.ID, id.User.Email, id.User.Name},
		"family": familyRef{id.Family.ID, id.Family.Name},
	})
}

func (h *Handler) login(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}
	if !h.decode(w, r, &in) {
		return
	}
	secret, err := h.Accounts.Login(r.Context(), in.Email, in.Password, h.Accounts.ClientAddr(r), auth.KindAPI, "API login")
	key, retry, refused := auth.Refusal(err)
	switch {
	case errors.Is(err, auth.ErrCredentials):
		h.error(w, r, http.StatusUnauthorized, "login.wrong")
	case refused:
		w.Header().Set("Retry-After", strconv.Itoa(retry))
		h.error(w, r, http.StatusTooManyRequests, key)
	case err != nil:
		h.fail(w, r, err)
	default:
		writeJSON(w, http.StatusOK, map[string]string{"token": secret})
	}
}

type familyJSON struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Timezone string `json:"timezone"`
}

func (h *Handler) me(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	writeJSON(w, http.StatusOK, map[string]any{
		"user":   userJSON{id.User.ID, id.User.Email, id.User.Name},
		"family": familyJSON{id.Family.ID, id.Family.Name, id.Family.Timezone},
		"role":   id.Role,
	})
}

type memberJSON struct {
	UserID   string          `json:"user_id"`
	Name     string          `json:"name"`
	Role     domain.Role     `json:"role"`
	Relation domain.Relation `json:"relation"`
}

func (h *Handler) family(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	ms, err := h.Store.Members(r.Context(), id.Family.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := make([]memberJSON, len(ms))
	for i, m := range ms {
		out[i] = memberJSON{m.UserID, m.Name, m.Role, m.Relation}
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": id.Family.ID, "name": id.Family.Name, "timezone": id.Family.Timezone, "members": out})
}

func (h *Handler) createInvite(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	var in struct {
		Role     domain.Role     `json:"role"`
		Relation domain.Relation `json:"relation"`
	}
	if !h.decode(w, r, &in) {
		return
	}
	fe := domain.FieldErrors{}
	if !in.Role.Valid() {
		fe.Add("role", "error.choice")
	}
	if !in.Relation.Valid() {
		fe.Add("relation", "error.choice")
	}
	if !fe.OK() {
		h.invalid(w, r, fe)
		return
	}
	code, exp, err := h.Accounts.Invite(r.Context(), id, in.Role, in.Relation)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"code": code, "url": h.Base.URL(r, "/join/"+code),
		"expires_at": exp.Format(time.RFC3339)})
}
