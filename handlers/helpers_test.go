package handlers_test

import (
	"context"
	"errors"
	"github.com/jinducity/portal/store/storetest"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/jinducity/portal"
	"github.com/jinducity/portal/content"
	"github.com/jinducity/portal/handlers"
	"github.com/jinducity/portal/static"
	"github.com/jinducity/portal/store"
	"github.com/jinducity/portal/store/seed"
	"golang.org/x/crypto/bcrypt"
)

// testEnv is a running portal on a temporary SQLite file, seeded with the demo city.
type testEnv struct {
	t     *testing.T
	Store *store.Store
	Srv   *httptest.Server
	// Handler is the server behind Srv.
	Handler *handlers.Server
	Now     time.Time
	Log     *strings.Builder
	clock   *clock
}

// clock is the tests' adjustable time, shared by the store and the handlers.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// advance moves the portal's clock forward.
func (e *testEnv) advance(d time.Duration) {
	e.clock.mu.Lock()
	e.clock.t = e.clock.t.Add(d)
	e.clock.mu.Unlock()
}

// testNow is the fixed clock of handler tests: a Monday in November, school year 2026.
var testNow = time.Date(2026, time.November, 23, 10, 0, 0, 0, portal.CST)

// mustEnv starts a portal for one test.
func mustEnv(t *testing.T, opts ...func(*handlers.Config)) *testEnv {
	t.Helper()
	clk := &clock{t: testNow}
	logs := &strings.Builder{}
	st, h := mustPortal(t, clk.now, logs, opts...)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	t.Cleanup(func() {
		// A failing test shows what the server logged: its internal errors say why.
		if t.Failed() && logs.Len() > 0 {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	return &testEnv{t: t, Store: st, Srv: srv, Handler: h, Now: testNow, Log: logs, clock: clk}
}

// mustPortal builds the portal on a temporary SQLite file seeded with the demo city, with
// the clock clk and warnings logged to logs: what handler tests and benchmarks serve.
func mustPortal(tb testing.TB, clk func() time.Time, logs io.Writer, opts ...func(*handlers.Config)) (*store.Store, *handlers.Server) {
	tb.Helper()
	ctx := context.Background()
	// The demo city is seeded once per test binary and copied for each test.
	dsn := storetest.Seeded(tb, "demo", func(dsn string) error {
		st, err := store.Open(ctx, dsn, store.Options{Now: func() time.Time { return testNow }})
		if err != nil {
			return err
		}
		_, err = seed.Demo(ctx, st, testNow)
		return errors.Join(err, st.Close())
	})
	st, err := store.Open(ctx, dsn, store.Options{Now: clk})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	cnt, err := content.Load()
	if err != nil {
		tb.Fatal(err)
	}
	assets, err := static.New()
	if err != nil {
		tb.Fatal(err)
	}
	cfg := handlers.Config{
		Store: st, Content: cnt, Assets: assets, Demo: true,
		Log:         slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn})),
		Clock:       clk,
		SessionKeys: [][]byte{[]byte("0123456789abcdef0123456789abcdef"), nil},
		UploadDir:   filepath.Join(tb.TempDir(), "uploads"),
	}
	if st.Postgres() {
		// Servers on PostgreSQL share the database, not a folder.
		cfg.Files = st.Files()
	}
	for _, o := range opts {
		o(&cfg)
	}
	h, err := handlers.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return st, h
}

// client is a browser-like client with its own cookie jar that does not follow redirects.
type client struct {
	env *testEnv
	hc  *http.Client
}

func (e *testEnv) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{env: e, hc: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// login returns a client logged in as username with the demo password.
func (e *testEnv) login(username string) *client {
	e.t.Helper()
	c := e.client()
	res := c.post("/login", url.Values{"username": {username}, "password": {seed.DemoPassword}})
	if res.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("login %s: status %d, want 303", username, res.StatusCode)
	}
	return c
}

// quickHash is DemoPassword hashed at bcrypt's lowest cost.
var quickHash = sync.OnceValue(func() string {
	h, err := bcrypt.GenerateFromPassword([]byte(seed.DemoPassword), bcrypt.MinCost)
	if err != nil {
		panic(err)
	}
	return string(h)
})

// loginQuick logs username in through /login as login does, after giving the account
// DemoPassword at bcrypt's lowest cost: the tests that log in hundreds of accounts (the
// sign-up race) then spend a millisecond a login instead of 60 (600 under -race).
func (e *testEnv) loginQuick(username string) *client {
	e.t.Helper()
	ctx := context.Background()
	u, _, err := e.Store.UserCredentials(ctx, username)
	if err != nil {
		e.t.Fatalf("user %s: %v", username, err)
	}
	if err := e.Store.SetPassword(ctx, portal.SystemActor, u.ID, quickHash(), false, ""); err != nil {
		e.t.Fatalf("password of %s: %v", username, err)
	}
	return e.login(username)
}

// testPIN is the PIN the tests' students set at their first join.
const testPIN = "2580"

// student returns a client that joined the demo class as a student with testPIN.
func (e *testEnv) student(name, number string) *client {
	e.t.Helper()
	c := e.client()
	res := c.post("/join", url.Values{"code": {seed.DemoJoinCode}, "name": {name}, "number": {number}, "pin": {testPIN}})
	if res.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("join as %s: status %d, want 303", name, res.StatusCode)
	}
	return c
}

// response is a finished response with its body read.
type response struct {
	*http.Response
	Body string
}

// Doc parses the body as HTML.
func (r *response) Doc(t *testing.T) *goquery.Document {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(strings.NewReader(r.Body))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func (c *client) do(req *http.Request) *response {
	c.env.t.Helper()
	res, err := c.hc.Do(req)
	if err != nil {
		c.env.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return &response{Response: res, Body: string(b)}
}

func (c *client) get(path string) *response {
	c.env.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.env.Srv.URL+path, nil)
	return c.do(req)
}

// post sends a form as a same-origin browser would.
func (c *client) post(path string, form url.Values) *response {
	c.env.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.env.Srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.do(req)
}

// wantStatus fails the test when the response has another status.
func wantStatus(t *testing.T, what string, r *response, status int) {
	t.Helper()
	if r.StatusCode != status {
		t.Fatalf("%s: status = %d, want %d\n%s", what, r.StatusCode, status, truncate(r.Body, 2000))
	}
}

// fieldError returns the text of a field's error message on a form page.
func fieldError(t *testing.T, r *response, field string) string {
	t.Helper()
	return strings.TrimSpace(r.Doc(t).Find("#err-" + field).Text())
}

// inputValue returns the value of a form input as re-rendered.
func inputValue(t *testing.T, r *response, name string) string {
	t.Helper()
	doc := r.Doc(t)
	// A DateTimeInput is two fields, NAME_date and NAME_time.
	if d := doc.Find(`[name="` + name + `_date"]`); d.Length() > 0 {
		return d.AttrOr("value", "") + "T" + doc.Find(`[name="`+name+`_time"]`).AttrOr("value", "")
	}
	v, _ := doc.Find(`[name="` + name + `"]`).Attr("value")
	return v
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
