package web

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"nurture/internal/content"
)

// swConfigOf reads the configuration line of a /sw.js body.
func swConfigOf(t *testing.T, body []byte) swConfig {
	t.Helper()
	line, _, _ := strings.Cut(string(body), "\n")
	line = strings.TrimSuffix(strings.TrimPrefix(line, "self.NURTURE = "), ";")
	var c swConfig
	if err := json.Unmarshal([]byte(line), &c); err != nil {
		t.Fatalf("configuration line %q: %v", line, err)
	}
	return c
}

// TestOfflineServiceWorkerFollowsAssets checks, on the asset map itself,
// that the worker precaches every hashed asset and that another asset
// (a new server version) makes another worker, which browsers install.
func TestOfflineServiceWorkerFollowsAssets(t *testing.T) {
	as, err := loadAssets()
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{assets: as, Deps: Deps{Library: content.MustLoad()}}
	body := s.serviceWorker()
	c := swConfigOf(t, body)
	for name, u := range as.names {
		if !slices.Contains(c.Precache, u) {
			t.Errorf("the worker does not precache %s (%s)", name, u)
		}
	}
	for _, want := range []string{"/offline", "/library/routines", "/library/routines/full_body"} {
		if !slices.Contains(c.Precache, want) {
			t.Errorf("the worker does not precache %s", want)
		}
	}
	if !strings.Contains(string(body), `addEventListener("fetch"`) {
		t.Errorf("the worker's code is missing after its configuration")
	}
	if again := swConfigOf(t, s.serviceWorker()); again.Version != c.Version {
		t.Errorf("the same assets give versions %s and %s", c.Version, again.Version)
	}

	// A new version of app.css.
	old := as.names["app.css"]
	changed := &assets{files: as.files, names: maps.Clone(as.names)}
	changed.names["app.css"] = "/static/0123456789ab/app.css"
	c2 := swConfigOf(t, (&Server{assets: changed, Deps: s.Deps}).serviceWorker())
	if c2.Version == c.Version {
		t.Errorf("a changed asset keeps the worker's version %s", c.Version)
	}
	if !slices.Contains(c2.Precache, "/static/0123456789ab/app.css") || slices.Contains(c2.Precache, old) {
		t.Errorf("the new worker's list does not follow the asset: %v", c2.Precache)
	}
}
