package api_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestExportImportAPI(t *testing.T) {
	w := newWorld(t)
	w.app.SeedLogs(w.owner, w.babyA, 2)
	r := w.app.API("GET", "/api/v1/export", w.viewer.Token, nil)
	if r.Status != 200 || !strings.Contains(r.Body, `"format": "nurture-export"`) || strings.Contains(r.Body, "argon2") {
		t.Fatalf("export: %d %.300s", r.Status, r.Body)
	}
	if strings.Contains(r.Body, "Zoe") || strings.Contains(r.Body, w.babyB) {
		t.Fatal("export holds another family's data")
	}
	doc := r.Body

	// CSV: a zip with a file per log and readable headers.
	r = w.app.API("GET", "/api/v1/export?format=csv", w.owner.Token, nil)
	zr, err := zip.NewReader(strings.NewReader(r.Body), int64(len(r.Body)))
	if err != nil {
		t.Fatalf("csv zip: %v", err)
	}
	files := map[string]string{}
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		files[f.Name] = string(b)
	}
	if !strings.Contains(files["nurturing-touch.csv"], "Baby,Kind,Started,Ended,Minutes") || !strings.Contains(files["crying.csv"], "hungry; wind") {
		t.Fatalf("csv files: %v", files["nurturing-touch.csv"])
	}
	if !strings.Contains(files["nurturing-touch.csv"], "'=1+1") {
		t.Fatal("a note starting with = must not become a spreadsheet formula")
	}
	if r := w.app.API("GET", "/api/v1/export?format=xml", w.owner.Token, nil); r.Status != 422 {
		t.Fatalf("bad format: %d", r.Status)
	}

	// Re-importing the family's own export changes nothing.
	r = w.app.API("POST", "/api/v1/import", w.owner.Token, doc)
	if r.Status != 200 || !strings.Contains(r.Body, `"added":0`) {
		t.Fatalf("re-import: %d %s", r.Status, r.Body)
	}
	if r := w.app.API("POST", "/api/v1/import", w.caregiver.Token, doc); r.Status != 403 {
		t.Fatalf("caregiver import: %d", r.Status)
	}
	// A broken file: nothing is half-imported, the first problem is named.
	var m map[string]any
	json.Unmarshal([]byte(doc), &m)
	touch := m["touch"].([]any)
	touch[1].(map[string]any)["started_at"] = "not a time"
	bad, _ := json.Marshal(m)
	r = w.app.API("POST", "/api/v1/import", w.other.Token, string(bad))
	if r.Status != 422 || !strings.Contains(r.Body, "touch[1].started_at") {
		t.Fatalf("bad time in file: %d %s", r.Status, r.Body)
	}
	for _, tc := range []struct{ name, body, want string }{
		{"not json", "{", "not a valid Nurture export"},
		{"other format", `{"format":"other","version":1}`, "not a Nurture export"},
		{"future version", `{"format":"nurture-export","version":2}`, "version"},
		{"unknown field", `{"format":"nurture-export","version":1,"extra":1}`, "not a valid"},
	} {
		r := w.app.API("POST", "/api/v1/import", w.other.Token, tc.body)
		if r.Status != 422 || !strings.Contains(r.Body, tc.want) {
			t.Errorf("%s: %d %s", tc.name, r.Status, r.Body)
		}
	}
	r = w.app.API("GET", "/api/v1/babies", w.other.Token, nil)
	if strings.Count(r.Body, `"id"`) != 1 {
		t.Fatalf("a failed import left records: %s", r.Body)
	}
	// Into another family the records are copied under new ids (see
	// TestImportCopiesIntoAnotherFamily).
	r = w.app.API("POST", "/api/v1/import", w.other.Token, doc)
	if r.Status != 200 || strings.Contains(r.Body, `"added":0`) {
		t.Fatalf("import of another family's ids: %d %s", r.Status, r.Body)
	}
	// A large import file is accepted past the usual 1 MiB body limit.
	big := bytes.Repeat([]byte(" "), 2<<20)
	r = w.app.API("POST", "/api/v1/import", w.owner.Token, append(big, []byte(doc)...))
	if r.Status != 200 {
		t.Fatalf("2 MiB import: %d %s", r.Status, r.Body)
	}
	if r := w.app.API("POST", "/api/v1/import", w.owner.Token, nil); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("empty import: %d", r.Status)
	}
}
