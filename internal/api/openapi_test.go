package api_test

import (
	"context"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"nurture/internal/api"
	"nurture/internal/apptest"
)

func loadOpenAPI(t *testing.T) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(api.OpenAPIDocument())
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("validate: %v", err)
	}
	return doc
}

func TestOpenAPIDocumentIsValid(t *testing.T) {
	doc := loadOpenAPI(t)
	if !doc.IsOpenAPI31OrLater() || !strings.HasPrefix(doc.OpenAPI, "3.1") {
		t.Fatalf("openapi %q, want 3.1", doc.OpenAPI)
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.OperationID == "" || op.Responses.Len() == 0 {
				t.Errorf("%s %s: needs an operationId and responses", method, path)
			}
			// Every error answer says what went wrong in "error".
			for code, resp := range op.Responses.Map() {
				if code[0] != '4' && code[0] != '5' {
					continue
				}
				mt := resp.Value.Content.Get("application/json")
				if mt == nil || mt.Schema == nil || !slices.Contains(mt.Schema.Value.Required, "error") ||
					mt.Schema.Value.Properties["error"] == nil || !mt.Schema.Value.Properties["error"].Value.Type.Is("string") {
					t.Errorf("%s %s %s: an error answer needs an \"error\" message", method, path, code)
				}
			}
		}
	}
}

// pathParam is a {name} segment of a route pattern or a document path;
// {name...} and {$} are the ServeMux's own.
var pathParam = regexp.MustCompile(`\{[^}]+\}`)

// operations lists "METHOD /path/{}" keys, the parameters' names blanked
// so a route and the document need not name them alike.
func routeOperations(t *testing.T) []string {
	var out []string
	for _, p := range apptest.New(t).Routes {
		method, path, ok := strings.Cut(p, " ")
		if !ok || !strings.HasPrefix(path, "/api/v1/") {
			continue // a method-less pattern is the API's catch-all
		}
		out = append(out, method+" "+pathParam.ReplaceAllString(path, "{}"))
	}
	slices.Sort(out)
	return out
}

func documentOperations(doc *openapi3.T) []string {
	var out []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			out = append(out, method+" "+pathParam.ReplaceAllString(path, "{}"))
		}
	}
	slices.Sort(out)
	return out
}

func TestEveryAPIRouteIsDocumented(t *testing.T) {
	routes, documented := routeOperations(t), documentOperations(loadOpenAPI(t))
	if len(routes) == 0 {
		t.Fatal("no /api/v1 routes found")
	}
	for _, r := range routes {
		if !slices.Contains(documented, r) {
			t.Errorf("route %s is not in openapi.json", r)
		}
	}
	for _, d := range documented {
		if !slices.Contains(routes, d) {
			t.Errorf("openapi.json documents %s, which is no route", d)
		}
	}
}

func TestOpenAPIIsServed(t *testing.T) {
	app := apptest.New(t)
	r := app.API("GET", "/api/v1/openapi.json", "", nil)
	if r.Status != http.StatusOK || r.Header.Get("Content-Type") != "application/json" || r.Body != string(api.OpenAPIDocument()) {
		t.Fatalf("got %d %s %.100s", r.Status, r.Header.Get("Content-Type"), r.Body)
	}
	if cc := r.Header.Get("Cache-Control"); !strings.Contains(cc, "public") || r.Header.Get("ETag") == "" {
		t.Fatalf("not cacheable: Cache-Control %q, ETag %q", cc, r.Header.Get("ETag"))
	}
	req, _ := http.NewRequest("GET", app.URL+"/api/v1/openapi.json", nil)
	req.Header.Set("If-None-Match", r.Header.Get("ETag"))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotModified {
		t.Fatalf("revalidation: %d, want 304", res.StatusCode)
	}
}
