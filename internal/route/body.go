package route

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"time"
)

// TooLarge reports whether err came from reading past a body limit
// (http.MaxBytesReader); both doors answer it with 413.
func TooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe) || (err != nil && strings.Contains(err.Error(), "http: request body too large"))
}

// Upload timing. An upload of an export file on a slow line outlasts the
// server's read timeout, so such a body has its own: up to UploadTimeout
// in all, as long as no pause is longer than UploadIdle.
const UploadTimeout = 15 * time.Minute

// UploadIdle is the longest pause of an upload (tests shorten it).
var UploadIdle = time.Minute

// SlowUpload gives the request's body the upload's own deadlines; call it
// before reading the body. The answer may be written until a few minutes
// after the upload's end, for the records to be stored.
func SlowUpload(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	now := time.Now()
	b := &uploadBody{ReadCloser: r.Body, rc: rc, end: now.Add(UploadTimeout)}
	rc.SetWriteDeadline(b.end.Add(10 * time.Minute))
	b.extend(now)
	r.Body = b
}

// uploadBody pushes the read deadline on while bytes keep arriving.
type uploadBody struct {
	io.ReadCloser
	rc        *http.ResponseController
	end, next time.Time
}

func (b *uploadBody) extend(now time.Time) {
	d := now.Add(UploadIdle)
	if d.After(b.end) {
		d = b.end
	}
	b.rc.SetReadDeadline(d)
	b.next = now.Add(UploadIdle / 10)
}

func (b *uploadBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 {
		if now := time.Now(); now.After(b.next) {
			b.extend(now)
		}
	}
	return n, err
}
