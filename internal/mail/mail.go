// Package mail sends the few e-mails Nurture may send (an invitation, a
// password reset link) through the operator's SMTP server. It is off
// unless a host is configured: nothing changes without it.
package mail

import (
	"context"
	"errors"
	"fmt"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Security of the connection to the SMTP server.
const (
	StartTLS = "starttls" // upgrade a plain connection, refusing to go on without TLS (port 587)
	TLS      = "tls"      // TLS from the first byte (port 465)
	Plain    = "none"     // no encryption: only for a relay on the same machine or network
)

// Config is the operator's SMTP server.
type Config struct {
	Host     string
	Port     int // 587 when 0
	Username string
	Password string
	From     string // the sender, e.g. "Nurture <nurture@home.example>"
	Security string // StartTLS when empty
}

// On reports whether e-mail is configured.
func (c Config) On() bool { return c.Host != "" }

// Check says what is wrong with a configuration that is on.
func (c Config) Check() error {
	if !c.On() {
		return nil
	}
	switch c.Security {
	case "", StartTLS, TLS, Plain:
	default:
		return fmt.Errorf("SMTP security: want %s, %s or %s, got %q", StartTLS, TLS, Plain, c.Security)
	}
	if c.From == "" {
		return errors.New("SMTP: a sender address (--smtp-from) is needed")
	}
	if c.Port < 0 || c.Port > 65535 {
		return fmt.Errorf("SMTP port %d", c.Port)
	}
	return nil
}

// Message is one plain-text e-mail.
type Message struct {
	To, Subject, Text string
}

// Sender sends e-mail; Nil when none is configured.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// ErrOff is what Send answers when no SMTP server is configured.
var ErrOff = errors.New("e-mail is not configured on this server")

// New returns the sender of a configuration, or Off.
func New(c Config) Sender {
	if !c.On() {
		return Off{}
	}
	return &smtpSender{c: c}
}

// Off is the sender of a server without e-mail.
type Off struct{}

// Send answers ErrOff.
func (Off) Send(context.Context, Message) error { return ErrOff }

type smtpSender struct{ c Config }

// Send connects, sends one message and leaves: a family's server sends a
// few e-mails a month, so no connection is kept open.
func (s *smtpSender) Send(ctx context.Context, m Message) error {
	c := s.c
	port := c.Port
	if port == 0 {
		port = 587
		if c.Security == TLS {
			port = 465
		}
	}
	opts := []gomail.Option{gomail.WithPort(port), gomail.WithTimeout(20 * time.Second)}
	switch c.Security {
	case TLS:
		opts = append(opts, gomail.WithSSL())
	case Plain:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if c.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(c.Username), gomail.WithPassword(c.Password))
	}
	client, err := gomail.NewClient(c.Host, opts...)
	if err != nil {
		return fmt.Errorf("SMTP: %w", err)
	}
	msg := gomail.NewMsg()
	if err := msg.From(c.From); err != nil {
		return fmt.Errorf("SMTP sender: %w", err)
	}
	if err := msg.To(m.To); err != nil {
		return fmt.Errorf("SMTP recipient: %w", err)
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	msg.SetMessageID()
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("SMTP: %w", err)
	}
	return nil
}
