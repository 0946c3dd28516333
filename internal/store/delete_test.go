package store_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"nurture/internal/apptest"
	"nurture/internal/store"
)

// everyRow returns every row of every table as one text line, so a test
// can prove that nothing of a deleted family is left anywhere.
func everyRow(t *testing.T, s *store.Store) []string {
	t.Helper()
	ctx := context.Background()
	q := `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if s.Dialect() == store.Postgres {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`
	}
	db := store.DB(s)
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	var out []string
	for _, tbl := range tables {
		rows, err := db.QueryContext(ctx, "SELECT * FROM "+tbl)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			line := tbl + ":"
			for _, v := range vals {
				if b, ok := v.([]byte); ok {
					v = string(b)
				}
				line += fmt.Sprintf(" %v", v)
			}
			out = append(out, line)
		}
		rows.Close()
	}
	return out
}

func deleteFamilyLeavesNothing(t *testing.T, st *store.Store) {
	a := apptest.NewOn(t, st)
	gone := a.Signup("ann@example.org", "Ann", "Gone")
	bob := a.Join(gone, "bob@example.org", "Bob", "caregiver", "father")
	baby := a.Baby(gone, "Lou", "2026-09-01")
	a.SeedLogs(gone, baby, 2)
	a.API("POST", "/api/v1/invites", gone.Token, `{"role":"viewer","relation":"grandparent"}`)
	a.API("POST", "/api/v1/babies/"+baby+"/touch", bob.Token, `{"kind":"holding","started_at":"2026-11-01T10:00:00Z"}`)
	a.API("POST", "/api/v1/login", "", `{"email":"bob@example.org","password":"wrong password"}`)
	if _, err := a.ResetCode("bob@example.org"); err != nil {
		t.Fatal(err)
	}
	b := a.Browser()
	b.Login("ann@example.org", "correct horse battery")

	kept := a.Signup("zoe@example.org", "Zoe", "Kept")
	keptBaby := a.Baby(kept, "Max", "2026-08-01")
	a.SeedLogs(kept, keptBaby, 1)

	before := everyRow(t, st)
	if r := a.API("DELETE", "/api/v1/family", bob.Token, nil); r.Status != http.StatusForbidden {
		t.Fatalf("caregiver deleted the family: %d", r.Status)
	}
	if r := a.API("DELETE", "/api/v1/family", gone.Token, nil); r.Status != http.StatusNoContent {
		t.Fatalf("delete family: %d %s", r.Status, r.Body)
	}
	marks := []string{gone.FamilyID, gone.UserID, bob.UserID, baby, "ann@example.org", "bob@example.org", "Gone"}
	after := everyRow(t, st)
	for _, row := range after {
		for _, m := range marks {
			if strings.Contains(row, m) {
				t.Errorf("left behind (%s): %s", m, row)
			}
		}
	}
	if len(after) >= len(before) {
		t.Fatalf("nothing was deleted: %d rows before, %d after", len(before), len(after))
	}
	// The other family is untouched, and the deleted users are logged out.
	if r := a.API("GET", "/api/v1/babies/"+keptBaby+"/sessions", kept.Token, nil); r.Status != 200 || !strings.Contains(r.Body, "toe_roll") {
		t.Fatalf("other family's data: %d", r.Status)
	}
	if r := a.API("GET", "/api/v1/me", gone.Token, nil); r.Status != http.StatusUnauthorized {
		t.Fatalf("deleted user's token still works: %d", r.Status)
	}
	if r := b.Get("/family"); r.Status != http.StatusSeeOther {
		t.Fatalf("deleted user's browser session still works: %d", r.Status)
	}
}

func TestDeleteFamilyLeavesNothingSQLite(t *testing.T) {
	deleteFamilyLeavesNothing(t, apptest.OpenSQLite(t))
}

func TestDeleteFamilyLeavesNothingPostgres(t *testing.T) {
	deleteFamilyLeavesNothing(t, apptest.OpenPostgres(t))
}

func TestDeleteMembersAndBabies(t *testing.T) {
	a := apptest.New(t)
	f := a.Signup("ann@example.org", "Ann", "Fam")
	bob := a.Join(f, "bob@example.org", "Bob", "caregiver", "father")
	gran := a.Join(f, "gran@example.org", "Gran", "viewer", "grandparent")
	baby := a.Baby(f, "Lou", "2026-09-01")
	a.SeedLogs(f, baby, 1)
	steps := []struct {
		name, method, path, token, body string
		status                          int
	}{
		{"caregiver cannot remove others", "DELETE", "/api/v1/family/members/" + gran.UserID, bob.Token, "", 403},
		{"last owner cannot leave", "DELETE", "/api/v1/me", f.Token, "", 409},
		{"last owner cannot step down", "PUT", "/api/v1/family/members/" + f.UserID, f.Token, `{"role":"caregiver"}`, 409},
		{"bad role", "PUT", "/api/v1/family/members/" + bob.UserID, f.Token, `{"role":"queen"}`, 422},
		{"make bob owner", "PUT", "/api/v1/family/members/" + bob.UserID, f.Token, `{"role":"owner"}`, 204},
		{"viewer leaves", "DELETE", "/api/v1/me", gran.Token, "", 204},
		{"left viewer is logged out", "GET", "/api/v1/me", gran.Token, "", 401},
		{"caregiver cannot delete a baby", "DELETE", "/api/v1/babies/" + baby, a.Join(f, "c@example.org", "C", "caregiver", "other").Token, "", 403},
		{"owner deletes the baby", "DELETE", "/api/v1/babies/" + baby, bob.Token, "", 204},
		{"baby gone", "GET", "/api/v1/babies/" + baby, f.Token, "", 404},
		{"sessions gone with the baby", "GET", "/api/v1/babies/" + baby + "/sessions", f.Token, "", 404},
		{"ann can leave now", "DELETE", "/api/v1/me", f.Token, "", 204},
		{"unknown member", "DELETE", "/api/v1/family/members/nope", bob.Token, "", 404},
	}
	for _, s := range steps {
		var body any
		if s.body != "" {
			body = s.body
		}
		if r := a.API(s.method, s.path, s.token, body); r.Status != s.status {
			t.Fatalf("%s: %d %s", s.name, r.Status, r.Body)
		}
	}
	// The email of a deleted account can sign up again.
	a.Signup("gran@example.org", "Gran", "New family")
}
