package web

import (
	"bytes"
	"container/list"
	"html/template"
	"net/http"
	"sync"
)

// Pages whose content block is the same for every reader with the same
// language and inputs (the library's strokes, guides and routines): it is
// rendered once and kept, and each request renders only the layout around
// it (the reader's name, babies, tabs). See renderShared.
var sharedPages = []string{"stroke", "guide", "routines"}

// contentShell is the layout whose content block is the kept HTML.
const contentShell = `{{define "content"}}{{.Shared}}{{end}}`

// maxShared bounds the kept content blocks (raw HTML, a few KB each): the
// library's pages in a handful of languages fit many times over.
const maxShared = 1 << 20

// sharedContent keeps rendered content blocks by key, dropping the one
// used longest ago when full.
type sharedContent struct {
	mu    sync.Mutex
	m     map[string]*list.Element
	order list.List // of *sharedBlock, front: used last
	bytes int
}

type sharedBlock struct {
	key  string
	html template.HTML
}

func (c *sharedContent) get(key string) (template.HTML, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if !ok {
		return "", false
	}
	c.order.MoveToFront(e)
	return e.Value.(*sharedBlock).html, true
}

func (c *sharedContent) put(key string, html template.HTML) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]*list.Element{}
	}
	if e, ok := c.m[key]; ok {
		c.bytes -= len(e.Value.(*sharedBlock).html)
		c.order.Remove(e)
		delete(c.m, key)
	}
	for c.bytes+len(html) > maxShared && c.order.Len() > 0 {
		old := c.order.Remove(c.order.Back()).(*sharedBlock)
		delete(c.m, old.key)
		c.bytes -= len(old.html)
	}
	c.m[key] = c.order.PushFront(&sharedBlock{key: key, html: html})
	c.bytes += len(html)
}

// renderShared renders page like render, taking its content block from
// the one kept for (page, key, language) when there is one. key must name
// everything the content block depends on besides the page, the
// language and the Accept-Language header (which picks the region's
// formats); the layout around it is rendered for this reader.
func (s *Server) renderShared(w http.ResponseWriter, r *http.Request, page, key string, v *view) {
	shell, ok := s.pages.shells[page]
	if !ok {
		s.render(w, r, http.StatusOK, page, v)
		return
	}
	k := page + "\x00" + key + "\x00" + v.Lang + "\x00" + r.Header.Get("Accept-Language")
	html, ok := s.shared.get(k)
	if !ok {
		var buf bytes.Buffer
		if err := s.pages.byName[page].ExecuteTemplate(&buf, "content", v); err != nil {
			s.fail(w, r, err)
			return
		}
		html = template.HTML(buf.String())
		s.shared.put(k, html)
	}
	v.Shared = html
	var buf bytes.Buffer
	if err := shell.ExecuteTemplate(&buf, "layout.html", v); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
}
