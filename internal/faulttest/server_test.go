//go:build linux

package faulttest

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

var (
	buildOnce sync.Once
	binDir    string
	binPath   string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// binary builds cmd/nurture once per test process (a plain build: the
// server is measured, not race-checked) and returns its path.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		root, err := moduleRoot()
		if err != nil {
			buildErr = err
			return
		}
		binDir, err = os.MkdirTemp("", "nurture-faulttest-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(binDir, "nurture")
		ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, goTool(), "build", "-o", binPath, "./cmd/nurture")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build ./cmd/nurture: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return filepath.Join(os.Getenv("GOROOT"), "bin", "go")
}

// moduleRoot walks up from the package directory to go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod not found above the test directory")
		}
		dir = parent
	}
}

// seed returns the random seed of a test, from NURTURE_FAULT_SEED when
// set, and logs it so a failure can be replayed.
func seed(t *testing.T) uint64 {
	s := uint64(time.Now().UnixNano())
	if v := os.Getenv("NURTURE_FAULT_SEED"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("NURTURE_FAULT_SEED: %v", err)
		}
		s = n
	}
	t.Logf("seed %d (replay with NURTURE_FAULT_SEED=%d)", s, s)
	return s
}

func newRand(s uint64) *rand.Rand { return rand.New(rand.NewPCG(s, s^0x9e3779b97f4a7c15)) }

// syncBuffer collects a server's output for the failure message.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.b.Len() > 4<<20 { // keep the newest output bounded
		s.b.Reset()
		s.b.WriteString("[older output dropped]\n")
	}
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// tail is the last n lines.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// server is one running nurture process.
type server struct {
	t       *testing.T
	cmd     *exec.Cmd
	URL     string
	out     *syncBuffer
	done    chan struct{}
	waitErr error
}

// backend says where a server keeps its data: a SQLite data directory,
// or a PostgreSQL URL.
type backend struct {
	dataDir string
	dbURL   string
	flags   []string // more of the server's flags
}

func (b backend) args() []string {
	a := []string{"--data", b.dataDir}
	if b.dbURL != "" {
		a = append(a, "--database-url", b.dbURL)
	}
	return append(a, b.flags...)
}

func (b backend) dbFile() string { return filepath.Join(b.dataDir, "nurture.db") }

// start runs `nurture serve` on a free loopback port and waits until
// /healthz answers.
func start(t *testing.T, b backend) *server {
	t.Helper()
	bin := binary(t)
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		s, err := tryStart(t, bin, b)
		if err == nil {
			return s
		}
		lastErr = err
	}
	t.Fatalf("server did not start: %v", lastErr)
	return nil
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func tryStart(t *testing.T, bin string, b backend) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	cmd := exec.Command(bin, append([]string{"serve", "--addr", addr}, b.args()...)...)
	// The server's options come from its flags alone.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "NURTURE_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	// If the test process dies, its server dies with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{t: t, cmd: cmd, URL: "http://" + addr, out: out, done: make(chan struct{})}
	go func() { s.waitErr = cmd.Wait(); close(s.done) }()
	t.Cleanup(func() {
		if !s.exited() {
			s.cmd.Process.Kill()
			<-s.done
		}
		if t.Failed() {
			t.Logf("server %s output (tail):\n%s", s.URL, tail(out.String(), 40))
		}
	})
	c := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if s.exited() {
			return nil, fmt.Errorf("server exited: %v\n%s", s.waitErr, tail(out.String(), 20))
		}
		res, err := c.Get(s.URL + "/healthz")
		if err == nil {
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.cmd.Process.Kill()
	<-s.done
	return nil, fmt.Errorf("no answer from /healthz within 60s\n%s", tail(out.String(), 20))
}

func (s *server) exited() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

func (s *server) pid() int { return s.cmd.Process.Pid }

// kill sends SIGKILL and waits for the process to be gone.
func (s *server) kill() {
	s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.done
}

// terminate sends SIGTERM and waits up to limit; it returns the exit code
// (-1 when killed by a signal) and how long the exit took.
func (s *server) terminate(limit time.Duration) (code int, took time.Duration, ok bool) {
	t0 := time.Now()
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(limit):
		s.cmd.Process.Kill()
		<-s.done
		return -1, time.Since(t0), false
	}
	return s.cmd.ProcessState.ExitCode(), time.Since(t0), true
}

// stop ends a server gracefully and fails the test unless it exits 0.
func (s *server) stop() {
	s.t.Helper()
	code, took, ok := s.terminate(30 * time.Second)
	if !ok || code != 0 {
		s.t.Fatalf("server did not stop cleanly on SIGTERM: exit %d after %s (in time: %v)\n%s", code, took, ok, tail(s.out.String(), 20))
	}
}

// newClient returns a keep-alive client for one test.
func newClient(conns int) *http.Client {
	return &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{
		MaxIdleConns: conns, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, IdleConnTimeout: 30 * time.Second,
		DisableCompression: true,
	}}
}

// call sends a JSON request and returns the status and whole body.
func call(ctx context.Context, c *http.Client, method, u, token string, body any) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return 0, nil, err
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, b, err
}

// family is the one family a test works with.
type family struct {
	Token, Email, Password, BabyID string
}

// setup signs a family up through the API and adds a baby.
func setup(t *testing.T, c *http.Client, s *server) family {
	t.Helper()
	ctx := context.Background()
	f := family{Email: "fault@example.org", Password: "correct horse battery"}
	st, b, err := call(ctx, c, "POST", s.URL+"/api/v1/signup", "", map[string]string{
		"email": f.Email, "password": f.Password, "name": "Ann", "family_name": "Fault", "timezone": "Europe/Paris"})
	if err != nil || st != http.StatusCreated {
		t.Fatalf("signup: %d %s %v", st, b, err)
	}
	var su struct{ Token string }
	if err := json.Unmarshal(b, &su); err != nil {
		t.Fatal(err)
	}
	f.Token = su.Token
	st, b, err = call(ctx, c, "POST", s.URL+"/api/v1/babies", f.Token, map[string]string{"name": "Lou", "birth_date": "2025-06-01"})
	if err != nil || st != http.StatusCreated {
		t.Fatalf("baby: %d %s %v", st, b, err)
	}
	var baby struct{ ID string }
	if err := json.Unmarshal(b, &baby); err != nil {
		t.Fatal(err)
	}
	f.BabyID = baby.ID
	return f
}

// browser logs in through the form and returns a client with the session
// cookie, for the HTML pages.
func browser(t *testing.T, s *server, f family, conns int) *http.Client {
	t.Helper()
	c := newClient(conns)
	c.Jar, _ = cookiejar.New(nil)
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	form := url.Values{"email": {f.Email}, "password": {f.Password}}
	req, _ := http.NewRequest("POST", s.URL+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login form: %d", res.StatusCode)
	}
	return c
}

// entryTypes are the logs the load writes to.
var entryTypes = []string{"touch", "sleep", "crying"}

// slotTime gives every entry its own minute: slot n starts 2n minutes
// before base and lasts one minute, so no two entries ever overlap.
func slotTime(base time.Time, n int64) (start, end string) {
	st := base.Add(-time.Duration(n) * 2 * time.Minute)
	return st.Format(time.RFC3339), st.Add(time.Minute).Format(time.RFC3339)
}

// entryBody is a finished entry of log typ in slot n.
func entryBody(typ, id string, base time.Time, n int64) map[string]any {
	start, end := slotTime(base, n)
	b := map[string]any{"id": id, "started_at": start, "ended_at": end, "notes": "slot " + strconv.FormatInt(n, 10)}
	switch typ {
	case "touch":
		b["kind"] = "holding"
	case "crying":
		b["held"] = true
		b["needs_checked"] = []string{"hungry"}
		b["parent_stress"] = 2
	}
	return b
}

// ack is an entry the server answered 2xx for.
type ack struct {
	Type, ID, StartedAt string
}

type listedEntry struct {
	ID        string `json:"id"`
	StartedAt string `json:"started_at"`
	Notes     string `json:"notes"`
}

// listAll reads every entry of a log through the API, page by page.
func listAll(t *testing.T, c *http.Client, s *server, f family, typ string) map[string]listedEntry {
	t.Helper()
	out := map[string]listedEntry{}
	cursor := ""
	for page := 0; page < 1000; page++ {
		u := s.URL + "/api/v1/babies/" + f.BabyID + "/" + typ + "?limit=1000"
		if cursor != "" {
			u += "&cursor=" + url.QueryEscape(cursor)
		}
		st, b, err := call(context.Background(), c, "GET", u, f.Token, nil)
		if err != nil || st != http.StatusOK {
			t.Fatalf("list %s: %d %s %v", typ, st, b, err)
		}
		var l struct {
			Items []listedEntry `json:"items"`
			Next  *string       `json:"next"`
		}
		if err := json.Unmarshal(b, &l); err != nil {
			t.Fatalf("list %s: %v", typ, err)
		}
		for _, e := range l.Items {
			out[e.ID] = e
		}
		if l.Next == nil {
			return out
		}
		cursor = *l.Next
	}
	t.Fatalf("list %s: more than 1000 pages", typ)
	return nil
}

// checkAcked fails the test for every acknowledged entry that is missing
// or changed; it returns how many entries the logs hold.
func checkAcked(t *testing.T, c *http.Client, s *server, f family, acks []ack) int {
	t.Helper()
	stored := map[string]map[string]listedEntry{}
	total := 0
	for _, typ := range entryTypes {
		stored[typ] = listAll(t, c, s, f, typ)
		total += len(stored[typ])
	}
	missing := 0
	for _, a := range acks {
		e, ok := stored[a.Type][a.ID]
		switch {
		case !ok:
			missing++
			if missing <= 10 {
				t.Errorf("acknowledged %s entry %s is missing", a.Type, a.ID)
			}
		case e.StartedAt != a.StartedAt:
			t.Errorf("acknowledged %s entry %s: started_at %s, want %s", a.Type, a.ID, e.StartedAt, a.StartedAt)
		}
	}
	if missing > 0 {
		t.Errorf("%d of %d acknowledged entries are missing", missing, len(acks))
	}
	return total
}

// integrityCheck opens a SQLite database file (no server may have it
// open) and requires PRAGMA integrity_check = ok and no foreign key
// violations.
func integrityCheck(t *testing.T, path string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query("PRAGMA integrity_check")
	if err != nil {
		t.Fatalf("integrity_check %s: %v", path, err)
	}
	var res []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		res = append(res, s)
	}
	rows.Close()
	if len(res) != 1 || res[0] != "ok" {
		t.Fatalf("PRAGMA integrity_check on %s: %q", path, res)
	}
	rows, err = db.Query("PRAGMA foreign_key_check")
	if err != nil {
		t.Fatalf("foreign_key_check: %v", err)
	}
	defer rows.Close()
	if rows.Next() {
		t.Fatalf("PRAGMA foreign_key_check on %s found violations", path)
	}
}

// copyDB copies a SQLite database with its WAL and shared-memory files,
// as a crash left them, so they can be checked without touching the
// originals the restarted server will recover from.
func copyDB(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "copy.db")
	for _, suffix := range []string{"", "-wal", "-shm"} {
		b, err := os.ReadFile(src + suffix)
		if errors.Is(err, os.ErrNotExist) && suffix != "" {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst+suffix, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}
