package api_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"nurture/internal/apptest"
)

// The HTTP fuzz targets send fuzzed bodies through the real server (the
// whole middleware and handler) as a logged-in owner: whatever the body,
// the answer is never a 5xx, and an error answer is JSON with a message.

// fuzzWorld is one server per fuzz worker, with a family, a caregiver, a
// baby, a session and an entry of each log to edit.
type fuzzWorld struct {
	app     *apptest.App
	owner   apptest.Family
	care    apptest.Family
	baby    string
	session string
	entries map[string]string
	start   time.Time
}

func newFuzzWorld(f *testing.F) *fuzzWorld {
	a := apptest.New(f)
	w := &fuzzWorld{app: a, entries: map[string]string{}}
	w.owner = a.Signup("ann@example.org", "Ann", "Martin")
	w.care = a.Join(w.owner, "bob@example.org", "Bob", "caregiver", "father")
	w.baby = a.Baby(w.owner, "Lou", "2026-01-01")
	w.start = apptest.Now().UTC().Add(-48 * time.Hour).Truncate(time.Second)
	at := func(min int) string { return w.start.Add(time.Duration(min) * time.Minute).Format(time.RFC3339) }
	r := a.API("POST", "/api/v1/babies/"+w.baby+"/sessions", w.owner.Token, fmt.Sprintf(`{"routine_id":"quick_legs_feet","started_at":%q,"ended_at":%q,"outcome":"completed","steps":[{"stroke_id":"toe_roll","response":"engaged"}]}`, at(0), at(10)))
	if r.Status != http.StatusCreated {
		f.Fatalf("session: %d %s", r.Status, r.Body)
	}
	w.session = r.JSON(f)["id"].(string)
	for i, typ := range []string{"touch", "sleep", "crying"} {
		body := fmt.Sprintf(`{"started_at":%q,"ended_at":%q}`, at(20+10*i), at(25+10*i))
		if typ == "touch" {
			body = fmt.Sprintf(`{"kind":"holding","started_at":%q,"ended_at":%q}`, at(20), at(25))
		}
		r := a.API("POST", "/api/v1/babies/"+w.baby+"/"+typ, w.owner.Token, body)
		if r.Status != http.StatusCreated {
			f.Fatalf("%s: %d %s", typ, r.Status, r.Body)
		}
		w.entries[typ] = r.JSON(f)["id"].(string)
	}
	return w
}

// send posts body and checks the answer is calm.
func (w *fuzzWorld) send(t *testing.T, method, path, token string, body []byte) int {
	t.Helper()
	req, err := http.NewRequest(method, w.app.URL+path, strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the answer: %v", method, path, err)
	}
	if res.StatusCode >= 500 {
		t.Fatalf("%s %s answered %d: %s\nbody sent: %q", method, path, res.StatusCode, b, body)
	}
	if res.StatusCode >= 400 {
		var e struct{ Error string }
		if json.Unmarshal(b, &e) != nil || e.Error == "" {
			t.Fatalf("%s %s answered %d without a JSON message: %s", method, path, res.StatusCode, b)
		}
	}
	return res.StatusCode
}

func addSeeds(f *testing.F, seeds ...string) {
	for _, s := range append(seeds, ``, `{`, `[`, `null`, `{} {}`, `{"zzz":1}`, "\xff\xfe", `{"a":`+strings.Repeat("[", 200)+`}`) {
		f.Add([]byte(s))
	}
}

func FuzzSignupAPI(f *testing.F) {
	w := newFuzzWorld(f)
	addSeeds(f,
		`{"email":"new@example.org","password":"0123456789","name":"New","family_name":"Fam","timezone":"America/New_York","locale":"fr"}`,
		`{"email":"ANN@example.org","password":"0123456789","name":"A","family_name":"F"}`,
		`{"email":"s@example.org","password":"short","name":"A","family_name":"F"}`,
		`{"email":"n@example.org","password":"0123456789","name":"N","family_name":"F","timezone":"Mars/Base"}`,
		`{"email":"n@example.org","password":"0123456789","name":"N","invite_code":"nope"}`,
		`{"email":5}`, `{"email":"n@example.org","admin":true}`,
		`{"email":"n@example.org","password":"0123456789","name":"<b>x</b>","family_name":"a\u0000b","relation":"neighbour"}`)
	f.Fuzz(func(t *testing.T, body []byte) { w.send(t, "POST", "/api/v1/signup", "", body) })
}

func FuzzLoginAPI(f *testing.F) {
	w := newFuzzWorld(f)
	addSeeds(f, `{"email":"ann@example.org","password":"correct horse battery"}`, `{"email":"ann@example.org","password":"wrong password!"}`,
		`{"email":"nobody@example.org","password":"x"}`, `{"email":["a"],"password":{}}`)
	f.Fuzz(func(t *testing.T, body []byte) { w.send(t, "POST", "/api/v1/login", "", body) })
}

func FuzzInviteAPI(f *testing.F) {
	w := newFuzzWorld(f)
	addSeeds(f, `{"role":"viewer","relation":"sibling"}`, `{"role":"king","relation":"sibling"}`, `{"role":"viewer","relation":"neighbour"}`, `{"role":1}`)
	f.Fuzz(func(t *testing.T, body []byte) { w.send(t, "POST", "/api/v1/invites", w.owner.Token, body) })
}

func FuzzBabyAPI(f *testing.F) {
	w := newFuzzWorld(f)
	addSeeds(f, `{"name":"Tom","birth_date":"2026-11-01","gestation_weeks":34}`, `{"name":"Eve","birth_date":"2026-11-20"}`,
		`{"name":"Tom","birth_date":"2099-01-01"}`, `{"name":"Tom","birth_date":"01/02/2026"}`, `{"name":"Tom","birth_date":"2026-11-01","gestation_weeks":0}`,
		`{"name":"a\u0000b","birth_date":"2026-11-01"}`, `{"name":"Tom","birth_date":"1900-01-01","gestation_weeks":1e308}`,
		`{"name":"Tom","birth_date":"2026-11-01","gestation_weeks":9223372036854775808}`)
	f.Fuzz(func(t *testing.T, body []byte) { w.send(t, "POST", "/api/v1/babies", w.owner.Token, body) })
}

func FuzzReadinessAPI(f *testing.F) {
	w := newFuzzWorld(f)
	addSeeds(f, `{"state":"quiet_alert"}`, `{"state":"quiet_alert","now":"tonight"}`, `{"state":"quiet_alert","temperature_c":"hot"}`,
		`{"state":"drowsy","last_feed_at":"2026-03-15T09:50:00+01:00","vaccinated_at":"2999-01-01T00:00:00Z","temperature_c":38.5,"unwell":true,"skin_issue":true,"cord_healed":false}`,
		`{"state":"asleep","temperature_c":1e308,"now":"1900-01-01T00:00:00Z"}`, `{"state":"crying","temperature_c":-1e309}`)
	f.Fuzz(func(t *testing.T, body []byte) {
		w.send(t, "POST", "/api/v1/babies/"+w.baby+"/readiness", w.owner.Token, body)
	})
}

// FuzzSessionAPI posts a new session (put=false) or edits the stored one.
func FuzzSessionAPI(f *testing.F) {
	w := newFuzzWorld(f)
	at := func(min int) string { return w.start.Add(time.Duration(min) * time.Minute).Format(time.RFC3339) }
	for _, put := range []bool{false, true} {
		for _, s := range []string{
			fmt.Sprintf(`{"routine_id":"quick_legs_feet","started_at":%q,"ended_at":%q,"outcome":"completed","parent_calm_before":3,"parent_calm_after":4,"steps":[{"stroke_id":"permission_ritual","response":"neutral"},{"stroke_id":"toe_roll","response":"engaged"}],"notes":"day 1"}`, at(100), at(112)),
			fmt.Sprintf(`{"started_at":%q,"ended_at":%q,"outcome":"baby_declined","fell_asleep_after_min":241}`, at(200), at(190)),
			`{"started_at":"1900-01-01T00:00:00Z","ended_at":"2999-01-01T00:00:00Z","outcome":"completed"}`,
			`{"outcome":"completed"}`, `{"steps":[{"stroke_id":5}]}`, `{"parent_calm_before":-9223372036854775809}`,
		} {
			f.Add(put, []byte(s))
		}
	}
	f.Fuzz(func(t *testing.T, put bool, body []byte) {
		if put {
			w.send(t, "PUT", "/api/v1/babies/"+w.baby+"/sessions/"+w.session, w.owner.Token, body)
		} else {
			w.send(t, "POST", "/api/v1/babies/"+w.baby+"/sessions", w.owner.Token, body)
		}
	})
}

// FuzzEntryAPI posts to or edits an entry of one of the three logs.
func FuzzEntryAPI(f *testing.F) {
	w := newFuzzWorld(f)
	at := func(min int) string { return w.start.Add(time.Duration(min) * time.Minute).Format(time.RFC3339) }
	for typ := uint8(0); typ < 3; typ++ {
		for _, s := range []string{
			fmt.Sprintf(`{"id":"3f1e2d3c-4b5a-4697-8877-665544332211","kind":"skin_to_skin","started_at":%q,"ended_at":%q,"notes":"after bath"}`, at(300), at(330)),
			fmt.Sprintf(`{"started_at":%q,"ended_at":%q,"held":true,"needs_checked":["hungry","nappy","hungry"],"soothed_by":["walking"],"parent_stress":4,"notes":"<script>x</script>"}`, at(400), at(415)),
			fmt.Sprintf(`{"kind":"carrying","started_at":%q}`, at(500)),
			`{"started_at":"1900-01-01T00:00:00Z","ended_at":"1900-01-01T00:10:00Z"}`,
			`{"started_at":"2999-01-01T00:00:00Z","ended_at":""}`, `{"parent_stress":1e308}`, `{"needs_checked":"hungry"}`,
		} {
			f.Add(typ, false, []byte(s))
			f.Add(typ, true, []byte(s))
		}
	}
	types := []string{"touch", "sleep", "crying"}
	f.Fuzz(func(t *testing.T, typ uint8, put bool, body []byte) {
		log := types[int(typ)%3]
		if put {
			w.send(t, "PUT", "/api/v1/babies/"+w.baby+"/"+log+"/"+w.entries[log], w.owner.Token, body)
		} else {
			w.send(t, "POST", "/api/v1/babies/"+w.baby+"/"+log, w.owner.Token, body)
		}
	})
}

// FuzzSetRoleAPI changes the caregiver's role.
func FuzzSetRoleAPI(f *testing.F) {
	w := newFuzzWorld(f)
	addSeeds(f, `{"role":"viewer"}`, `{"role":"caregiver"}`, `{"role":"king"}`, `{"role":null}`)
	f.Fuzz(func(t *testing.T, body []byte) {
		w.send(t, "PUT", "/api/v1/family/members/"+w.care.UserID, w.owner.Token, body)
	})
}

// FuzzImportAPI posts import files, seeded with the family's own export.
func FuzzImportAPI(f *testing.F) {
	w := newFuzzWorld(f)
	r := w.app.API("GET", "/api/v1/export", w.owner.Token, nil)
	if r.Status != http.StatusOK {
		f.Fatalf("export: %d", r.Status)
	}
	doc := r.Body
	// An input is a small patch to the family's export (go's fuzzer slows
	// to a crawl on inputs of many KiB), or with whole set a whole body.
	f.Add(uint32(0), uint16(0), []byte{}, false)
	for _, m := range [][2]string{{`"version": 1`, `"version": 2`}, {`"name": "Lou"`, `"name": 1e308`}, {`"babies": [`, `"babies": [{},`}} {
		if i := strings.Index(doc, m[0]); i >= 0 {
			f.Add(uint32(i), uint16(len(m[0])), []byte(m[1]), false)
		}
	}
	for _, s := range []string{``, `{`, `null`, `{"format":"nurture-export","version":1}`} {
		f.Add(uint32(0), uint16(0), []byte(s), true)
	}
	f.Fuzz(func(t *testing.T, at uint32, cut uint16, insert []byte, whole bool) {
		b := insert
		if !whole {
			i := int(at) % (len(doc) + 1)
			j := min(i+int(cut), len(doc))
			b = []byte(doc[:i] + string(insert) + doc[j:])
		}
		w.send(t, "POST", "/api/v1/import", w.owner.Token, b)
	})
}
