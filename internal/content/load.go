package content

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"
)

//go:embed data/*.json
var embedded embed.FS

const libraryFile = "library.json"

// textFilePattern finds the locale files; the locale is the middle part of
// the name, so a new language is picked up without code changes.
const textFilePattern = "text.*.json"

var localeName = regexp.MustCompile(`^[a-z]{2,3}(-[a-z0-9]{2,8})*$`)

// Load parses and validates the embedded library. The error lists every
// problem found, not just the first.
func Load() (*Library, error) {
	data, err := fs.Sub(embedded, "data")
	if err != nil {
		return nil, err
	}
	return loadFS(data)
}

// MustLoad is Load for start-up code and tests: the content is compiled in,
// so a broken library is a build defect, not a runtime condition.
func MustLoad() *Library {
	l, err := Load()
	if err != nil {
		panic(err)
	}
	return l
}

// loadFS reads library.json and every text.<locale>.json at the root of fsys.
func loadFS(fsys fs.FS) (*Library, error) {
	var file struct {
		BodyParts []string     `json:"body_parts"`
		Strokes   []Stroke     `json:"strokes"`
		Routines  []Routine    `json:"routines"`
		Guides    []Guide      `json:"guides"`
		Course    []CourseWeek `json:"course,omitempty"`
	}
	if err := decodeFile(fsys, libraryFile, &file); err != nil {
		return nil, err
	}
	l := &Library{
		bodyParts: file.BodyParts,
		strokes:   file.Strokes,
		routines:  file.Routines,
		guides:    file.Guides,
		course:    file.Course,
		locales:   map[string]*localeText{},
	}
	names, err := fs.Glob(fsys, textFilePattern)
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		locale := strings.TrimSuffix(strings.TrimPrefix(path.Base(name), "text."), ".json")
		if !localeName.MatchString(locale) {
			return nil, fmt.Errorf("content: %s: %q is not a lower-case locale name", name, locale)
		}
		t := &localeText{}
		if err := decodeFile(fsys, name, t); err != nil {
			return nil, err
		}
		if t.Locale != locale {
			return nil, fmt.Errorf("content: %s: declares locale %q, file name says %q", name, t.Locale, locale)
		}
		l.locales[locale] = t
	}
	if err := Validate(l); err != nil {
		return nil, err
	}
	return l, nil
}

// decodeFile rejects unknown fields so a misspelt key fails loudly instead of
// leaving text silently empty.
func decodeFile(fsys fs.FS, name string, v any) error {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return fmt.Errorf("content: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			line := 1 + bytes.Count(b[:syn.Offset], []byte("\n"))
			return fmt.Errorf("content: %s line %d: %w", name, line, err)
		}
		return fmt.Errorf("content: %s: %w", name, err)
	}
	return nil
}
