package app

import (
	"context"
	"errors"
	"slices"

	"nurture/internal/content"
	"nurture/internal/domain"
	"nurture/internal/readiness"
	"nurture/internal/routine"
)

// PlanRequest is the session a parent asks to start.
type PlanRequest struct {
	// Routine is a library routine's id, or domain.TodayRoutineID for
	// today's suggestion (of Minutes, for Purpose; both optional).
	Routine string
	Minutes int
	Purpose string
	// MayAsk lets a session start with no standing answer: the player asks
	// the short readiness question first (the API does not: 409).
	// AlwaysAsk asks even over a standing go answer (the page kept for
	// offline use).
	MayAsk, AlwaysAsk bool
}

// SessionPlan is what a session may hold now.
type SessionPlan struct {
	RoutineID string
	// Check is the go answer the plan follows; zero when the player asks.
	Check domain.ReadinessCheck
	Ask   bool
	// Adjust are the readiness adjustments the steps were cut by.
	Adjust []string
	Steps  []content.Step
	// New are the strokes of the caregiver's course that this session
	// introduces: the player says them slower and marks them.
	New []string
}

// Errors of PlanSession besides ErrNoCheck.
var (
	// ErrNotReady: the baby's latest answer is not go and still stands;
	// the answer comes back with it.
	ErrNotReady = errors.New("app: the latest readiness answer holds sessions back")
	// ErrUnknownRoutine: no routine has that id.
	ErrUnknownRoutine = errors.New("app: unknown routine")
	// ErrNothingAllowed: the rules leave nothing of that routine now.
	ErrNothingAllowed = errors.New("app: the rules leave nothing of this routine now")
)

// PlanSession is the one place a session's steps are decided: through the
// baby's readiness answer (CurrentCheck), from the routine asked for or
// today's suggestion, cut to the baby's cautious age and the answer's
// adjustments (routine.Plan). With no standing answer and MayAsk, the
// plan follows what the short answer ("calm, fed a while ago, well")
// would give, and Ask is set so the player asks it before starting.
func (c *Cases) PlanSession(ctx context.Context, id domain.Identity, baby domain.Baby, req PlanRequest) (SessionPlan, error) {
	rt, known := c.Library.Routine(req.Routine)
	if !known && req.Routine != domain.TodayRoutineID {
		return SessionPlan{}, ErrUnknownRoutine
	}
	chk, err := c.CurrentCheck(ctx, id, baby.ID)
	switch {
	case err == nil && !chk.Go():
		return SessionPlan{Check: chk}, ErrNotReady
	case errors.Is(err, ErrNoCheck) && !req.MayAsk:
		return SessionPlan{}, err
	case err != nil && !errors.Is(err, ErrNoCheck):
		return SessionPlan{}, err
	}
	standing := err == nil // a go answer that still stands
	plan := SessionPlan{RoutineID: req.Routine, Ask: req.AlwaysAsk || !standing}
	if plan.Ask {
		// What the short answer gives for this baby now: the age's own
		// adjustments (no oil, the cord, still touch before the due date).
		res, err := readiness.Check(readiness.Input{State: readiness.QuietAlert, Now: c.Now()}, ReadinessBaby(baby, id.Family), ReadinessSettings(id.Family))
		if err != nil {
			return SessionPlan{}, err
		}
		for _, f := range res.Adjust {
			plan.Adjust = append(plan.Adjust, f.Code)
		}
		// A go answer that still stands may ask for more care (a drowsy
		// baby, the arm of yesterday's injection): asking again never
		// loosens it.
		if standing {
			for _, a := range chk.Adjust {
				if !slices.Contains(plan.Adjust, a) {
					plan.Adjust = append(plan.Adjust, a)
				}
			}
		}
	} else {
		plan.Check, plan.Adjust = chk, chk.Adjust
	}

	var steps []content.Step
	if req.Routine == domain.TodayRoutineID {
		minutes, purpose := req.Minutes, req.Purpose
		if minutes < routine.MinMinutes || minutes > routine.MaxMinutes {
			minutes = routine.DefaultMinutes
		}
		if !slices.Contains(content.AllPurposes(), purpose) {
			purpose = ""
		}
		sug, err := c.Suggest(ctx, id.Family, baby, id.User.ID, minutes, purpose)
		if err != nil {
			return SessionPlan{}, err
		}
		steps, plan.New = sug.Steps, sug.New
	} else {
		steps = rt.Steps
	}
	plan.Steps = c.Plan(steps, c.Rules(baby, id.Family, plan.Adjust))
	if len(plan.Steps) == 0 {
		return plan, ErrNothingAllowed
	}
	// Only what the rules kept is introduced.
	plan.New = slices.DeleteFunc(plan.New, func(sid string) bool {
		return !slices.ContainsFunc(plan.Steps, func(st content.Step) bool { return st.StrokeID == sid })
	})
	return plan, nil
}
