package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"nurture/internal/apptest"
)

// get calls the API with optional headers (name, value pairs).
func get(t *testing.T, a *apptest.App, path string, headers ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest("GET", a.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestLibraryAPI(t *testing.T) {
	a := apptest.New(t)
	r := a.API("POST", "/api/v1/signup", "", map[string]string{"email": "zoe@example.org", "password": "correct horse battery",
		"name": "Zoé", "family_name": "Durand", "locale": "fr"})
	if r.Status != http.StatusCreated {
		t.Fatalf("signup: %d %s", r.Status, r.Body)
	}
	frToken := r.JSON(t)["token"].(string)
	fr := []string{"Accept-Language", "fr"}
	tests := []struct {
		name    string
		path    string
		headers []string
		status  int
		want    []string
		notWant []string
	}{
		{"strokes", "/api/v1/strokes", nil, 200, []string{`"items":[{"id":"leg_indian_milking","name":"Indian milking (leg)","body_part":"legs","tradition":"indian"`, `"next":null`, `"say":"These are your legs."`}, nil},
		{"strokes by body part", "/api/v1/strokes?body_part=feet", nil, 200, []string{`"sole_thumb_over_thumb"`}, []string{`"body_part":"legs"`}},
		{"strokes by tradition", "/api/v1/strokes?tradition=swedish", nil, 200, []string{`"arm_swedish_milking"`}, []string{`"tradition":"indian"`, `"sun_moon"`}},
		{"gentle strokes", "/api/v1/strokes?tradition=gentle", nil, 200, []string{`"sun_moon"`, `"tradition":"gentle"`}, []string{`"tradition":"swedish"`}},
		{"strokes by purpose", "/api/v1/strokes?purpose=sleep", nil, 200, []string{`"back_swooping"`}, []string{`"leg_indian_milking"`}},
		{"strokes matching nothing", "/api/v1/strokes?body_part=face&tradition=yoga", nil, 200, []string{`{"items":[],"next":null}`}, nil},
		{"strokes lang fr", "/api/v1/strokes?lang=fr", nil, 200, []string{`"name":"Traite indienne (jambe)"`, `"say":"Voici tes jambes."`}, nil},
		{"strokes lang fr-CA", "/api/v1/strokes?lang=fr-CA", nil, 200, []string{`"Traite indienne (jambe)"`}, nil},
		{"strokes Accept-Language fr", "/api/v1/strokes", fr, 200, []string{`"Traite indienne (jambe)"`}, nil},
		{"strokes lang beats header", "/api/v1/strokes?lang=en", fr, 200, []string{`"Indian milking (leg)"`}, nil},
		{"strokes unknown lang", "/api/v1/strokes?lang=xx", nil, 200, []string{`"Indian milking (leg)"`}, nil},
		{"strokes French user", "/api/v1/strokes", []string{"Authorization", "Bearer " + frToken}, 200, []string{`"Traite indienne (jambe)"`}, nil},
		{"strokes bad token is ignored", "/api/v1/strokes", []string{"Authorization", "Bearer nope"}, 200, []string{`"items"`}, nil},
		{"strokes bad body part", "/api/v1/strokes?body_part=wings", nil, 422, []string{`"fields":{"body_part":"Unknown body part."}`, `"error"`}, nil},
		{"strokes bad tradition", "/api/v1/strokes?tradition=martian", nil, 422, []string{`"tradition":"Unknown tradition."`}, nil},
		{"strokes bad purpose", "/api/v1/strokes?purpose=x", nil, 422, []string{`"purpose":"Unknown purpose."`}, nil},
		{"strokes bad filters in French", "/api/v1/strokes?body_part=ailes&purpose=x", fr, 422, []string{`"body_part":"Partie du corps inconnue."`, `"purpose":"Objectif inconnu."`}, nil},
		{"stroke", "/api/v1/strokes/face_forehead", nil, 200, []string{`{"id":"face_forehead"`, `"oil":false`, `"body_part":"face"`}, []string{`"items"`}},
		{"stroke lang fr", "/api/v1/strokes/leg_indian_milking?lang=fr", nil, 200, []string{`"say":"Voici tes jambes."`}, nil},
		{"unknown stroke", "/api/v1/strokes/nope", nil, 404, []string{`"error"`}, nil},

		{"routines", "/api/v1/routines", nil, 200, []string{`{"items":[{"id":"full_body","name":"Full body","purpose":"bonding","minutes":20,"min_age_weeks":4,"steps":[{"stroke_id":"permission_ritual","seconds":30}`, `"next":null`}, nil},
		{"routines lang fr", "/api/v1/routines?lang=fr", nil, 200, []string{`"name":"Avec un grand frère ou une grande sœur"`}, nil},
		{"routines Accept-Language fr", "/api/v1/routines", fr, 200, []string{`"Avec un grand frère ou une grande sœur"`}, nil},
		{"routines unknown lang", "/api/v1/routines?lang=zz", nil, 200, []string{`"name":"Full body"`}, nil},
		{"routine", "/api/v1/routines/colic_tummy", nil, 200, []string{`{"id":"colic_tummy"`, `"purpose":"wind_colic"`, `"stroke_id":"sun_moon"`}, nil},
		{"unknown routine", "/api/v1/routines/nope", nil, 404, []string{`"error"`}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body := get(t, a, tc.path, tc.headers...)
			if status != tc.status {
				t.Fatalf("status %d, want %d\n%s", status, tc.status, body)
			}
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("body lacks %s\n%.400s", w, body)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(body, w) {
					t.Errorf("body has %s", w)
				}
			}
		})
	}
}

// TestLibraryAPIShape checks that items carry exactly the fields DESIGN.md
// lists, with lists never null.
func TestLibraryAPIShape(t *testing.T) {
	a := apptest.New(t)
	for _, tc := range []struct {
		path  string
		min   int
		keys  []string
		lists []string
	}{
		{"/api/v1/strokes", 45, []string{"id", "name", "body_part", "tradition", "direction", "purposes", "min_age_weeks", "oil", "reps", "steps", "say", "cautions", "sources"},
			[]string{"purposes", "steps", "cautions", "sources"}},
		{"/api/v1/routines", 8, []string{"id", "name", "purpose", "minutes", "min_age_weeks", "steps"}, []string{"steps"}},
	} {
		t.Run(tc.path, func(t *testing.T) {
			status, body := get(t, a, tc.path)
			if status != 200 {
				t.Fatalf("status %d", status)
			}
			var page struct {
				Items []map[string]any `json:"items"`
				Next  *string          `json:"next"`
			}
			if err := json.Unmarshal([]byte(body), &page); err != nil {
				t.Fatal(err)
			}
			if len(page.Items) < tc.min || page.Next != nil {
				t.Fatalf("%d items, next %v", len(page.Items), page.Next)
			}
			want := slices.Sorted(slices.Values(tc.keys))
			for _, it := range page.Items {
				var got []string
				for k := range it {
					got = append(got, k)
				}
				slices.Sort(got)
				if !slices.Equal(got, want) {
					t.Fatalf("item %v has keys %v, want %v", it["id"], got, want)
				}
				for _, l := range tc.lists {
					if _, ok := it[l].([]any); !ok {
						t.Errorf("%v: %s is %v, want a list", it["id"], l, it[l])
					}
				}
			}
		})
	}
}
