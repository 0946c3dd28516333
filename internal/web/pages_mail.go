package web

// E-mail, when the operator configured an SMTP server: an invitation sent
// to the person invited, and a reset link to whoever forgot a password.

import (
	"context"
	"errors"
	"net/http"
	netmail "net/mail"
	"time"

	"nurture/internal/auth"
	"nurture/internal/domain"
	"nurture/internal/mail"
	"nurture/internal/route"
)

func (s *Server) mailRoutes(mux *route.Mux) {
	mux.HandleFunc("POST /login/forgot", s.forgotByMail)
}

// MailOn reports whether this server sends e-mail.
func (s *Server) mailOn() bool {
	_, off := s.Mail.(mail.Off)
	return !off
}

// checkEmail normalises an address typed into a form ("" stays "").
func checkEmail(raw string) (string, bool) {
	e := domain.NormalizeEmail(raw)
	if e == "" {
		return "", true
	}
	a, err := netmail.ParseAddress(e)
	return e, err == nil && a.Address == e && len(e) <= domain.MaxEmailLen
}

// send sends one e-mail within a short time, logging a failure: the page
// always has another way (the link shown, the owner's reset link).
func (s *Server) send(r *http.Request, m mail.Message) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 30*time.Second)
	defer cancel()
	err := s.Mail.Send(ctx, m)
	if err != nil {
		s.Log.Warn("e-mail not sent", "err", err)
	}
	return err
}

// forgotByMail sends a reset link to an account's address. The answer is
// the same whether or not an account has it.
func (s *Server) forgotByMail(w http.ResponseWriter, r *http.Request) {
	v := s.newView(r, "login.title", nil)
	v.Form = map[string]string{"next": ""}
	email, ok := checkEmail(r.PostFormValue("email"))
	if !s.mailOn() || email == "" || !ok {
		v.Alert(v.T("login.forgot_mail_bad"))
		s.render(w, r, http.StatusUnprocessableEntity, "login", v)
		return
	}
	code, err := s.Accounts.ResetByMail(r.Context(), email, s.Accounts.ClientAddr(r))
	switch {
	case errors.Is(err, auth.ErrResetLimited):
		v.Alert(v.T("login.forgot_mail_limited"))
		s.render(w, r, http.StatusTooManyRequests, "login", v)
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	if code != "" {
		link := s.Base.URL(r, "/reset/"+code)
		s.send(r, mail.Message{To: email, Subject: v.T("mail.reset_subject"),
			Text: v.T("mail.reset_text", "Link", link, "Hours", int(auth.ResetTTL.Hours()))})
	}
	v.Flash = v.T("login.forgot_mail_sent", "Hours", int(auth.ResetTTL.Hours()))
	s.render(w, r, http.StatusOK, "login", v)
}
