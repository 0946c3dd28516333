package domain

import (
	"strings"
	"testing"
)

func TestCleanText(t *testing.T) {
	tests := []struct {
		in, want, problem string
	}{
		{"  Lou ", "Lou", ""},
		{"José", "José", ""},
		{"", "", "error.required"},
		{"   ", "", "error.required"},
		{"a\x00b", "a\x00b", "error.control_chars"},
		{"a\nb", "a\nb", "error.control_chars"},
		{"a\rb", "a\rb", "error.control_chars"},
		{"a\tb", "a\tb", "error.control_chars"},
		{"a\u0085b", "a\u0085b", "error.control_chars"}, // C1 next line
		{"caf\xe9", "caf\xe9", "error.encoding"},
		{strings.Repeat("x", 81), strings.Repeat("x", 81), "error.too_long"},
	}
	for _, tc := range tests {
		got, k := CleanText(tc.in, MaxNameLen)
		if got != tc.want || k != tc.problem {
			t.Errorf("CleanText(%q) = %q, %q; want %q, %q", tc.in, got, k, tc.want, tc.problem)
		}
	}
}

func TestCleanNotes(t *testing.T) {
	tests := []struct {
		in, want, problem string
	}{
		{"", "", ""},
		{" two\nline ", "two\nline", ""},
		{"win\r\nline", "win\nline", ""},
		{"bare\rcr", "bare\ncr", ""},
		{"tab\there", "tab\there", ""},
		{"nul\x00", "nul\x00", "error.control_chars"},
		{"bell\x07", "bell\x07", "error.control_chars"},
		{"bad \xff", "bad \xff", "error.encoding"},
		{strings.Repeat("x", 11), strings.Repeat("x", 11), "error.too_long"},
	}
	for _, tc := range tests {
		got, k := CleanNotes(tc.in, 10)
		if got != tc.want || k != tc.problem {
			t.Errorf("CleanNotes(%q) = %q, %q; want %q, %q", tc.in, got, k, tc.want, tc.problem)
		}
	}
}

// Family settings go through the same checks: a NUL in the support lines
// or the urgent number is refused.
func TestFamilySettingsText(t *testing.T) {
	base := func() FamilySettings {
		return FamilySettings{Name: "Martin", Timezone: "Europe/Paris", Languages: []string{"en"}, FeedWaitMin: 30, TempUnit: "c"}
	}
	for _, tc := range []struct {
		name  string
		edit  func(*FamilySettings)
		field string
	}{
		{"nul in support lines", func(s *FamilySettings) { s.SupportLines = "Mum 0601\x00" }, "support_lines"},
		{"bad utf-8 in support lines", func(s *FamilySettings) { s.SupportLines = "\xc3(" }, "support_lines"},
		{"nul in urgent number", func(s *FamilySettings) { s.UrgentNumber = "15\x00" }, "urgent_number"},
		{"control in name", func(s *FamilySettings) { s.Name = "Mar\x1btin" }, "name"},
	} {
		s := base()
		tc.edit(&s)
		if fe := s.Validate([]string{"en", "fr"}); fe[tc.field] == "" {
			t.Errorf("%s: not refused (%v)", tc.name, fe)
		}
	}
	s := base()
	s.SupportLines = "Mum 0601\r\nDad 0602"
	if fe := s.Validate([]string{"en"}); !fe.OK() || s.SupportLines != "Mum 0601\nDad 0602" {
		t.Errorf("support lines with CRLF: %v %q", fe, s.SupportLines)
	}
}
