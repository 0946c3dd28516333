// Package app holds the use cases that both doors, the pages and the JSON
// API, share: each loads what it needs, applies the pure rules and stores
// the outcome, so a rule is enforced the same way whichever door is used.
package app

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/google/uuid"

	"nurture/internal/content"
	"nurture/internal/domain"
	"nurture/internal/readiness"
	"nurture/internal/routine"
	"nurture/internal/store"
)

// Care plans and records massage sessions through the readiness answer.
type Care struct {
	Store   *store.Store
	Library *content.Library
	Now     func() time.Time
	strokes map[string]routine.Stroke
}

// New returns the use cases over a store and the library.
func New(st *store.Store, lib *content.Library, now func() time.Time) *Care {
	return &Care{Store: st, Library: lib, Now: now, strokes: routine.ByID(routine.FromLibrary(lib))}
}

// ErrNoCheck means there is no readiness answer recent enough to plan a
// session from: the parent answers the readiness questions first.
var ErrNoCheck = errors.New("app: no readiness check in the last 30 minutes")

// CheckReadiness applies the readiness rules to the baby and keeps the
// answer under checkID (a new id when empty), so that the session that
// follows is planned from it. A replayed id changes nothing.
func (c *Care) CheckReadiness(ctx context.Context, id domain.Identity, baby domain.Baby, checkID string, in readiness.Input) (readiness.Result, domain.ReadinessCheck, error) {
	res, err := readiness.Check(in, domain.ReadinessBaby(baby, id.Family), domain.ReadinessSettings(id.Family))
	if err != nil {
		return res, domain.ReadinessCheck{}, err
	}
	if checkID == "" {
		checkID = uuid.NewString()
	}
	chk := domain.ReadinessCheck{ID: checkID, FamilyID: id.Family.ID, BabyID: baby.ID, UserID: id.User.ID,
		CheckedAt: in.Now.UTC(), Verdict: res.Verdict.String(), State: string(in.State)}
	for _, f := range res.Adjust {
		chk.Adjust = append(chk.Adjust, f.Code)
	}
	if err := c.Store.PutReadinessCheck(ctx, chk); err != nil {
		return res, chk, err
	}
	return res, chk, nil
}

// CurrentCheck returns the readiness answer a session starting now follows:
// the one named, when it is this baby's and recent; with no name, the
// user's latest recent answer for the baby. Recent is within
// domain.CheckValidFor. Otherwise ErrNoCheck.
func (c *Care) CurrentCheck(ctx context.Context, id domain.Identity, babyID, checkID string) (domain.ReadinessCheck, error) {
	now := c.Now()
	since := now.Add(-domain.CheckValidFor)
	var chk domain.ReadinessCheck
	var err error
	if checkID != "" {
		chk, err = c.Store.ReadinessCheck(ctx, id.Family.ID, babyID, checkID)
	} else {
		chk, err = c.Store.LatestReadinessCheck(ctx, id.Family.ID, babyID, id.User.ID, since)
	}
	if errors.Is(err, store.ErrNotFound) {
		return chk, ErrNoCheck
	} else if err != nil {
		return chk, err
	}
	if chk.CheckedAt.Before(since) || chk.CheckedAt.After(now.Add(domain.ClockSkew)) {
		return chk, ErrNoCheck
	}
	return chk, nil
}

// Rules are the plan rules for a baby now, with a readiness answer's
// adjustments: the cautious age (the younger of chronological and
// corrected), still touch before the due date.
func (c *Care) Rules(baby domain.Baby, fam domain.Family, adjust []string) routine.Rules {
	rb := domain.ReadinessBaby(baby, fam)
	now := c.Now()
	return routine.Rules{AgeDays: rb.CautiousAgeDays(now), BeforeDue: rb.BeforeDueDate(now), Adjust: adjust}
}

// Plan applies the rules to a routine's steps.
func (c *Care) Plan(steps []content.Step, r routine.Rules) []content.Step {
	return routine.Plan(c.strokes, steps, r)
}

// LeftOutBy lists, of the adjustment codes given, those that would leave
// this stroke out of a plan made under r. The player uses it when it asks
// the short readiness questions itself (offline, or with no recent
// answer): the server decides, the page only applies.
func (c *Care) LeftOutBy(strokeID string, r routine.Rules, codes []string) []string {
	s, ok := c.strokes[strokeID]
	if !ok {
		return nil
	}
	out := []string{}
	for _, code := range codes {
		with := r
		with.Adjust = append(slices.Clone(r.Adjust), code)
		if !with.Allows(s) {
			out = append(out, code)
		}
	}
	return out
}

// ErrUnknownCheck means a session names a readiness answer this baby does
// not have.
var ErrUnknownCheck = errors.New("app: unknown readiness check")

// SessionReadiness fills in the verdict of the readiness answer a session
// names; a session naming none was recorded after the fact.
func (c *Care) SessionReadiness(ctx context.Context, s *domain.Session) error {
	if s.ReadinessCheckID == "" {
		s.Readiness = domain.ReadinessNone
		return nil
	}
	chk, err := c.Store.ReadinessCheck(ctx, s.FamilyID, s.BabyID, s.ReadinessCheckID)
	if errors.Is(err, store.ErrNotFound) {
		return ErrUnknownCheck
	} else if err != nil {
		return err
	}
	s.Readiness = chk.Verdict
	return nil
}
