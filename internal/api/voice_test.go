package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"nurture/internal/apptest"
	"nurture/internal/store"
	"nurture/internal/voice"
)

type recordingBody struct {
	Key         string `json:"key"`
	CaregiverID string `json:"caregiver_id"`
	ContentType string `json:"content_type"`
	Bytes       int    `json:"bytes"`
	SHA256      string `json:"sha256"`
	InUse       bool   `json:"in_use"`
	Chosen      bool   `json:"chosen"`
	URL         string `json:"url"`
}

// oggOf is n bytes that begin as an Ogg file, each run told apart by fill.
func oggOf(n int, fill byte) []byte {
	b := bytes.Repeat([]byte{fill}, n)
	copy(b, "OggS")
	return b
}

var webmHead = []byte{0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81, 0x01}

// The family's recordings through the API, on both databases: recording,
// hearing (ETag, ranges, caching by hash), whose voice plays, who may do
// what, the bad bodies and the family's limit.
func testVoiceAPI(t *testing.T, st *store.Store) {
	a := apptest.NewOn(t, st)
	ann := a.Signup("ann@example.org", "Ann", "Martin")
	bob := a.Join(ann, "bob@example.org", "Bob", "caregiver", "father")
	gran := a.Join(ann, "gran@example.org", "Gran", "viewer", "grandparent")
	zoe := a.Signup("zoe@example.org", "Zoe", "Other")
	put := func(token, key, ctype string, body []byte) apptest.Response {
		t.Helper()
		h := http.Header{}
		if ctype != "" {
			h.Set("Content-Type", ctype)
		}
		return a.Request("PUT", "/api/v1/voice/"+key, token, h, body)
	}
	list := func(token string) []recordingBody {
		t.Helper()
		r := a.API("GET", "/api/v1/voice", token, nil)
		if r.Status != http.StatusOK {
			t.Fatalf("list: %d %s", r.Status, r.Body)
		}
		var b struct {
			Items    []recordingBody `json:"items"`
			BytesMax int             `json:"bytes_max"`
		}
		if err := json.Unmarshal([]byte(r.Body), &b); err != nil || b.BytesMax != voice.MaxFamilyBytes {
			t.Fatalf("list: %v %s", err, r.Body)
		}
		return b.Items
	}
	if l := list(ann.Token); len(l) != 0 {
		t.Fatalf("a new family has recordings: %+v", l)
	}

	annLegs := oggOf(300, 'a')
	r := put(ann.Token, "part:legs", "audio/ogg; codecs=opus", annLegs)
	var rec recordingBody
	if r.Status != http.StatusOK || json.Unmarshal([]byte(r.Body), &rec) != nil || !rec.InUse || rec.ContentType != "audio/ogg" || rec.Bytes != 300 ||
		rec.CaregiverID != ann.UserID || rec.SHA256 != store.AudioHash(annLegs) {
		t.Fatalf("recording: %d %s", r.Status, r.Body)
	}

	// Hearing it: the bytes, its type, its hash as ETag; a cached copy is
	// confirmed with 304; a URL naming the hash may be kept for good; a
	// range is served (Safari asks for them).
	g := a.Request("GET", "/api/v1/voice/part:legs", gran.Token, nil, nil)
	if g.Status != http.StatusOK || g.Body != string(annLegs) || g.Header.Get("Content-Type") != "audio/ogg" ||
		g.Header.Get("ETag") != `"`+rec.SHA256+`"` || g.Header.Get("Cache-Control") != "private, no-cache" {
		t.Fatalf("hearing it: %d %v", g.Status, g.Header)
	}
	if !strings.Contains(g.Header.Get("Content-Security-Policy"), "sandbox") {
		t.Error("a recording is served without a sandbox policy")
	}
	if c := a.Request("GET", "/api/v1/voice/part:legs", ann.Token, http.Header{"If-None-Match": {g.Header.Get("ETag")}}, nil); c.Status != http.StatusNotModified {
		t.Errorf("If-None-Match: %d", c.Status)
	}
	if c := a.Request("GET", rec.URL, ann.Token, nil, nil); c.Status != http.StatusOK || !strings.Contains(c.Header.Get("Cache-Control"), "immutable") {
		t.Errorf("the hash-named URL %s: %d %q", rec.URL, c.Status, c.Header.Get("Cache-Control"))
	}
	// An address naming another hash is an older take: gone, so no cache
	// keeps today's recording under it.
	if c := a.Request("GET", "/api/v1/voice/part:legs?v=0000", ann.Token, nil, nil); c.Status != http.StatusNotFound || c.Body == string(annLegs) {
		t.Errorf("a stale hash: %d", c.Status)
	}
	if c := a.Request("GET", "/api/v1/voice/part:legs", ann.Token, http.Header{"Range": {"bytes=0-3"}}, nil); c.Status != http.StatusPartialContent || c.Body != "OggS" {
		t.Errorf("a range: %d %q", c.Status, c.Body)
	}

	// Another family hears nothing of it and cannot touch it.
	if c := a.API("GET", "/api/v1/voice/part:legs", zoe.Token, nil); c.Status != http.StatusNotFound {
		t.Errorf("another family hears it: %d", c.Status)
	}
	if c := a.API("DELETE", "/api/v1/voice/part:legs?caregiver="+ann.UserID, zoe.Token, nil); c.Status != http.StatusNotFound {
		t.Errorf("another family deletes it: %d", c.Status)
	}
	if l := list(zoe.Token); len(l) != 0 {
		t.Errorf("another family lists it: %+v", l)
	}
	// A viewer listens but does not record.
	if c := put(gran.Token, "part:feet", "audio/ogg", oggOf(50, 'g')); c.Status != http.StatusForbidden {
		t.Errorf("a viewer records: %d", c.Status)
	}

	// Bob records the same prompt: the newest plays, until the family
	// chooses Ann's voice for everything she recorded.
	bobLegs := append(append([]byte{}, webmHead...), 'b', 'o', 'b')
	if c := put(bob.Token, "part:legs", "audio/webm;codecs=opus", bobLegs); c.Status != http.StatusOK || !strings.Contains(c.Body, `"in_use":true`) {
		t.Fatalf("bob's take: %d %s", c.Status, c.Body)
	}
	if c := a.API("GET", "/api/v1/voice/part:legs", ann.Token, nil); c.Body != string(bobLegs) || c.Header.Get("Content-Type") != "audio/webm" {
		t.Fatalf("the newest take should play: %q", c.Body)
	}
	if c := a.API("GET", "/api/v1/voice/part:legs?caregiver="+ann.UserID, bob.Token, nil); c.Body != string(annLegs) {
		t.Fatal("a member's own take is not served")
	}
	if c := a.API("POST", "/api/v1/voice/choose", bob.Token, map[string]string{"caregiver_id": ann.UserID}); c.Status != http.StatusOK || !strings.Contains(c.Body, `"changed":1`) {
		t.Fatalf("choosing Ann's voice: %d %s", c.Status, c.Body)
	}
	if c := a.API("GET", "/api/v1/voice/part:legs", ann.Token, nil); c.Body != string(annLegs) {
		t.Fatal("the chosen voice does not play")
	}
	for _, l := range list(ann.Token) {
		if l.InUse != (l.CaregiverID == ann.UserID) || l.Chosen != (l.CaregiverID == ann.UserID) {
			t.Errorf("after choosing: %+v", l)
		}
	}
	for _, c := range []struct {
		name   string
		token  string
		body   any
		status int
	}{
		{"another family's member", ann.Token, map[string]string{"caregiver_id": zoe.UserID}, http.StatusUnprocessableEntity},
		{"a prompt never recorded by them", ann.Token, map[string]string{"caregiver_id": bob.UserID, "key": "phrase:end"}, http.StatusNotFound},
		{"an unknown prompt", ann.Token, map[string]string{"caregiver_id": bob.UserID, "key": "part:nose"}, http.StatusUnprocessableEntity},
		{"nobody", ann.Token, map[string]string{}, http.StatusUnprocessableEntity},
		{"a viewer", gran.Token, map[string]string{"caregiver_id": bob.UserID}, http.StatusForbidden},
		{"from another family", zoe.Token, map[string]string{"caregiver_id": ann.UserID}, http.StatusUnprocessableEntity},
	} {
		if r := a.API("POST", "/api/v1/voice/choose", c.token, c.body); r.Status != c.status {
			t.Errorf("choosing %s: %d %s, want %d", c.name, r.Status, r.Body, c.status)
		}
	}

	// Bad bodies get a clear answer, and what is stored stays.
	big := oggOf(voice.MaxBytes+1, 'x')
	for _, c := range []struct {
		name, key, ctype string
		body             []byte
		status           int
		says             string
	}{
		{"an unknown prompt", "part:nose", "audio/ogg", oggOf(10, 'x'), http.StatusUnprocessableEntity, "no such prompt"},
		{"a malformed key", "legs", "audio/ogg", oggOf(10, 'x'), http.StatusUnprocessableEntity, "no such prompt"},
		{"a page posing as audio", "part:legs", "audio/ogg", []byte("<html><script>alert(1)</script>"), http.StatusUnprocessableEntity, "not a recording"},
		{"webm declared as ogg", "part:legs", "audio/ogg", bobLegs, http.StatusUnprocessableEntity, "not a recording"},
		{"an empty body", "part:legs", "audio/ogg", nil, http.StatusUnprocessableEntity, "not a recording"},
		{"a video", "part:legs", "video/webm", bobLegs, http.StatusUnsupportedMediaType, "audio/webm"},
		{"no type", "part:legs", "", oggOf(10, 'x'), http.StatusUnsupportedMediaType, "audio/webm"},
		{"over a megabyte", "part:legs", "audio/ogg", big, http.StatusRequestEntityTooLarge, "1 MiB"},
	} {
		r := put(ann.Token, c.key, c.ctype, c.body)
		if r.Status != c.status || !strings.Contains(r.Body, c.says) {
			t.Errorf("%s: %d %s, want %d saying %q", c.name, r.Status, r.Body, c.status, c.says)
		}
	}
	if c := a.API("GET", "/api/v1/voice/part:legs?caregiver="+ann.UserID, ann.Token, nil); c.Body != string(annLegs) {
		t.Fatal("a refused upload changed the stored recording")
	}

	// Deleting: one's own; another member's only as an owner.
	if c := a.API("DELETE", "/api/v1/voice/part:legs?caregiver="+ann.UserID, bob.Token, nil); c.Status != http.StatusForbidden {
		t.Errorf("bob deletes ann's take: %d", c.Status)
	}
	if c := a.API("DELETE", "/api/v1/voice/part:legs?caregiver="+bob.UserID, ann.Token, nil); c.Status != http.StatusNoContent {
		t.Errorf("the owner deletes bob's take: %d %s", c.Status, c.Body)
	}
	if c := a.API("DELETE", "/api/v1/voice/part:legs?caregiver="+bob.UserID, ann.Token, nil); c.Status != http.StatusNotFound {
		t.Errorf("deleting it again: %d", c.Status)
	}
	if c := a.API("DELETE", "/api/v1/voice/part:legs", gran.Token, nil); c.Status != http.StatusForbidden {
		t.Errorf("a viewer deletes: %d", c.Status)
	}

	// The family's limit: 32 recordings of a megabyte fill it (Ann's
	// 300 bytes of legs are already there), and the next one is refused.
	full := oggOf(voice.MaxBytes, 'f')
	strokes := a.API("GET", "/api/v1/strokes", "", nil).JSON(t)["items"].([]any)
	n := 0
	for _, s := range strokes {
		key := "stroke:" + s.(map[string]any)["id"].(string)
		r := put(bob.Token, key, "audio/ogg", full)
		if r.Status == http.StatusRequestEntityTooLarge {
			if !strings.Contains(r.Body, fmt.Sprintf("%d MB", voice.MaxFamilyBytes>>20)) {
				t.Errorf("the family's limit: %s", r.Body)
			}
			break
		}
		if r.Status != http.StatusOK {
			t.Fatalf("filling: %d %s", r.Status, r.Body)
		}
		n++
	}
	if n != voice.MaxFamilyBytes/voice.MaxBytes-1 {
		t.Errorf("%d recordings of a megabyte fitted, want %d", n, voice.MaxFamilyBytes/voice.MaxBytes-1)
	}

	// A member leaving takes their voice.
	if c := a.API("DELETE", "/api/v1/family/members/"+bob.UserID, ann.Token, nil); c.Status != http.StatusNoContent {
		t.Fatalf("removing bob: %d %s", c.Status, c.Body)
	}
	for _, l := range list(ann.Token) {
		if l.CaregiverID == bob.UserID {
			t.Fatalf("bob's voice outlives his membership: %+v", l)
		}
	}
}

func TestVoiceAPI(t *testing.T)         { testVoiceAPI(t, apptest.OpenSQLite(t)) }
func TestVoiceAPIPostgres(t *testing.T) { testVoiceAPI(t, apptest.OpenPostgres(t)) }
