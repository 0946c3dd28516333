package content

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
)

// FuzzLoad replaces one file of the library (library.json, a text file,
// or a new locale's file) with fuzzed bytes and loads it through loadFS,
// the loader behind Load: no panic; an error names the content; a library
// that loads passes Validate and answers its lookups.
func FuzzLoad(f *testing.F) {
	sub, err := fs.Sub(embedded, "data")
	if err != nil {
		f.Fatal(err)
	}
	base := fstest.MapFS{}
	names := []string{libraryFile, "text.en.json", "text.fr.json", "text.de.json"}
	for _, n := range names[:3] {
		b, err := fs.ReadFile(sub, n)
		if err != nil {
			f.Fatal(err)
		}
		base[n] = &fstest.MapFile{Data: b}
	}
	// An input is a small patch to one real file (go's fuzzer slows to a
	// crawl on inputs of tens of KiB): at a byte offset, cut some bytes and
	// insert others. With whole set, insert is the entire file.
	f.Add(uint8(0), uint32(0), uint16(0), []byte{}, false)
	f.Add(uint8(1), uint32(0), uint16(0), []byte{}, false)
	f.Add(uint8(2), uint32(0), uint16(0), []byte{}, false)
	lib := string(base[libraryFile].Data)
	f.Add(uint8(0), uint32(strings.Index(lib, `"min_age_weeks"`)+13), uint16(1), []byte{}, false)
	f.Add(uint8(0), uint32(strings.Index(lib, `"strokes"`)), uint16(0), []byte(`"strokes": null, "x": 1, `), false)
	f.Add(uint8(1), uint32(3), uint16(0), []byte(`,,`), false)
	f.Add(uint8(1), uint32(100), uint16(40), []byte(`\u0000"`), false)
	f.Add(uint8(2), uint32(len(base["text.fr.json"].Data)/2), uint16(2000), []byte(`]}`), false)
	f.Add(uint8(3), uint32(0), uint16(0), []byte(`{"locale": "de", "name": "Deutsch", "strokes": {}}`), true)
	f.Add(uint8(2), uint32(0), uint16(0), []byte(`[]`), true)
	f.Add(uint8(0), uint32(0), uint16(0), []byte(`{"body_parts":[],"strokes":[{}],"routines":[{"steps":[{}]}],"guides":[{}]}`), true)
	f.Fuzz(func(t *testing.T, which uint8, at uint32, cut uint16, insert []byte, whole bool) {
		fsys := fstest.MapFS{}
		for n, fl := range base {
			fsys[n] = fl
		}
		name := names[int(which)%len(names)]
		data := insert
		if !whole {
			data = patch(base[names[int(which)%3]].Data, at, cut, insert)
		}
		fsys[name] = &fstest.MapFile{Data: data}
		l, err := loadFS(fsys)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "content") {
				t.Fatalf("error does not say it is about the content: %v", err)
			}
			return
		}
		if err := Validate(l); err != nil {
			t.Fatalf("loaded library fails Validate: %v", err)
		}
		for _, loc := range l.Locales() {
			for _, s := range l.LocalizedStrokes(Filter{AgeWeeks: AnyAge}, loc) {
				if _, ok := l.Stroke(s.ID); !ok {
					t.Fatalf("stroke %q listed but not found", s.ID)
				}
			}
			for _, r := range l.LocalizedRoutines(loc) {
				if _, ok := l.LocalizedRoutine(r.ID, loc); !ok {
					t.Fatalf("routine %q listed but not found", r.ID)
				}
			}
			l.Vocabulary(loc)
		}
	})
}

// patch cuts cut bytes at offset at (modulo the length) and inserts insert.
func patch(b []byte, at uint32, cut uint16, insert []byte) []byte {
	i := int(at) % (len(b) + 1)
	j := min(i+int(cut), len(b))
	out := make([]byte, 0, len(b)-(j-i)+len(insert))
	out = append(append(append(out, b[:i]...), insert...), b[j:]...)
	return out
}
