package web

import "testing"

// pathOnly keeps same-site paths and turns everything else into "/".
func TestPathOnly(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/", "/"},
		{"/family", "/family"},
		{"/babies/abc?day=2026-11-20&x=1", "/babies/abc?day=2026-11-20&x=1"},
		{"/log?next=%2Fbabies", "/log?next=%2Fbabies"},
		{"/caf%C3%A9", "/caf%C3%A9"},
		{"", "/"},
		{"family", "/"},
		{"https://evil.example/", "/"},
		{"javascript:alert(1)", "/"},
		{" /family", "/"},
		{"//evil.example", "/"},
		{"///evil.example", "/"},
		{`/\evil.example`, "/"},
		{`\/evil.example`, "/"},
		{"/%5Cevil.example", "/"},
		{"/%5cevil.example", "/"},
		{"/%2F%2Fevil.example", "/"},
		{"/%2f/evil.example", "/"},
		{"%2F%2Fevil.example", "/"},
		{"/%252F%252Fevil.example", "/"},
		{"/%25255Cevil.example", "/"},
		{"/\t/evil.example", "/"},
		{"/\n/evil.example", "/"},
		{"/%09/evil.example", "/"},
		{"/%0d%0aSet-Cookie:x=1", "/"},
		{"/\x00", "/"},
		{"/\u200b/evil.example", "/"},
		{"/%E2%80%8B", "/"},
		{"/%zz", "/"},
		{"/\xff", "/"},
	} {
		if got := pathOnly(tc.in); got != tc.want {
			t.Errorf("pathOnly(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
