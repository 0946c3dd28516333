package auth

import (
	"context"
	"net/http"

	"nurture/internal/domain"
)

// FromProxy reports whether a request's peer is a trusted reverse proxy:
// only such a request's forwarded headers are believed.
func (p Proxies) FromProxy(r *http.Request) bool {
	peer := peerAddr(r.RemoteAddr)
	return peer.IsValid() && p.trusts(peer)
}

// HeaderEmail is the address the single-sign-on proxy in front vouches
// for (--auth-header), "" when single sign-on is off, the header is
// absent, or the request did not come through a trusted proxy (anyone
// could send the header directly).
func (a *Accounts) HeaderEmail(r *http.Request) string {
	if a.AuthHeader == "" || !a.Proxies.FromProxy(r) {
		return ""
	}
	return domain.NormalizeEmail(r.Header.Get(a.AuthHeader))
}

// SignInByHeader opens a browser session for the member whose address the
// proxy vouched for; store.ErrNotFound when no account has it.
func (a *Accounts) SignInByHeader(ctx context.Context, email string) (domain.Identity, string, error) {
	userID, err := a.Store.UserIDByEmail(ctx, email)
	if err != nil {
		return domain.Identity{}, "", err
	}
	secret, _, err := a.IssueToken(ctx, userID, KindSession, "single sign-on")
	if err != nil {
		return domain.Identity{}, "", err
	}
	id, err := a.Authenticate(ctx, secret, KindSession)
	return id, secret, err
}
