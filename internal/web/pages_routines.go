package web

// The routines pages: the index of routines and one routine's page.

import (
	"net/http"

	"nurture/internal/content"
)

// routineRow is a routine in a list.
type routineRow struct {
	ID, Name, Purpose, Minutes, MinAge string
}

func routineRows(v *view, lib *content.Library) []routineRow {
	var out []routineRow
	for _, rt := range lib.LocalizedRoutines(v.Lang) {
		out = append(out, routineRow{ID: rt.ID, Name: rt.Name, Purpose: purposeLabel(v, rt.Purpose),
			Minutes: v.N("library.routine.minutes", rt.Minutes), MinAge: minAge(v, rt.MinAgeWeeks)})
	}
	return out
}

func (s *Server) routines(w http.ResponseWriter, r *http.Request) {
	v := s.newView(r, "library.routines.title", nil)
	v.Data = routineRows(v, s.Library)
	s.renderShared(w, r, "routines", "", v)
}

// routineStep is a step of a routine page, with its stroke's name.
type routineStep struct {
	StrokeID, Name, Seconds string
}

type routineData struct {
	content.LocalizedRoutine
	Row       routineRow
	StillOnly bool
	// SafeSleep shows the safe-sleep aside: the routine invites sleep.
	SafeSleep bool
	Steps     []routineStep
	// Starts open the player for each baby of a caregiver; the player asks
	// the readiness answer first.
	Starts []offlineLink
}

func (s *Server) routinePage(w http.ResponseWriter, r *http.Request) {
	rt, ok := s.Library.Routine(r.PathValue("id"))
	if !ok {
		s.notFound(w, r)
		return
	}
	v := s.newView(r, "", nil)
	lr, _ := s.Library.LocalizedRoutine(rt.ID, v.Lang)
	d := &routineData{LocalizedRoutine: lr, StillOnly: rt.StillTouchOnly, SafeSleep: rt.SafeSleep,
		Row: routineRow{Purpose: purposeLabel(v, lr.Purpose), Minutes: v.N("library.routine.minutes", lr.Minutes),
			MinAge: minAge(v, lr.MinAgeWeeks)}}
	if v.CanWrite() {
		for _, b := range v.Babies {
			d.Starts = append(d.Starts, offlineLink{"/babies/" + b.ID + "/session?routine=" + rt.ID, v.T("library.routine.start", "Name", b.Name)})
		}
	}
	if rt.SafeSleep {
		d.Cautions = withoutLine(d.Cautions, s.Library.SafeSleepText(v.Lang))
	}
	for _, st := range lr.Steps {
		t, _ := s.Library.StrokeText(st.StrokeID, v.Lang)
		d.Steps = append(d.Steps, routineStep{StrokeID: st.StrokeID, Name: t.Name, Seconds: v.N("library.routine.seconds", st.Seconds)})
	}
	v.Data, v.Title = d, lr.Name
	s.render(w, r, http.StatusOK, "routine", v)
}
