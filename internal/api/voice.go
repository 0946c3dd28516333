package api

import (
	"bytes"
	"errors"
	"net/http"
	"strings"
	"time"

	"nurture/internal/app"
	"nurture/internal/domain"
	"nurture/internal/route"
	"nurture/internal/store"
	"nurture/internal/voice"
)

// voiceRoutes registers the family's recorded prompts.
func (h *Handler) voiceRoutes(mux *route.Mux) {
	mux.HandleFunc("GET /api/v1/voice", h.member(h.listVoice))
	mux.HandleFunc("POST /api/v1/voice/choose", h.writer(h.chooseVoice))
	mux.HandleFunc("GET /api/v1/voice/{key}", h.member(h.getVoice))
	mux.HandleFunc("PUT /api/v1/voice/{key}", h.writer(h.putVoice))
	mux.HandleFunc("DELETE /api/v1/voice/{key}", h.writer(h.deleteVoice))
}

type recordingJSON struct {
	Key         string `json:"key"`
	CaregiverID string `json:"caregiver_id"`
	ContentType string `json:"content_type"`
	Bytes       int    `json:"bytes"`
	SHA256      string `json:"sha256"`
	RecordedAt  string `json:"recorded_at"`
	Chosen      bool   `json:"chosen"`
	InUse       bool   `json:"in_use"`
	URL         string `json:"url"`
}

func (h *Handler) recordingOut(r store.Recording) recordingJSON {
	return recordingJSON{Key: r.Key, CaregiverID: r.UserID, ContentType: r.ContentType, Bytes: r.Bytes, SHA256: r.SHA256,
		RecordedAt: r.RecordedAt.UTC().Format(time.RFC3339Nano), Chosen: r.Chosen, InUse: r.InUse, URL: h.Base.Path(voice.URL(r.Key, r.SHA256, r.UserID))}
}

func (h *Handler) listVoice(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	list, err := h.Store.Recordings(r.Context(), id.Family.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var used int64
	items := make([]recordingJSON, 0, len(list))
	for _, rec := range list {
		items = append(items, h.recordingOut(rec))
		used += int64(rec.Bytes)
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "bytes_used": used,
		"bytes_max": voice.MaxFamilyBytes, "recording_bytes_max": voice.MaxBytes})
}

// voiceError answers the voice use cases' typed errors.
func (h *Handler) voiceError(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, app.ErrUnknownKey):
		h.invalid(w, r, domain.FieldErrors{"key": "voice.error.key"})
	case errors.Is(err, app.ErrAudioType):
		h.error(w, r, http.StatusUnsupportedMediaType, "voice.error.type")
	case errors.Is(err, app.ErrNotAudio):
		h.invalid(w, r, domain.FieldErrors{"audio": "voice.error.not_audio"})
	case errors.Is(err, app.ErrRecordingTooLarge) || route.TooLarge(err):
		h.error(w, r, http.StatusRequestEntityTooLarge, "voice.error.too_large", "MiB", voice.MaxBytes>>20)
	case errors.Is(err, app.ErrUploadsBusy):
		w.Header().Set("Retry-After", "5")
		h.error(w, r, http.StatusServiceUnavailable, "voice.error.busy")
	case errors.Is(err, store.ErrVoiceFull):
		h.error(w, r, http.StatusRequestEntityTooLarge, "voice.error.full", "MiB", voice.MaxFamilyBytes>>20)
	case errors.Is(err, app.ErrNotMember):
		h.invalid(w, r, domain.FieldErrors{"caregiver_id": "api.not_member"})
	case errors.Is(err, app.ErrNotYours):
		h.error(w, r, http.StatusForbidden, "api.forbidden")
	default:
		h.fail(w, r, err)
	}
}

// getVoice serves a recording: the one the player plays, or a member's
// (?caregiver=). With ?v= naming its content hash it may be cached for
// good (another hash is 404); otherwise the browser asks again with its
// ETag. Ranges are served
// (Safari plays audio only through them).
func (h *Handler) getVoice(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	key := r.PathValue("key")
	if !h.Cases.KnownVoiceKey(key) {
		h.voiceError(w, r, app.ErrUnknownKey)
		return
	}
	rec, err := h.Store.Recording(r.Context(), id.Family.ID, key, r.URL.Query().Get("caregiver"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// A URL naming another hash is an older recording: gone, so a cache
	// never keeps this one under that name.
	v := r.URL.Query().Get("v")
	if v != "" && !strings.HasPrefix(rec.SHA256, v) {
		h.error(w, r, http.StatusNotFound, "api.not_found")
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", rec.ContentType)
	hd.Set("ETag", `"`+rec.SHA256+`"`)
	// A family's recording is never a page: nothing in it may run.
	hd.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	if v != "" {
		hd.Set("Cache-Control", "private, max-age=31536000, immutable")
	} else {
		hd.Set("Cache-Control", "private, no-cache")
	}
	http.ServeContent(w, r, "", rec.RecordedAt, bytes.NewReader(rec.Audio))
}

// putVoice stores the caller's recording of a key from the raw body.
func (h *Handler) putVoice(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	if r.ContentLength > voice.MaxBytes {
		h.voiceError(w, r, app.ErrRecordingTooLarge)
		return
	}
	rec, err := h.Cases.RecordVoice(r.Context(), id, r.PathValue("key"), r.Header.Get("Content-Type"), r.Body)
	if err != nil {
		h.voiceError(w, r, err)
		return
	}
	w.Header().Set("Location", voice.URL(rec.Key, rec.SHA256, rec.UserID))
	writeJSON(w, http.StatusOK, h.recordingOut(rec))
}

// deleteVoice deletes the caller's recording of a key, or as an owner a
// member's (?caregiver=).
func (h *Handler) deleteVoice(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	if err := h.Cases.DeleteVoice(r.Context(), id, r.PathValue("key"), r.URL.Query().Get("caregiver")); err != nil {
		h.voiceError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type voiceChoice struct {
	CaregiverID string `json:"caregiver_id"`
	Key         string `json:"key"`
}

// chooseVoice makes a member's recordings the ones played: of one key, or
// of every key they recorded.
func (h *Handler) chooseVoice(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	var in voiceChoice
	if !h.decode(w, r, &in) {
		return
	}
	if in.CaregiverID == "" {
		h.invalid(w, r, domain.FieldErrors{"caregiver_id": "error.required"})
		return
	}
	n, err := h.Cases.ChooseVoice(r.Context(), id.Family, in.CaregiverID, in.Key)
	if err != nil {
		h.voiceError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]int{"changed": n})
}
