package web

import (
	"bytes"
	"container/list"
	"html/template"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"

	"nurture/internal/httpcache"
)

// Pages whose content block is the same for every reader with the same
// language and inputs (the library's strokes, guides and routines): it is
// rendered once and kept, and each request renders only the layout around
// it (the reader's name, babies, tabs). See renderShared.
var sharedPages = []string{"stroke", "guide", "routines", "library"}

// ownParts names, for a shared page whose content has a part of the
// reader's own (the library's filter offers the family's babies by age),
// the template of that part: the content is kept cut where it goes, and
// the part is rendered on each request.
var ownParts = map[string]string{"library": "lib-age"}

// contentShell is the layout whose content block is the kept HTML.
const contentShell = `{{define "content"}}{{.Shared}}{{end}}`

// Budgets of the kept pieces: the content blocks (the library's pages in
// a handful of languages fit many times over) and the layouts around
// them, one per reader, family version and page (about 4 KB each; used
// only when the whole page is not kept).
const (
	maxShared  = 1 << 20
	maxLayouts = 1 << 20
	// PiecesBytes is what both may hold, for the GC's soft limit.
	PiecesBytes = maxShared + maxLayouts
)

// sharedContent keeps pieces by key, dropping the one used longest ago
// when full.
type sharedContent struct {
	mu    sync.Mutex
	max   int
	m     map[string]*list.Element
	order list.List // of *sharedBlock, front: used last
	bytes int
}

type sharedBlock struct {
	key    string
	pieces []httpcache.Piece
	size   int
}

func (c *sharedContent) get(key string) ([]httpcache.Piece, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*sharedBlock).pieces, true
}

func (c *sharedContent) put(key string, pieces ...httpcache.Piece) {
	size := len(key)
	for _, p := range pieces {
		size += p.Size()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]*list.Element{}
	}
	if e, ok := c.m[key]; ok {
		c.bytes -= e.Value.(*sharedBlock).size
		c.order.Remove(e)
		delete(c.m, key)
	}
	for c.bytes+size > c.max && c.order.Len() > 0 {
		old := c.order.Remove(c.order.Back()).(*sharedBlock)
		delete(c.m, old.key)
		c.bytes -= old.size
	}
	c.m[key] = c.order.PushFront(&sharedBlock{key: key, pieces: pieces, size: size})
	c.bytes += size
}

// renderWhole turns the pieces off, for the test that compares both ways.
var renderWhole atomic.Bool

// Marks rendered where the title and the content go, to cut a layout
// into the pieces around them. Neither can come from a reader's text:
// names are escaped, and the marks hold no character escaping changes.
const (
	titleMark   = "nurture-title-3f9c1e"
	contentMark = "<!--nurture-content-3f9c1e-->"
	cutMark     = "<!--nurture-own-3f9c1e-->"
)

// titleText escapes a title as the layout's <title> does.
var titleText = template.Must(template.New("title").Parse(`<title>{{.}}</title>`))

// renderShared sends page as render would, made of pieces kept deflated
// (see httpcache.Piece): the content block, the same for every reader
// with the same language and key, and the layout around it for this
// reader, family version and language; only the title is new on each
// request. key must name everything the content block depends on besides
// the page, the language and the Accept-Language header (which picks the
// region's formats). Joining them costs no template and no compression,
// where rendering a page for each reader and stroke kept nothing useful.
func (s *Server) renderShared(w http.ResponseWriter, r *http.Request, page, key string, v *view) {
	shell, ok := s.pages.shells[page]
	if !ok || v.Title == "" || renderWhole.Load() {
		s.render(w, r, http.StatusOK, page, v)
		return
	}
	lang := v.Lang + "\x00" + r.Header.Get("Accept-Language")
	own := ownParts[page]
	content, ok := s.shared.get(page + "\x00" + key + "\x00" + lang)
	if !ok {
		var buf bytes.Buffer
		if own != "" {
			v.Cut = cutMark
		}
		err := s.pages.byName[page].ExecuteTemplate(&buf, "content", v)
		v.Cut = ""
		if err != nil {
			s.fail(w, r, err)
			return
		}
		parts := [][]byte{buf.Bytes()}
		if own != "" {
			before, after, ok := bytes.Cut(buf.Bytes(), []byte(cutMark))
			if !ok || bytes.Contains(after, []byte(cutMark)) {
				s.render(w, r, http.StatusOK, page, v) // the content changed shape
				return
			}
			parts = [][]byte{before, after}
		}
		// Kept pieces are copies of their own size, as kept answers are.
		// Content kept only by language (no key: the library, the
		// routines) is made so rarely that it is compressed at the best
		// level: cut in pieces, the library page was 14 % bigger than
		// whole at the fastest (4.7 → 5.4 KB). A stroke page's content,
		// one per stroke and family's languages, is made too often for
		// that (it cost stroke pages a fifth of their rate).
		deflate := httpcache.Deflated
		if key == "" {
			deflate = httpcache.DeflatedSmall
		}
		content = nil
		for _, p := range parts {
			content = append(content, deflate(bytes.Clone(p)))
		}
		s.shared.put(page+"\x00"+key+"\x00"+lang, content...)
	}
	// The reader's own part, made anew: it may change with the day (a
	// baby's age in weeks).
	var mine []httpcache.Piece
	if own != "" {
		var buf bytes.Buffer
		if err := s.pages.byName[page].ExecuteTemplate(&buf, own, v); err != nil {
			s.fail(w, r, err)
			return
		}
		mine = []httpcache.Piece{httpcache.Deflated(buf.Bytes())}
	}
	lk := page + "\x00" + readerKey(v) + "\x00" + lang
	layout, ok := s.layouts.get(lk)
	if !ok {
		title := v.Title
		v.Title, v.Shared = titleMark, contentMark
		var buf bytes.Buffer
		err := shell.ExecuteTemplate(&buf, "layout.html", v)
		v.Title = title
		if err != nil {
			s.fail(w, r, err)
			return
		}
		head, rest, ok1 := bytes.Cut(buf.Bytes(), []byte(titleMark))
		mid, tail, ok2 := bytes.Cut(rest, []byte(contentMark))
		if !ok1 || !ok2 || bytes.Contains(tail, []byte(titleMark)) || bytes.Contains(mid, []byte(titleMark)) {
			s.render(w, r, http.StatusOK, page, v) // the layout changed shape
			return
		}
		layout = []httpcache.Piece{httpcache.Deflated(bytes.Clone(head)), httpcache.Deflated(bytes.Clone(mid)), httpcache.Deflated(bytes.Clone(tail))}
		s.layouts.put(lk, layout...)
	}
	var t bytes.Buffer
	if err := titleText.Execute(&t, v.Title); err != nil {
		s.fail(w, r, err)
		return
	}
	title := bytes.TrimSuffix(bytes.TrimPrefix(t.Bytes(), []byte("<title>")), []byte("</title>"))
	w.Header().Set("Cache-Control", "no-store") // cachedPage tags it
	pieces := append([]httpcache.Piece{layout[0], httpcache.Stored(title), layout[1], content[0]}, mine...)
	pieces = append(pieces, content[1:]...)
	httpcache.WritePieces(w, r, "text/html; charset=utf-8", append(pieces, layout[2])...)
}

// readerKey names what a layout depends on besides the page and the
// language: the reader and their family's version (their name, role,
// babies, time zone), and a flash message.
func readerKey(v *view) string {
	flash := v.Flash
	if v.FlashError {
		flash = "!" + flash
	}
	if v.Me == nil {
		return "\x00" + flash
	}
	return v.Me.Family.ID + "\x00" + v.Me.User.ID + "\x00" + strconv.FormatInt(v.Me.Family.Version, 10) + "\x00" +
		string(v.Me.Role) + "\x00" + v.Me.User.Locale + "\x00" + flash
}
