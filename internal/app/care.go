// Package app holds the use cases under both doors, the pages (web) and
// the JSON API (api): planning a session through the readiness answer,
// today's suggested routine, insights, import, and the messages both doors
// show. Each takes plain values (a context, the family, ids), loads what
// it needs, applies the pure rules (readiness, routine, insights) and
// stores the outcome, so a rule holds the same whichever door is used. It
// knows nothing of HTTP, templates or JSON shapes: the doors translate
// requests in and answers out, and map its typed errors to a status and a
// message, each in one place.
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

// Cases are the use cases, over one store and the library.
type Cases struct {
	Store   *store.Store
	Library *content.Library
	// Locales are the languages an imported family may choose.
	Locales []string
	Now     func() time.Time
	// Observer, when set, hears what sync saves and imports came to.
	Observer Observer
	// Webhooks say what a webhook may reach.
	Webhooks WebhookTargets
	strokes  map[string]routine.Stroke
	// strokeList is the library's strokes in class order.
	strokeList []routine.Stroke
}

// New returns the use cases over a store and the library.
func New(st *store.Store, lib *content.Library, locales []string, now func() time.Time) *Cases {
	list := routine.FromLibrary(lib)
	return &Cases{Store: st, Library: lib, Locales: locales, Now: now, strokes: routine.ByID(list), strokeList: list}
}

// ErrNoCheck means there is no readiness answer recent enough to plan a
// session from: the parent answers the readiness questions first.
var ErrNoCheck = errors.New("app: no readiness check in the last 30 minutes")

// CheckReadiness applies the readiness rules to the baby and keeps the
// answer under checkID (a new id when empty), so that the session that
// follows is planned from it. A replayed id with the same answer changes
// nothing and gives the same verdict; one whose answer differs from the
// stored one is ErrConflict, since the verdict shown must be the one kept.
func (c *Cases) CheckReadiness(ctx context.Context, id domain.Identity, baby domain.Baby, checkID string, in readiness.Input) (readiness.Result, domain.ReadinessCheck, error) {
	res, err := readiness.Check(in, ReadinessBaby(baby, id.Family), ReadinessSettings(id.Family))
	if err != nil {
		return res, domain.ReadinessCheck{}, err
	}
	if checkID == "" {
		checkID = uuid.NewString()
	}
	// A phone whose clock runs ahead must not make its answer outrank one
	// given after it: the moment kept is never later than the server's.
	at := in.Now.UTC()
	if now := c.Now().UTC(); at.After(now) {
		at = now
	}
	chk := domain.ReadinessCheck{ID: checkID, FamilyID: id.Family.ID, BabyID: baby.ID, UserID: id.User.ID,
		CheckedAt: at.Truncate(time.Millisecond), Verdict: res.Verdict.String(), State: string(in.State),
		Until: domain.CheckStandsUntil(res.Verdict.String(), at, res.RetryAt, id.Family.Location()).Truncate(time.Millisecond)}
	for _, f := range res.Adjust {
		chk.Adjust = append(chk.Adjust, f.Code)
	}
	stored, err := c.Store.PutReadinessCheck(ctx, chk)
	if err != nil {
		return res, chk, err
	}
	if stored.Verdict != chk.Verdict || stored.State != chk.State || !slices.Equal(stored.Adjust, chk.Adjust) {
		return res, stored, store.ErrConflict
	}
	return res, stored, nil
}

// CurrentCheck returns the readiness answer a session starting now
// follows: the baby's latest, from whoever gave it, while it stands
// (domain.CheckStandsUntil). An answer other than go is returned as it
// is, and the caller holds the session back. A go answer older than the
// latest is never used: the latest describes the baby now, with its own
// adjustments (a vaccination, drowsiness). Anything else is ErrNoCheck:
// ask again.
func (c *Cases) CurrentCheck(ctx context.Context, id domain.Identity, babyID string) (domain.ReadinessCheck, error) {
	now := c.Now()
	// Nothing stands longer than two days (a vaccination's 48 hours are the
	// longest wait), so that is far enough back.
	latest, err := c.Store.LatestReadinessCheck(ctx, id.Family.ID, babyID, now.Add(-48*time.Hour), now)
	if errors.Is(err, store.ErrNotFound) {
		return latest, ErrNoCheck
	} else if err != nil {
		return latest, err
	}
	if !now.Before(latest.Until) {
		return latest, ErrNoCheck
	}
	return latest, nil
}

// Rules are the plan rules for a baby now, with a readiness answer's
// adjustments: the cautious age (the younger of chronological and
// corrected), still touch before the due date.
func (c *Cases) Rules(baby domain.Baby, fam domain.Family, adjust []string) routine.Rules {
	rb := ReadinessBaby(baby, fam)
	now := c.Now()
	return routine.Rules{AgeDays: rb.CautiousAgeDays(now), BeforeDue: rb.BeforeDueDate(now), Adjust: adjust}
}

// Plan applies the rules to a routine's steps.
func (c *Cases) Plan(steps []content.Step, r routine.Rules) []content.Step {
	return routine.Plan(c.strokes, steps, r)
}

// SessionReadiness fills in the verdict of the readiness answer a session
// names. A session naming none was recorded after the fact; one naming an
// answer this baby does not have (lost, or from a queue replayed after the
// baby's answers were deleted) is kept as one without, since refusing it
// would strand a massage that did happen in an offline queue.
func (c *Cases) SessionReadiness(ctx context.Context, s *domain.Session) error {
	if s.ReadinessCheckID == "" {
		s.Readiness = domain.ReadinessNone
		return nil
	}
	chk, err := c.Store.ReadinessCheck(ctx, s.FamilyID, s.BabyID, s.ReadinessCheckID)
	if errors.Is(err, store.ErrNotFound) {
		s.Readiness, s.ReadinessCheckID = domain.ReadinessNone, ""
		return nil
	} else if err != nil {
		return err
	}
	s.Readiness = chk.Verdict
	return nil
}

// ReadinessBaby is a stored baby as the readiness rules need it: born at
// midnight of the birth date in the family's time zone.
func ReadinessBaby(b domain.Baby, f domain.Family) readiness.Baby {
	birth, _ := time.ParseInLocation(time.DateOnly, b.BirthDate, f.Location())
	return readiness.Baby{BirthDate: birth, GestationWeeks: b.GestationWeeks}
}

// ReadinessSettings are the family's readiness settings.
func ReadinessSettings(f domain.Family) readiness.Settings {
	s := readiness.DefaultSettings()
	if f.FeedWaitMin > 0 {
		s.FeedWait = time.Duration(f.FeedWaitMin) * time.Minute
	}
	return s
}
