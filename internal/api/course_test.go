package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"nurture/internal/apptest"
	"nurture/internal/store"
)

// courseBody is the course answer as a test reads it.
type courseBody struct {
	CaregiverID string   `json:"caregiver_id"`
	Week        int      `json:"week"`
	Started     bool     `json:"started"`
	Paused      bool     `json:"paused"`
	New         []string `json:"new"`
	Weeks       []struct {
		Week      int            `json:"week"`
		Title     string         `json:"title"`
		Strokes   []string       `json:"strokes"`
		Practised map[string]int `json:"practised"`
		Open      bool           `json:"open"`
		Learned   bool           `json:"learned"`
	} `json:"weeks"`
}

// The course through the API, on both databases: week 1 is learned by
// practising each stroke on three different days, which opens week 2 for
// that caregiver only; opening early, following, pausing and the access
// rules; today's routine follows a running course.
func testCourseAPI(t *testing.T, st *store.Store) {
	a := apptest.NewOn(t, st)
	ann := a.Signup("ann@example.org", "Ann", "Martin")
	bob := a.Join(ann, "bob@example.org", "Bob", "caregiver", "father")
	gran := a.Join(ann, "gran@example.org", "Gran", "viewer", "grandparent")
	zoe := a.Signup("zoe@example.org", "Zoe", "Other")
	baby := a.Baby(ann, "Lou", apptest.DaysAgo(120))
	base := "/api/v1/babies/" + baby + "/course"
	get := func(token, query string) courseBody {
		t.Helper()
		var c courseBody
		r := a.API("GET", base+query, token, nil)
		if r.Status != http.StatusOK {
			t.Fatalf("GET course%s: %d %s", query, r.Status, r.Body)
		}
		if err := json.Unmarshal([]byte(r.Body), &c); err != nil {
			t.Fatal(err)
		}
		return c
	}

	c := get(ann.Token, "")
	if c.Started || c.Week != 1 || len(c.Weeks) != 5 || !c.Weeks[0].Open || c.Weeks[1].Open || c.Weeks[0].Strokes[0] != "permission_ritual" ||
		!strings.Contains(c.Weeks[0].Title, "Week 1") || len(c.New) != len(c.Weeks[0].Strokes) {
		t.Fatalf("a new course: %+v", c)
	}
	week1 := c.Weeks[0].Strokes

	// Today's routine is not led by a course not started.
	sug := a.API("GET", "/api/v1/babies/"+baby+"/routine-suggestion?minutes=10", ann.Token, nil)
	if strings.Contains(sug.Body, "course_week") {
		t.Errorf("a course not started leads today's routine: %s", sug.Body)
	}
	if r := a.API("POST", base+"/resume", ann.Token, map[string]any{}); r.Status != 200 || !strings.Contains(r.Body, `"started":true`) {
		t.Fatalf("start: %d %s", r.Status, r.Body)
	}
	sug = a.API("GET", "/api/v1/babies/"+baby+"/routine-suggestion?minutes=10", ann.Token, nil)
	if !strings.Contains(sug.Body, "course_week") || strings.Contains(sug.Body, `"sun_moon"`) || !strings.Contains(sug.Body, `"`+week1[2]+`"`) || strings.Contains(sug.Body, `"`+week1[len(week1)-1]+`"`) {
		t.Errorf("today's routine does not follow week 1: %s", sug.Body)
	}

	// Ann practises every week-1 stroke on three days; Bob on one.
	now := apptest.Now().UTC()
	session := func(token string, daysAgo int) {
		t.Helper()
		start := now.Add(-time.Duration(daysAgo)*24*time.Hour - time.Hour)
		var steps []string
		for _, id := range week1 {
			steps = append(steps, fmt.Sprintf(`{"stroke_id":%q,"response":"neutral"}`, id))
		}
		body := fmt.Sprintf(`{"routine_id":"today","started_at":%q,"ended_at":%q,"outcome":"completed","steps":[%s]}`,
			start.Format(time.RFC3339), start.Add(20*time.Minute).Format(time.RFC3339), strings.Join(steps, ","))
		if r := a.API("POST", "/api/v1/babies/"+baby+"/sessions", token, body); r.Status != http.StatusCreated {
			t.Fatalf("session: %d %s", r.Status, r.Body)
		}
	}
	session(ann.Token, 3)
	session(ann.Token, 2)
	if c := get(ann.Token, ""); c.Week != 1 || c.Weeks[0].Practised[week1[0]] != 2 || len(c.New) != 0 {
		t.Fatalf("after two days: %+v", c)
	}
	session(ann.Token, 1)
	session(bob.Token, 1)
	if c := get(ann.Token, ""); c.Week != 2 || !c.Weeks[0].Learned || !c.Weeks[1].Open || len(c.New) == 0 {
		t.Fatalf("after three days, week 2 should open: %+v", c)
	}
	if c := get(bob.Token, ""); c.Week != 1 || c.Weeks[0].Practised[week1[0]] != 1 || c.Weeks[0].Learned {
		t.Fatalf("Bob's course: %+v", c)
	}
	// Everyone reads everyone's; Gran too, read only.
	if c := get(gran.Token, "?caregiver="+ann.UserID); c.Week != 2 || c.CaregiverID != ann.UserID {
		t.Fatalf("Gran reads Ann's course: %+v", c)
	}
	for _, tc := range []struct {
		name, method, path, token string
		body                      any
		status                    int
	}{
		{"another family", "GET", base, zoe.Token, nil, 404},
		{"not a member", "GET", base + "?caregiver=" + zoe.UserID, ann.Token, nil, 422},
		{"a viewer changes nothing", "POST", base + "/pause", gran.Token, map[string]any{}, 403},
		{"a caregiver does not change another's", "POST", base + "/advance", bob.Token, map[string]any{"caregiver_id": ann.UserID}, 403},
		{"a week out of range", "POST", base + "/advance", bob.Token, map[string]any{"week": 9}, 422},
		{"an unknown field", "POST", base + "/advance", bob.Token, map[string]any{"weeks": 2}, 400},
		{"not logged in", "GET", base, "", nil, 401},
	} {
		if r := a.API(tc.method, tc.path, tc.token, tc.body); r.Status != tc.status {
			t.Errorf("%s: %d %s, want %d", tc.name, r.Status, r.Body, tc.status)
		}
	}
	// Bob follows Ann's week; the owner may pause Bob's course.
	if r := a.API("POST", base+"/advance", bob.Token, map[string]any{"week": 2}); r.Status != 200 || !strings.Contains(r.Body, `"week":2`) {
		t.Fatalf("Bob follows week 2: %d %s", r.Status, r.Body)
	}
	if r := a.API("POST", base+"/pause", ann.Token, map[string]any{"caregiver_id": bob.UserID}); r.Status != 200 || !strings.Contains(r.Body, `"paused":true`) {
		t.Fatalf("Ann pauses Bob's course: %d %s", r.Status, r.Body)
	}
	if c := get(bob.Token, ""); !c.Paused || c.Week != 2 {
		t.Fatalf("Bob's paused course: %+v", c)
	}
	// Deleting a session keeps the progress true: Ann is back in week 1.
	list := a.API("GET", "/api/v1/babies/"+baby+"/sessions", ann.Token, nil).JSON(t)
	for _, it := range list["items"].([]any) {
		s := it.(map[string]any)
		if s["caregiver_id"] == ann.UserID {
			a.API("DELETE", "/api/v1/babies/"+baby+"/sessions/"+s["id"].(string), ann.Token, nil)
			break
		}
	}
	if c := get(ann.Token, ""); c.Week != 1 || c.Weeks[0].Learned {
		t.Fatalf("after a deleted session: %+v", c)
	}
}

func TestCourseAPI(t *testing.T)         { testCourseAPI(t, apptest.OpenSQLite(t)) }
func TestCourseAPIPostgres(t *testing.T) { testCourseAPI(t, apptest.OpenPostgres(t)) }
