// Package mailtest is a local SMTP sink for tests: a real SMTP server on
// the loopback that keeps what it receives.
package mailtest

import (
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"nurture/internal/mail"
)

// Received is one message as the sink got it.
type Received struct {
	From string
	To   []string
	Data string // the whole message, headers and body
}

// Sink receives e-mail for a test.
type Sink struct {
	mu   sync.Mutex
	got  []Received
	Mail mail.Config // how to send to it
}

// Messages returns what was received so far.
func (s *Sink) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.got...)
}

// Wait returns the messages once there are n, or what there is after d.
func (s *Sink) Wait(n int, d time.Duration) []Received {
	end := time.Now().Add(d)
	for time.Now().Before(end) {
		if m := s.Messages(); len(m) >= n {
			return m
		}
		time.Sleep(10 * time.Millisecond)
	}
	return s.Messages()
}

// New starts a sink for the length of the test.
func New(t testing.TB) *Sink {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Sink{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{sink: s}, nil }))
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	addr := l.Addr().(*net.TCPAddr)
	s.Mail = mail.Config{Host: "127.0.0.1", Port: addr.Port, From: "Nurture <nurture@home.example>", Security: mail.Plain}
	return s
}

type session struct {
	sink *Sink
	cur  Received
}

func (s *session) Reset()        { s.cur = Received{} }
func (s *session) Logout() error { return nil }

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.cur.From = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.cur.To = append(s.cur.To, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.cur.Data = string(b)
	s.sink.mu.Lock()
	s.sink.got = append(s.sink.got, s.cur)
	s.sink.mu.Unlock()
	return nil
}
