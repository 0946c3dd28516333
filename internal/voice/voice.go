// Package voice holds the rules of the family's own recorded prompts: what
// a recording's key may name, which audio it may be, and how much a family
// may keep. It does no I/O.
package voice

import (
	"bytes"
	"mime"
	"slices"
	"strings"
)

// Limits of the recordings. A spoken prompt is a few seconds: a minute of
// Opus is about 100 KiB, so a megabyte leaves room for WAV from a phone
// that can make nothing else (about 11 s). A family's 32 MiB hold every
// prompt of every routine in three or four voices.
const (
	MaxBytes       = 1 << 20
	MaxFamilyBytes = 32 << 20
)

// Kinds of key, before the colon.
const (
	KindPart   = "part"   // a body part named as the session reaches it
	KindStroke = "stroke" // a stroke's name and its words to the baby
	KindPhrase = "phrase" // one of the player's own lines
)

// Phrases are the player's own lines, in the order a session says them.
var Phrases = []string{"relax_wait", "break", "thanks", "end"}

// Key is what a recording says, e.g. "part:legs" or "stroke:indian_milking".
type Key struct{ Kind, Name string }

func (k Key) String() string { return k.Kind + ":" + k.Name }

// ParseKey splits a key and checks its form (not whether the library
// knows the name: see Known).
func ParseKey(s string) (Key, bool) {
	kind, name, ok := strings.Cut(s, ":")
	if !ok || name == "" || len(name) > 64 {
		return Key{}, false
	}
	switch kind {
	case KindPart, KindStroke, KindPhrase:
	default:
		return Key{}, false
	}
	for _, c := range name {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' {
			return Key{}, false
		}
	}
	return Key{kind, name}, true
}

// Known reports whether s names a prompt the player may say: a body part
// or stroke the library has (given as sets), or one of Phrases.
func Known(s string, parts, strokes func(string) bool) bool {
	k, ok := ParseKey(s)
	if !ok {
		return false
	}
	switch k.Kind {
	case KindPart:
		return parts(k.Name)
	case KindStroke:
		return strokes(k.Name)
	}
	return slices.Contains(Phrases, k.Name)
}

// Types are the audio types a recording may have: what browsers' recorders
// make (WebM/Opus in Chromium and Firefox, MP4/AAC in Safari) and what a
// phone's own recorder saves.
var Types = []string{"audio/webm", "audio/ogg", "audio/mp4", "audio/mpeg", "audio/wav"}

// aliases are other names of the same types that clients send.
var aliases = map[string]string{
	"audio/x-wav": "audio/wav", "audio/wave": "audio/wav", "audio/vnd.wave": "audio/wav",
	"audio/mp3": "audio/mpeg", "audio/x-m4a": "audio/mp4", "audio/m4a": "audio/mp4",
}

// Type returns the stored type for a Content-Type header ("audio/webm;
// codecs=opus" is "audio/webm"), or false when it is not one of Types.
func Type(header string) (string, bool) {
	t, _, err := mime.ParseMediaType(header)
	if err != nil {
		return "", false
	}
	if a, ok := aliases[t]; ok {
		t = a
	}
	return t, slices.Contains(Types, t)
}

// Sniff reports whether audio begins as a file of type t does (t from
// Type), so a body is what it declares: the container's signature, and
// for MP3 either an ID3 tag or an MPEG audio frame header.
func Sniff(t string, audio []byte) bool {
	switch t {
	case "audio/webm":
		return bytes.HasPrefix(audio, []byte{0x1A, 0x45, 0xDF, 0xA3}) // EBML
	case "audio/ogg":
		return bytes.HasPrefix(audio, []byte("OggS"))
	case "audio/mp4":
		return len(audio) >= 12 && string(audio[4:8]) == "ftyp"
	case "audio/mpeg":
		return bytes.HasPrefix(audio, []byte("ID3")) ||
			len(audio) >= 4 && audio[0] == 0xFF && audio[1]&0xE0 == 0xE0 && audio[1]&0x06 != 0 // frame sync, a layer
	case "audio/wav":
		return len(audio) >= 12 && string(audio[0:4]) == "RIFF" && string(audio[8:12]) == "WAVE"
	}
	return false
}

// URL is where a recording is heard: the one in use for key (caregiverID
// "") or a member's, naming its content hash (hex SHA-256) so a copy may
// be kept until the recording changes.
func URL(key, hash, caregiverID string) string {
	u := "/api/v1/voice/" + key + "?v=" + hash[:min(16, len(hash))]
	if caregiverID != "" {
		u += "&caregiver=" + caregiverID
	}
	return u
}
