package bench

import (
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"nurture/internal/domain"
)

// Op is one kind of request of the mix.
type Op string

// The requests a family's phones and browsers make.
const (
	OpHome     Op = "home"     // GET /babies/{id}, page, session cookie
	OpDay      Op = "day"      // GET /babies/{id}/day?date=, page
	OpLibrary  Op = "library"  // GET /library, page
	OpStroke   Op = "stroke"   // GET /library/strokes/{id}, page
	OpInsights Op = "insights" // GET /api/v1/babies/{id}/insights, bearer
	OpSessions Op = "sessions" // GET /api/v1/babies/{id}/sessions, bearer
	OpTouch    Op = "touch"    // POST /api/v1/babies/{id}/touch
	OpCrying   Op = "crying"   // POST /api/v1/babies/{id}/crying
	OpSession  Op = "session"  // POST /api/v1/babies/{id}/sessions
)

// Write reports whether the op records something.
func (o Op) Write() bool { return o == OpTouch || o == OpCrying || o == OpSession }

// Weighted is an op and its share of the mix, in parts.
type Weighted struct {
	Op     Op
	Weight int
}

// Mix is the requests of a load and their shares.
type Mix []Weighted

// MixedLoad is 70 % reads and 30 % writes.
var MixedLoad = Mix{
	{OpHome, 20}, {OpDay, 15}, {OpInsights, 10}, {OpSessions, 10}, {OpLibrary, 10}, {OpStroke, 5},
	{OpTouch, 12}, {OpCrying, 8}, {OpSession, 10},
}

// Only keeps the reads (write=false) or the writes of a mix.
func (m Mix) Only(write bool) Mix {
	var out Mix
	for _, w := range m {
		if w.Op.Write() == write {
			out = append(out, w)
		}
	}
	return out
}

// Schedule spreads the ops over one cycle in exact proportion to their
// weights, interleaved so any window of the cycle is close to the mix.
func (m Mix) Schedule() []Op {
	total := 0
	for _, w := range m {
		total += w.Weight
	}
	out := make([]Op, 0, total)
	// Smooth weighted round robin (as nginx does): deterministic, exact.
	cur := make([]int, len(m))
	for range total {
		best := -1
		for i, w := range m {
			cur[i] += w.Weight
			if best < 0 || cur[i] > cur[best] {
				best = i
			}
		}
		cur[best] -= total
		out = append(out, m[best].Op)
	}
	return out
}

// Targets makes the requests of a load: each call takes the next op of
// the schedule, a random user and one of their babies, and the user's
// URL (users are spread over the URLs). Writes carry fresh UUIDs and
// times that no other write of the run uses, so none overlaps another.
type Targets struct {
	URLs       []string
	Users      []User
	Strokes    []string
	Routines   map[string][]string // routine id → stroke ids
	routineIDs []string
	First      time.Time // first seeded day, for day views
	Days       int

	schedule []Op
	n        atomic.Uint64
	writes   atomic.Int64
	// base is the first second handed to writes: far in the past (year
	// 2000 onwards), and different for each run (see WriteBase).
	base time.Time
}

// WriteBase picks where a run's writes start: seconds since 2000 mapped
// from the wall clock at 4,000 s of history per second of real time, so
// runs started at least half a minute apart use disjoint spans for up
// to 120,000 writes, cycling every ~2.3 days of real time.
func WriteBase(now time.Time) time.Time {
	start := time.Date(2000, 1, 3, 0, 0, 0, 0, time.UTC)
	span := int64(24 * 365 * 24 * 3600) // stay well before the seeded months
	off := (now.Unix() * 4000) % span
	return start.Add(time.Duration(off) * time.Second)
}

// NewTargets prepares the targets of a mix.
func NewTargets(urls []string, users []User, mix Mix, tok Tokens, strokes []string, routines map[string][]string, now time.Time) (*Targets, error) {
	if len(urls) == 0 || len(users) == 0 {
		return nil, fmt.Errorf("need at least one URL and one user")
	}
	first, err := time.Parse(time.DateOnly, tok.First)
	if err != nil {
		return nil, fmt.Errorf("tokens: first day: %w", err)
	}
	last, err := time.Parse(time.DateOnly, tok.Last)
	if err != nil {
		return nil, fmt.Errorf("tokens: last day: %w", err)
	}
	for i := range urls {
		urls[i] = strings.TrimRight(urls[i], "/")
	}
	if len(strokes) == 0 || len(routines) == 0 {
		return nil, fmt.Errorf("need the library's strokes and routines")
	}
	ids := slices.Sorted(maps.Keys(routines))
	return &Targets{URLs: urls, Users: users, Strokes: strokes, Routines: routines, routineIDs: ids, First: first,
		Days: int(last.Sub(first).Hours()/24) + 1, schedule: mix.Schedule(), base: WriteBase(now)}, nil
}

// Writes is how many write targets were made.
func (t *Targets) Writes() int64 { return t.writes.Load() }

// Targeter is the vegeta side of Next.
func (t *Targets) Targeter() vegeta.Targeter {
	return func(tg *vegeta.Target) error {
		t.Next(tg)
		return nil
	}
}

// Next fills in the next request.
func (t *Targets) Next(tg *vegeta.Target) Op {
	n := t.n.Add(1) - 1
	op := t.schedule[n%uint64(len(t.schedule))]
	ui := rand.IntN(len(t.Users))
	u := t.Users[ui]
	base := t.URLs[ui%len(t.URLs)]
	baby := u.Babies[rand.IntN(len(u.Babies))]
	tg.Body = nil
	tg.Header = http.Header{}
	page := func(path string) {
		tg.Method, tg.URL = http.MethodGet, base+path
		tg.Header.Set("Cookie", "nurture_session="+u.Session)
		tg.Header.Set("Accept-Encoding", "gzip")
	}
	api := func(method, path string, body any) {
		tg.Method, tg.URL = method, base+"/api/v1/babies/"+baby+path
		tg.Header.Set("Authorization", "Bearer "+u.API)
		if body != nil {
			tg.Body, _ = json.Marshal(body)
			tg.Header.Set("Content-Type", "application/json")
		}
	}
	switch op {
	case OpHome:
		page("/babies/" + baby)
	case OpDay:
		d := t.First.AddDate(0, 0, rand.IntN(t.Days)).Format(time.DateOnly)
		page("/babies/" + baby + "/day?date=" + d)
	case OpLibrary:
		page("/library")
	case OpStroke:
		page("/library/strokes/" + t.Strokes[rand.IntN(len(t.Strokes))])
	case OpInsights:
		api(http.MethodGet, "/insights", nil)
	case OpSessions:
		api(http.MethodGet, "/sessions", nil)
	case OpTouch, OpCrying, OpSession:
		api(http.MethodPost, writePath(op), t.writeBody(op))
	}
	return op
}

func writePath(op Op) string {
	switch op {
	case OpTouch:
		return "/touch"
	case OpCrying:
		return "/crying"
	}
	return "/sessions"
}

// span hands out one second of history no other write of the run has:
// [start, start+1s] entries meet but never overlap.
func (t *Targets) span() (string, string) {
	w := t.writes.Add(1) - 1
	start := t.base.Add(time.Duration(w) * time.Second)
	return start.Format(time.RFC3339), start.Add(time.Second).Format(time.RFC3339)
}

type stepBody struct {
	StrokeID string `json:"stroke_id"`
	Response string `json:"response"`
}

// writeBody is the JSON a phone sends for a write op.
func (t *Targets) writeBody(op Op) map[string]any {
	start, end := t.span()
	body := map[string]any{"id": newUUID(), "started_at": start, "ended_at": end}
	switch op {
	case OpTouch:
		body["kind"] = domain.TouchKinds[rand.IntN(len(domain.TouchKinds))]
	case OpCrying:
		body["held"] = rand.IntN(2) == 0
		body["needs_checked"] = []string{domain.CryNeeds[rand.IntN(len(domain.CryNeeds))]}
		body["soothed_by"] = []string{domain.Soothers[rand.IntN(len(domain.Soothers))]}
		body["parent_stress"] = 1 + rand.IntN(5)
	case OpSession:
		r := t.routineIDs[rand.IntN(len(t.routineIDs))]
		var steps []stepBody
		for _, s := range t.Routines[r] {
			steps = append(steps, stepBody{s, string(domain.Responses[rand.IntN(len(domain.Responses))])})
		}
		body["routine_id"], body["steps"], body["outcome"] = r, steps, string(domain.Completed)
		body["parent_calm_before"], body["parent_calm_after"] = 1+rand.IntN(5), 1+rand.IntN(5)
	}
	return body
}

func newUUID() string {
	var b [16]byte
	for i := 0; i < 16; i += 8 {
		v := rand.Uint64()
		for j := 0; j < 8; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
