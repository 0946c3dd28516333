package app

import (
	"context"
	"time"

	"nurture/internal/domain"
	"nurture/internal/export"
	"nurture/internal/store"
)

// Recording and deleting what a family logs. Both doors come through
// here, so whatever must follow a change (the readiness verdict kept with
// a session today; an outbox event for webhooks later) happens once.

// RecordSession stores a session posted with a client-made id, with the
// verdict of the readiness answer it names: new, the same again
// (unchanged), or a newer version (updated; an older one is
// store.ErrStale).
func (c *Cases) RecordSession(ctx context.Context, s domain.Session) (store.Saved, domain.Session, error) {
	if err := c.SessionReadiness(ctx, &s); err != nil {
		return 0, s, err
	}
	saved, err := c.Store.SaveSession(ctx, s)
	c.observeSave("session", saved, err)
	return saved, s, err
}

// EditSession replaces a session's details. With notOlder, an edit made
// before the stored version's is refused (store.ErrStale): the latest edit
// wins. The readiness that preceded the session is history and is kept by
// the store.
func (c *Cases) EditSession(ctx context.Context, s domain.Session, notOlder bool) error {
	if notOlder {
		return c.Store.UpdateSessionIfNotOlder(ctx, s)
	}
	return c.Store.UpdateSession(ctx, s)
}

// DeleteSession deletes one of a baby's sessions.
func (c *Cases) DeleteSession(ctx context.Context, familyID, babyID, id string) error {
	return c.Store.DeleteSession(ctx, familyID, babyID, id)
}

// AddEntry stores a new entry; an overlap is a *domain.Overlap.
func (c *Cases) AddEntry(ctx context.Context, e domain.Entry) error {
	_, err := c.Store.PutEntry(ctx, e)
	return err
}

// RecordEntry stores an entry posted with a client-made id, replays
// included: a timer's stop merged offline into its start is an update,
// never lost.
func (c *Cases) RecordEntry(ctx context.Context, e domain.Entry) (store.Saved, error) {
	saved, err := c.Store.SaveEntry(ctx, e)
	c.observeSave("entry", saved, err)
	return saved, err
}

// EditEntry replaces an entry (stopping a timer is an edit). With
// notOlder, an edit made before the stored version's is refused
// (store.ErrStale).
func (c *Cases) EditEntry(ctx context.Context, e domain.Entry, notOlder bool) error {
	if notOlder {
		return c.Store.UpdateEntryIfNotOlder(ctx, e)
	}
	return c.Store.UpdateEntry(ctx, e)
}

// DeleteEntry deletes one of a baby's entries.
func (c *Cases) DeleteEntry(ctx context.Context, t domain.EntryType, familyID, babyID, id string) error {
	return c.Store.DeleteEntry(ctx, t, familyID, babyID, id)
}

// Export is everything the family owns, as the export document, and the
// day it was made in the family's time zone (for the file's name). The
// recordings come without their audio: export.Write reads each with
// ExportAudio as it writes it.
func (c *Cases) Export(ctx context.Context, f domain.Family) (export.Document, string, error) {
	snap, err := c.Store.ExportWithoutAudio(ctx, f.ID)
	if err != nil {
		return export.Document{}, "", err
	}
	now := c.Now()
	return export.Build(snap, now), now.In(f.Location()).Format(time.DateOnly), nil
}

// ExportAudio reads the family's recordings one at a time for
// export.Write.
func (c *Cases) ExportAudio(ctx context.Context, familyID string) export.AudioFunc {
	return func(id string) (store.Recording, error) { return c.Store.ExportedRecording(ctx, familyID, id) }
}
