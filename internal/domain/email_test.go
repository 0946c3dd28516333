package domain

import "testing"

// One address however it is typed: composed or decomposed accents, any
// case, Unicode case folding (not only ASCII lower-casing).
func TestNormalizeEmailUnicode(t *testing.T) {
	for _, tc := range []struct{ a, b string }{
		{"jos\u00e9@example.org", "jose\u0301@example.org"},
		{"JOS\u00c9@example.org", "jose\u0301@EXAMPLE.ORG"},
		{" Ann@Example.org ", "ann@example.org"},
		{"stra\u00dfe@example.org", "STRASSE@example.org"},
		{"\u039f\u0394\u03a5\u03a3\u03a3\u0395\u03a5\u03a3@example.org", "\u03bf\u03b4\u03c5\u03c3\u03c3\u03b5\u03c5\u03c2@example.org"},
	} {
		if x, y := NormalizeEmail(tc.a), NormalizeEmail(tc.b); x != y {
			t.Errorf("%q → %q and %q → %q: want one address", tc.a, x, tc.b, y)
		}
	}
	if got := NormalizeEmail("jose\u0301@example.org"); got != "jos\u00e9@example.org" {
		t.Errorf("not composed: %q", got)
	}
}

// Invisible characters make a signup's email invalid.
func TestSignupRefusesInvisibleEmail(t *testing.T) {
	ok := Signup{Email: "jos\u00e9@example.org", Password: "correct horse battery", Name: "J", FamilyName: "F"}
	if fe := ok.Validate(nil); !fe.OK() {
		t.Fatalf("plain address refused: %v", fe)
	}
	for _, e := range []string{
		"ann\u200b@example.org", // zero-width space
		"ann\u200c@example.org", // zero-width non-joiner
		"ann\u200d@example.org", // zero-width joiner
		"\ufeffann@example.org", // byte-order mark
		"ann@exa\u202emple.org", // right-to-left override
		"ann\u2066@example.org", // left-to-right isolate
		"ann\u200e@example.org", // left-to-right mark
		"ann\u2060@example.org", // word joiner
		"an\u00adn@example.org", // soft hyphen
		"ann\u3164@example.org", // Hangul filler
		"ann\x07@example.org",   // control
	} {
		su := Signup{Email: e, Password: "correct horse battery", Name: "J", FamilyName: "F"}
		if fe := su.Validate(nil); fe["email"] != "error.email_invisible" {
			t.Errorf("%q: %v, want error.email_invisible", e, fe)
		}
	}
}
