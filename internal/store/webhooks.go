package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/google/uuid"

	"nurture/internal/domain"
	"nurture/internal/webhook"
)

// Webhook is a family's registered webhook and how its deliveries go.
type Webhook struct {
	ID, FamilyID, URL, Secret string
	Events                    []string
	CreatedBy                 string
	CreatedAt                 time.Time
	// RetryAt holds the next attempt back after a failure (zero: none).
	RetryAt time.Time
	// LastOK is the last delivery that succeeded; FailingSince the first
	// failure since then, with LastError its latest reason.
	LastOK, FailingSince *time.Time
	LastError            string
	// Pending counts the events waiting; Failed those given up in the
	// deliveries kept. Recent are the latest deliveries, newest first.
	Pending, Failed int
	Recent          []Delivery
}

// Delivery is one event on its way to one webhook.
type Delivery struct {
	Seq                 int64
	WebhookID           string
	EventID, Event      string
	Body                []byte
	CreatedAt           time.Time // the event's own time
	QueuedAt            time.Time // when it was written, by the database's clock
	Attempts            int
	LastStatus          int
	LastError           string
	DeliveredAt, Failed *time.Time
}

// ErrTooManyWebhooks refuses a webhook past webhook.MaxPerFamily.
var ErrTooManyWebhooks = errors.New("the family has as many webhooks as it may")

// emit writes event to the outbox of each of the family's webhooks that
// asked for it, in the caller's transaction: the event exists exactly
// when the change it describes does. body makes the payload from the
// event's id, only when some webhook wants it.
func (s *Store) emit(ctx context.Context, tx *txn, familyID, event string, at time.Time, body func(id string) ([]byte, error)) error {
	// On PostgreSQL the webhooks are locked until the end: a concurrent
	// write's event then takes its place in the queue after this one
	// commits (seq follows commit order), and a webhook deleted meanwhile
	// waits rather than failing this write.
	lock := ""
	if s.d == Postgres {
		lock = ` FOR NO KEY UPDATE`
	}
	// On SQLite the events are matched here, not with LIKE: SQLite
	// prepares a statement again each time a LIKE's pattern is bound (the
	// pattern may change the plan), and this runs on every write to a
	// log. PostgreSQL matches them itself, so as to lock only those.
	q, args := `SELECT id, events FROM webhooks WHERE family_id = ?`, []any{familyID}
	if s.d == Postgres {
		q, args = q+` AND events LIKE ?`, append(args, "%,"+event+",%")
	}
	rows, err := tx.QueryContext(ctx, s.q(q+` ORDER BY id`+lock), args...)
	if err != nil {
		return err
	}
	var hooks []string
	for rows.Next() {
		var id, events string
		if err := rows.Scan(&id, &events); err != nil {
			rows.Close()
			return err
		}
		if strings.Contains(events, ","+event+",") {
			hooks = append(hooks, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(hooks) == 0 {
		return err
	}
	id := uuid.NewString()
	b, err := body(id)
	if err != nil {
		return err
	}
	for _, h := range hooks {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO webhook_outbox (webhook_id, event_id, event, body, created_at) VALUES (?, ?, ?, ?, ?)`),
			h, id, event, string(b), ms(at)); err != nil {
			return err
		}
	}
	tx.emitted = true
	return nil
}

func (s *Store) emitEntry(ctx context.Context, tx *txn, event string, at time.Time, e domain.Entry) error {
	return s.emit(ctx, tx, e.FamilyID, event, at, func(id string) ([]byte, error) { return webhook.EntryBody(id, event, at, e) })
}

func (s *Store) emitSession(ctx context.Context, tx *txn, event string, at time.Time, ses domain.Session) error {
	return s.emit(ctx, tx, ses.FamilyID, event, at, func(id string) ([]byte, error) { return webhook.SessionBody(id, event, at, ses) })
}

// Emitted receives a value after a transaction that wrote to the outbox
// commits, so this instance's deliverer need not wait for its next look.
func (s *Store) Emitted() <-chan struct{} { return s.emitted }

// CreateWebhook registers a webhook; past webhook.MaxPerFamily it is
// ErrTooManyWebhooks. An id already registered for the family (a form
// sent twice) registers nothing: stored is that webhook and replay true;
// another family's id is ErrConflict.
func (s *Store) CreateWebhook(ctx context.Context, w Webhook) (stored Webhook, replay bool, err error) {
	stored = w
	err = s.tx(ctx, func(tx *txn) error {
		if err := s.lockFamily(ctx, tx, w.FamilyID); err != nil {
			return err
		}
		old, err := scanWebhook(tx.QueryRowContext(ctx, s.q(`SELECT `+webhookCols+` FROM webhooks WHERE id = ?`), w.ID))
		switch {
		case err == nil && old.FamilyID == w.FamilyID:
			stored, replay = old, true
			return nil
		case err == nil:
			return ErrConflict
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM webhooks WHERE family_id = ?`), w.FamilyID).Scan(&n); err != nil {
			return err
		}
		if n >= webhook.MaxPerFamily {
			return ErrTooManyWebhooks
		}
		_, err = tx.ExecContext(ctx, s.q(`INSERT INTO webhooks (id, family_id, url, secret, events, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`),
			w.ID, w.FamilyID, w.URL, w.Secret, webhook.EventList(w.Events), w.CreatedBy, ms(w.CreatedAt))
		return err
	})
	return stored, replay, err
}

const webhookCols = `id, family_id, url, secret, events, created_by, created_at, retry_at, last_ok_at, failing_since, last_error`

func scanWebhook(sc interface{ Scan(...any) error }) (Webhook, error) {
	var w Webhook
	var events string
	var created, retry int64
	var ok, failing sql.NullInt64
	err := sc.Scan(&w.ID, &w.FamilyID, &w.URL, &w.Secret, &events, &w.CreatedBy, &created, &retry, &ok, &failing, &w.LastError)
	w.Events, w.CreatedAt, w.LastOK, w.FailingSince = webhook.ParseEventList(events), fromMS(created), nullMS(ok), nullMS(failing)
	if retry > 0 {
		w.RetryAt = fromMS(retry)
	}
	return w, err
}

// RecentDeliveries is how many of a webhook's latest deliveries Webhooks
// returns.
const RecentDeliveries = 10

// Webhooks lists a family's webhooks, oldest first, with their latest
// deliveries and how many wait.
func (s *Store) Webhooks(ctx context.Context, familyID string) ([]Webhook, error) {
	rows, err := s.r.QueryContext(ctx, s.q(`SELECT `+webhookCols+` FROM webhooks WHERE family_id = ? ORDER BY created_at, id`), familyID)
	if err != nil {
		return nil, err
	}
	var out []Webhook
	for rows.Next() {
		w, err := scanWebhook(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, w)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		w := &out[i]
		if err := s.r.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM webhook_outbox WHERE webhook_id = ? AND delivered_at IS NULL AND failed_at IS NULL`), w.ID).Scan(&w.Pending); err != nil {
			return nil, err
		}
		if err := s.r.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM webhook_outbox WHERE webhook_id = ? AND failed_at IS NOT NULL`), w.ID).Scan(&w.Failed); err != nil {
			return nil, err
		}
		if w.Recent, err = s.deliveries(ctx, s.r, `WHERE webhook_id = ? ORDER BY seq DESC LIMIT ?`, w.ID, RecentDeliveries); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// FailingWebhooks counts a family's webhooks that fail now and says
// since when the first of them does: one query for the Family page.
func (s *Store) FailingWebhooks(ctx context.Context, familyID string) (n int, since time.Time, err error) {
	var first sql.NullInt64
	err = s.r.QueryRowContext(ctx, s.q(`SELECT COUNT(*), MIN(failing_since) FROM webhooks WHERE family_id = ? AND failing_since IS NOT NULL`), familyID).Scan(&n, &first)
	if first.Valid {
		since = fromMS(first.Int64)
	}
	return n, since, err
}

const deliveryCols = `seq, webhook_id, event_id, event, body, created_at, queued_at, attempts, last_status, last_error, delivered_at, failed_at`

func (s *Store) deliveries(ctx context.Context, q querier, where string, args ...any) ([]Delivery, error) {
	rows, err := q.QueryContext(ctx, s.q(`SELECT `+deliveryCols+` FROM webhook_outbox `+where), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Delivery
	for rows.Next() {
		var d Delivery
		var body string
		var created, queued int64
		var done, failed sql.NullInt64
		if err := rows.Scan(&d.Seq, &d.WebhookID, &d.EventID, &d.Event, &body, &created, &queued, &d.Attempts, &d.LastStatus, &d.LastError, &done, &failed); err != nil {
			return nil, err
		}
		d.Body, d.CreatedAt, d.QueuedAt, d.DeliveredAt, d.Failed = []byte(body), fromMS(created), fromMS(queued), nullMS(done), nullMS(failed)
		out = append(out, d)
	}
	return out, rows.Err()
}

// DeleteWebhook removes a webhook and what waits for it.
func (s *Store) DeleteWebhook(ctx context.Context, familyID, id string) error {
	// Its outbox rows go with it (ON DELETE CASCADE).
	return affected(s.w.ExecContext(ctx, s.q(`DELETE FROM webhooks WHERE id = ? AND family_id = ?`), id, familyID))
}

// ClaimWebhook leases to owner, until now+lease, one webhook that has
// events waiting and is not held back after a failure nor leased to
// another instance, the one claimed longest ago (so that they take
// turns). ok is false when there is none. On PostgreSQL the candidate row
// is locked with SKIP LOCKED, so two instances never claim the same
// webhook.
func (s *Store) ClaimWebhook(ctx context.Context, owner string, now time.Time, lease time.Duration) (w Webhook, ok bool, err error) {
	skip := ""
	if s.d == Postgres {
		skip = ` FOR NO KEY UPDATE SKIP LOCKED`
	}
	err = s.tx(ctx, func(tx *txn) error {
		var id string
		err := tx.QueryRowContext(ctx, s.q(`SELECT w.id FROM webhooks w WHERE w.lease_until < ? AND w.retry_at <= ?
			AND EXISTS (SELECT 1 FROM webhook_outbox o WHERE o.webhook_id = w.id AND o.delivered_at IS NULL AND o.failed_at IS NULL)
			ORDER BY w.claimed_at, w.id LIMIT 1`+skip), ms(now), ms(now)).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		} else if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE webhooks SET lease_until = ?, lease_owner = ?, claimed_at = ? WHERE id = ?`), ms(now.Add(lease)), owner, ms(now), id); err != nil {
			return err
		}
		w, err = scanWebhook(tx.QueryRowContext(ctx, s.q(`SELECT `+webhookCols+` FROM webhooks WHERE id = ?`), id))
		ok = err == nil
		return err
	})
	return w, ok, err
}

// Waiting returns up to limit of a webhook's events still to deliver,
// oldest first.
func (s *Store) Waiting(ctx context.Context, webhookID string, limit int) ([]Delivery, error) {
	return s.deliveries(ctx, s.r, `WHERE webhook_id = ? AND delivered_at IS NULL AND failed_at IS NULL ORDER BY seq LIMIT ?`, webhookID, limit)
}

// ErrLeaseLost says the webhook's lease ran out and another instance may
// be delivering: the caller stops.
var ErrLeaseLost = errors.New("the webhook's lease was lost")

// Attempt records how one delivery went.
type Attempt struct {
	Status int    // the receiver's answer, 0 when none came
	Error  string // why it failed; empty when it was delivered
	// RetryAt holds the webhook back after a failure; GiveUp ends this
	// delivery instead (it was retried long enough), and with it every
	// other one of the webhook's queued before GiveUpBefore: they waited
	// as long behind it.
	RetryAt      time.Time
	GiveUp       bool
	GiveUpBefore time.Time
}

// Attempted records attempt a of delivery d by owner at now and extends
// the lease to now+lease. It is ErrLeaseLost (and records nothing) when
// owner no longer holds the webhook.
func (s *Store) Attempted(ctx context.Context, d Delivery, owner string, now time.Time, lease time.Duration, a Attempt) error {
	return s.tx(ctx, func(tx *txn) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE webhooks SET lease_until = ? WHERE id = ? AND lease_owner = ? AND lease_until >= ?`),
			ms(now.Add(lease)), d.WebhookID, owner, ms(now))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrLeaseLost
		}
		switch {
		case a.Error == "":
			_, err = tx.ExecContext(ctx, s.q(`UPDATE webhook_outbox SET attempts = attempts + 1, last_status = ?, last_error = '', delivered_at = ? WHERE seq = ?`), a.Status, ms(now), d.Seq)
			if err == nil {
				_, err = tx.ExecContext(ctx, s.q(`UPDATE webhooks SET last_ok_at = ?, failing_since = NULL, last_error = '', retry_at = 0 WHERE id = ?`), ms(now), d.WebhookID)
			}
		default:
			var failed any
			retry := ms(a.RetryAt)
			if a.GiveUp {
				failed, retry = ms(now), 0
			}
			_, err = tx.ExecContext(ctx, s.q(`UPDATE webhook_outbox SET attempts = attempts + 1, last_status = ?, last_error = ?, failed_at = ? WHERE seq = ?`), a.Status, a.Error, failed, d.Seq)
			if err == nil && a.GiveUp {
				_, err = tx.ExecContext(ctx, s.q(`UPDATE webhook_outbox SET last_error = ?, failed_at = ? WHERE webhook_id = ? AND delivered_at IS NULL AND failed_at IS NULL AND queued_at < ?`),
					a.Error, ms(now), d.WebhookID, ms(a.GiveUpBefore))
			}
			if err == nil {
				_, err = tx.ExecContext(ctx, s.q(`UPDATE webhooks SET failing_since = COALESCE(failing_since, ?), last_error = ?, retry_at = ? WHERE id = ?`), ms(now), a.Error, retry, d.WebhookID)
			}
		}
		return err
	})
}

// Holds reports whether owner still holds the lease on a webhook at now:
// checked before each attempt, so that an instance that stalled past its
// lease does not post what another instance now delivers.
func (s *Store) Holds(ctx context.Context, id, owner string, now time.Time) (bool, error) {
	var n int
	err := s.r.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM webhooks WHERE id = ? AND lease_owner = ? AND lease_until >= ?`), id, owner, ms(now)).Scan(&n)
	return n == 1, err
}

// ReleaseWebhook ends owner's lease on a webhook.
func (s *Store) ReleaseWebhook(ctx context.Context, id, owner string) error {
	_, err := s.w.ExecContext(ctx, s.q(`UPDATE webhooks SET lease_until = 0 WHERE id = ? AND lease_owner = ?`), id, owner)
	return err
}

// OutboxDepth counts the events waiting for delivery, every family's.
func (s *Store) OutboxDepth(ctx context.Context) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM webhook_outbox WHERE delivered_at IS NULL AND failed_at IS NULL`).Scan(&n)
	return n, err
}

// PruneDeliveries forgets deliveries that ended before before (delivered
// or given up), keeping each webhook's history short.
func (s *Store) PruneDeliveries(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.w.ExecContext(ctx, s.q(`DELETE FROM webhook_outbox WHERE delivered_at < ? OR failed_at < ?`), ms(before), ms(before))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
