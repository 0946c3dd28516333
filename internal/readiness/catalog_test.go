package readiness

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestCatalogs checks that both message catalogs have exactly one message
// for every code this package can return, and that the seek-help messages
// tell the family what to do and that the app does not diagnose.
func TestCatalogs(t *testing.T) {
	var want []string
	for _, c := range Codes() {
		want = append(want, "readiness."+c)
	}
	for v := Go; v <= SeekHelp; v++ {
		want = append(want, "readiness.verdict."+v.String())
	}
	for _, c := range ErrorCodes() {
		want = append(want, "readiness.error."+c)
	}
	slices.Sort(want)

	seekHelp := []string{"readiness." + CodeFeverYoungBaby, "readiness." + CodeFever,
		"readiness." + CodeLowTemperature, "readiness.verdict.seek_help"}
	phrases := map[string][]string{
		"en": {"doctor", "urgent number", "does not diagnose"},
		"fr": {"médecin", "numéro d'urgence", "ne pose pas de diagnostic"},
	}
	for lang, must := range phrases {
		t.Run(lang, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("..", "i18n", "locales", "readiness."+lang+".json"))
			if err != nil {
				t.Fatal(err)
			}
			var cat map[string]string
			if err := json.Unmarshal(b, &cat); err != nil {
				t.Fatalf("not a flat string map: %v", err)
			}
			if got := slices.Sorted(maps.Keys(cat)); !slices.Equal(got, want) {
				t.Errorf("keys = %q\nwant %q", got, want)
			}
			for k, v := range cat {
				if strings.TrimSpace(v) == "" {
					t.Errorf("%s is empty", k)
				}
			}
			for _, k := range seekHelp {
				for _, p := range must {
					if !strings.Contains(cat[k], p) {
						t.Errorf("%s does not say %q", k, p)
					}
				}
			}
		})
	}
}
