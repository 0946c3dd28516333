package api_test

import (
	"bufio"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"nurture/internal/apptest"
	"nurture/internal/cli"
	"nurture/internal/domain"
	"nurture/internal/export"
	"nurture/internal/route"
	"nurture/internal/store"
	"nurture/internal/voice"
)

// peakHeap runs fn and returns how far the heap grew above where it was,
// at its highest (sampled every few milliseconds).
func peakHeap(fn func()) uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	base := m.HeapAlloc
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > peak.Load() {
				peak.Store(m.HeapAlloc)
			}
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	fn()
	close(stop)
	<-done
	if p := peak.Load(); p > base {
		return p - base
	}
	return 0
}

// hostile writes an import file of the given body after the header to a
// pipe, as it is generated: the test never holds the file.
func hostile(head string, body func(w *bufio.Writer)) io.Reader {
	pr, pw := io.Pipe()
	go func() {
		w := bufio.NewWriterSize(pw, 64<<10)
		w.WriteString(head)
		body(w)
		pw.CloseWithError(w.Flush())
	}()
	return pr
}

// Hostile files take little memory whatever their size: 200,001 valid
// tiny records (46 MB), 30 MiB of nesting, a 30 MiB string, 60 MiB of
// spaces. Each is refused at its first problem, and the heap grows by a
// few MiB at most (it grew by gigabytes when the file was decoded whole).
func TestImportHostileFileMemoryBounded(t *testing.T) {
	a := apptest.New(t)
	f := a.Signup("ann@example.org", "Ann", "Martin")
	head := `{"format":"nurture-export","version":1,"babies":[{"id":"` + uuid.NewString() + `","name":"Lou","birth_date":"` + apptest.DaysAgo(400) +
		`","gestation_weeks":40,"archived_at":null,"created_at":"2025-01-01T00:00:00Z"}],"touch":[`
	baby := head[strings.Index(head, `"id":"`)+6:][:36]
	base := apptest.Now().Add(-300 * 24 * time.Hour).UTC().Truncate(time.Minute)
	cases := []struct {
		name, want string
		body       func(w *bufio.Writer)
	}{
		{"too many tiny records", "touch[199999]", func(w *bufio.Writer) {
			for i := range export.MaxRecords + 10 {
				if i > 0 {
					w.WriteByte(',')
				}
				at := base.Add(time.Duration(i) * time.Minute)
				fmt.Fprintf(w, `{"id":"%s","baby_id":"%s","caregiver_id":"","kind":"skin_to_skin","started_at":"%s","ended_at":"%s","notes":"","created_at":"%s","updated_at":"%s"}`,
					uuid.NewString(), baby, at.Format(time.RFC3339), at.Add(30*time.Second).Format(time.RFC3339), at.Format(time.RFC3339), at.Format(time.RFC3339))
			}
			w.WriteString("]}")
		}},
		{"deep nesting", "touch[0]", func(w *bufio.Writer) {
			for range 30 << 20 {
				w.WriteByte('[')
			}
		}},
		{"huge string", "touch[0]", func(w *bufio.Writer) {
			w.WriteString(`{"notes":"`)
			for range 30 << 20 {
				w.WriteByte('a')
			}
			w.WriteString(`"}]}`)
		}},
		{"spaces", "family", func(w *bufio.Writer) {
			for range 60 << 20 {
				w.WriteByte(' ')
			}
			w.WriteString("]}")
		}},
	}
	for _, tc := range cases {
		var status int
		var body string
		grew := peakHeap(func() {
			req, _ := http.NewRequest("POST", a.URL+"/api/v1/import", hostile(head, tc.body))
			req.Header.Set("Authorization", "Bearer "+f.Token)
			req.Header.Set("Content-Type", "application/json")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			status, body = res.StatusCode, string(b)
		})
		t.Logf("%s: heap grew by %.1f MiB at most; %d %.120s", tc.name, float64(grew)/(1<<20), status, body)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, tc.want) {
			t.Errorf("%s: %d %s, want 422 naming %s", tc.name, status, body, tc.want)
		}
		if grew > 100<<20 {
			t.Errorf("%s: the heap grew by %d MiB (100 MiB at most)", tc.name, grew>>20)
		}
	}
	if r := a.API("GET", "/api/v1/babies", f.Token, nil); strings.Contains(r.Body, "Lou") {
		t.Fatal("a refused import left a baby")
	}
}

// Recordings are the longest records, and a file's may add up to more
// than a family keeps: a file of forty 1 MiB recordings (56 MB) is refused
// at the one past the family's 32 MiB, one 60 MB recording at once, and
// the heap grows by a few recordings' worth, never by the file's audio.
func TestImportHostileVoiceMemoryBounded(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(10)) // little slack: the peak is what is held
	a := apptest.New(t)
	f := a.Signup("ann@example.org", "Ann", "Martin")
	audio := make([]byte, voice.MaxBytes)
	copy(audio, "OggS")
	record := func(w *bufio.Writer, b64 func(w *bufio.Writer)) {
		fmt.Fprintf(w, `{"id":"%s","key":"part:legs","caregiver_id":"%s","content_type":"audio/ogg","chosen":false,"recorded_at":"2026-01-01T00:00:00Z","audio":"`,
			uuid.NewString(), f.UserID)
		b64(w)
		w.WriteString(`"}`)
	}
	cases := []struct {
		name, want string
		body       func(w *bufio.Writer)
	}{
		{"more than a family keeps", "voice[32].audio", func(w *bufio.Writer) {
			for i := range 40 {
				if i > 0 {
					w.WriteByte(',')
				}
				record(w, func(w *bufio.Writer) {
					e := base64.NewEncoder(base64.StdEncoding, w)
					e.Write(audio)
					e.Close()
				})
			}
			w.WriteString("]}")
		}},
		{"one huge recording", "voice[0]", func(w *bufio.Writer) {
			record(w, func(w *bufio.Writer) {
				w.WriteString("T2dnUw") // OggS
				for range 60 << 20 {
					w.WriteByte('A')
				}
			})
			w.WriteString("]}")
		}},
	}
	for _, tc := range cases {
		var status int
		var body string
		grew := peakHeap(func() {
			req, _ := http.NewRequest("POST", a.URL+"/api/v1/import", hostile(`{"format":"nurture-export","version":1,"voice":[`, tc.body))
			req.Header.Set("Authorization", "Bearer "+f.Token)
			req.Header.Set("Content-Type", "application/json")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			status, body = res.StatusCode, string(b)
		})
		t.Logf("%s: heap grew by %.1f MiB at most; %d %.160s", tc.name, float64(grew)/(1<<20), status, body)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, tc.want) {
			t.Errorf("%s: %d %s, want 422 naming %s", tc.name, status, body, tc.want)
		}
		// A few recordings' worth, not the 32 MiB of audio the first file
		// holds before the one refused.
		if grew > 16<<20 {
			t.Errorf("%s: the heap grew by %d MiB (16 MiB at most)", tc.name, grew>>20)
		}
	}
	if used, err := a.Store.VoiceUsed(context.Background(), f.FamilyID); err != nil || used != 0 {
		t.Fatalf("a refused import left %d bytes of recordings (%v)", used, err)
	}
}

// The export of a family with its 32 MiB of recordings writes them one at
// a time: the heap grows by a few recordings' worth, where the whole
// document with its base64 and indented copies was over 100 MiB.
func TestExportVoiceMemoryBounded(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(10)) // little slack: the peak is what is held
	a := apptest.New(t)
	f := a.Signup("ann@example.org", "Ann", "Martin")
	audio := make([]byte, voice.MaxBytes)
	copy(audio, "OggS")
	for i := range voice.MaxFamilyBytes / voice.MaxBytes {
		if _, err := a.Store.PutRecording(context.Background(), f.FamilyID, f.UserID, fmt.Sprintf("phrase:p%d", i), "audio/ogg", audio, apptest.Now()); err != nil {
			t.Fatal(err)
		}
	}
	var n int64
	grew := peakHeap(func() {
		req, _ := http.NewRequest("GET", a.URL+"/api/v1/export", nil)
		req.Header.Set("Authorization", "Bearer "+f.Token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		n, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
	})
	t.Logf("export of %.1f MB: heap grew by %.1f MiB at most", float64(n)/1e6, float64(grew)/(1<<20))
	if n < voice.MaxFamilyBytes*4/3 {
		t.Fatalf("the export is %d bytes, less than its recordings in base64", n)
	}
	if grew > 16<<20 {
		t.Errorf("the heap grew by %d MiB (16 MiB at most)", grew>>20)
	}
}

// slowServer is a second server on a's store whose read timeout is short.
func slowServer(t *testing.T, a *apptest.App, readTimeout time.Duration) string {
	h, err := cli.Handler(a.Store, slog.New(slog.NewTextHandler(io.Discard, nil)), false, apptest.Now)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ReadTimeout = readTimeout
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.URL
}

type trickle struct {
	s     string
	chunk int
	pause time.Duration
}

func (r *trickle) Read(p []byte) (int, error) {
	if r.s == "" {
		return 0, io.EOF
	}
	time.Sleep(r.pause)
	n := copy(p[:min(len(p), r.chunk)], r.s)
	r.s = r.s[n:]
	return n, nil
}

// An upload slower than the server's read timeout is imported: imports
// have their own deadline.
func TestImportSlowerThanReadTimeout(t *testing.T) {
	a := apptest.New(t)
	f := a.Signup("ann@example.org", "Ann", "Martin")
	baby := a.Baby(f, "Lou", apptest.DaysAgo(60))
	a.SeedLogs(f, baby, 1)
	doc := a.API("GET", "/api/v1/export", f.Token, nil).Body
	url := slowServer(t, a, 300*time.Millisecond)
	body := &trickle{s: doc, chunk: len(doc)/10 + 1, pause: 120 * time.Millisecond}
	req, _ := http.NewRequest("POST", url+"/api/v1/import", body)
	req.ContentLength = int64(len(doc))
	req.Header.Set("Authorization", "Bearer "+f.Token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("slow upload: %d %s", res.StatusCode, b)
	}
}

// rawImport sends the headers and the first half of an import by hand,
// then does what then does to the connection, and returns the answer.
func rawImport(t *testing.T, url, token, doc string, then func(c *net.TCPConn)) string {
	c, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "POST /api/v1/import HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
		token, len(doc), doc[:len(doc)/2])
	then(c.(*net.TCPConn))
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	b, _ := io.ReadAll(c)
	return string(b)
}

// When the file stops arriving, the answer says so (it said "not valid
// JSON"), and nothing is imported.
func TestImportBodyStopsArriving(t *testing.T) {
	old := route.UploadIdle
	route.UploadIdle = 300 * time.Millisecond
	t.Cleanup(func() { route.UploadIdle = old })
	a := apptest.New(t)
	f := a.Signup("ann@example.org", "Ann", "Martin")
	baby := a.Baby(f, "Lou", apptest.DaysAgo(60))
	a.SeedLogs(f, baby, 1)
	doc := a.API("GET", "/api/v1/export", f.Token, nil).Body
	other := a.Signup("bob@example.org", "Bob", "Other")

	got := rawImport(t, a.URL, other.Token, doc, func(*net.TCPConn) { time.Sleep(time.Second) })
	if !strings.HasPrefix(got, "HTTP/1.1 408") || !strings.Contains(got, "stopped arriving") {
		t.Fatalf("a paused upload: %.400s", got)
	}
	got = rawImport(t, a.URL, other.Token, doc, func(c *net.TCPConn) { c.CloseWrite() })
	if !strings.HasPrefix(got, "HTTP/1.1 400") || !strings.Contains(got, "did not arrive whole") {
		t.Fatalf("a cut upload: %.400s", got)
	}
	if r := a.API("GET", "/api/v1/babies", other.Token, nil); strings.Contains(r.Body, "Lou") {
		t.Fatalf("a stopped upload left records: %s", r.Body)
	}
}

// One import per family at a time (409), two per server (503).
func TestImportOneAtATime(t *testing.T) {
	a := apptest.New(t)
	f := a.Signup("ann@example.org", "Ann", "Martin")
	g := a.Signup("bob@example.org", "Bob", "Other")
	doc := a.API("GET", "/api/v1/export", f.Token, nil).Body
	ctx := context.Background()
	lock, err := a.Store.LockImport(ctx, f.FamilyID)
	if err != nil {
		t.Fatal(err)
	}
	r := a.API("POST", "/api/v1/import", f.Token, doc)
	if r.Status != http.StatusConflict || !strings.Contains(r.Body, "already running") {
		t.Fatalf("second import of a family: %d %s", r.Status, r.Body)
	}
	other, err := a.Store.LockImport(ctx, uuid.NewString())
	if err != nil {
		t.Fatal(err)
	}
	r = a.API("POST", "/api/v1/import", g.Token, doc)
	if r.Status != http.StatusServiceUnavailable || r.Header.Get("Retry-After") == "" || !strings.Contains(r.Body, "Too many imports") {
		t.Fatalf("third import on the server: %d %v %s", r.Status, r.Header, r.Body)
	}
	lock.Unlock()
	other.Unlock()
	if r := a.API("POST", "/api/v1/import", f.Token, doc); r.Status != http.StatusOK {
		t.Fatalf("after the others ended: %d %s", r.Status, r.Body)
	}
}

// Logging in as an imported member without a password is a wrong password,
// counted like one (it answered 500, uncounted).
func TestLoginImportedMemberWithoutPassword(t *testing.T) {
	a := apptest.New(t)
	f := a.Signup("ann@example.org", "Ann", "Martin")
	m := domain.Member{UserID: uuid.NewString(), Email: "imp@example.org", Name: "Imp", Role: domain.Role("caregiver"), Relation: domain.Relation("father"), JoinedAt: apptest.Now()}
	if err := a.Store.AddMembers(context.Background(), f.FamilyID, []domain.Member{m}); err != nil {
		t.Fatal(err)
	}
	for _, pw := range []string{"any password at all", store.UnusablePassword} {
		r := a.API("POST", "/api/v1/login", "", map[string]string{"email": "imp@example.org", "password": pw})
		if r.Status != http.StatusUnauthorized {
			t.Fatalf("login without a password (%q): %d %s", pw, r.Status, r.Body)
		}
	}
	n, err := a.Store.LoginFailures(context.Background(), "acct:imp@example.org", apptest.Now().Add(-time.Hour))
	if err != nil || n != 2 {
		t.Fatalf("failures counted: %d %v", n, err)
	}
}
