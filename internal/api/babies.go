package api

import (
	"net/http"
	"time"

	"github.com/google/uuid"

	"nurture/internal/domain"
)

type babyJSON struct {
	ID               string `json:"id"`
	Name             string `json:"name"`
	BirthDate        string `json:"birth_date"`
	GestationWeeks   int    `json:"gestation_weeks"`
	AgeDays          int    `json:"age_days"`
	CorrectedAgeDays int    `json:"corrected_age_days"`
	Archived         bool   `json:"archived"`
}

func (h *Handler) babyJSON(b domain.Baby, f domain.Family) babyJSON {
	loc, now := f.Location(), h.Now()
	return babyJSON{ID: b.ID, Name: b.Name, BirthDate: b.BirthDate, GestationWeeks: b.GestationWeeks,
		AgeDays: b.AgeDays(now, loc), CorrectedAgeDays: b.CorrectedAgeDays(now, loc), Archived: b.ArchivedAt != nil}
}

func (h *Handler) createBaby(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	var in struct {
		Name           string `json:"name"`
		BirthDate      string `json:"birth_date"`
		GestationWeeks *int   `json:"gestation_weeks"`
	}
	if !h.decode(w, r, &in) {
		return
	}
	bi := domain.BabyInput{Name: in.Name, BirthDate: in.BirthDate, GestationWeeks: 40}
	if in.GestationWeeks != nil {
		bi.GestationWeeks = *in.GestationWeeks
		if bi.GestationWeeks == 0 {
			bi.GestationWeeks = -1 // an explicit 0 is out of range, not "default"
		}
	}
	if fe := bi.Validate(h.Now().In(id.Family.Location()).Format(time.DateOnly)); !fe.OK() {
		h.invalid(w, r, fe)
		return
	}
	b := domain.Baby{ID: uuid.NewString(), FamilyID: id.Family.ID, Name: bi.Name, BirthDate: bi.BirthDate,
		GestationWeeks: bi.GestationWeeks, CreatedAt: h.Now().UTC()}
	if err := h.Store.CreateBaby(r.Context(), b); err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, h.babyJSON(b, id.Family))
}

func (h *Handler) listBabies(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	bs, err := h.Store.Babies(r.Context(), id.Family.ID, r.URL.Query().Get("archived") == "true")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	items := make([]babyJSON, len(bs))
	for i, b := range bs {
		items[i] = h.babyJSON(b, id.Family)
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "next": nil})
}

func (h *Handler) getBaby(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	b, err := h.Store.Baby(r.Context(), id.Family.ID, r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, h.babyJSON(b, id.Family))
}
