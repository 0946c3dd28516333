package voice

import "testing"

func TestParseKey(t *testing.T) {
	for _, c := range []struct {
		in string
		ok bool
	}{
		{"part:legs", true},
		{"stroke:indian_milking", true},
		{"phrase:break", true},
		{"part:", false},
		{":legs", false},
		{"legs", false},
		{"song:legs", false},
		{"part:Legs", false},
		{"part:legs/../x", false},
		{"part:legs:x", false},
		{"stroke:" + string(make([]byte, 65)), false},
	} {
		if _, ok := ParseKey(c.in); ok != c.ok {
			t.Errorf("ParseKey(%q) ok = %v, want %v", c.in, ok, c.ok)
		}
	}
}

func TestKnown(t *testing.T) {
	parts := func(s string) bool { return s == "legs" }
	strokes := func(s string) bool { return s == "sun_moon" }
	for _, c := range []struct {
		in   string
		want bool
	}{
		{"part:legs", true},
		{"part:sun_moon", false},
		{"stroke:sun_moon", true},
		{"stroke:legs", false},
		{"phrase:break", true},
		{"phrase:relax_wait", true},
		{"phrase:hello", false},
		{"nonsense", false},
	} {
		if got := Known(c.in, parts, strokes); got != c.want {
			t.Errorf("Known(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestType(t *testing.T) {
	for _, c := range []struct {
		in, want string
		ok       bool
	}{
		{"audio/webm", "audio/webm", true},
		{"audio/webm;codecs=opus", "audio/webm", true},
		{"Audio/Ogg; codecs=opus", "audio/ogg", true},
		{"audio/mp4", "audio/mp4", true},
		{"audio/x-m4a", "audio/mp4", true},
		{"audio/mpeg", "audio/mpeg", true},
		{"audio/x-wav", "audio/wav", true},
		{"video/webm", "", false},
		{"text/html", "", false},
		{"", "", false},
		{"audio/webm;;", "", false},
	} {
		got, ok := Type(c.in)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("Type(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestSniff(t *testing.T) {
	webm := []byte{0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81}
	ogg := []byte("OggS\x00\x02\x00\x00")
	mp4 := []byte("\x00\x00\x00\x20ftypM4A \x00\x00")
	id3 := []byte("ID3\x04\x00\x00")
	frame := []byte{0xFF, 0xFB, 0x90, 0x64}
	wav := []byte("RIFF\x24\x08\x00\x00WAVEfmt ")
	html := []byte("<html><script>")
	for _, c := range []struct {
		t    string
		b    []byte
		want bool
	}{
		{"audio/webm", webm, true},
		{"audio/webm", ogg, false},
		{"audio/ogg", ogg, true},
		{"audio/ogg", html, false},
		{"audio/mp4", mp4, true},
		{"audio/mp4", mp4[:8], false},
		{"audio/mpeg", id3, true},
		{"audio/mpeg", frame, true},
		{"audio/mpeg", []byte{0xFF, 0xE0, 0, 0}, false}, // no layer
		{"audio/mpeg", html, false},
		{"audio/wav", wav, true},
		{"audio/wav", []byte("RIFF\x24\x08\x00\x00AVI "), false},
		{"audio/webm", nil, false},
		{"text/html", html, false},
	} {
		if got := Sniff(c.t, c.b); got != c.want {
			t.Errorf("Sniff(%q, % x) = %v, want %v", c.t, c.b, got, c.want)
		}
	}
}
