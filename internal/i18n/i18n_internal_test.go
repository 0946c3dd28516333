package i18n

import "testing"

// The shortcut for plain messages says exactly what go-i18n would.
func TestPlainMessagesSayTheSame(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, lang := range c.Locales() {
		p := c.For(lang)
		for id := range c.plain[lang] {
			n++
			if got, want := p.T(id), p.localize(id, nil, nil); got != want {
				t.Errorf("%s %s: %q, go-i18n says %q", lang, id, got, want)
			}
		}
	}
	if n < 100 {
		t.Errorf("only %d plain messages: the shortcut is not taken", n)
	}
}
