package server_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestLayers keeps the arrows of the design pointing one way, read from
// the non-test sources: the pure rules touch neither storage nor HTTP,
// domain imports nothing of Nurture, the use cases know no door and no
// HTTP, and neither door reaches into the other.
func TestLayers(t *testing.T) {
	imports := map[string][]string{} // package → what it imports
	root := filepath.Join("..")
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		pkg := filepath.ToSlash(filepath.Dir(path))[len("../"):]
		for _, im := range f.Imports {
			p, _ := strconv.Unquote(im.Path.Value)
			imports[pkg] = append(imports[pkg], strings.TrimPrefix(p, "nurture/internal/"))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	forbidden := map[string][]string{
		"domain":    {"readiness", "routine", "insights", "content", "store", "app", "web", "api", "net/http"},
		"readiness": {"store", "app", "web", "api", "net/http", "database/sql"},
		"routine":   {"store", "app", "web", "api", "net/http", "database/sql"},
		"insights":  {"store", "app", "web", "api", "net/http", "database/sql"},
		"content":   {"store", "app", "web", "api", "net/http", "database/sql"},
		"course":    {"store", "app", "web", "api", "net/http", "database/sql"},
		"voice":     {"store", "app", "web", "api", "net/http", "database/sql"},
		"share":     {"store", "app", "web", "api", "net/http", "database/sql"},
		"webhook":   {"store", "app", "web", "api", "net/http", "database/sql"},
		"wire":      {"store", "app", "web", "api", "net/http", "database/sql"},
		"metrics":   {"domain", "store", "app", "web", "api", "server", "auth"},
		"store":     {"app", "web", "api", "net/http"},
		"app":       {"web", "api", "server", "net/http", "html/template", "encoding/json"},
		"web":       {"api", "server"},
		"api":       {"web", "server"},
	}
	for pkg, bad := range forbidden {
		if _, ok := imports[pkg]; !ok {
			t.Errorf("package %s not found", pkg)
		}
		for _, im := range imports[pkg] {
			if slices.Contains(bad, im) {
				t.Errorf("%s imports %s", pkg, im)
			}
		}
	}
}
