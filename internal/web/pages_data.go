package web

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"nurture/internal/app"
	"nurture/internal/domain"
	"nurture/internal/route"
	"nurture/internal/store"
)

// dataRoutes registers the pages where a family takes its data away,
// brings it back, and deletes what it wants deleted.
func (s *Server) dataRoutes(mux *route.Mux) {
	mux.HandleFunc("GET /family/data", s.member(s.dataPage))
	mux.HandleFunc("POST /family/import", s.owner(s.importData))
	mux.HandleFunc("POST /family/leave", s.member(s.leave))
	mux.HandleFunc("POST /family/delete", s.owner(s.deleteFamily))
	mux.HandleFunc("POST /family/members/{user}/remove", s.owner(s.removeMember))
	mux.HandleFunc("POST /family/members/{user}/role", s.owner(s.setRole))
	mux.HandleFunc("POST /babies/{id}/delete", s.owner(s.deleteBaby))
}

type dataData struct {
	Imported       *store.ImportResult
	LastOwner      bool // leaving is refused until someone else is owner
	OthersInFamily bool
}

func (s *Server) dataView(r *http.Request, id domain.Identity) (*view, *dataData, error) {
	ms, err := s.Store.Members(r.Context(), id.Family.ID)
	if err != nil {
		return nil, nil, err
	}
	d := &dataData{OthersInFamily: len(ms) > 1}
	owners := 0
	for _, m := range ms {
		if m.Role == domain.Owner {
			owners++
		}
	}
	d.LastOwner = id.Role == domain.Owner && owners == 1 && len(ms) > 1
	return s.newView(r, "data.title", d), d, nil
}

func (s *Server) dataPage(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	v, _, err := s.dataView(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "data", v)
}

func (s *Server) importData(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	route.SlowUpload(w, r)
	v, d, err := s.dataView(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The file part is read as it arrives, never parsed into memory whole.
	file, err := fileField(r, "file")
	if err != nil {
		if route.TooLarge(err) {
			v.Alert(v.T("api.too_large"))
			s.render(w, r, http.StatusRequestEntityTooLarge, "data", v)
			return
		}
		v.Errors = domain.FieldErrors{"file": "data.choose_file"}
		s.render(w, r, http.StatusUnprocessableEntity, "data", v)
		return
	}
	res, err := s.cases.Import(r.Context(), id.Family.ID, file)
	if err != nil {
		status, msg := importFailure(v, id.Family, err, s.Now())
		if status == 0 {
			s.fail(w, r, err)
			return
		}
		if status == http.StatusServiceUnavailable {
			w.Header().Set("Retry-After", "60")
		}
		v.Alert(v.T("data.import_failed") + " " + msg)
		s.render(w, r, status, "data", v)
		return
	}
	d.Imported = &res
	s.render(w, r, http.StatusOK, "data", v)
}

// fileField finds the multipart part of a form field holding a chosen
// file and returns it unread.
func fileField(r *http.Request, name string) (io.Reader, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, err
	}
	for {
		p, err := mr.NextPart()
		if err != nil {
			return nil, err
		}
		if p.FormName() == name && p.FileName() != "" {
			return p, nil
		}
	}
}

// confirmed reports whether the user typed the expected words, ignoring
// case and spaces around them.
func confirmed(r *http.Request, want string) bool {
	return strings.EqualFold(strings.TrimSpace(r.PostFormValue("confirm")), strings.TrimSpace(want))
}

func (s *Server) leave(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	v, d, err := s.dataView(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if r.PostFormValue("confirm_leave") != "yes" {
		v.Errors = domain.FieldErrors{"confirm_leave": "data.confirm_needed"}
		s.render(w, r, http.StatusUnprocessableEntity, "data", v)
		return
	}
	if d.LastOwner {
		v.Alert(v.T("data.last_owner"))
		s.render(w, r, http.StatusConflict, "data", v)
		return
	}
	if err := s.Store.RemoveMember(r.Context(), id.Family.ID, id.User.ID, id.User.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	s.clearSession(w, r)
	http.Redirect(w, r, "/?msg=account_deleted", http.StatusSeeOther)
}

func (s *Server) deleteFamily(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	if !confirmed(r, id.Family.Name) {
		v, _, err := s.dataView(r, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.Errors = domain.FieldErrors{"confirm": "data.confirm_family"}
		s.render(w, r, http.StatusUnprocessableEntity, "data", v)
		return
	}
	if err := s.Store.DeleteFamily(r.Context(), id.Family.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	s.clearSession(w, r)
	http.Redirect(w, r, "/?msg=family_deleted", http.StatusSeeOther)
}

// memberOf answers 404 unless user is in the caller's family; it reports
// whether the handler may go on.
func (s *Server) memberOf(w http.ResponseWriter, r *http.Request, id domain.Identity, user string) bool {
	ok, err := s.Store.IsMember(r.Context(), id.Family.ID, user)
	if err != nil {
		s.fail(w, r, err)
		return false
	}
	if !ok {
		s.notFound(w, r)
	}
	return ok
}

func (s *Server) removeMember(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	user := r.PathValue("user")
	if !s.memberOf(w, r, id, user) {
		return
	}
	if r.PostFormValue("confirm_remove") != "yes" {
		http.Redirect(w, r, "/family?msg=confirm_needed", http.StatusSeeOther)
		return
	}
	err := s.Store.RemoveMember(r.Context(), id.Family.ID, id.User.ID, user)
	if errors.Is(err, store.ErrLastOwner) {
		http.Redirect(w, r, "/family?msg=last_owner", http.StatusSeeOther)
		return
	} else if errors.Is(err, store.ErrNotOwner) {
		http.Error(w, http.StatusText(http.StatusForbidden), http.StatusForbidden)
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	if user == id.User.ID {
		s.clearSession(w, r)
		http.Redirect(w, r, "/?msg=account_deleted", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/family?msg=member_removed", http.StatusSeeOther)
}

func (s *Server) setRole(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	if !s.memberOf(w, r, id, r.PathValue("user")) {
		return
	}
	role := domain.Role(r.PostFormValue("role"))
	if !role.Valid() {
		http.Redirect(w, r, "/family?msg=confirm_needed", http.StatusSeeOther)
		return
	}
	err := s.Store.SetRole(r.Context(), id.Family.ID, id.User.ID, r.PathValue("user"), role)
	if errors.Is(err, store.ErrLastOwner) {
		http.Redirect(w, r, "/family?msg=last_owner", http.StatusSeeOther)
		return
	} else if errors.Is(err, store.ErrNotOwner) {
		http.Error(w, http.StatusText(http.StatusForbidden), http.StatusForbidden)
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/family?msg=saved", http.StatusSeeOther)
}

func (s *Server) deleteBaby(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	b, err := s.Store.Baby(r.Context(), id.Family.ID, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !confirmed(r, b.Name) {
		v, _, err := s.babyView(r, id, "baby.edit_title")
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.Form = map[string]string{"name": b.Name, "birth_date": b.BirthDate, "gestation_weeks": strconv.Itoa(b.GestationWeeks)}
		v.Errors = domain.FieldErrors{"confirm": "data.confirm_baby"}
		s.render(w, r, http.StatusUnprocessableEntity, "baby_form", v)
		return
	}
	if err := s.Store.DeleteBaby(r.Context(), id.Family.ID, b.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/family?msg=baby_deleted", http.StatusSeeOther)
}

// importFailure is the page's status and message for an import that
// failed (status 0 for the server's own error), with the statuses the API
// answers.
func importFailure(v *view, f domain.Family, err error, now time.Time) (int, string) {
	if route.TooLarge(err) {
		return http.StatusRequestEntityTooLarge, v.T("api.too_large")
	}
	msg, ok := app.ImportText(v.Printer, f, err, now)
	if !ok {
		return 0, ""
	}
	status := map[app.ImportFault]int{app.ImportRunning: http.StatusConflict, app.ImportBusy: http.StatusServiceUnavailable,
		app.ImportStalled: http.StatusRequestTimeout, app.ImportCut: http.StatusBadRequest, app.ImportInvalid: http.StatusUnprocessableEntity}
	return status[app.ImportFaultOf(err)], msg
}
