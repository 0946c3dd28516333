package web

import (
	"errors"
	"net/http"
	"strconv"

	"nurture/internal/auth"
	"nurture/internal/domain"
	"nurture/internal/store"
)

func formValues(r *http.Request, names ...string) map[string]string {
	m := make(map[string]string, len(names))
	for _, n := range names {
		m[n] = r.PostFormValue(n)
	}
	return m
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	v := s.newView(r, "home.title", nil)
	if v.Me == nil {
		s.render(w, r, http.StatusOK, "landing", v)
		return
	}
	// A family with one baby lands on that baby's page.
	if len(v.Babies) == 1 && r.URL.Query().Get("msg") == "" {
		http.Redirect(w, r, "/babies/"+v.Babies[0].ID, http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "home", v)
}

type signupData struct {
	Relations    []domain.Relation
	InviteCode   string
	InviteFamily string
	InviteRole   domain.Role
}

func (s *Server) signupForm(w http.ResponseWriter, r *http.Request) {
	v := s.newView(r, "signup.title", &signupData{Relations: domain.Relations})
	// Behind single sign-on, the address the proxy vouches for.
	v.Form = map[string]string{"timezone": "", "locale": v.Lang, "email": s.Accounts.HeaderEmail(r)}
	s.render(w, r, http.StatusOK, "signup", v)
}

func (s *Server) joinForm(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	name, inv, err := s.Store.InviteInfo(r.Context(), auth.HashSecret(code), s.Now())
	if errors.Is(err, store.ErrInvite) {
		v := s.newView(r, "join.invalid_title", nil)
		v.Alert(v.T("join.invalid"))
		s.renderPlain(w, r, http.StatusNotFound, v)
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.newView(r, "join.title", &signupData{InviteCode: code, InviteFamily: name, InviteRole: inv.Role})
	v.Form = map[string]string{"locale": v.Lang, "email": s.Accounts.HeaderEmail(r)}
	s.render(w, r, http.StatusOK, "signup", v)
}

func (s *Server) signup(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, err)
		return
	}
	f := formValues(r, "email", "name", "family_name", "timezone", "locale", "invite_code", "relation", "urgent_number")
	su := domain.Signup{Email: f["email"], Password: r.PostFormValue("password"), Name: f["name"], FamilyName: f["family_name"],
		Timezone: f["timezone"], Locale: f["locale"], InviteCode: f["invite_code"], Relation: domain.Relation(f["relation"]),
		UrgentNumber: f["urgent_number"]}
	fe := su.Validate(s.Catalog.Locales())
	var secret string
	if fe.OK() {
		var err error
		_, secret, err = s.Accounts.Signup(r.Context(), su, auth.KindSession, s.Accounts.ClientAddr(r))
		if key, retry, ok := auth.Refusal(err); ok {
			v := s.newView(r, "signup.title", &signupData{Relations: domain.Relations, InviteCode: su.InviteCode})
			v.Form = f
			v.Alert(v.T(key))
			w.Header().Set("Retry-After", strconv.Itoa(retry))
			s.render(w, r, http.StatusTooManyRequests, "signup", v)
			return
		}
		switch {
		case errors.Is(err, auth.ErrEmailTaken):
			fe.Add("email", "error.email_taken")
		case errors.Is(err, store.ErrInvite):
			fe.Add("invite_code", "join.invalid")
		case err != nil:
			s.fail(w, r, err)
			return
		}
	}
	if !fe.OK() {
		data := &signupData{Relations: domain.Relations, InviteCode: su.InviteCode}
		if su.InviteCode != "" {
			data.InviteFamily, _, _ = s.Store.InviteInfo(r.Context(), auth.HashSecret(su.InviteCode), s.Now())
		}
		v := s.newView(r, "signup.title", data)
		v.Errors, v.Form = fe, f
		s.render(w, r, http.StatusUnprocessableEntity, "signup", v)
		return
	}
	s.setSession(w, r, secret)
	http.Redirect(w, r, "/?msg=welcome", http.StatusSeeOther)
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	v := s.newView(r, "login.title", nil)
	v.Form = map[string]string{"next": pathOnly(r.URL.Query().Get("next"))}
	// Single sign-on vouched for someone without an account here.
	if e := s.Accounts.HeaderEmail(r); e != "" {
		v.Flash = v.T("login.sso_unknown", "Email", e)
	}
	s.render(w, r, http.StatusOK, "login", v)
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	f := formValues(r, "email", "next")
	secret, err := s.Accounts.Login(r.Context(), f["email"], r.PostFormValue("password"), s.Accounts.ClientAddr(r), auth.KindSession, "")
	if err != nil {
		v := s.newView(r, "login.title", nil)
		v.Form = f
		v.Form["next"] = pathOnly(f["next"])
		status := http.StatusUnauthorized
		key, retry, refused := auth.Refusal(err)
		switch {
		case errors.Is(err, auth.ErrCredentials):
			v.Alert(v.T("login.wrong"))
		case refused:
			v.Alert(v.T(key))
			w.Header().Set("Retry-After", strconv.Itoa(retry))
			status = http.StatusTooManyRequests
		default:
			s.fail(w, r, err)
			return
		}
		s.render(w, r, status, "login", v)
		return
	}
	s.setSession(w, r, secret)
	next := pathOnly(f["next"])
	if next == "" || next == "/login" {
		next = "/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	if err := s.Accounts.Logout(r.Context(), id); err != nil && !errors.Is(err, store.ErrNotFound) {
		s.fail(w, r, err)
		return
	}
	s.clearSession(w, r)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

type resetData struct{ Name, Code string }

func (s *Server) resetForm(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	name, err := s.Store.ResetUser(r.Context(), auth.HashSecret(code), s.Now())
	if errors.Is(err, store.ErrNotFound) {
		v := s.newView(r, "reset.invalid_title", nil)
		v.Alert(v.T("reset.invalid"))
		s.renderPlain(w, r, http.StatusNotFound, v)
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "reset", s.newView(r, "reset.title", &resetData{Name: name, Code: code}))
}

func (s *Server) reset(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	pw := r.PostFormValue("password")
	fe := domain.FieldErrors{}
	if len([]rune(pw)) < domain.MinPasswordLen {
		fe.Add("password", "error.password_short")
	} else if len([]rune(pw)) > domain.MaxPasswordLen {
		fe.Add("password", "error.too_long")
	}
	if fe.OK() {
		err := s.Accounts.UseReset(r.Context(), code, pw)
		if key, retry, ok := auth.Refusal(err); ok {
			name, _ := s.Store.ResetUser(r.Context(), auth.HashSecret(code), s.Now())
			v := s.newView(r, "reset.title", &resetData{Name: name, Code: code})
			v.Alert(v.T(key))
			w.Header().Set("Retry-After", strconv.Itoa(retry))
			s.render(w, r, http.StatusTooManyRequests, "reset", v)
			return
		}
		if errors.Is(err, store.ErrNotFound) {
			v := s.newView(r, "reset.invalid_title", nil)
			v.Alert(v.T("reset.invalid"))
			s.renderPlain(w, r, http.StatusNotFound, v)
			return
		} else if err != nil {
			s.fail(w, r, err)
			return
		}
		s.clearSession(w, r)
		http.Redirect(w, r, "/login?msg=password_reset", http.StatusSeeOther)
		return
	}
	name, _ := s.Store.ResetUser(r.Context(), auth.HashSecret(code), s.Now())
	v := s.newView(r, "reset.title", &resetData{Name: name, Code: code})
	v.Errors = fe
	s.render(w, r, http.StatusUnprocessableEntity, "reset", v)
}

type accountData struct {
	Tokens   []domain.Token
	Sessions []domain.Token
	NewToken string
	// HasCalendar offers to reset the private calendar link.
	HasCalendar bool
}

func (s *Server) accountView(r *http.Request, id domain.Identity, d *accountData) (*view, error) {
	var err error
	if d.Tokens, err = s.Store.Tokens(r.Context(), id.User.ID, auth.KindAPI, s.Now()); err != nil {
		return nil, err
	}
	if d.Sessions, err = s.Store.Tokens(r.Context(), id.User.ID, auth.KindSession, s.Now()); err != nil {
		return nil, err
	}
	if _, err = s.Store.CalendarFeed(r.Context(), id.User.ID); err == nil {
		d.HasCalendar = true
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	v := s.newView(r, "account.title", d)
	v.Form = map[string]string{"name": id.User.Name, "locale": id.User.Locale}
	return v, nil
}

func (s *Server) account(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	v, err := s.accountView(r, id, &accountData{})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "account", v)
}

func (s *Server) saveAccount(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	fe := domain.FieldErrors{}
	name, k := domain.CleanText(r.PostFormValue("name"), domain.MaxNameLen)
	if k != "" {
		fe.Add("name", k)
	}
	locale := r.PostFormValue("locale")
	if locale != "" && !s.Catalog.Supported(locale) {
		fe.Add("locale", "error.locale")
	}
	if !fe.OK() {
		v, err := s.accountView(r, id, &accountData{})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.Errors, v.Form = fe, formValues(r, "name", "locale")
		s.render(w, r, http.StatusUnprocessableEntity, "account", v)
		return
	}
	if err := s.Store.UpdateUser(r.Context(), id.User.ID, name, locale); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/account?msg=saved", http.StatusSeeOther)
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	old, nw := r.PostFormValue("current_password"), r.PostFormValue("new_password")
	fe := domain.FieldErrors{}
	if n := len([]rune(nw)); n < domain.MinPasswordLen {
		fe.Add("new_password", "error.password_short")
	} else if n > domain.MaxPasswordLen {
		fe.Add("new_password", "error.too_long")
	}
	if fe.OK() {
		err := s.Accounts.ChangePassword(r.Context(), id, old, nw)
		if key, retry, ok := auth.Refusal(err); ok {
			v, verr := s.accountView(r, id, &accountData{})
			if verr != nil {
				s.fail(w, r, verr)
				return
			}
			v.Alert(v.T(key))
			w.Header().Set("Retry-After", strconv.Itoa(retry))
			s.render(w, r, http.StatusTooManyRequests, "account", v)
			return
		}
		if errors.Is(err, auth.ErrCredentials) {
			fe.Add("current_password", "error.password_wrong")
		} else if err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if !fe.OK() {
		v, err := s.accountView(r, id, &accountData{})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.Errors = fe
		s.render(w, r, http.StatusUnprocessableEntity, "account", v)
		return
	}
	http.Redirect(w, r, "/account?msg=password_changed", http.StatusSeeOther)
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	label, k := domain.CleanText(r.PostFormValue("label"), domain.MaxNameLen)
	if k != "" {
		v, err := s.accountView(r, id, &accountData{})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.Errors = domain.FieldErrors{"label": k}
		s.render(w, r, http.StatusUnprocessableEntity, "account", v)
		return
	}
	secret, _, err := s.Accounts.IssueToken(r.Context(), id.User.ID, auth.KindAPI, label)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.accountView(r, id, &accountData{NewToken: secret})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "account", v)
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	tid := r.PathValue("id")
	if err := s.Store.RevokeToken(r.Context(), id.User.ID, tid); err != nil {
		s.fail(w, r, err)
		return
	}
	if tid == id.TokenID {
		// Revoking this very browser session logs out here too.
		s.clearSession(w, r)
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/account?msg=token_revoked", http.StatusSeeOther)
}
