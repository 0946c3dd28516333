// Package domain holds the plain types of Nurture — families, caregivers,
// babies and what they record — and the validation rules shared by the
// HTML pages and the JSON API. It does no I/O.
package domain

import (
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Role decides what a member may do in the family.
type Role string

// Roles, from most to least rights.
const (
	Owner     Role = "owner"     // manages members, invites and settings
	Caregiver Role = "caregiver" // logs and runs sessions
	Viewer    Role = "viewer"    // reads only
)

// Roles lists every role in display order.
var Roles = []Role{Owner, Caregiver, Viewer}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// CanWrite reports whether the role may record entries.
func (r Role) CanWrite() bool { return r == Owner || r == Caregiver }

// Relation is how a caregiver is related to the baby.
type Relation string

// Relations a member can have.
var Relations = []Relation{"mother", "father", "parent", "sibling", "grandparent", "other"}

// Valid reports whether r is a known relation.
func (r Relation) Valid() bool { return slices.Contains(Relations, r) }

// User is a person who logs in.
type User struct {
	ID        string
	Email     string
	Name      string
	Locale    string
	CreatedAt time.Time
}

// Family is the account that owns all data.
type Family struct {
	ID           string
	Name         string
	Timezone     string
	Languages    []string // languages used to name body parts, first is main
	FeedWaitMin  int      // minutes to wait after a feed before massage
	TempUnit     string   // "c" or "f", for the readiness page
	UrgentNumber string   // the family's local urgent medical number
	SupportLines string   // people or helplines to call, free text
	CreatedAt    time.Time
	// Version counts the writes to the family's data (read from the
	// store, never written through this field): answers made at one
	// version stay right until it changes.
	Version int64
}

// Location returns the family's time zone, UTC if it cannot be loaded.
func (f Family) Location() *time.Location {
	if loc, ok := locations.Load(f.Timezone); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(f.Timezone)
	if err != nil {
		return time.UTC
	}
	locations.Store(f.Timezone, loc)
	return loc
}

// locations keeps loaded time zones: loading one reads and parses the
// zone database, and every page needs the family's.
var locations sync.Map

// Member is a user's place in a family.
type Member struct {
	UserID   string
	FamilyID string
	Name     string
	Email    string
	Locale   string
	Role     Role
	Relation Relation
	JoinedAt time.Time
}

// Baby is a child of the family.
type Baby struct {
	ID             string
	FamilyID       string
	Name           string
	BirthDate      string // civil date YYYY-MM-DD
	GestationWeeks int
	ArchivedAt     *time.Time
	CreatedAt      time.Time
}

// AgeDays is the baby's age in whole days on the calendar of loc.
func (b Baby) AgeDays(now time.Time, loc *time.Location) int {
	birth, err := time.ParseInLocation(time.DateOnly, b.BirthDate, loc)
	if err != nil {
		return 0
	}
	y, m, d := now.In(loc).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	by, bm, bd := birth.Date()
	born := time.Date(by, bm, bd, 0, 0, 0, 0, time.UTC)
	// Calendar dates in UTC so a daylight-saving change never loses a day.
	return int(today.Sub(born).Hours() / 24)
}

// CorrectedAgeDays is the age counted from the due date (40 weeks), which
// is what matters for a baby born early. Negative before the due date.
func (b Baby) CorrectedAgeDays(now time.Time, loc *time.Location) int {
	return b.AgeDays(now, loc) - (40-b.GestationWeeks)*7
}

// CautiousAgeDays is the younger of the chronological and the corrected
// age: every age limit that protects the baby uses it.
func (b Baby) CautiousAgeDays(now time.Time, loc *time.Location) int {
	return min(b.AgeDays(now, loc), b.CorrectedAgeDays(now, loc))
}

// NormalizeEmail trims an address, folds its case and composes it (NFC),
// so that lookups match however it was typed: "José" typed with a
// composed é or with e and a combining accent is one address. It does not
// remove invisible characters: Signup.Validate refuses them.
func NormalizeEmail(s string) string {
	// Compose first, so that folding sees whole characters, and again
	// after, since folding may decompose.
	return norm.NFC.String(cases.Fold().String(norm.NFC.String(strings.TrimSpace(s))))
}

// Identity is who is acting: the user, their membership and their family.
type Identity struct {
	User     User
	Role     Role
	Relation Relation
	Family   Family
	// TokenID is the browser session or API token that authenticated.
	TokenID string
}

// Token is a browser session or a named API token of a user.
type Token struct {
	ID         string
	Kind       string // "session" or "api"
	Label      string
	CreatedAt  time.Time
	LastUsedAt time.Time
	ExpiresAt  time.Time
}

// Invite is a pending single-use invitation into a family.
type Invite struct {
	Role      Role
	Relation  Relation
	CreatedAt time.Time
	ExpiresAt time.Time
}
