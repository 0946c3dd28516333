package api

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"net/http"
	"time"

	"nurture/internal/route"
)

// openapiJSON is the hand-written OpenAPI description of every /api/v1
// route. It is OpenAPI 3.1 proper (nullable values are type arrays such as
// ["string", "null"], not 3.0's "nullable"): kin-openapi, which the tests
// validate every API answer with, loads and validates 3.1 documents and
// checks 3.1 schemas with its JSON Schema 2020-12 validator.
//
//go:embed openapi.json
var openapiJSON []byte

// openapiETag names this build's document, so clients can revalidate.
var openapiETag = func() string {
	sum := sha256.Sum256(openapiJSON)
	return `"` + hex.EncodeToString(sum[:8]) + `"`
}()

// OpenAPIDocument returns the OpenAPI document the API serves at the
// site root.
func OpenAPIDocument() []byte { return bytes.Clone(openapiJSON) }

// served is a document as served, with its ETag.
type served struct {
	body []byte
	etag string
}

// openapiUnder is the document of a server under base: its server's URL,
// the first "url" of the document, is base's path ("/nurture/").
func openapiUnder(base route.Base) served {
	if base.Prefix() == "" {
		return served{openapiJSON, openapiETag}
	}
	doc := bytes.Replace(openapiJSON, []byte(`"url": "/"`), []byte(`"url": "`+base.Path("/")+`"`), 1)
	sum := sha256.Sum256(doc)
	return served{doc, `"` + hex.EncodeToString(sum[:8]) + `"`}
}

func (h *Handler) openapiRoutes(mux *route.Mux) {
	mux.HandleFunc("GET /api/v1/openapi.json", h.openapi)
}

// openapi serves the document to anyone: it describes the API, not data.
// It changes only with the binary, so clients may keep it an hour and
// then revalidate with the ETag.
func (h *Handler) openapi(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Header().Set("ETag", h.openapiDoc.etag)
	http.ServeContent(w, r, "openapi.json", time.Time{}, bytes.NewReader(h.openapiDoc.body))
}
