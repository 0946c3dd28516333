package web

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"nurture/internal/domain"
	"nurture/internal/mail"
	"nurture/internal/store"
)

type familyData struct {
	Members   []domain.Member
	Invites   []store.PendingInvite
	Archived  []domain.Baby
	Roles     []domain.Role
	Relations []domain.Relation
	// Shown once, right after an owner creates one.
	InviteURL string
	// InviteQR is the link as a QR code to scan with the other phone.
	InviteQR      template.HTML
	InviteExpires time.Time
	ResetURL      string
	ResetName     string
	// VoiceDone of VoiceTotal prompts have a recording.
	VoiceDone, VoiceTotal int
	// MailOn: invitations can be sent by e-mail; InviteSentTo is where the
	// new one went, InviteMailFailed when sending it failed.
	MailOn           bool
	InviteSentTo     string
	InviteMailFailed bool
	// HooksFailing webhooks fail, the first since HooksFailingSince
	// (owners only).
	HooksFailing      int
	HooksFailingSince time.Time
}

func (s *Server) familyView(r *http.Request, id domain.Identity, d *familyData) (*view, error) {
	ctx := r.Context()
	var err error
	if d.Members, err = s.Store.Members(ctx, id.Family.ID); err != nil {
		return nil, err
	}
	if id.Role == domain.Owner {
		if d.Invites, err = s.Store.PendingInvites(ctx, id.Family.ID, s.Now()); err != nil {
			return nil, err
		}
		if d.HooksFailing, d.HooksFailingSince, err = s.Store.FailingWebhooks(ctx, id.Family.ID); err != nil {
			return nil, err
		}
	}
	all, err := s.Store.Babies(ctx, id.Family.ID, true)
	if err != nil {
		return nil, err
	}
	for _, b := range all {
		if b.ArchivedAt != nil {
			d.Archived = append(d.Archived, b)
		}
	}
	d.Roles, d.Relations = domain.Roles, domain.Relations
	d.MailOn = s.mailOn()
	if d.VoiceDone, d.VoiceTotal, err = s.voiceProgress(r, id); err != nil {
		return nil, err
	}
	return s.newView(r, "family.title", d), nil
}

func (s *Server) family(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	v, err := s.familyView(r, id, &familyData{})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "family", v)
}

func (s *Server) createInvite(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	role, rel := domain.Role(r.PostFormValue("role")), domain.Relation(r.PostFormValue("relation"))
	fe := domain.FieldErrors{}
	if !role.Valid() {
		fe.Add("role", "error.choice")
	}
	if !rel.Valid() {
		fe.Add("relation", "error.choice")
	}
	email, ok := checkEmail(r.PostFormValue("email"))
	if !ok {
		fe.Add("email", "error.email")
	}
	d := &familyData{}
	if fe.OK() {
		code, exp, err := s.Accounts.Invite(r.Context(), id, role, rel)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.InviteURL, d.InviteExpires = s.Base.URL(r, "/join/"+code), exp
		p := s.Catalog.For(s.Catalog.Match(id.User.Locale, r.Header.Get("Accept-Language")))
		d.InviteQR = qrSVG(d.InviteURL, p.T("family.invite_qr"))
		// Sent in the inviter's language: they chose whom to write to.
		if email != "" && s.mailOn() {
			err := s.send(r, mail.Message{To: email, Subject: p.T("mail.invite_subject", "Name", id.User.Name, "Family", id.Family.Name),
				Text: p.T("mail.invite_text", "Name", id.User.Name, "Family", id.Family.Name, "Link", d.InviteURL, "Date", p.LongDate(exp.In(id.Family.Location())))})
			d.InviteSentTo, d.InviteMailFailed = email, err != nil
		}
	}
	v, err := s.familyView(r, id, d)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	status := http.StatusOK
	if !fe.OK() {
		v.Errors, v.Form, status = fe, formValues(r, "role", "relation", "email"), http.StatusUnprocessableEntity
	}
	s.render(w, r, status, "family", v)
}

// revokeInvite deletes a pending invite so its link no longer works.
// Another family's invite, or one already used, is not found.
func (s *Server) revokeInvite(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	if err := s.Store.RevokeInvite(r.Context(), id.Family.ID, r.PathValue("id")); err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.familyView(r, id, &familyData{})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.Flash = v.T("family.invite_revoked")
	s.render(w, r, http.StatusOK, "family", v)
}

func (s *Server) createReset(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	userID := r.PathValue("user")
	code, err := s.Accounts.ResetFor(r.Context(), id.Family.ID, userID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &familyData{ResetURL: s.Base.URL(r, "/reset/"+code)}
	v, err := s.familyView(r, id, d)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, m := range d.Members {
		if m.UserID == userID {
			d.ResetName = m.Name
		}
	}
	s.render(w, r, http.StatusOK, "family", v)
}

type settingsData struct {
	Timezones []string
}

func (s *Server) settings(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	v := s.newView(r, "settings.title", &settingsData{Timezones: commonTimezones(id.Family.Timezone)})
	v.Form = settingsForm(id.Family)
	s.render(w, r, http.StatusOK, "settings", v)
}

// settingsForm fills the settings form with the family's settings.
func settingsForm(f domain.Family) map[string]string {
	lang2 := ""
	if len(f.Languages) > 1 {
		lang2 = f.Languages[1]
	}
	lang1 := "en"
	if len(f.Languages) > 0 {
		lang1 = f.Languages[0]
	}
	return map[string]string{"name": f.Name, "timezone": f.Timezone, "lang1": lang1, "lang2": lang2,
		"feed_wait_min": strconv.Itoa(f.FeedWaitMin), "temp_unit": f.TempUnit, "urgent_number": f.UrgentNumber, "support_lines": f.SupportLines}
}

func (s *Server) saveSettings(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	f := formValues(r, "name", "timezone", "lang1", "lang2", "feed_wait_min", "temp_unit", "urgent_number", "support_lines")
	fs := domain.FamilySettings{Name: f["name"], Timezone: f["timezone"], TempUnit: f["temp_unit"],
		UrgentNumber: f["urgent_number"], SupportLines: f["support_lines"]}
	for _, l := range []string{f["lang1"], f["lang2"]} {
		if l != "" {
			fs.Languages = append(fs.Languages, l)
		}
	}
	n, err := strconv.Atoi(f["feed_wait_min"])
	fs.FeedWaitMin = n
	fe := fs.Validate(s.Catalog.Locales())
	if err != nil {
		fe["feed_wait_min"] = "error.feed_wait"
	}
	if !fe.OK() {
		v := s.newView(r, "settings.title", &settingsData{Timezones: commonTimezones(f["timezone"])})
		v.Errors, v.Form = fe, f
		s.render(w, r, http.StatusUnprocessableEntity, "settings", v)
		return
	}
	if err := s.Store.UpdateFamily(r.Context(), id.Family.ID, fs); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/family/settings?msg=saved", http.StatusSeeOther)
}

// commonTimezones offers a short list; any IANA name may still be typed.
func commonTimezones(current string) []string {
	list := []string{"UTC", "Europe/London", "Europe/Paris", "Europe/Brussels", "Europe/Zurich", "Europe/Berlin", "Europe/Madrid",
		"America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Montreal", "America/Toronto",
		"Africa/Abidjan", "Africa/Dakar", "Africa/Casablanca", "Africa/Johannesburg", "Asia/Kolkata", "Asia/Tokyo",
		"Australia/Sydney", "Pacific/Auckland", "Indian/Reunion", "America/Martinique"}
	for _, z := range list {
		if z == current {
			return list
		}
	}
	if current != "" {
		list = append([]string{current}, list...)
	}
	return list
}

// saveUrgentNumber sets the family's urgent number from the screen that
// needed it (a seek-help answer, the crying companion) and goes back there.
func (s *Server) saveUrgentNumber(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	next := pathOnly(r.PostFormValue("next"))
	number, k := domain.CleanUrgentNumber(r.PostFormValue("urgent_number"))
	if k == "" && number == "" {
		k = "error.required"
	}
	if k != "" {
		v := s.newView(r, "settings.title", &settingsData{Timezones: commonTimezones(id.Family.Timezone)})
		v.Errors = domain.FieldErrors{"urgent_number": k}
		v.Form = settingsForm(id.Family)
		v.Form["urgent_number"] = r.PostFormValue("urgent_number")
		s.render(w, r, http.StatusUnprocessableEntity, "settings", v)
		return
	}
	f := id.Family
	fs := domain.FamilySettings{Name: f.Name, Timezone: f.Timezone, Languages: f.Languages, FeedWaitMin: f.FeedWaitMin,
		TempUnit: f.TempUnit, UrgentNumber: number, SupportLines: f.SupportLines}
	if err := s.Store.UpdateFamily(r.Context(), f.ID, fs); err != nil {
		s.fail(w, r, err)
		return
	}
	sep := "?"
	if strings.Contains(next, "?") {
		sep = "&"
	}
	http.Redirect(w, r, next+sep+"msg=urgent_saved", http.StatusSeeOther)
}
