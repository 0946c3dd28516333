package app

import (
	"errors"

	"nurture/internal/store"
)

// Observer hears what sync saves and imports came to: the server's
// metrics, without the use cases knowing of them. Cases.Observer is nil
// when nothing listens.
type Observer interface {
	// Saved is told of a session or entry posted with a client-made id:
	// kind "session" or "entry", outcome "created", "updated", "unchanged"
	// or "conflict" (an older version, or another family's id). Other
	// failures (an unknown baby, an overlap, the database) are not told.
	Saved(kind, outcome string)
	// Imported is told of each import: "ok", "refused" (the file, or
	// another import running, or too many) or "failed" (the server's own
	// error).
	Imported(outcome string)
}

func (c *Cases) observeSave(kind string, saved store.Saved, err error) {
	if c.Observer == nil {
		return
	}
	var outcome string
	switch {
	case err == nil && saved == store.Created:
		outcome = "created"
	case err == nil && saved == store.Updated:
		outcome = "updated"
	case err == nil:
		outcome = "unchanged"
	case errors.Is(err, store.ErrStale), errors.Is(err, store.ErrConflict):
		outcome = "conflict"
	default:
		return
	}
	c.Observer.Saved(kind, outcome)
}

func (c *Cases) observeImport(err error) {
	if c.Observer == nil {
		return
	}
	switch {
	case err == nil:
		c.Observer.Imported("ok")
	case ImportFaultOf(err) == ImportInternal:
		c.Observer.Imported("failed")
	default:
		c.Observer.Imported("refused")
	}
}
