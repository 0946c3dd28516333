package app

import (
	"context"
	"errors"
	"io"
	"slices"
	"time"

	"nurture/internal/content"
	"nurture/internal/domain"
	"nurture/internal/i18n"
	"nurture/internal/store"
	"nurture/internal/voice"
)

// Errors of the voice use cases.
var (
	ErrUnknownKey = errors.New("app: no prompt has this key")
	// ErrAudioType: the declared type is not one of voice.Types.
	ErrAudioType = errors.New("app: not an audio type a recording may have")
	// ErrNotAudio: the body does not begin as its declared type does.
	ErrNotAudio = errors.New("app: the body is not audio of its declared type")
	// ErrRecordingTooLarge: over voice.MaxBytes.
	ErrRecordingTooLarge = errors.New("app: the recording is too large")
	// ErrUploadsBusy: MaxUploadsRunning recordings are arriving already.
	ErrUploadsBusy = errors.New("app: too many recordings are arriving at once")
)

// MaxUploadsRunning is how many recordings one server reads at once: each
// holds up to voice.MaxBytes while it waits for the database, so a burst
// of uploads cannot take the memory of the server.
const MaxUploadsRunning = 4

var uploads = make(chan struct{}, MaxUploadsRunning)

// uploadWait is how long an upload waits for its turn (tests shorten it).
var uploadWait = 10 * time.Second

// KnownVoiceKey reports whether key names a prompt the session says: a
// body part it announces, a stroke of the library, or a player phrase.
func (c *Cases) KnownVoiceKey(key string) bool {
	return voice.Known(key, func(p string) bool {
		return p != content.BodyPartWholeBody && slices.Contains(c.Library.BodyParts(), p)
	}, func(id string) bool {
		_, ok := c.Library.Stroke(id)
		return ok
	})
}

// VoiceLine is one prompt a family may record, with the words the session
// says for it in the family's main language.
type VoiceLine struct {
	Key   string
	Words string
}

// VoiceGroup is a heading of the record page: the player's phrases, the
// body parts, then each routine's strokes not met in an earlier one.
type VoiceGroup struct {
	// ID is "phrases", "parts" or a routine's id.
	ID    string
	Lines []VoiceLine
}

// phraseText is the catalogue message of each player phrase.
var phraseText = map[string]string{
	"relax_wait": "session.spoken.relax_wait",
	"break":      "session.spoken.break",
	"thanks":     "session.spoken.thanks",
	"end":        "session.spoken.end",
}

// PhraseWords is what the player says for one of voice.Phrases.
func PhraseWords(say *i18n.Printer, phrase string) string { return say.T(phraseText[phrase]) }

// PartWords is what the session says when it reaches a body part.
func (c *Cases) PartWords(say *i18n.Printer, lang, part string) string {
	t, _ := c.Library.BodyPartText(part, lang)
	return say.T("session.spoken.now", "Part", t.Your)
}

// StrokeWords is what a family records for a stroke: its name and the
// line to say to the baby. The synthesised voice adds the first
// instruction for the parent, which a recording leaves to the screen.
func (c *Cases) StrokeWords(lang, strokeID string) string {
	t, _ := c.Library.StrokeText(strokeID, lang)
	return t.Name + ". " + t.Say
}

// VoiceScript lists every prompt the library's routines say, grouped for
// the record page, in the family's main language lang (say speaks it).
func (c *Cases) VoiceScript(say *i18n.Printer, lang string) []VoiceGroup {
	phrases := VoiceGroup{ID: "phrases"}
	for _, p := range voice.Phrases {
		phrases.Lines = append(phrases.Lines, VoiceLine{voice.Key{Kind: voice.KindPhrase, Name: p}.String(), PhraseWords(say, p)})
	}
	parts := VoiceGroup{ID: "parts"}
	for _, p := range c.Library.BodyParts() {
		if p != content.BodyPartWholeBody {
			parts.Lines = append(parts.Lines, VoiceLine{voice.Key{Kind: voice.KindPart, Name: p}.String(), c.PartWords(say, lang, p)})
		}
	}
	out := []VoiceGroup{phrases, parts}
	// The permission ritual is the start screen: the parent asks in their
	// own words, nothing is said for it.
	seen := map[string]bool{content.PermissionRitualID: true}
	for _, r := range c.Library.Routines() {
		g := VoiceGroup{ID: r.ID}
		for _, st := range r.Steps {
			if seen[st.StrokeID] {
				continue
			}
			seen[st.StrokeID] = true
			g.Lines = append(g.Lines, VoiceLine{voice.Key{Kind: voice.KindStroke, Name: st.StrokeID}.String(), c.StrokeWords(lang, st.StrokeID)})
		}
		if len(g.Lines) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// RecordVoice stores the caller's recording of key from body, declared as
// contentType (a Content-Type header). Errors: ErrUnknownKey,
// ErrAudioType, ErrUploadsBusy, ErrRecordingTooLarge, ErrNotAudio,
// store.ErrVoiceFull, store.ErrNotFound (no longer a member), or the
// body's own (a body over the server's limit, a slow client).
func (c *Cases) RecordVoice(ctx context.Context, id domain.Identity, key, contentType string, body io.Reader) (store.Recording, error) {
	if !c.KnownVoiceKey(key) {
		return store.Recording{}, ErrUnknownKey
	}
	typ, ok := voice.Type(contentType)
	if !ok {
		return store.Recording{}, ErrAudioType
	}
	// Wait a little for a turn: recordings are small and quick to store.
	wait := time.NewTimer(uploadWait)
	defer wait.Stop()
	select {
	case uploads <- struct{}{}:
		defer func() { <-uploads }()
	case <-wait.C:
		return store.Recording{}, ErrUploadsBusy
	case <-ctx.Done():
		return store.Recording{}, ctx.Err()
	}
	audio, err := io.ReadAll(io.LimitReader(body, voice.MaxBytes+1))
	switch {
	case err != nil:
		return store.Recording{}, err
	case len(audio) > voice.MaxBytes:
		return store.Recording{}, ErrRecordingTooLarge
	case !voice.Sniff(typ, audio):
		return store.Recording{}, ErrNotAudio
	}
	return c.Store.PutRecording(ctx, id.Family.ID, id.User.ID, key, typ, audio, c.Now())
}

// DeleteVoice deletes a member's recording of key: the caller's own, or
// as an owner anyone's (whose "" is the caller).
func (c *Cases) DeleteVoice(ctx context.Context, id domain.Identity, key, whose string) error {
	if !c.KnownVoiceKey(key) {
		return ErrUnknownKey
	}
	if whose == "" {
		whose = id.User.ID
	}
	if whose != id.User.ID && id.Role != domain.Owner {
		return ErrNotYours
	}
	return c.Store.DeleteRecording(ctx, id.Family.ID, key, whose)
}

// ChooseVoice makes a member's recordings the ones the player plays: of
// key, or with key "" of every prompt they recorded. Errors:
// ErrUnknownKey, ErrNotMember, store.ErrNotFound (nothing recorded).
func (c *Cases) ChooseVoice(ctx context.Context, f domain.Family, whose, key string) (int, error) {
	if key != "" && !c.KnownVoiceKey(key) {
		return 0, ErrUnknownKey
	}
	ms, err := c.Store.Members(ctx, f.ID)
	if err != nil {
		return 0, err
	}
	if !slices.ContainsFunc(ms, func(m domain.Member) bool { return m.UserID == whose }) {
		return 0, ErrNotMember
	}
	return c.Store.ChooseVoice(ctx, f.ID, whose, key)
}
