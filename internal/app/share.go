package app

import (
	"context"
	"slices"
	"time"

	"github.com/google/uuid"

	"nurture/internal/auth"
	"nurture/internal/domain"
	"nurture/internal/share"
	"nurture/internal/store"
)

// CreateShare makes a read-only link to a baby's summary, as p says. The
// secret is returned once: only its hash is kept.
func (c *Cases) CreateShare(ctx context.Context, id domain.Identity, babyID string, p share.Plan) (store.Share, string, error) {
	secret, hash := auth.NewSecret()
	x := store.Share{ID: uuid.NewString(), FamilyID: id.Family.ID, BabyID: babyID, Shows: p.Shows, From: p.From, To: p.To,
		Lang: p.Lang, CreatedBy: id.User.ID, CreatedAt: c.Now().UTC().Truncate(time.Millisecond), ExpiresAt: p.ExpiresAt}
	if err := c.Store.CreateShare(ctx, x, hash); err != nil {
		return store.Share{}, "", err
	}
	return x, secret, nil
}

// Shared is what an opened link shows: the baby (its first name and
// ages, nothing of the family) and the summary of the link's period.
type Shared struct {
	Share   store.Share
	Baby    domain.Baby
	Loc     *time.Location
	Summary share.Summary
}

// OpenShare opens the link of a secret, recording the opening with a
// coarse description of the browser (userAgent) unless the viewer is a
// member of the family (viewerFamily, "" for anyone else: an owner
// checking the summary is not the care team reading it);
// store.ErrNotFound when there is none live, whatever the reason.
func (c *Cases) OpenShare(ctx context.Context, secret, userAgent, viewerFamily string) (store.Share, error) {
	hash := auth.HashSecret(secret)
	if viewerFamily != "" {
		if x, err := c.Store.LiveShare(ctx, hash, c.Now()); err != nil || x.FamilyID == viewerFamily {
			return x, err
		}
	}
	return c.Store.OpenShare(ctx, hash, share.Client(userAgent), c.Now())
}

// SharedSummary is what the live link of a secret shows (store.ErrNotFound
// when there is none), without counting an opening.
func (c *Cases) SharedSummary(ctx context.Context, secret string) (Shared, error) {
	now := c.Now()
	x, err := c.Store.LiveShare(ctx, auth.HashSecret(secret), now)
	if err != nil {
		return Shared{}, err
	}
	f, err := c.Store.Family(ctx, x.FamilyID)
	if err != nil {
		return Shared{}, err
	}
	baby, err := c.Store.Baby(ctx, x.FamilyID, x.BabyID)
	if err != nil {
		return Shared{}, err
	}
	loc := f.Location()
	// Nothing is told of days before the baby was born.
	if x.From < baby.BirthDate && baby.BirthDate <= x.To {
		x.From = baby.BirthDate
	}
	from, _, err := domain.Day(x.From, loc)
	if err != nil {
		return Shared{}, err
	}
	_, to, err := domain.Day(x.To, loc)
	if err != nil {
		return Shared{}, err
	}
	hist, err := c.Store.History(ctx, f.ID, baby.ID, from, to)
	if err != nil {
		return Shared{}, err
	}
	// The crying summary reads what was checked and what soothed, which
	// the history's slim entries leave out.
	if slices.Contains(x.Shows, share.ShowCrying) {
		if hist.Crying, err = c.Store.EntriesDuring(ctx, domain.CryingLog, f.ID, baby.ID, from, to); err != nil {
			return Shared{}, err
		}
	}
	checks, err := c.Store.ReadinessChecksBetween(ctx, f.ID, baby.ID, from, to)
	if err != nil {
		return Shared{}, err
	}
	bodyPartOf, _ := c.libraryLookups()
	sum := share.Summarize(share.Input{From: x.From, To: x.To, Shows: x.Shows, Loc: loc, Now: now,
		Sessions: hist.Sessions, Touch: hist.Touch, Sleep: hist.Sleep, Crying: hist.Crying, Checks: checks,
		BodyPartOf: bodyPartOf, BodyParts: c.Library.BodyParts()})
	return Shared{Share: x, Baby: baby, Loc: loc, Summary: sum}, nil
}

// Shares lists a baby's links, with their openings.
func (c *Cases) Shares(ctx context.Context, f domain.Family, babyID string) ([]store.Share, error) {
	if _, err := c.Store.Baby(ctx, f.ID, babyID); err != nil {
		return nil, err
	}
	return c.Store.Shares(ctx, f.ID, babyID)
}

// RevokeShare ends a link of a baby now.
func (c *Cases) RevokeShare(ctx context.Context, f domain.Family, babyID, shareID string) error {
	return c.Store.RevokeShare(ctx, f.ID, babyID, shareID, c.Now())
}
