package web

// The family's own voice: record the words the session says, hear each
// member's take, choose whose voice plays.

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"nurture/internal/app"
	"nurture/internal/domain"
	"nurture/internal/route"
	"nurture/internal/store"
	"nurture/internal/voice"
)

func (s *Server) voiceRoutes(mux *route.Mux) {
	mux.HandleFunc("GET /family/voice", s.member(s.voicePage))
	mux.HandleFunc("POST /family/voice/choose", s.writer(s.voiceChoose))
	mux.HandleFunc("POST /family/voice/delete", s.writer(s.voiceDelete))
}

// MaxRecordSeconds is where the recorder stops by itself: a prompt is a
// sentence or two, and a minute of Opus stays far under voice.MaxBytes.
const MaxRecordSeconds = 30

type voiceTake struct {
	UserID, Name, URL string
	RecordedAt        time.Time
	InUse, Mine       bool
	// Member: the voice of someone in the family now (an imported take of
	// a former member can be heard, not chosen).
	Member bool
}

type voiceLineView struct {
	Key, Anchor, Words string
	Takes              []voiceTake
	Mine               bool // the reader recorded it
}

type voiceGroupView struct {
	ID, Title   string
	Lines       []voiceLineView
	Done, Total int
	Open        bool
}

// voiceWho is a member who recorded: how many prompts, how many play.
type voiceWho struct {
	UserID, Name   string
	Takes, Playing int
	Member         bool
}

type voiceData struct {
	Groups      []voiceGroupView
	Done, Total int
	UsedMiB     string
	MaxMiB      int
	Voices      []voiceWho
	MaxSeconds  int
	// DoneKey is the prompt just changed, and DoneSaid what happened to
	// it: said beside it, where the page comes back, not at the top.
	DoneKey, DoneSaid string
}

// anchor is a key as an element id ("part:legs" → "v-part-legs").
func anchor(key string) string { return "v-" + strings.ReplaceAll(key, ":", "-") }

func (s *Server) voicePage(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	ctx := r.Context()
	recs, err := s.Store.Recordings(ctx, id.Family.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	names, err := s.memberNames(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &voiceData{MaxMiB: voice.MaxFamilyBytes >> 20, MaxSeconds: MaxRecordSeconds}
	v := s.newView(r, "voice.title", d)
	byKey := map[string][]store.Recording{}
	var used int64
	who := map[string]*voiceWho{}
	var order []string
	for _, rec := range recs {
		byKey[rec.Key] = append(byKey[rec.Key], rec)
		used += int64(rec.Bytes)
		if who[rec.UserID] == nil {
			_, member := names.name[rec.UserID]
			who[rec.UserID] = &voiceWho{UserID: rec.UserID, Name: names.who(v, rec.UserID), Member: member}
			order = append(order, rec.UserID)
		}
		who[rec.UserID].Takes++
		if rec.InUse {
			who[rec.UserID].Playing++
		}
	}
	for _, u := range order {
		d.Voices = append(d.Voices, *who[u])
	}
	d.UsedMiB = strconv.FormatFloat(float64(used)/(1<<20), 'f', 1, 64)
	lang := s.sayLang(id.Family, v.Lang)
	for _, g := range s.cases.VoiceScript(s.Catalog.For(lang), lang) {
		gv := voiceGroupView{ID: g.ID, Total: len(g.Lines)}
		if k, ok := voiceGroupTitles[g.ID]; ok {
			gv.Title = v.T(k)
		} else {
			t, _ := s.Library.RoutineText(g.ID, v.Lang)
			gv.Title = t.Name
		}
		for _, l := range g.Lines {
			lv := voiceLineView{Key: l.Key, Anchor: anchor(l.Key), Words: l.Words}
			for _, rec := range byKey[l.Key] {
				mine := rec.UserID == id.User.ID
				lv.Mine = lv.Mine || mine
				_, member := names.name[rec.UserID]
				lv.Takes = append(lv.Takes, voiceTake{UserID: rec.UserID, Name: names.who(v, rec.UserID), URL: voice.URL(rec.Key, rec.SHA256, rec.UserID),
					RecordedAt: rec.RecordedAt, InUse: rec.InUse, Mine: mine, Member: member})
			}
			if len(lv.Takes) > 0 {
				gv.Done++
			}
			gv.Lines = append(gv.Lines, lv)
		}
		// The groups still to do stay open; finished ones fold away.
		gv.Open = gv.Done < gv.Total && (g.ID == "phrases" || g.ID == "parts" || gv.Done > 0)
		d.Done += gv.Done
		d.Total += gv.Total
		d.Groups = append(d.Groups, gv)
	}
	if !s.anyOpen(d.Groups) && len(d.Groups) > 0 {
		d.Groups[0].Open = true
	}
	if msg, ok := voiceFlashes[r.URL.Query().Get("done")]; ok {
		if k := r.URL.Query().Get("k"); s.cases.KnownVoiceKey(k) {
			d.DoneKey, d.DoneSaid = k, v.T(msg)
		} else {
			v.Flash = v.T(msg)
		}
	}
	s.render(w, r, http.StatusOK, "voice", v)
}

func (s *Server) anyOpen(gs []voiceGroupView) bool {
	for _, g := range gs {
		if g.Open {
			return true
		}
	}
	return false
}

var voiceGroupTitles = map[string]string{"phrases": "voice.group_phrases", "parts": "voice.group_parts"}

// voiceFlashes are the confirmations a return to the page may show.
var voiceFlashes = map[string]string{"saved": "voice.saved", "chosen": "voice.chosen", "deleted": "voice.deleted"}

// backToVoice returns to the page at the prompt just changed.
func backToVoice(w http.ResponseWriter, r *http.Request, done, key string) {
	u := "/family/voice?done=" + url.QueryEscape(done)
	if _, ok := voice.ParseKey(key); ok {
		u += "&k=" + url.QueryEscape(key) + "#" + anchor(key)
	}
	http.Redirect(w, r, u, http.StatusSeeOther)
}

func (s *Server) voiceProblem(w http.ResponseWriter, r *http.Request, err error) {
	v := s.newView(r, "voice.title", nil)
	switch {
	case errors.Is(err, app.ErrUnknownKey):
		v.Alert(v.T("voice.error.key"))
		s.renderPlain(w, r, http.StatusUnprocessableEntity, v)
	case errors.Is(err, app.ErrNotMember):
		v.Alert(v.T("api.not_member"))
		s.renderPlain(w, r, http.StatusUnprocessableEntity, v)
	case errors.Is(err, app.ErrNotYours):
		v.Alert(v.T("api.forbidden"))
		s.renderPlain(w, r, http.StatusForbidden, v)
	default:
		s.fail(w, r, err)
	}
}

// voiceChoose makes a member's take of one prompt (or, without a key, of
// every prompt they recorded) the one the player plays.
func (s *Server) voiceChoose(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	key := r.PostFormValue("key")
	if _, err := s.cases.ChooseVoice(r.Context(), id.Family, r.PostFormValue("caregiver"), key); err != nil {
		s.voiceProblem(w, r, err)
		return
	}
	backToVoice(w, r, "chosen", key)
}

// voiceDelete deletes the reader's take of a prompt, or as an owner a
// member's.
func (s *Server) voiceDelete(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	key := r.PostFormValue("key")
	if err := s.cases.DeleteVoice(r.Context(), id, key, r.PostFormValue("caregiver")); err != nil {
		s.voiceProblem(w, r, err)
		return
	}
	backToVoice(w, r, "deleted", key)
}

// voiceProgress counts the prompts of the script that have a recording.
func (s *Server) voiceProgress(r *http.Request, id domain.Identity) (done, total int, err error) {
	recs, err := s.Store.Recordings(r.Context(), id.Family.ID)
	if err != nil {
		return 0, 0, err
	}
	have := map[string]bool{}
	for _, rec := range recs {
		have[rec.Key] = true
	}
	lang := s.sayLang(id.Family, s.lang(r, id))
	for _, g := range s.cases.VoiceScript(s.Catalog.For(lang), lang) {
		for _, l := range g.Lines {
			total++
			if have[l.Key] {
				done++
			}
		}
	}
	return done, total, nil
}

// sayLang is the language the session speaks: the family's first, else
// the reader's (as buildPlan does).
func (s *Server) sayLang(f domain.Family, reader string) string {
	if len(f.Languages) == 0 {
		return s.Library.Locale(reader)
	}
	return s.Library.Locale(f.Languages[0])
}
