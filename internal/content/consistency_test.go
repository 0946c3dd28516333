package content_test

import (
	"fmt"
	"strings"
	"testing"

	"nurture/internal/content"
	"nurture/internal/readiness"
)

// TestFeedWaitAgreesWithReadiness: what the guides say about waiting after
// a feed is what the readiness rules do (default and the family's range).
func TestFeedWaitAgreesWithReadiness(t *testing.T) {
	l := content.MustLoad()
	def := int(readiness.DefaultFeedWait.Minutes())
	lo, hi := int(readiness.MinFeedWait.Minutes()), int(readiness.MaxFeedWait.Minutes())
	for loc, want := range map[string][]string{
		"en": {fmt.Sprintf("waits %d minutes by default", def), fmt.Sprintf("from %d to %d minutes", lo, hi)},
		"fr": {fmt.Sprintf("attend %d minutes par défaut", def), fmt.Sprintf("de %d à %d minutes", lo, hi)},
	} {
		g, _ := l.GuideText("preparing", loc)
		var text []string
		for _, s := range g.Sections {
			text = append(append(text, s.Paragraphs...), s.Bullets...)
		}
		all := strings.Join(text, "\n")
		for _, w := range want {
			if !strings.Contains(all, w) {
				t.Errorf("%s preparing guide does not say %q", loc, w)
			}
		}
		colic, _ := l.RoutineText("colic_tummy", loc)
		if c := strings.Join(colic.Cautions, "\n"); !strings.Contains(c, fmt.Sprint(def)) || !strings.Contains(c, fmt.Sprint(hi)) {
			t.Errorf("%s colic routine's feed caution disagrees with readiness: %s", loc, c)
		}
	}
}
