// Package webhook holds the rules of a family's webhooks, free of I/O:
// which events there are, the payload and its signature, when a failed
// delivery is tried again, and which addresses a webhook may reach.
package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"nurture/internal/domain"
	"nurture/internal/wire"
)

// The events a webhook can ask for. "….ended" is a running timer
// stopped; an entry logged already finished is only "….created".
const (
	SessionCreated = "session.created"
	TouchCreated   = "touch.created"
	TouchEnded     = "touch.ended"
	SleepCreated   = "sleep.created"
	SleepEnded     = "sleep.ended"
	CryingCreated  = "crying.created"
	CryingEnded    = "crying.ended"
)

// Events lists every event, in the order the pages show them.
var Events = []string{SessionCreated, TouchCreated, TouchEnded, SleepCreated, SleepEnded, CryingCreated, CryingEnded}

// MaxPerFamily bounds a family's webhooks.
const MaxPerFamily = 10

// GiveUpAfter is how long a delivery is retried before it is given up.
const GiveUpAfter = 24 * time.Hour

// Created and Ended name an entry's events.
func Created(t domain.EntryType) string { return string(t) + ".created" }

// Ended is the event of an entry's running timer stopped.
func Ended(t domain.EntryType) string { return string(t) + ".ended" }

// Known reports whether event is one of Events.
func Known(event string) bool { return slices.Contains(Events, event) }

// Payload is the body posted for an event: the record as the API's GET
// returns it, under data.
type Payload struct {
	ID         string `json:"id"`
	Event      string `json:"event"`
	OccurredAt string `json:"occurred_at"`
	FamilyID   string `json:"family_id"`
	BabyID     string `json:"baby_id"`
	Data       any    `json:"data"`
}

// EntryBody is the payload of an entry's event.
func EntryBody(id, event string, at time.Time, e domain.Entry) ([]byte, error) {
	return json.Marshal(Payload{ID: id, Event: event, OccurredAt: wire.Time(at), FamilyID: e.FamilyID, BabyID: e.BabyID, Data: wire.FromEntry(e)})
}

// SessionBody is the payload of a session's event.
func SessionBody(id, event string, at time.Time, s domain.Session) ([]byte, error) {
	return json.Marshal(Payload{ID: id, Event: event, OccurredAt: wire.Time(at), FamilyID: s.FamilyID, BabyID: s.BabyID, Data: wire.FromSession(s)})
}

// Sign is the Nurture-Signature header of body: "sha256=" and the
// hexadecimal HMAC-SHA256 of the body with the webhook's secret.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify reports whether signature is body's, in constant time: what a
// receiver does.
func Verify(secret string, body []byte, signature string) bool {
	return hmac.Equal([]byte(Sign(secret, body)), []byte(signature))
}

// Backoff is the wait before attempt n+1 after n failed ones: 10 s
// doubling to at most an hour, a fifth of it random so that a receiver
// back after an outage is not hit by every server at once. About 30
// attempts fit in GiveUpAfter.
func Backoff(n int, base time.Duration) time.Duration {
	d := base
	for i := 1; i < n && d < time.Hour; i++ {
		d *= 2
	}
	d = min(d, time.Hour)
	return d - time.Duration(rand.Int64N(int64(d)/5+1))
}

// EventList is how a webhook's events are stored: ",a,b," so that one
// LIKE '%,event,%' finds the webhooks that want an event.
func EventList(events []string) string { return "," + strings.Join(events, ",") + "," }

// ParseEventList reads EventList back.
func ParseEventList(s string) []string {
	return slices.DeleteFunc(strings.Split(s, ","), func(e string) bool { return e == "" })
}

// DeliveryID is the Nurture-Delivery header: the same for every attempt
// of one event to one webhook, different for anything else, so that a
// receiver can drop a delivery it has seen.
func DeliveryID(eventID, webhookID string) string {
	ns, err := uuid.Parse(eventID)
	if err != nil {
		ns = uuid.Nil
	}
	return uuid.NewSHA1(ns, []byte(webhookID)).String()
}
