package web_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"nurture/internal/apptest"
)

// TestBrowserVoice records the family's voice at phone size: the mother
// opens the record page from the family page, records "Now, your legs"
// from Chromium's fake microphone, hears it listed as the one that plays,
// then starts a session whose first words are the legs: the player plays
// her recording instead of speaking it. The father's take of the same
// words can be chosen instead, and her own deleted. The recording is in
// the family's export. Every page is axe-clean.
func TestBrowserVoice(t *testing.T) {
	a := apptest.New(t)
	ann := a.Signup("ann@example.org", "Ann", "Martin")
	bob := a.Join(ann, "bob@example.org", "Bob", "caregiver", "father")
	baby := a.Baby(ann, "Lou", sesDaysAgo(120))
	ctx := sesBrowser(t, a, "ann@example.org")

	sesGo(t, ctx, a.URL+"/family", 200)
	sesWantText(t, ctx, "main", "0 of ")
	sesSubmit(t, ctx, "#voice-link", 200)
	sesWantText(t, ctx, "main h1", "Your family's voice")
	sesWantText(t, ctx, "#voice-progress", "0 of ")
	sesWaitVisible(t, ctx, "#v-part-legs [data-record]", 5*time.Second)
	sesPage(t, ctx, "voice-empty")

	// Record two seconds of the fake microphone's tone.
	sesClick(t, ctx, "#v-part-legs [data-record]")
	sesWaitVisible(t, ctx, `#v-part-legs [data-record][aria-pressed="true"]`, 5*time.Second)
	sesWantText(t, ctx, "#v-part-legs .rec-status", "Recording")
	sesPage(t, ctx, "voice-recording")
	time.Sleep(2 * time.Second)
	sesClick(t, ctx, "#v-part-legs [data-record]")
	sesWaitVisible(t, ctx, "#v-part-legs .take.in-use", 10*time.Second)
	sesWantText(t, ctx, "#v-part-legs .take", "Ann")
	sesWantText(t, ctx, "#v-part-legs .take", "plays in sessions")
	sesWantText(t, ctx, "#voice-progress", "1 of ")
	sesWantText(t, ctx, "#v-part-legs [role=status]", "Recording saved.")
	sesPage(t, ctx, "voice-recorded")

	items := voiceItems(t, a, ann.Token)
	if len(items) != 1 || items[0].Key != "part:legs" || items[0].ContentType != "audio/webm" || items[0].Bytes < 1000 || items[0].CaregiverID != ann.UserID {
		t.Fatalf("stored: %+v", items)
	}
	stored := a.API("GET", "/api/v1/voice/part:legs", ann.Token, nil)
	if stored.Status != http.StatusOK || len(stored.Body) != items[0].Bytes {
		t.Fatalf("hearing it: %d, %d bytes", stored.Status, len(stored.Body))
	}

	// A session that starts with the legs plays her recording, and the
	// device no longer says those words. (A tab of its own: the player
	// holds on to a session under way.)
	player := sesBrowser(t, a, "ann@example.org")
	sesGo(t, player, a.URL+"/babies/"+baby+"/session?routine=quick_legs_feet&ask=1", 200)
	sesClick(t, player, "#btn-ask-yes")
	sesWaitVisible(t, player, "#btn-yes", 10*time.Second)
	sesWantText(t, player, "#own-voice", "1 phrase of this session is in your family's own voice")
	sesPage(t, player, "voice-player-start")
	sesClick(t, player, "#btn-yes")
	sesWaitVisible(t, player, "#screen-step", 5*time.Second)
	// Resting hands first (nothing recorded: the device says it), then
	// the legs.
	sesWantText(t, player, "#step-stroke", "Resting hands")
	sesClick(t, player, "#btn-skip")
	sesWantText(t, player, "#step-part", "Legs")
	heard := ""
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end) && heard == ""; time.Sleep(100 * time.Millisecond) {
		heard = sesEval[string](t, player, `document.getElementById("player").getAttribute("data-heard") || ""`)
	}
	if heard != "part:legs" {
		t.Fatalf("the player played %q, want the recording of part:legs", heard)
	}
	// The stroke's words, not recorded, follow the recording (2 s long).
	saidStroke := false
	var spoken []sesSpoken
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end) && !saidStroke; time.Sleep(100 * time.Millisecond) {
		spoken = sesEval[[]sesSpoken](t, player, `window.__spoken`)
		for _, s := range spoken {
			saidStroke = saidStroke || strings.HasPrefix(s.Text, "Indian milking")
		}
	}
	for _, s := range spoken {
		if strings.Contains(s.Text, "Now, your legs") {
			t.Errorf("the device said the recorded words too: %q", s.Text)
		}
	}
	if !saidStroke {
		t.Errorf("the stroke's words, not recorded, were not spoken after the recording: %+v", spoken)
	}
	sesPage(t, player, "voice-player")

	// Bob records the same words (through the API, as his phone would);
	// the newest plays until Ann chooses hers again from the page.
	if r := a.Request("PUT", "/api/v1/voice/part:legs", bob.Token, http.Header{"Content-Type": {"audio/webm"}}, []byte(stored.Body)); r.Status != http.StatusOK {
		t.Fatalf("bob's take: %d %s", r.Status, r.Body)
	}
	sesGo(t, ctx, a.URL+"/family/voice", 200)
	sesWantText(t, ctx, "#v-part-legs .take.in-use", "Bob")
	sesWantText(t, ctx, "#whose-h", "Whose voice plays")
	sesPage(t, ctx, "voice-two-takes")
	sesSubmit(t, ctx, "#v-part-legs .take:not(.in-use) form[action='/family/voice/choose'] button", 200)
	sesWantText(t, ctx, "#v-part-legs [role=status]", "The session will play this voice.")
	sesWantText(t, ctx, "#v-part-legs .take.in-use", "Ann")
	for _, it := range voiceItems(t, a, ann.Token) {
		if it.InUse != (it.CaregiverID == ann.UserID) {
			t.Errorf("after choosing Ann's take: %+v", it)
		}
	}

	// The recordings are part of the family's export.
	exp := a.API("GET", "/api/v1/export", ann.Token, nil)
	var doc struct {
		Voice []struct {
			Key         string `json:"key"`
			CaregiverID string `json:"caregiver_id"`
			Audio       []byte `json:"audio"`
		} `json:"voice"`
	}
	if err := json.Unmarshal([]byte(exp.Body), &doc); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, v := range doc.Voice {
		found = found || (v.Key == "part:legs" && v.CaregiverID == ann.UserID && string(v.Audio) == stored.Body)
	}
	if !found {
		t.Errorf("the export lacks Ann's recording: %d voice records", len(doc.Voice))
	}

	// Ann deletes hers: Bob's plays again.
	// Deleting asks once more.
	sesClick(t, ctx, "#v-part-legs .take.in-use .confirm-delete summary")
	sesSubmit(t, ctx, "#v-part-legs .take.in-use form[action='/family/voice/delete'] button", 200)
	sesWantText(t, ctx, "#v-part-legs [role=status]", "Recording deleted.")
	sesWantText(t, ctx, "#v-part-legs .take.in-use", "Bob")
	sesPage(t, ctx, "voice-deleted")
}

type voiceItem struct {
	Key         string `json:"key"`
	CaregiverID string `json:"caregiver_id"`
	ContentType string `json:"content_type"`
	Bytes       int    `json:"bytes"`
	InUse       bool   `json:"in_use"`
}

func voiceItems(t *testing.T, a *apptest.App, token string) []voiceItem {
	t.Helper()
	var b struct {
		Items []voiceItem `json:"items"`
	}
	r := a.API("GET", "/api/v1/voice", token, nil)
	if err := json.Unmarshal([]byte(r.Body), &b); err != nil {
		t.Fatalf("list: %v %s", err, r.Body)
	}
	return b.Items
}

// wavTone is a short WAV file (a tone), real audio a browser decodes.
func wavTone(ms int) []byte {
	const rate = 8000
	n := rate * ms / 1000
	var b bytes.Buffer
	le := func(v any) { binary.Write(&b, binary.LittleEndian, v) }
	b.WriteString("RIFF")
	le(uint32(36 + 2*n))
	b.WriteString("WAVEfmt ")
	le(uint32(16))
	le(uint16(1)) // PCM
	le(uint16(1)) // mono
	le(uint32(rate))
	le(uint32(2 * rate))
	le(uint16(2))
	le(uint16(16))
	b.WriteString("data")
	le(uint32(2 * n))
	for i := range n {
		le(int16(8000 * math.Sin(2*math.Pi*440*float64(i)/rate)))
	}
	return b.Bytes()
}

// TestBrowserOfflineVoice: the kept player keeps the family's recordings
// it says, without the player ever being opened online, so a session with
// no connection still speaks in the family's voice.
func TestBrowserOfflineVoice(t *testing.T) {
	a := apptest.New(t)
	ann := a.Signup("ann@example.org", "Ann", "Martin")
	baby := a.Baby(ann, "Lou", sesDaysAgo(100))
	for _, key := range []string{"part:legs", "stroke:leg_indian_milking"} {
		if r := a.Request("PUT", "/api/v1/voice/"+key, ann.Token, http.Header{"Content-Type": {"audio/wav"}}, wavTone(400)); r.Status != http.StatusOK {
			t.Fatalf("recording %s: %d %s", key, r.Status, r.Body)
		}
	}
	link, pa := offbProxy(t, a)
	ctx := sesBrowser(t, pa, "ann@example.org")
	offbReady(t, ctx, pa, baby)
	offbUntil(t, ctx, "the recording kept", `caches.keys().then(ks => Promise.all(ks.map(k => caches.open(k).then(c => c.keys())))).then(ls => ls.flat().some(r => r.url.includes("/api/v1/voice/part:legs?v=")))`, 20*time.Second)

	offbNetwork(t, ctx, link, true)
	offbGo(t, ctx, pa.URL+"/babies/"+baby+"/session?routine=quick_legs_feet&ask=1")
	sesWaitVisible(t, ctx, "#btn-ask-yes", 10*time.Second)
	sesClick(t, ctx, "#btn-ask-yes")
	sesWaitVisible(t, ctx, "#btn-yes", 10*time.Second)
	sesClick(t, ctx, "#btn-yes")
	sesWaitVisible(t, ctx, "#screen-step", 5*time.Second)
	sesClick(t, ctx, "#btn-skip")
	sesWantText(t, ctx, "#step-part", "Legs")
	offbUntil(t, ctx, "the recording played offline", `Promise.resolve(document.getElementById("player").getAttribute("data-heard") === "part:legs")`, 10*time.Second)
	// The stroke's recording follows (its name and the words to the baby),
	// then the device says what to do, which the parent still needs.
	offbUntil(t, ctx, "the stroke's recording", `Promise.resolve(document.getElementById("player").getAttribute("data-heard") === "stroke:leg_indian_milking")`, 10*time.Second)
	offbUntil(t, ctx, "the instruction after it", `Promise.resolve(window.__spoken.some(s => s.text.startsWith("Hold the ankle")))`, 10*time.Second)
	if said := sesEval[[]sesSpoken](t, ctx, `window.__spoken`); slices.ContainsFunc(said, func(s sesSpoken) bool {
		return strings.Contains(s.Text, "Indian milking") || strings.Contains(s.Text, "Now, your legs")
	}) {
		t.Errorf("the device also said the recorded words: %+v", said)
	}
	offbConsole(t, ctx)
}
