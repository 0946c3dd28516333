package web_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"nurture/internal/apptest"
	"nurture/internal/content"
	"nurture/internal/domain"
	"nurture/internal/web"
)

// fetch gets a page with optional request headers (name, value pairs) and
// the cookies of c, if any.
func fetch(t *testing.T, c *http.Client, base, path string, headers ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest("GET", base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	if c == nil {
		c = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// weeksAgo is the birth date of a baby n weeks old today.
func weeksAgo(n int) string {
	return apptest.Now().In(mustZone("Europe/Paris")).AddDate(0, 0, -7*n).Format(time.DateOnly)
}

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	return loc
}

func TestLibraryPagesAnonymous(t *testing.T) {
	a := apptest.New(t)
	fr := []string{"Accept-Language", "fr-FR,fr;q=0.9"}
	tests := []struct {
		name    string
		path    string
		headers []string
		status  int
		want    []string // fragments of the body
		notWant []string
	}{
		{"library", "/library", nil, 200, []string{"Massage library", `href="/library/strokes/leg_indian_milking"`,
			`href="/library/routines/full_body"`, `href="/library/guides/preparing"`, "51 strokes", `id="part-legs"`, `id="part-whole_body"`}, nil},
		{"library in French", "/library", fr, 200, []string{`lang="fr"`, "Bibliothèque de massages", "Traite indienne (jambe)", "51 gestes", "Trouver des gestes"}, nil},
		{"nav link for visitors", "/login", nil, 200, []string{`href="/library"`, ">Library<"}, nil},
		{"filter body part", "/library?body_part=feet", nil, 200, []string{"sole_thumb_over_thumb", `<option value="feet" selected>`}, []string{"leg_indian_milking", `id="part-legs"`}},
		{"filter tradition", "/library?tradition=swedish", nil, 200, []string{"leg_swedish_milking", "arm_swedish_milking", "2 strokes"}, []string{"leg_indian_milking", "sun_moon"}},
		{"gentle strokes claim no tradition", "/library?tradition=gentle", nil, 200, []string{"sun_moon", "face_forehead", "Gentle stroke (no tradition claimed)"}, []string{"leg_indian_milking", "knees_to_tummy"}},
		{"purposes say how far the evidence goes", "/library", nil, 200, []string{"Wind and colic (low, conflicting evidence)", "Constipation (traditional use, not tested)", "Sleep (low evidence)"}, nil},
		{"purposes graded in French", "/library", fr, 200, []string{"(preuves faibles et contradictoires)", "(usage traditionnel, non testé)"}, nil},
		{"filter purpose", "/library?purpose=wind_colic", nil, 200, []string{"water_wheel", "knees_to_tummy", "6 strokes"}, []string{"face_forehead"}},
		{"filter all three", "/library?body_part=tummy&tradition=gentle&purpose=constipation", nil, 200, []string{"sun_moon", "i_love_you", "water_wheel", "4 strokes"}, []string{"knees_to_tummy"}},
		{"tummy strokes wait for the healed navel", "/library?weeks=2&body_part=tummy", nil, 200, []string{"knees_to_tummy", "1 stroke"}, []string{"sun_moon"}},
		{"filter nothing matches", "/library?body_part=face&tradition=yoga", nil, 200, []string{"No stroke matches"}, nil},
		{"filter age newborn", "/library?weeks=0", nil, 200, []string{"leg_indian_milking"}, []string{"back_drawing_game", "back_sitting_strokes", "follow_the_crawler"}},
		{"filter age toddler", "/library?weeks=60", nil, 200, []string{"back_drawing_game", "51 strokes"}, nil},
		{"bad body part", "/library?body_part=wings", nil, 422, []string{"Unknown body part.", `aria-invalid="true"`, "51 strokes"}, nil},
		{"bad tradition", "/library?tradition=martian", nil, 422, []string{"Unknown tradition."}, nil},
		{"bad purpose", "/library?purpose=%3Cscript%3E", nil, 422, []string{"Unknown purpose."}, []string{"<script>"}},
		{"bad weeks", "/library?weeks=abc", nil, 422, []string{"whole number of weeks", `value="abc"`}, nil},
		{"negative weeks", "/library?weeks=-3", nil, 422, []string{"whole number of weeks"}, nil},
		{"huge weeks", "/library?weeks=99999999999999999999", nil, 422, []string{"whole number of weeks"}, nil},
		{"baby for a visitor", "/library?baby=someone", nil, 422, []string{"Choose one of your babies."}, nil},
		{"bad filter in French", "/library?body_part=ailes", fr, 422, []string{"Partie du corps inconnue."}, nil},

		{"stroke", "/library/strokes/leg_indian_milking", nil, 200, []string{"<h1>Indian milking (leg)</h1>", `role="img"`,
			`aria-labelledby="diagram-title"`, `<title id="diagram-title">Diagram of a baby seen from the front, with one leg highlighted.</title>`,
			`class="arrow"`, "From the hip down to the ankle", "Steps", "<ol", "These are your legs.", "Take care", "Sources",
			"Guild for Sensory Development", "From birth", "Relaxation (low evidence), Body awareness (traditional use, not tested)",
			`href="/library/guides/evidence"`, "Optional: no oil, or water only, is always fine.", "Cooke A et al. Acta Derm Venereol 2016;96(3):323-330"}, []string{`class="safe-sleep"`}},
		{"oil optional in French", "/library/strokes/water_wheel", fr, 200, []string{"sans huile, ou avec de l’eau seulement", "Gaz et coliques (preuves faibles et contradictoires)"}, nil},
		{"back stroke on the tummy: safe sleep", "/library/strokes/back_circles", nil, 200, []string{`class="safe-sleep"`, "Moses basket", "Pediatrics 2022;150(1):e2022057990"}, nil},
		{"stroke in French", "/library/strokes/leg_indian_milking", fr, 200, []string{"Traite indienne (jambe)", "Voici tes jambes.",
			"Schéma d’un bébé vu de face", "Étapes", "Précautions", "Les sources ne sont pas d"}, []string{"These are your legs."}},
		{"face stroke has no oil", "/library/strokes/face_forehead", nil, 200, []string{"No oil: never on the face."}, nil},
		{"back stroke seen from the back", "/library/strokes/back_swooping", nil, 200, []string{"seen from the back"}, nil},
		{"sole close-up", "/library/strokes/sole_thumb_over_thumb", nil, 200, []string{"Close-up diagram of the sole", "from the heel to the toes"}, nil},
		{"still touch has no arrow", "/library/strokes/containment_holding", nil, 200, []string{"No arrow"}, []string{`class="arrow"`}},
		{"older stroke", "/library/strokes/back_drawing_game", nil, 200, []string{"From 52 weeks"}, nil},
		{"unknown stroke", "/library/strokes/nope", nil, 404, []string{"<h1>"}, nil},
		{"strokes index", "/library/strokes", nil, 303, nil, nil},

		{"routines", "/library/routines", nil, 200, []string{"Routines", `href="/library/routines/full_body"`, "About 20 minutes", "From 4 weeks"}, nil},
		{"routines in French", "/library/routines", fr, 200, []string{"Environ 20 minutes", "Dès 4 semaines"}, nil},
		{"routine", "/library/routines/full_body", nil, 200, []string{"<h1>Full body</h1>", "Total time", "About 20 minutes",
			`href="/library/strokes/permission_ritual"`, "30 seconds", "Sources", "You never have to finish"}, nil},
		{"sibling routine", "/library/routines/sibling_feet_hands", nil, 200, []string{"Words for the older child", "For the parent who supervises"}, nil},
		{"sibling routine in French", "/library/routines/sibling_feet_hands", fr, 200, []string{"Les mots pour l’aîné", "Tu as un métier important"}, nil},
		{"preterm routine", "/library/routines/preterm_still_touch", nil, 200, []string{"Still touch only"}, []string{"Words for the older child"}},
		{"bedtime routine: safe sleep", "/library/routines/bedtime_wind_down", nil, 200, []string{`class="safe-sleep"`, "own cot or Moses basket", "Sleep (low evidence)", "The Lullaby Trust"}, []string{"Cullen"}},
		{"bedtime routine in French", "/library/routines/bedtime_wind_down", fr, 200, []string{`class="safe-sleep"`, "son propre lit ou son couffin", "Sommeil (preuves faibles)"}, nil},
		{"colic routine: graded, no sleep", "/library/routines/colic_tummy", nil, 200, []string{"Wind and colic (low, conflicting evidence)", "Huhtala V, Lehtonen L"}, []string{`class="safe-sleep"`, "motherhood101"}},
		{"unknown routine", "/library/routines/nope", nil, 404, nil, nil},

		{"guide", "/library/guides/preparing", nil, 200, []string{"<h1>Getting ready", "Sources", "nowbaby.co.uk", "<h2>"}, nil},
		{"guide in French", "/library/guides/preparing", fr, 200, []string{"Se préparer", "ne s&#39;accordent pas sur la pression"}, nil},
		{"guide where sources disagree", "/library/guides/oils", nil, 200, []string{"Oils and what the evidence says", "N Engl J Med 2003;348(11):977-985", "oil stays optional"}, nil},
		{"safe sleep guide", "/library/guides/safe_sleep", nil, 200, []string{"<h1>Safe sleep after massage", `class="safe-sleep"`, "Tummy time is for awake time", "lullabytrust.org.uk"}, nil},
		{"evidence guide", "/library/guides/evidence", nil, 200, []string{"<h1>What the evidence says", "Cochrane Database Syst Rev 2013;(4):CD005038", "Strength of evidence: low.", "Infant Behav Dev 2006;29(4):574-578"}, []string{`class="safe-sleep"`}},
		{"evidence guide in French", "/library/guides/evidence", fr, 200, []string{"Ce que disent les études", "Niveau de preuve : faible à modéré."}, nil},
		{"why touch matters", "/library/guides/why_touch", nil, 200, []string{"<h1>Why touch matters", "about 8 weeks of pregnancy", "St James-Roberts", "Adv Child Dev Behav 2017;52:227-268"}, nil},
		{"guides listed", "/library", nil, 200, []string{`href="/library/guides/evidence"`, `href="/library/guides/safe_sleep"`, `href="/library/guides/why_touch"`}, nil},
		{"unknown guide", "/library/guides/nope", nil, 404, nil, nil},
		{"guides index", "/library/guides", nil, 303, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body := fetch(t, nil, a.URL, tc.path, tc.headers...)
			if status != tc.status {
				t.Fatalf("status %d, want %d\n%s", status, tc.status, body)
			}
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("body lacks %q", w)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(body, w) {
					t.Errorf("body has %q", w)
				}
			}
			if status == 200 && (strings.Contains(body, " style=") || strings.Contains(body, "<script>") || strings.Contains(body, " onclick")) {
				t.Error("page has inline style or script, which the CSP blocks")
			}
		})
	}
}

// TestLibraryForFamily checks what a logged-in family adds: its babies in
// the age filter (by corrected age) and its languages for the words said
// to the baby.
func TestLibraryForFamily(t *testing.T) {
	a := apptest.New(t)
	f := a.Signup("ann@example.org", "Ann", "Martin")
	lou := a.Baby(f, "Lou", weeksAgo(10))
	r := a.API("POST", "/api/v1/babies", f.Token, map[string]any{"name": "Tim", "birth_date": weeksAgo(2), "gestation_weeks": 30})
	if r.Status != http.StatusCreated {
		t.Fatalf("preterm baby: %d %s", r.Status, r.Body)
	}
	tim := r.JSON(t)["id"].(string)
	b := a.Browser()
	b.Login("ann@example.org", "correct horse battery")

	get := func(path string) (int, string) {
		res := b.Get(path)
		return res.Status, res.Body
	}
	status, body := get("/library")
	for _, w := range []string{`<select id="baby" name="baby"`, "Lou (10 weeks)", "Tim (0 weeks)", "Or an age in weeks", `href="/library"`} {
		if !strings.Contains(body, w) {
			t.Errorf("library lacks %q", w)
		}
	}
	if status != 200 {
		t.Fatalf("status %d", status)
	}

	// Lou is 10 weeks: nothing for sitting babies or toddlers.
	_, body = get("/library?baby=" + lou)
	if !strings.Contains(body, "leg_indian_milking") || strings.Contains(body, "back_sitting_strokes") || strings.Contains(body, "back_drawing_game") {
		t.Error("baby filter did not keep to Lou's age")
	}
	if !strings.Contains(body, `<option value="`+lou+`" selected>`) {
		t.Error("chosen baby not kept selected")
	}
	// A typed age wins over the chosen baby.
	_, body = get("/library?baby=" + lou + "&weeks=60")
	if !strings.Contains(body, "back_drawing_game") {
		t.Error("typed weeks did not win over the baby")
	}
	// Tim was born at 30 weeks, 2 weeks ago: before his due date.
	_, body = get("/library?baby=" + tim)
	if !strings.Contains(body, "Tim has not yet reached the due date") || !strings.Contains(body, "/library/routines/preterm_still_touch") {
		t.Error("no still-touch note for a baby before the due date")
	}
	status, body = get("/library?baby=not-ours")
	if status != 422 || !strings.Contains(body, "Choose one of your babies.") {
		t.Errorf("unknown baby: %d", status)
	}

	// One language: the page language only.
	_, body = get("/library/strokes/leg_indian_milking")
	if !strings.Contains(body, "These are your legs.") || strings.Contains(body, "Voici tes jambes.") {
		t.Error("say line not in the single family language")
	}
	// Two languages: both lines, each marked with its language.
	err := a.Store.UpdateFamily(context.Background(), f.FamilyID, domain.FamilySettings{Name: "Martin", Timezone: "Europe/Paris",
		Languages: []string{"fr", "en"}, FeedWaitMin: 30, TempUnit: "c"})
	if err != nil {
		t.Fatal(err)
	}
	_, body = get("/library/strokes/leg_indian_milking")
	for _, w := range []string{`<p lang="fr"><span class="say-lang">Français</span> <q>Voici tes jambes.</q></p>`,
		`<p lang="en"><span class="say-lang">English</span> <q>These are your legs.</q></p>`} {
		if !strings.Contains(body, w) {
			t.Errorf("stroke page lacks %q", w)
		}
	}
	// The nav link is there when logged in too.
	_, body = get("/")
	if !strings.Contains(body, `<a href="/library">Library</a>`) {
		t.Error("no library link in the nav of a member")
	}
}

// TestLibraryFrenchUser shows the library in a member's chosen locale.
func TestLibraryFrenchUser(t *testing.T) {
	a := apptest.New(t)
	r := a.API("POST", "/api/v1/signup", "", map[string]string{"email": "zoe@example.org", "password": "correct horse battery",
		"name": "Zoé", "family_name": "Durand", "timezone": "Europe/Paris", "locale": "fr"})
	if r.Status != http.StatusCreated {
		t.Fatalf("signup: %d %s", r.Status, r.Body)
	}
	b := a.Browser()
	b.Login("zoe@example.org", "correct horse battery")
	body := b.Get("/library/routines/full_body?" + url.Values{"x": {"1"}}.Encode()).Body
	if !strings.Contains(body, "Durée totale") || !strings.Contains(body, "Bibliothèque") {
		t.Error("routine page not in the member's French")
	}
	body = b.Get("/library/strokes/leg_indian_milking").Body
	if !strings.Contains(body, "Voici tes jambes.") || strings.Contains(body, "These are your legs.") {
		t.Error("say line not in the French family's language")
	}
}

// TestLibrarySharedContent: a library page's content is rendered once and
// shared, the layout around it is each reader's own (their baby in the
// tabs, their language), and a family's languages for the words said to
// the baby are its own.
func TestLibrarySharedContent(t *testing.T) {
	a := apptest.New(t)
	ann := a.Signup("ann@example.org", "Ann", "Martin")
	a.Baby(ann, "Lou", weeksAgo(10))
	zoe := signupZoe(t, a)
	a.Baby(zoe, "Noé", weeksAgo(4))
	ab, zb, visitor := a.Browser(), a.Browser(), a.Browser()
	ab.Login("ann@example.org", "correct horse battery")
	zb.Login("zoe@example.org", "correct horse battery")
	for _, path := range []string{"/library/strokes/leg_indian_milking", "/library/guides/" + firstGuide(t), "/library/routines"} {
		v1, a1, z1, a2 := visitor.Get(path), ab.Get(path), zb.Get(path), ab.Get(path)
		for _, p := range []apptest.Response{v1, a1, z1, a2} {
			if p.Status != http.StatusOK {
				t.Fatalf("%s: %d", path, p.Status)
			}
		}
		if !strings.Contains(v1.Body, `href="/login"`) || strings.Contains(v1.Body, ">Lou<") {
			t.Errorf("%s: a visitor's layout is not a visitor's", path)
		}
		if !strings.Contains(a1.Body, ">Lou</a>") || strings.Contains(a1.Body, "Noé") || a1.Body != a2.Body {
			t.Errorf("%s: Ann's layout is not hers, or not the same twice", path)
		}
		if !strings.Contains(z1.Body, ">Noé</a>") || strings.Contains(z1.Body, ">Lou<") || !strings.Contains(z1.Body, "Bibliothèque") {
			t.Errorf("%s: Zoé's layout is not hers or not in French", path)
		}
	}
	if b := zb.Get("/library/strokes/leg_indian_milking").Body; !strings.Contains(b, "Voici tes jambes.") || strings.Contains(b, "These are your legs.") {
		t.Error("Zoé's family says the words in French only")
	}
	if b := ab.Get("/library/strokes/leg_indian_milking").Body; !strings.Contains(b, "These are your legs.") || strings.Contains(b, "Voici tes jambes.") {
		t.Error("Ann's family says the words in English only")
	}
}

// TestLibraryPiecesSameAsWhole: a library page joined from kept pieces
// (the reader's layout, the shared content, the title) is byte for byte
// the page rendered whole, gzipped (Go's client checks the stream's CRC
// and length) or plain, for a visitor, a family with one baby, one with
// two in French, with a flash message, and after a change to the layout
// (a baby added, a name changed).
func TestLibraryPiecesSameAsWhole(t *testing.T) {
	a := apptest.New(t)
	ann := a.Signup("ann@example.org", "Ann", "Martin")
	a.Baby(ann, "Lou", weeksAgo(10))
	zoe := signupZoe(t, a)
	a.Baby(zoe, "Noé", weeksAgo(4))
	a.Baby(zoe, "Léa <b>&", weeksAgo(30))
	ab, zb, visitor := a.Browser(), a.Browser(), a.Browser()
	ab.Login("ann@example.org", "correct horse battery")
	zb.Login("zoe@example.org", "correct horse battery")
	paths := []string{"/library/strokes/leg_indian_milking", "/library/strokes/bottom_relaxer", "/library/guides/" + firstGuide(t),
		"/library/routines", "/library/routines?msg=saved", "/library", "/library?msg=saved", "/library?weeks=12"}
	plain := http.Header{"Accept-Encoding": {"identity"}}
	compare := func(when string) {
		t.Helper()
		for _, b := range []*apptest.Browser{visitor, ab, zb} {
			for _, path := range paths {
				// Each its own address: none is the other's kept answer.
				sep := "?"
				if strings.Contains(path, "?") {
					sep = "&"
				}
				web.RenderWhole.Store(false)
				gz, pl := b.Get(path+sep+"v=gz"), b.GetWith(path+sep+"v=plain", plain)
				web.RenderWhole.Store(true)
				whole := b.GetWith(path+sep+"v="+when, plain)
				web.RenderWhole.Store(false)
				if gz.Status != 200 || pl.Status != 200 || whole.Status != 200 {
					t.Fatalf("%s %s: %d %d %d", when, path, gz.Status, pl.Status, whole.Status)
				}
				if gz.Body != whole.Body || pl.Body != whole.Body {
					t.Errorf("%s %s: joined pieces differ from the whole page:\n%s\n---\n%s", when, path, gz.Body, whole.Body)
				}
			}
		}
	}
	// A HEAD (a link checker) first: the page kept from it is whole.
	for _, path := range paths {
		path += map[bool]string{false: "?", true: "&"}[strings.Contains(path, "?")] + "v=head"
		for _, enc := range []string{"gzip", "identity"} {
			req, _ := http.NewRequest("HEAD", a.URL+path, nil)
			req.Header.Set("Accept-Encoding", enc)
			resp, err := http.DefaultTransport.RoundTrip(req)
			if err != nil || resp.StatusCode != 200 {
				t.Fatalf("HEAD %s: %v %v", path, resp, err)
			}
			resp.Body.Close()
		}
		if g := visitor.GetWith(path, plain); g.Status != 200 || !strings.Contains(g.Body, "</html>") {
			t.Fatalf("%s after a HEAD: %d, %d bytes", path, g.Status, len(g.Body))
		}
	}
	compare("first")
	compare("kept") // the same addresses again: answers kept whole

	a.Baby(ann, "Max", weeksAgo(2))
	if r := zb.Post("/account", url.Values{"name": {"Zoé D."}, "locale": {"es"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("account: %d %s", r.Status, r.Body)
	}
	compare("changed")
	if b := ab.Get("/library/routines").Body; !strings.Contains(b, ">Home<") || strings.Contains(b, ">Lou</a>") {
		t.Error("Ann's tabs still show one baby after the second was added")
	}
	if b := zb.Get("/library/routines").Body; !strings.Contains(b, `lang="es"`) {
		t.Error("Zoé's pages are not in Spanish after she chose it")
	}
}

// signupZoe makes a second family, in French.
func signupZoe(t *testing.T, a *apptest.App) apptest.Family {
	t.Helper()
	r := a.API("POST", "/api/v1/signup", "", map[string]string{"email": "zoe@example.org", "password": "correct horse battery",
		"name": "Zoé", "family_name": "Durand", "timezone": "Europe/Paris", "locale": "fr"})
	if r.Status != http.StatusCreated {
		t.Fatalf("signup: %d %s", r.Status, r.Body)
	}
	return apptest.Family{Token: r.JSON(t)["token"].(string)}
}

func firstGuide(t *testing.T) string {
	t.Helper()
	lib, err := content.Load()
	if err != nil || len(lib.Guides()) == 0 {
		t.Fatalf("no guides: %v", err)
	}
	return lib.Guides()[0].ID
}
