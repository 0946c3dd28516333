package mail_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"nurture/internal/mail"
	"nurture/internal/mail/mailtest"
)

func TestSendThroughASink(t *testing.T) {
	sink := mailtest.New(t)
	s := mail.New(sink.Mail)
	err := s.Send(context.Background(), mail.Message{To: "gran@example.org", Subject: "Join the Martin family on Nurture", Text: "Open this link: http://x/join/abc"})
	if err != nil {
		t.Fatal(err)
	}
	got := sink.Wait(1, 5*time.Second)
	if len(got) != 1 || got[0].To[0] != "gran@example.org" || got[0].From != "nurture@home.example" ||
		!strings.Contains(got[0].Data, "Subject: Join the Martin family on Nurture") || !strings.Contains(got[0].Data, "http://x/join/abc") {
		t.Fatalf("received: %+v", got)
	}
}

func TestOffAndChecks(t *testing.T) {
	if err := mail.New(mail.Config{}).Send(context.Background(), mail.Message{To: "a@b.c"}); !errors.Is(err, mail.ErrOff) {
		t.Errorf("without a host: %v", err)
	}
	for _, c := range []struct {
		cfg mail.Config
		ok  bool
	}{
		{mail.Config{}, true},
		{mail.Config{Host: "smtp.example", From: "n@example.org"}, true},
		{mail.Config{Host: "smtp.example", From: "n@example.org", Security: "tls"}, true},
		{mail.Config{Host: "smtp.example"}, false},
		{mail.Config{Host: "smtp.example", From: "n@example.org", Security: "ssl3"}, false},
		{mail.Config{Host: "smtp.example", From: "n@example.org", Port: 70000}, false},
	} {
		if err := c.cfg.Check(); (err == nil) != c.ok {
			t.Errorf("%+v: %v", c.cfg, err)
		}
	}
	// A server that does not answer fails within its timeout, not forever.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := mail.New(mail.Config{Host: "127.0.0.1", Port: 1, From: "n@example.org", Security: mail.Plain}).Send(ctx, mail.Message{To: "a@example.org"}); err == nil {
		t.Error("sending to a closed port worked")
	}
}
