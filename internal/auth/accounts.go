package auth

import (
	"context"
	"errors"
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

// Login and signup limits: attempts allowed per window. A login attempt is
// counted before its password is checked, so no more than these are ever
// checked, however many arrive at once; a good login clears its account's
// count and does not count against its address.
const (
	LoginWindow        = 15 * time.Minute
	MaxFailuresAccount = 10
	MaxFailuresAddress = 50
	SignupWindow       = time.Hour
	MaxSignupsAddress  = 10
)

// Errors the pages and the API turn into messages.
var (
	ErrCredentials = errors.New("wrong email or password")
	ErrRateLimited = errors.New("too many failed logins")
	ErrEmailTaken  = errors.New("email already registered")
	// ErrSignupLimited means too many signups came from the address.
	ErrSignupLimited = errors.New("too many signups")
)

// Refusal tells how both doors answer an attempt refused by a limit or a
// busy server: 429 with this message key and Retry-After in seconds. ok is
// false for any other error.
func Refusal(err error) (key string, retryAfter int, ok bool) {
	switch {
	case errors.Is(err, ErrBusy):
		return "login.busy", 5, true
	case errors.Is(err, ErrRateLimited):
		return "login.limited", int(LoginWindow.Seconds()), true
	case errors.Is(err, ErrSignupLimited):
		return "signup.limited", int(SignupWindow.Seconds()), true
	}
	return "", 0, false
}

// limitKey is the stored key of a limit: "acct:" and the email, "addr:"
// and the address (logins), "signup:" and the address.
func limitKey(kind, v string) string { return kind + ":" + v }

// Accounts signs people up and in. Pages and API share it.
type Accounts struct {
	Store     *store.Store
	Passwords *Passwords
	Now       func() time.Time
	// dummy is a hash in the current format checked for unknown emails
	// (and members without a password), so a login takes the same time
	// whether or not the email exists. Its key is random: it matches no
	// password, and making it costs no hash (nor a hashing slot).
	dummy string
	// Proxies are the reverse proxies whose forwarding headers are
	// believed (--trusted-proxies); none by default.
	Proxies Proxies
	// AuthHeader names the header in which a single-sign-on proxy among
	// Proxies gives the signed-in person's address (--auth-header, e.g.
	// Remote-Email); off when empty.
	AuthHeader string
}

// NewAccounts prepares the service.
func NewAccounts(st *store.Store, pw *Passwords, now func() time.Time) *Accounts {
	return &Accounts{Store: st, Passwords: pw, Now: now, dummy: dummyHash()}
}

// Signup creates a user with a new family, or in the invite's family.
// The signup must already be validated. It returns a session or API
// token secret of the given kind. addr is the client's address: at most
// MaxSignupsAddress attempts per SignupWindow are taken from one address
// (ErrSignupLimited after), except joins with a valid invite, which an
// owner allowed; "" (the command line) is not limited. A server too busy
// hashing gives ErrBusy, and the attempt is not counted.
func (a *Accounts) Signup(ctx context.Context, su domain.Signup, kind, addr string) (domain.Identity, string, error) {
	now := a.Now().UTC()
	var key string
	if addr != "" && !a.validInvite(ctx, su.InviteCode, now) {
		key = limitKey("signup", addr)
		n, err := a.Store.Hit(ctx, now, SignupWindow, key)
		if err != nil {
			return domain.Identity{}, "", err
		}
		if n[0] > MaxSignupsAddress {
			return domain.Identity{}, "", ErrSignupLimited
		}
	}
	hash, err := a.Passwords.Hash(ctx, su.Password)
	if err != nil {
		if errors.Is(err, ErrBusy) && key != "" {
			// Refused before any work: the attempt does not count.
			a.Store.Unhit(context.WithoutCancel(ctx), key)
		}
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

// validInvite reports whether code is a live invite.
func (a *Accounts) validInvite(ctx context.Context, code string, now time.Time) bool {
	if code == "" {
		return false
	}
	_, _, err := a.Store.InviteInfo(ctx, HashSecret(code), now)
	return err == nil
}

// Login checks a password under the per-account and per-address limits and
// returns a new token secret of the given kind. The attempt is counted
// before the password is checked, in one statement per limit, so that of
// many attempts at once no more than the limit are checked; a good login
// then clears its account's count and takes its attempt back from the
// address. An unknown email, or a member without a password (imported),
// is a wrong password, counted like one, and takes as long. A server too
// busy hashing gives ErrBusy at once, and the attempt is not counted.
func (a *Accounts) Login(ctx context.Context, email, password, addr, kind, label string) (string, error) {
	email = domain.NormalizeEmail(email)
	now := a.Now()
	acct, ip := limitKey("acct", email), limitKey("addr", addr)
	n, err := a.Store.Hit(ctx, now, LoginWindow, acct, ip)
	if err != nil {
		return "", err
	}
	if n[0] > MaxFailuresAccount || n[1] > MaxFailuresAddress {
		return "", ErrRateLimited
	}
	userID, hash, err := a.Store.PasswordHash(ctx, email)
	if errors.Is(err, store.ErrNotFound) || (err == nil && (hash == "" || hash == store.UnusablePassword)) {
		userID, hash = "", a.dummy
	} else if err != nil {
		return "", err
	}
	ok, err := a.Passwords.Verify(ctx, hash, password)
	if errors.Is(err, ErrBusy) {
		bg := context.WithoutCancel(ctx)
		return "", errors.Join(err, a.Store.Unhit(bg, acct), a.Store.Unhit(bg, ip))
	} else if err != nil {
		return "", err
	}
	if !ok || userID == "" {
		return "", ErrCredentials
	}
	if err := errors.Join(a.Store.ClearHits(ctx, acct), a.Store.Unhit(ctx, ip)); err != nil {
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

// Reset links by e-mail are bounded per client address and per account,
// so the form cannot be used to flood someone's mailbox.
const (
	ResetMailWindow      = time.Hour
	MaxResetMailsAddress = 10
	MaxResetMailsAccount = 3
)

// ErrResetLimited refuses a reset e-mail over the limits.
var ErrResetLimited = errors.New("too many reset links asked for")

// ResetByMail makes a reset code for the account of email, asked for by
// someone at addr who will get it by e-mail; "" (and no error) when no
// account has that address, which the caller must not reveal.
func (a *Accounts) ResetByMail(ctx context.Context, email, addr string) (string, error) {
	now := a.Now().UTC()
	email = domain.NormalizeEmail(email)
	n, err := a.Store.Hit(ctx, now, ResetMailWindow, limitKey("resetmail", addr), limitKey("resetmail-acct", email))
	if err != nil {
		return "", err
	}
	if n[0] > MaxResetMailsAddress || n[1] > MaxResetMailsAccount {
		return "", ErrResetLimited
	}
	code, err := a.ResetForEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	return code, err
}
