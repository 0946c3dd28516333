package auth

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/google/uuid"

	"nurture/internal/domain"
	"nurture/internal/store"
)

// Token kinds.
const (
	KindSession = "session"
	KindAPI     = "api"
)

// Lifetimes of the secrets handed out.
const (
	SessionTTL = 30 * 24 * time.Hour
	APITTL     = 365 * 24 * time.Hour
	InviteTTL  = 7 * 24 * time.Hour
	ResetTTL   = 24 * time.Hour
)

// Login limits: failures allowed per window before refusing.
const (
	loginWindow        = 15 * time.Minute
	maxFailuresAccount = 10
	maxFailuresAddress = 50
)

// Errors the pages and the API turn into messages.
var (
	ErrCredentials = errors.New("wrong email or password")
	ErrRateLimited = errors.New("too many failed logins")
	ErrEmailTaken  = errors.New("email already registered")
)

// Accounts signs people up and in. Pages and API share it.
type Accounts struct {
	Store     *store.Store
	Passwords *Passwords
	Now       func() time.Time
	// dummy is a real hash checked for unknown emails, so a login takes
	// the same time whether or not the email exists. Made on first need,
	// not at start-up, which it would slow by a whole hash.
	dummy func() string
}

// NewAccounts prepares the service.
func NewAccounts(st *store.Store, pw *Passwords, now func() time.Time) *Accounts {
	a := &Accounts{Store: st, Passwords: pw, Now: now}
	a.dummy = sync.OnceValue(func() string {
		h, _ := pw.Hash(context.Background(), "not a real password, only for timing")
		return h
	})
	return a
}

// Signup creates a user with a new family, or in the invite's family.
// The signup must already be validated. It returns a session or API
// token secret of the given kind.
func (a *Accounts) Signup(ctx context.Context, su domain.Signup, kind string) (domain.Identity, string, error) {
	now := a.Now().UTC()
	hash, err := a.Passwords.Hash(ctx, su.Password)
	if err != nil {
		return domain.Identity{}, "", err
	}
	u := store.NewUser{User: domain.User{ID: uuid.NewString(), Email: su.Email, Name: su.Name, Locale: su.Locale, CreatedAt: now}, PasswordHash: hash}
	id := domain.Identity{User: u.User}
	if su.InviteCode != "" {
		fam, role, err := a.Store.JoinWithInvite(ctx, u, HashSecret(su.InviteCode))
		if errors.Is(err, store.ErrConflict) {
			return id, "", ErrEmailTaken
		} else if err != nil {
			return id, "", err
		}
		id.Family, id.Role = fam, role
	} else {
		lang := su.Locale
		if lang == "" {
			lang = "en"
		}
		fam := domain.Family{ID: uuid.NewString(), Name: su.FamilyName, Timezone: su.Timezone, Languages: []string{lang},
			FeedWaitMin: 30, TempUnit: "c", UrgentNumber: su.UrgentNumber, CreatedAt: now}
		if err := a.Store.CreateFamilyWithOwner(ctx, u, fam, su.Relation); errors.Is(err, store.ErrConflict) {
			return id, "", ErrEmailTaken
		} else if err != nil {
			return id, "", err
		}
		id.Family, id.Role, id.Relation = fam, domain.Owner, su.Relation
	}
	secret, tokenID, err := a.IssueToken(ctx, u.ID, kind, "")
	id.TokenID = tokenID
	return id, secret, err
}

// Login checks a password under the per-account and per-address limits and
// returns a new token secret of the given kind.
func (a *Accounts) Login(ctx context.Context, email, password, addr, kind, label string) (string, error) {
	email = domain.NormalizeEmail(email)
	now := a.Now()
	acct, ip := "acct:"+email, "addr:"+addr
	for _, lim := range []struct {
		key string
		max int
	}{{acct, maxFailuresAccount}, {ip, maxFailuresAddress}} {
		n, err := a.Store.LoginFailures(ctx, lim.key, now.Add(-loginWindow))
		if err != nil {
			return "", err
		}
		if n >= lim.max {
			return "", ErrRateLimited
		}
	}
	userID, hash, err := a.Store.PasswordHash(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		hash = a.dummy()
	} else if err != nil {
		return "", err
	} else if hash == store.UnusablePassword {
		// An imported member without a password yet: a wrong password,
		// counted, in the time a real check takes.
		hash, userID = a.dummy(), ""
	}
	ok, err := a.Passwords.Verify(ctx, hash, password)
	if err != nil {
		return "", err
	}
	if !ok || userID == "" {
		if err := a.Store.RecordLoginFailure(ctx, now, acct, ip); err != nil {
			return "", err
		}
		return "", ErrCredentials
	}
	if err := a.Store.ClearLoginFailures(ctx, acct); err != nil {
		return "", err
	}
	secret, _, err := a.IssueToken(ctx, userID, kind, label)
	return secret, err
}

// IssueToken stores a new session or API token for a user.
func (a *Accounts) IssueToken(ctx context.Context, userID, kind, label string) (secret, id string, err error) {
	now := a.Now().UTC()
	ttl := SessionTTL
	if kind == KindAPI {
		ttl = APITTL
	}
	secret, hash := NewSecret()
	id = uuid.NewString()
	err = a.Store.CreateToken(ctx, userID, id, hash, kind, label, now, now.Add(ttl))
	return secret, id, err
}

// Authenticate finds who holds a secret of a kind.
func (a *Accounts) Authenticate(ctx context.Context, secret, kind string) (domain.Identity, error) {
	if secret == "" || len(secret) > 128 {
		return domain.Identity{}, store.ErrNotFound
	}
	return a.Store.Authenticate(ctx, HashSecret(secret), kind, a.Now())
}

// Logout ends the session or token that authenticated.
func (a *Accounts) Logout(ctx context.Context, id domain.Identity) error {
	return a.Store.RevokeToken(ctx, id.User.ID, id.TokenID)
}

// Invite creates a single-use invite code into the family.
func (a *Accounts) Invite(ctx context.Context, id domain.Identity, role domain.Role, rel domain.Relation) (code string, expires time.Time, err error) {
	now := a.Now().UTC()
	code, hash := NewSecret()
	expires = now.Add(InviteTTL)
	err = a.Store.CreateInvite(ctx, id.Family.ID, id.User.ID, hash, role, rel, now, expires)
	return code, expires, err
}

// ResetFor creates a one-time password reset code for a family member.
func (a *Accounts) ResetFor(ctx context.Context, familyID, userID string) (string, error) {
	now := a.Now().UTC()
	code, hash := NewSecret()
	return code, a.Store.CreatePasswordReset(ctx, familyID, userID, hash, now, now.Add(ResetTTL))
}

// ResetForEmail creates a reset code for anyone; for the server operator.
func (a *Accounts) ResetForEmail(ctx context.Context, email string) (string, error) {
	now := a.Now().UTC()
	code, hash := NewSecret()
	return code, a.Store.CreatePasswordResetForEmail(ctx, domain.NormalizeEmail(email), hash, now, now.Add(ResetTTL))
}

// UseReset sets a new password with a reset code.
func (a *Accounts) UseReset(ctx context.Context, code, password string) error {
	hash, err := a.Passwords.Hash(ctx, password)
	if err != nil {
		return err
	}
	return a.Store.UsePasswordReset(ctx, HashSecret(code), hash, a.Now())
}

// ChangePassword checks the old password and sets a new one, ending the
// user's other sessions and tokens.
func (a *Accounts) ChangePassword(ctx context.Context, id domain.Identity, old, new string) error {
	hash, err := a.Store.PasswordHashByID(ctx, id.User.ID)
	if err != nil {
		return err
	}
	ok, err := a.Passwords.Verify(ctx, hash, old)
	if err != nil {
		return err
	}
	if !ok {
		return ErrCredentials
	}
	nh, err := a.Passwords.Hash(ctx, new)
	if err != nil {
		return err
	}
	return a.Store.SetPassword(ctx, id.User.ID, nh, id.TokenID)
}

type ctxKey struct{}

// WithIdentity returns a context carrying who is acting.
func WithIdentity(ctx context.Context, id domain.Identity) context.Context {
	return context.WithValue(ctx, ctxKey{}, id)
}

// From returns who is acting, if anyone.
func From(ctx context.Context) (domain.Identity, bool) {
	id, ok := ctx.Value(ctxKey{}).(domain.Identity)
	return id, ok
}

// ClientAddr is the peer address used for login limits. Nurture does not
// trust forwarding headers, which any client could forge.
func ClientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
