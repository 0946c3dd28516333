package web

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

// TestTemplatesNeedNoUnsafeInline keeps every page working under the strict
// Content-Security-Policy: no inline event handlers, no style attributes,
// no inline scripts (data in a JSON script element is fine: it never runs).
func TestTemplatesNeedNoUnsafeInline(t *testing.T) {
	handler := regexp.MustCompile(`(?i)\son[a-z]+\s*=`)
	style := regexp.MustCompile(`(?i)\sstyle\s*=`)
	script := regexp.MustCompile(`(?is)<script([^>]*)>`)
	n := 0
	err := fs.WalkDir(templateFS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := templateFS.ReadFile(p)
		if err != nil {
			return err
		}
		src := string(b)
		n++
		if m := handler.FindString(src); m != "" {
			t.Errorf("%s: inline event handler %q", p, m)
		}
		if m := style.FindString(src); m != "" {
			t.Errorf("%s: style attribute %q", p, m)
		}
		for _, m := range script.FindAllStringSubmatch(src, -1) {
			attrs := m[1]
			if !strings.Contains(attrs, "src=") && !strings.Contains(attrs, `type="application/json"`) {
				t.Errorf("%s: inline script <script%s>", p, attrs)
			}
		}
		return nil
	})
	if err != nil || n < 10 {
		t.Fatalf("read %d templates: %v", n, err)
	}
}
