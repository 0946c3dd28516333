// Package apptest starts a whole Nurture server on a fresh database for
// tests, and speaks to it as a browser or an API client would.
package apptest

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	_ "github.com/jackc/pgx/v5/stdlib"

	"nurture/internal/api"
	"nurture/internal/auth"
	"nurture/internal/browsertest"
	"nurture/internal/cli"
	"nurture/internal/mail"
	"nurture/internal/route"
	"nurture/internal/server"
	"nurture/internal/store"
)

// OpenSQLite returns a migrated store in a fresh temporary directory.
func OpenSQLite(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), store.Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// PostgresURL creates a fresh database on the server named by
// NURTURE_TEST_POSTGRES, dropped after the test, and returns its URL. The
// test is skipped without the variable (failed under CI=true).
func PostgresURL(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv("NURTURE_TEST_POSTGRES")
	if dsn == "" {
		browsertest.SkipOrFail(t, "NURTURE_TEST_POSTGRES is not set; .ci/pg-throwaway.sh starts a throwaway PostgreSQL")
	}
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	b := make([]byte, 6)
	rand.Read(b)
	name := "nurture_test_" + hex.EncodeToString(b)
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", dsn)
		if err != nil {
			return
		}
		defer a.Close()
		a.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// OpenPostgres returns a migrated store on a fresh PostgreSQL database.
func OpenPostgres(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), store.Options{DatabaseURL: PostgresURL(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// Now is the test server's clock: the wall clock moved ahead by
// NURTURE_TEST_DAYS_AHEAD days (0 when unset; "400.5" is 400 days and
// 12 hours, to try other hours of the day too). A test that builds times
// or dates relative to "now" takes them from here, never from time.Now,
// so that running the suite with the variable set (CI does, for the HTTP
// suites) shows that no test depends on the day it runs.
func Now() time.Time { return time.Now().Add(daysAhead) }

var daysAhead = func() time.Duration {
	v := os.Getenv("NURTURE_TEST_DAYS_AHEAD")
	if v == "" {
		return 0
	}
	n, err := strconv.ParseFloat(v, 64)
	if err != nil || n < 0 || n > 100*365 {
		panic("NURTURE_TEST_DAYS_AHEAD is a number of days from 0 to 36500, not " + strconv.Quote(v))
	}
	return time.Duration(n * 24 * float64(time.Hour))
}()

// DaysAgo is the civil date n days before today in the test families'
// time zone (Europe/Paris), for birth dates whose age a test relies on.
func DaysAgo(n int) string {
	return Now().In(Paris).AddDate(0, 0, -n).Format(time.DateOnly)
}

// Paris is the time zone Signup gives every test family.
var Paris = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err)
	}
	return loc
}()

// App is a running server for one test.
type App struct {
	T     testing.TB
	URL   string
	Store *store.Store
	// Routes are every route pattern the server registers.
	Routes []string
	srv    *httptest.Server
}

// New starts a server on a fresh SQLite database.
func New(t testing.TB) *App { return NewOn(t, OpenSQLite(t)) }

// NewOn starts a server on the given store.
func NewOn(t testing.TB, st *store.Store) *App { return NewOnClock(t, st, Now) }

// NewWithMail starts a server on a fresh SQLite database that sends its
// e-mail to cfg (a mailtest sink).
func NewWithMail(t testing.TB, cfg mail.Config) *App {
	t.Helper()
	st := OpenSQLite(t)
	return start(t, st, func(log *slog.Logger) (*server.Handler, error) {
		return cli.HandlerWithMail(st, log, mail.New(cfg), Now)
	})
}

// NewWith starts a server on a fresh SQLite database with options (the
// proxies it trusts and their single sign-on); its clock is Now.
func NewWith(t testing.TB, o cli.Options) *App {
	t.Helper()
	st := OpenSQLite(t)
	if o.Now == nil {
		o.Now = Now
	}
	return start(t, st, func(log *slog.Logger) (*server.Handler, error) { return cli.HandlerWith(st, log, o) })
}

// NewOnWith starts a server on the given store with options; its clock
// is Now unless o says otherwise.
func NewOnWith(t testing.TB, st *store.Store, o cli.Options) *App {
	t.Helper()
	if o.Now == nil {
		o.Now = Now
	}
	return start(t, st, func(log *slog.Logger) (*server.Handler, error) { return cli.HandlerWith(st, log, o) })
}

// NewOnClock starts a server on the given store whose clock is now (a
// test that lets time pass: a link expiring).
func NewOnClock(t testing.TB, st *store.Store, now func() time.Time) *App {
	t.Helper()
	return start(t, st, func(log *slog.Logger) (*server.Handler, error) { return cli.Handler(st, log, false, now) })
}

// NewUnder starts a server on a fresh SQLite database, with options,
// published under path (such as "/nurture/") of its own address: its
// --base-url is http://127.0.0.1:PORT/nurture/. The App's URL is that
// address with the path (no final slash), so the App's requests name the
// app's own paths ("/family"), as they do at the site root.
func NewUnder(t testing.TB, path string, o cli.Options) *App {
	t.Helper()
	st := OpenSQLite(t)
	if o.Now == nil {
		o.Now = Now
	}
	srv := httptest.NewUnstartedServer(nil)
	base, err := route.ParseBase("http://" + srv.Listener.Addr().String() + path)
	if err != nil {
		t.Fatal(err)
	}
	o.Base = base
	a := startOn(t, srv, st, func(log *slog.Logger) (*server.Handler, error) { return cli.HandlerWith(st, log, o) })
	a.URL += base.Prefix()
	return a
}

func start(t testing.TB, st *store.Store, build func(*slog.Logger) (*server.Handler, error)) *App {
	t.Helper()
	return startOn(t, httptest.NewUnstartedServer(nil), st, build)
}

// startOn builds the server and starts srv with it.
func startOn(t testing.TB, srv *httptest.Server, st *store.Store, build func(*slog.Logger) (*server.Handler, error)) *App {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if os.Getenv("NURTURE_TEST_LOG") != "" {
		log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	h, err := build(log)
	if err != nil {
		srv.Close()
		t.Fatal(err)
	}
	srv.Config.Handler = h
	srv.Start()
	t.Cleanup(srv.Close)
	return &App{T: t, URL: srv.URL, Store: st, Routes: h.Routes, srv: srv}
}

// Response is what came back.
type Response struct {
	Status int
	Body   string
	Header http.Header
}

// JSON decodes the body into a generic map.
func (r Response) JSON(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(r.Body), &m); err != nil {
		t.Fatalf("response is not a JSON object: %v\n%s", err, r.Body)
	}
	return m
}

// API sends a JSON request with an optional bearer token. body may be a
// string (sent as is) or any value (encoded).
func (a *App) API(method, path, token string, body any) Response {
	a.T.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			a.T.Fatal(err)
		}
		rd = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(method, a.URL+path, rd)
	if err != nil {
		a.T.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res := a.do(http.DefaultClient, req)
	a.checkContract(method, path, res)
	return res
}

// Request sends a request with the given headers and raw body (an
// upload, a conditional or ranged GET), checked against the contract
// like API's.
func (a *App) Request(method, path, token string, header http.Header, body []byte) Response {
	a.T.Helper()
	req, err := http.NewRequest(method, a.URL+path, bytes.NewReader(body))
	if err != nil {
		a.T.Fatal(err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res := a.do(http.DefaultClient, req)
	a.checkContract(method, path, res)
	return res
}

// contract is the OpenAPI document, loaded once per test binary.
var contract struct {
	once   sync.Once
	doc    *openapi3.T
	router routers.Router
	err    error
}

func loadContract() {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(api.OpenAPIDocument())
	if err == nil {
		err = doc.Validate(loader.Context)
	}
	if err == nil {
		contract.router, err = gorillamux.NewRouter(doc)
	}
	contract.doc, contract.err = doc, err
}

// checkContract fails the test when an answer under /api/v1 is not what
// the OpenAPI document says: an undocumented route or status, or a body
// off its schema. Benchmarks are left alone, to time the server only.
func (a *App) checkContract(method, path string, res Response) {
	a.T.Helper()
	if _, bench := a.T.(*testing.B); bench || !strings.HasPrefix(path, "/api/v1/") {
		return
	}
	contract.once.Do(loadContract)
	if contract.err != nil {
		a.T.Fatalf("OpenAPI document: %v", contract.err)
	}
	req := httptest.NewRequest(method, path, nil)
	rt, params, err := contract.router.FindRoute(req)
	if err != nil {
		// An unknown route falls to the API's catch-all: a plain 404 error.
		var body any
		json.Unmarshal([]byte(res.Body), &body)
		if res.Status != http.StatusNotFound || contract.doc.Components.Schemas["Error"].Value.VisitJSON(body, openapi3.EnableJSONSchema2020()) != nil {
			a.T.Errorf("%s %s is not in the OpenAPI document (%v), yet answered %d %.300s", method, path, err, res.Status, res.Body)
		}
		return
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: rt},
		Status:                 res.Status,
		Header:                 res.Header,
		Body:                   io.NopCloser(strings.NewReader(res.Body)),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		a.T.Errorf("%s %s: the answer does not match the OpenAPI document: %v\n%d %.500s", method, path, err, res.Status, res.Body)
	}
}

func (a *App) do(c *http.Client, req *http.Request) Response {
	a.T.Helper()
	res, err := c.Do(req)
	if err != nil {
		a.T.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return Response{Status: res.StatusCode, Body: string(b), Header: res.Header}
}

// Family is a family made through the API for a test.
type Family struct {
	Token, UserID, FamilyID string
}

// Signup creates a family through the API and returns its owner's token.
func (a *App) Signup(email, name, family string) Family {
	a.T.Helper()
	r := a.API("POST", "/api/v1/signup", "", map[string]string{"email": email, "password": "correct horse battery", "name": name, "family_name": family, "timezone": "Europe/Paris"})
	if r.Status != http.StatusCreated {
		a.T.Fatalf("signup %s: %d %s", email, r.Status, r.Body)
	}
	m := r.JSON(a.T)
	return Family{Token: m["token"].(string), UserID: m["user"].(map[string]any)["id"].(string), FamilyID: m["family"].(map[string]any)["id"].(string)}
}

// Join signs a new user up with an invite of the given role.
func (a *App) Join(owner Family, email, name, role, relation string) Family {
	a.T.Helper()
	r := a.API("POST", "/api/v1/invites", owner.Token, map[string]string{"role": role, "relation": relation})
	if r.Status != http.StatusCreated {
		a.T.Fatalf("invite: %d %s", r.Status, r.Body)
	}
	code := r.JSON(a.T)["code"].(string)
	r = a.API("POST", "/api/v1/signup", "", map[string]string{"email": email, "password": "correct horse battery", "name": name, "invite_code": code})
	if r.Status != http.StatusCreated {
		a.T.Fatalf("join: %d %s", r.Status, r.Body)
	}
	m := r.JSON(a.T)
	return Family{Token: m["token"].(string), UserID: m["user"].(map[string]any)["id"].(string), FamilyID: owner.FamilyID}
}

// Baby adds a baby through the API and returns its id.
func (a *App) Baby(f Family, name, birth string) string {
	a.T.Helper()
	r := a.API("POST", "/api/v1/babies", f.Token, map[string]any{"name": name, "birth_date": birth})
	if r.Status != http.StatusCreated {
		a.T.Fatalf("baby: %d %s", r.Status, r.Body)
	}
	return r.JSON(a.T)["id"].(string)
}

// Browser is an HTTP client with its own cookies, posting forms as a
// same-origin browser would.
type Browser struct {
	app *App
	c   *http.Client
}

// Browser returns a fresh cookie-keeping client that does not follow
// redirects, so tests can see them.
func (a *App) Browser() *Browser {
	jar, _ := cookiejar.New(nil)
	return &Browser{app: a, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// Get fetches a page.
func (b *Browser) Get(path string) Response {
	b.app.T.Helper()
	req, _ := http.NewRequest("GET", b.app.URL+path, nil)
	return b.app.do(b.c, req)
}

// GetWith fetches a page with extra headers (a User-Agent).
func (b *Browser) GetWith(path string, header http.Header) Response {
	b.app.T.Helper()
	req, _ := http.NewRequest("GET", b.app.URL+path, nil)
	for k, vs := range header {
		req.Header[k] = vs
	}
	return b.app.do(b.c, req)
}

// Post submits a form.
func (b *Browser) Post(path string, form url.Values) Response {
	b.app.T.Helper()
	req, _ := http.NewRequest("POST", b.app.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return b.app.do(b.c, req)
}

// Cookies returns the client's cookies for the app's URL.
func (b *Browser) Cookies() []*http.Cookie {
	u, _ := url.Parse(b.app.URL)
	return b.c.Jar.Cookies(u)
}

// UseCookiesOn copies this client's cookies to another app's URL, as when
// two instances sit behind one address.
func (b *Browser) UseCookiesOn(other *App) *Browser {
	nb := other.Browser()
	u, _ := url.Parse(other.URL)
	nb.c.Jar.SetCookies(u, b.Cookies())
	return nb
}

// Login logs the client in through the form.
func (b *Browser) Login(email, password string) {
	b.app.T.Helper()
	r := b.Post("/login", url.Values{"email": {email}, "password": {password}})
	if r.Status != http.StatusSeeOther {
		b.app.T.Fatalf("login %s: %d %s", email, r.Status, r.Body)
	}
}

// ResetCode makes a one-time password reset code for a user, as the
// operator's `nurture user reset-password` does.
func (a *App) ResetCode(email string) (string, error) {
	acc := auth.NewAccounts(a.Store, auth.NewPasswords(1), Now)
	return acc.ResetForEmail(context.Background(), email)
}
