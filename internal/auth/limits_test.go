package auth_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"nurture/internal/apptest"
	"nurture/internal/auth"
	"nurture/internal/domain"
	"nurture/internal/store"
)

func TestConcurrentWrongLoginsSQLite(t *testing.T) {
	concurrentWrongLogins(t, apptest.OpenSQLite(t))
}

func TestConcurrentWrongLoginsPostgres(t *testing.T) {
	concurrentWrongLogins(t, apptest.OpenPostgres(t))
}

// newAccounts is the service as the server builds it, except that every
// check may wait its turn (none is refused as busy here).
func newAccounts(st *store.Store) *auth.Accounts {
	pw := auth.NewPasswords(1)
	pw.MaxWaiting = 1000
	return auth.NewAccounts(st, pw, apptest.Now)
}

// Forty wrong passwords at once for one account: at most ten are checked
// (each checked one answers ErrCredentials, the others ErrRateLimited
// without a hash); before, all forty were checked. Then sixty at once
// for sixty accounts from one address: at most fifty are checked.
func concurrentWrongLogins(t *testing.T, st *store.Store) {
	ctx := context.Background()
	a := newAccounts(st)
	su := domain.Signup{Email: "ann@example.org", Password: "correct horse battery", Name: "Ann", FamilyName: "Martin", Timezone: "UTC", Relation: "mother"}
	if _, _, err := a.Signup(ctx, su, auth.KindSession, ""); err != nil {
		t.Fatal(err)
	}
	burst := func(n int, email func(i int) string, addr func(i int) string) (checked, limited int) {
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() { _, errs[i] = a.Login(ctx, email(i), "wrong password", addr(i), auth.KindSession, "") })
		}
		wg.Wait()
		for _, err := range errs {
			switch {
			case errors.Is(err, auth.ErrCredentials):
				checked++
			case errors.Is(err, auth.ErrRateLimited):
				limited++
			default:
				t.Fatalf("login: %v", err)
			}
		}
		return checked, limited
	}
	checked, limited := burst(40, func(int) string { return "ann@example.org" }, func(i int) string { return fmt.Sprintf("192.0.2.%d", i) })
	t.Logf("one account, 40 at once: %d checked, %d refused", checked, limited)
	if checked > auth.MaxFailuresAccount || checked+limited != 40 {
		t.Fatalf("one account: %d of 40 wrong passwords checked, want at most %d", checked, auth.MaxFailuresAccount)
	}
	// The right password is refused too while the account is locked.
	if _, err := a.Login(ctx, "ann@example.org", su.Password, "198.51.100.1", auth.KindSession, ""); !errors.Is(err, auth.ErrRateLimited) {
		t.Fatalf("right password on a locked account: %v", err)
	}
	checked, limited = burst(60, func(i int) string { return fmt.Sprintf("u%d@example.org", i) }, func(int) string { return "203.0.113.9" })
	t.Logf("one address, 60 at once: %d checked, %d refused", checked, limited)
	if checked > auth.MaxFailuresAddress || checked+limited != 60 {
		t.Fatalf("one address: %d of 60 wrong passwords checked, want at most %d", checked, auth.MaxFailuresAddress)
	}
}

func TestLoginLimitsSQLite(t *testing.T) { loginLimits(t, apptest.OpenSQLite(t)) }

func TestLoginLimitsPostgres(t *testing.T) { loginLimits(t, apptest.OpenPostgres(t)) }

// A good login does not count against its address and clears its
// account's count; an imported member without a password is a counted
// wrong password.
func loginLimits(t *testing.T, st *store.Store) {
	ctx := context.Background()
	a := newAccounts(st)
	su := domain.Signup{Email: "ann@example.org", Password: "correct horse battery", Name: "Ann", FamilyName: "Martin", Timezone: "UTC", Relation: "mother"}
	if _, _, err := a.Signup(ctx, su, auth.KindSession, ""); err != nil {
		t.Fatal(err)
	}
	since := apptest.Now().Add(-time.Hour)
	for range 3 {
		if _, err := a.Login(ctx, "ann@example.org", "wrong password", "192.0.2.1", auth.KindSession, ""); !errors.Is(err, auth.ErrCredentials) {
			t.Fatal(err)
		}
	}
	if _, err := a.Login(ctx, "ANN@example.org ", su.Password, "192.0.2.1", auth.KindSession, ""); err != nil {
		t.Fatal(err)
	}
	if n, _ := st.LoginFailures(ctx, "acct:ann@example.org", since); n != 0 {
		t.Fatalf("account count after a good login: %d", n)
	}
	if n, _ := st.LoginFailures(ctx, "addr:192.0.2.1", since); n != 3 {
		t.Fatalf("address count after 3 wrong and 1 good: %d", n)
	}
	// A user row without a password hash is a wrong password, counted.
	u := store.NewUser{User: domain.User{ID: "00000000-0000-4000-8000-00000000000a", Email: "imp@example.org", Name: "Imp", CreatedAt: apptest.Now()}}
	f := domain.Family{ID: "00000000-0000-4000-8000-00000000000b", Name: "F", Timezone: "UTC", Languages: []string{"en"}, FeedWaitMin: 30, TempUnit: "c", CreatedAt: apptest.Now()}
	if err := st.CreateFamilyWithOwner(ctx, u, f, "father"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Login(ctx, "imp@example.org", "", "192.0.2.2", auth.KindSession, ""); !errors.Is(err, auth.ErrCredentials) {
		t.Fatalf("login without a password hash: %v", err)
	}
	if n, _ := st.LoginFailures(ctx, "acct:imp@example.org", since); n != 1 {
		t.Fatalf("empty-hash login counted %d times", n)
	}
}

func TestSignupLimitSQLite(t *testing.T) {
	ctx := context.Background()
	st := apptest.OpenSQLite(t)
	a := newAccounts(st)
	for i := range auth.MaxSignupsAddress + 1 {
		su := domain.Signup{Email: fmt.Sprintf("s%d@example.org", i), Password: "correct horse battery", Name: "S", FamilyName: "F", Timezone: "UTC", Relation: "mother"}
		_, _, err := a.Signup(ctx, su, auth.KindSession, "192.0.2.7")
		if i < auth.MaxSignupsAddress && err != nil {
			t.Fatalf("signup %d: %v", i, err)
		}
		if i == auth.MaxSignupsAddress && !errors.Is(err, auth.ErrSignupLimited) {
			t.Fatalf("signup over the limit: %v", err)
		}
	}
	// Another address may still sign up; the command line is not limited.
	for _, addr := range []string{"192.0.2.8", ""} {
		su := domain.Signup{Email: "other" + addr + "@example.org", Password: "correct horse battery", Name: "S", FamilyName: "F", Timezone: "UTC", Relation: "mother"}
		if _, _, err := a.Signup(ctx, su, auth.KindSession, addr); err != nil {
			t.Fatalf("signup from %q: %v", addr, err)
		}
	}
	if key, retry, ok := auth.Refusal(auth.ErrSignupLimited); !ok || key != "signup.limited" || retry != 3600 {
		t.Fatalf("refusal: %q %d %v", key, retry, ok)
	}
}
