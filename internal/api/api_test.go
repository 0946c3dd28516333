package api_test

import (
	"net/http"
	"strings"
	"testing"

	"nurture/internal/apptest"
)

// world is two families: A with an owner, a caregiver and a viewer and a
// baby; B with an owner and a baby. Ids of A are used by B to prove that
// another family's records are "not found".
type world struct {
	app                      *apptest.App
	owner, caregiver, viewer apptest.Family
	other                    apptest.Family
	babyA, babyB             string
}

func newWorld(t *testing.T) *world {
	a := apptest.New(t)
	w := &world{app: a}
	w.owner = a.Signup("ann@example.org", "Ann", "Martin")
	w.caregiver = a.Join(w.owner, "bob@example.org", "Bob", "caregiver", "father")
	w.viewer = a.Join(w.owner, "gran@example.org", "Gran", "viewer", "grandparent")
	w.other = a.Signup("zoe@example.org", "Zoe", "Other")
	w.babyA = a.Baby(w.owner, "Lou", "2026-10-01")
	w.babyB = a.Baby(w.other, "Max", "2026-09-15")
	return w
}

func TestAccountsAndBabies(t *testing.T) {
	w := newWorld(t)
	long := strings.Repeat("x", 81)
	tests := []struct {
		name   string
		method string
		path   string
		who    string // owner, caregiver, viewer, other, none, bad
		body   any
		status int
		want   string // fragment of the body
	}{
		// signup
		{"signup ok", "POST", "/api/v1/signup", "none", `{"email":"new@example.org","password":"0123456789","name":"New","family_name":"Fam","timezone":"America/New_York","locale":"fr"}`, 201, `"token"`},
		{"signup duplicate email", "POST", "/api/v1/signup", "none", `{"email":"ANN@example.org","password":"0123456789","name":"A","family_name":"F"}`, 409, "already exists"},
		{"signup short password", "POST", "/api/v1/signup", "none", `{"email":"s@example.org","password":"short","name":"A","family_name":"F"}`, 422, `"password"`},
		{"signup bad email", "POST", "/api/v1/signup", "none", `{"email":"nope","password":"0123456789","name":"A","family_name":"F"}`, 422, `"email"`},
		{"signup no name", "POST", "/api/v1/signup", "none", `{"email":"n@example.org","password":"0123456789","name":"  ","family_name":"F"}`, 422, `"name"`},
		{"signup no family", "POST", "/api/v1/signup", "none", `{"email":"n@example.org","password":"0123456789","name":"N"}`, 422, `"family_name"`},
		{"signup bad timezone", "POST", "/api/v1/signup", "none", `{"email":"n@example.org","password":"0123456789","name":"N","family_name":"F","timezone":"Mars/Base"}`, 422, `"timezone"`},
		{"signup bad locale", "POST", "/api/v1/signup", "none", `{"email":"n@example.org","password":"0123456789","name":"N","family_name":"F","locale":"xx"}`, 422, `"locale"`},
		{"signup bad invite", "POST", "/api/v1/signup", "none", `{"email":"n@example.org","password":"0123456789","name":"N","invite_code":"nope"}`, 422, `"invite_code"`},
		{"signup malformed", "POST", "/api/v1/signup", "none", `{"email":`, 400, "not valid JSON"},
		{"signup unknown field", "POST", "/api/v1/signup", "none", `{"email":"n@example.org","admin":true}`, 400, "Unknown field"},
		{"signup wrong type", "POST", "/api/v1/signup", "none", `{"email":5}`, 422, `"email"`},
		{"signup empty body", "POST", "/api/v1/signup", "none", ``, 400, "empty body"},
		{"signup trailing data", "POST", "/api/v1/signup", "none", `{} {}`, 400, "trailing"},
		// login
		{"login ok", "POST", "/api/v1/login", "none", `{"email":"ann@example.org","password":"correct horse battery"}`, 200, `"token"`},
		{"login wrong password", "POST", "/api/v1/login", "none", `{"email":"ann@example.org","password":"wrong password!"}`, 401, "Wrong email or password"},
		{"login unknown email", "POST", "/api/v1/login", "none", `{"email":"nobody@example.org","password":"wrong password!"}`, 401, "Wrong email or password"},
		{"login malformed", "POST", "/api/v1/login", "none", `[`, 400, "not valid JSON"},
		// me and family
		{"me", "GET", "/api/v1/me", "caregiver", nil, 200, `"role":"caregiver"`},
		{"me unauthenticated", "GET", "/api/v1/me", "none", nil, 401, "bearer"},
		{"me bad token", "GET", "/api/v1/me", "bad", nil, 401, "bearer"},
		{"family lists members", "GET", "/api/v1/family", "viewer", nil, 200, `"relation":"grandparent"`},
		{"family of other has not our members", "GET", "/api/v1/family", "other", nil, 200, `"name":"Other"`},
		{"family unauthenticated", "GET", "/api/v1/family", "none", nil, 401, "bearer"},
		// invites
		{"invite by owner", "POST", "/api/v1/invites", "owner", `{"role":"viewer","relation":"sibling"}`, 201, `/join/`},
		{"invite by caregiver", "POST", "/api/v1/invites", "caregiver", `{"role":"viewer","relation":"sibling"}`, 403, "does not allow"},
		{"invite by viewer", "POST", "/api/v1/invites", "viewer", `{"role":"viewer","relation":"sibling"}`, 403, "does not allow"},
		{"invite bad role", "POST", "/api/v1/invites", "owner", `{"role":"king","relation":"sibling"}`, 422, `"role"`},
		{"invite bad relation", "POST", "/api/v1/invites", "owner", `{"role":"viewer","relation":"neighbour"}`, 422, `"relation"`},
		{"invite unauthenticated", "POST", "/api/v1/invites", "none", `{"role":"viewer","relation":"sibling"}`, 401, "bearer"},
		// babies
		// Born 30 days ago at 34 weeks: due 6 weeks (42 days) after birth.
		{"baby by caregiver", "POST", "/api/v1/babies", "caregiver", `{"name":"Tom","birth_date":"` + apptest.DaysAgo(30) + `","gestation_weeks":34}`, 201, `"age_days":30,"corrected_age_days":-12`},
		{"baby default gestation", "POST", "/api/v1/babies", "owner", `{"name":"Eve","birth_date":"2026-11-20"}`, 201, `"gestation_weeks":40`},
		{"baby by viewer", "POST", "/api/v1/babies", "viewer", `{"name":"Tom","birth_date":"2026-11-01"}`, 403, "does not allow"},
		{"baby future birth", "POST", "/api/v1/babies", "owner", `{"name":"Tom","birth_date":"2099-01-01"}`, 422, `"birth_date"`},
		{"baby bad date", "POST", "/api/v1/babies", "owner", `{"name":"Tom","birth_date":"01/02/2026"}`, 422, `"birth_date"`},
		{"baby gestation low", "POST", "/api/v1/babies", "owner", `{"name":"Tom","birth_date":"2026-11-01","gestation_weeks":21}`, 422, `"gestation_weeks"`},
		{"baby gestation zero", "POST", "/api/v1/babies", "owner", `{"name":"Tom","birth_date":"2026-11-01","gestation_weeks":0}`, 422, `"gestation_weeks"`},
		{"baby gestation high", "POST", "/api/v1/babies", "owner", `{"name":"Tom","birth_date":"2026-11-01","gestation_weeks":45}`, 422, `"gestation_weeks"`},
		{"baby name too long", "POST", "/api/v1/babies", "owner", `{"name":"` + long + `","birth_date":"2026-11-01"}`, 422, `"name"`},
		{"baby name control chars", "POST", "/api/v1/babies", "owner", `{"name":"a\u0000b","birth_date":"2026-11-01"}`, 422, `"name"`},
		{"baby unauthenticated", "POST", "/api/v1/babies", "none", `{"name":"Tom","birth_date":"2026-11-01"}`, 401, "bearer"},
		{"babies list", "GET", "/api/v1/babies", "viewer", nil, 200, `"name":"Lou"`},
		{"baby get", "GET", "/api/v1/babies/" + w.babyA, "viewer", nil, 200, `"name":"Lou"`},
		{"baby of other family", "GET", "/api/v1/babies/" + w.babyB, "owner", nil, 404, "Not found"},
		{"baby of first family seen by other", "GET", "/api/v1/babies/" + w.babyA, "other", nil, 404, "Not found"},
		{"baby unknown id", "GET", "/api/v1/babies/nope", "owner", nil, 404, "Not found"},
		{"unknown api route", "GET", "/api/v1/nothing", "owner", nil, 404, "Not found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			token := map[string]string{"owner": w.owner.Token, "caregiver": w.caregiver.Token, "viewer": w.viewer.Token,
				"other": w.other.Token, "bad": "not-a-token"}[tc.who]
			r := w.app.API(tc.method, tc.path, token, tc.body)
			if r.Status != tc.status || !strings.Contains(r.Body, tc.want) {
				t.Fatalf("%s %s as %s: got %d %s, want %d with %q", tc.method, tc.path, tc.who, r.Status, r.Body, tc.status, tc.want)
			}
			if r.Status >= 400 && !strings.Contains(r.Body, `"error"`) {
				t.Fatalf("error answer without an error message: %s", r.Body)
			}
		})
	}
}

func TestOtherFamilyListSeesOnlyItsOwn(t *testing.T) {
	w := newWorld(t)
	r := w.app.API("GET", "/api/v1/babies", w.other.Token, nil)
	if r.Status != 200 || strings.Contains(r.Body, w.babyA) || !strings.Contains(r.Body, w.babyB) {
		t.Fatalf("other family's list: %s", r.Body)
	}
	r = w.app.API("GET", "/api/v1/family", w.other.Token, nil)
	if strings.Contains(r.Body, "Ann") || strings.Contains(r.Body, w.owner.UserID) {
		t.Fatalf("other family sees our members: %s", r.Body)
	}
}

func TestInviteIsSingleUse(t *testing.T) {
	w := newWorld(t)
	r := w.app.API("POST", "/api/v1/invites", w.owner.Token, map[string]string{"role": "caregiver", "relation": "mother"})
	code := r.JSON(t)["code"].(string)
	join := func(email string) apptest.Response {
		return w.app.API("POST", "/api/v1/signup", "", map[string]string{"email": email, "password": "0123456789xx", "name": "M", "invite_code": code})
	}
	if r := join("m1@example.org"); r.Status != 201 || !strings.Contains(r.Body, w.owner.FamilyID) {
		t.Fatalf("first use: %d %s", r.Status, r.Body)
	}
	if r := join("m2@example.org"); r.Status != 422 {
		t.Fatalf("second use must be refused: %d %s", r.Status, r.Body)
	}
	// A tampered code is refused as well.
	r = w.app.API("POST", "/api/v1/signup", "", map[string]string{"email": "m3@example.org", "password": "0123456789xx", "name": "M", "invite_code": code[:len(code)-1] + "A"})
	if r.Status != 422 {
		t.Fatalf("tampered code: %d %s", r.Status, r.Body)
	}
}

func TestLoginRateLimit(t *testing.T) {
	w := newWorld(t)
	for i := 0; i < 10; i++ {
		r := w.app.API("POST", "/api/v1/login", "", map[string]string{"email": "bob@example.org", "password": "wrong wrong wrong"})
		if r.Status != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d", i, r.Status)
		}
	}
	// Even the right password is refused while the account is limited.
	r := w.app.API("POST", "/api/v1/login", "", map[string]string{"email": "bob@example.org", "password": "correct horse battery"})
	if r.Status != http.StatusTooManyRequests {
		t.Fatalf("limited login: %d %s", r.Status, r.Body)
	}
	// Another account from the same address still works.
	r = w.app.API("POST", "/api/v1/login", "", map[string]string{"email": "ann@example.org", "password": "correct horse battery"})
	if r.Status != http.StatusOK {
		t.Fatalf("other account: %d %s", r.Status, r.Body)
	}
}

func TestBodyTooLarge(t *testing.T) {
	w := newWorld(t)
	big := `{"name":"` + strings.Repeat("a", 1<<20) + `","birth_date":"2026-11-01"}`
	r := w.app.API("POST", "/api/v1/babies", w.owner.Token, big)
	if r.Status != http.StatusRequestEntityTooLarge || !strings.Contains(r.Body, "too large") {
		t.Fatalf("got %d %s", r.Status, r.Body)
	}
	r = w.app.API("GET", "/api/v1/babies", w.owner.Token, nil)
	if strings.Count(r.Body, `"id"`) != 1 {
		t.Fatalf("store changed: %s", r.Body)
	}
}
