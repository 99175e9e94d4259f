package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/jinducity/portal"
	"github.com/jinducity/portal/handlers"
)

// sessionCookie returns the client's session cookie value.
func (c *client) sessionCookie(t *testing.T) *http.Cookie {
	t.Helper()
	u, _ := url.Parse(c.env.Srv.URL)
	for _, ck := range c.hc.Jar.Cookies(u) {
		if ck.Name == "portal_session" {
			return ck
		}
	}
	return nil
}

// withCookie returns a fresh client that carries only the given session cookie, as an
// attacker replaying a stolen cookie would.
func (e *testEnv) withCookie(ck *http.Cookie) *client {
	c := e.client()
	u, _ := url.Parse(e.Srv.URL)
	c.hc.Jar.SetCookies(u, []*http.Cookie{{Name: ck.Name, Value: ck.Value}})
	return c
}

func TestSessionCookieAttributes(t *testing.T) {
	e := mustEnv(t)
	res := e.client().post("/login", url.Values{"username": {"teacher"}, "password": {"demo12345"}})
	var ck *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "portal_session" {
			ck = c
		}
	}
	if ck == nil {
		t.Fatal("login set no session cookie")
	}
	if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" {
		t.Errorf("cookie HttpOnly=%v SameSite=%v Path=%q, want true Lax /", ck.HttpOnly, ck.SameSite, ck.Path)
	}
	if ck.MaxAge <= 0 || ck.MaxAge > 12*3600 {
		t.Errorf("cookie MaxAge = %d, want within 12 hours", ck.MaxAge)
	}
	if strings.Contains(ck.Value, "teacher") {
		t.Errorf("cookie leaks the username: %q", ck.Value)
	}
}

func TestSecureCookieUnderTLS(t *testing.T) {
	e := mustEnv(t, func(c *handlers.Config) { c.Secure = true })
	res := e.client().post("/login", url.Values{"username": {"teacher"}, "password": {"demo12345"}})
	found := false
	for _, c := range res.Cookies() {
		if c.Name == "__Host-portal_session" {
			found = true
			if !c.Secure || !c.HttpOnly {
				t.Errorf("__Host- cookie Secure=%v HttpOnly=%v", c.Secure, c.HttpOnly)
			}
		}
	}
	if !found {
		t.Error("no __Host-portal_session cookie under TLS")
	}
	if h := res.Header.Get("Strict-Transport-Security"); h == "" {
		t.Error("no HSTS header under TLS")
	}
}

func TestLoginRenewsSessionID(t *testing.T) {
	e := mustEnv(t)
	c := e.login("teacher")
	first := c.sessionCookie(t)
	// Logging in again (as someone else) on the same browser must not keep the old ID.
	res := c.post("/login", url.Values{"username": {"admin"}, "password": {"demo12345"}})
	wantStatus(t, "second login", res, http.StatusSeeOther)
	second := c.sessionCookie(t)
	if first.Value == second.Value {
		t.Fatal("session cookie unchanged after login")
	}
	wantStatus(t, "old cookie after new login", e.withCookie(first).get("/school"), http.StatusSeeOther)
}

func TestReplayedCookieAfterLogout(t *testing.T) {
	e := mustEnv(t)
	c := e.login("teacher")
	ck := c.sessionCookie(t)
	wantStatus(t, "before logout", c.get("/school"), http.StatusOK)
	res := c.post("/logout", nil)
	wantStatus(t, "logout", res, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/" {
		t.Errorf("logout Location = %q, want /", loc)
	}
	replay := e.withCookie(ck).get("/school")
	wantStatus(t, "replayed cookie", replay, http.StatusSeeOther)
	if loc := replay.Header.Get("Location"); !strings.HasPrefix(loc, "/login") {
		t.Errorf("replayed cookie Location = %q, want /login…", loc)
	}
}

func TestDisabledAccountLosesSessions(t *testing.T) {
	e := mustEnv(t)
	c := e.login("teacher")
	ck := c.sessionCookie(t)
	u, _, err := e.Store.UserCredentials(context.Background(), "teacher")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Store.SetUserDisabled(context.Background(), portal.SystemActor, u.ID, true); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, "disabled user's session", e.withCookie(ck).get("/school"), http.StatusSeeOther)
	res := e.client().post("/login", url.Values{"username": {"teacher"}, "password": {"demo12345"}})
	wantStatus(t, "disabled user's login", res, http.StatusUnauthorized)
}

func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	e := mustEnv(t)
	phone := e.login("teacher")
	office := e.login("teacher")
	res := office.post("/account/password", url.Values{"current": {"demo12345"}, "new": {"a long new sentence"}, "again": {"a long new sentence"}})
	wantStatus(t, "change password", res, http.StatusSeeOther)
	wantStatus(t, "the session that changed it", office.get("/school"), http.StatusOK)
	wantStatus(t, "the other session", phone.get("/school"), http.StatusSeeOther)
	wantStatus(t, "old password", e.client().post("/login", url.Values{"username": {"teacher"}, "password": {"demo12345"}}), http.StatusUnauthorized)
	wantStatus(t, "new password", e.client().post("/login", url.Values{"username": {"teacher"}, "password": {"a long new sentence"}}), http.StatusSeeOther)
}

func TestPasswordChangeValidation(t *testing.T) {
	e := mustEnv(t)
	c := e.login("teacher")
	tests := []struct {
		name       string
		form       url.Values
		field, msg string
	}{
		{"wrong current", url.Values{"current": {"nope-nope"}, "new": {"a long new sentence"}, "again": {"a long new sentence"}}, "current", "当前密码不正确"},
		{"too short", url.Values{"current": {"demo12345"}, "new": {"short"}, "again": {"short"}}, "new", "密码至少 8 位"},
		{"mismatch", url.Values{"current": {"demo12345"}, "new": {"a long new sentence"}, "again": {"another sentence"}}, "again", "两次输入的新密码不一致"},
	}
	for _, tt := range tests {
		res := c.post("/account/password", tt.form)
		wantStatus(t, tt.name, res, http.StatusUnprocessableEntity)
		if got := fieldError(t, res, tt.field); !strings.Contains(got, tt.msg) {
			t.Errorf("%s: error next to %s = %q, want %q", tt.name, tt.field, got, tt.msg)
		}
	}
}

func TestCrossOriginPostRefused(t *testing.T) {
	e := mustEnv(t)
	for _, h := range []struct{ key, value string }{
		{"Sec-Fetch-Site", "cross-site"},
		{"Origin", "https://evil.example"},
	} {
		req, _ := http.NewRequest(http.MethodPost, e.Srv.URL+"/login", strings.NewReader("username=teacher&password=demo12345"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set(h.key, h.value)
		res := e.client().do(req)
		wantStatus(t, "cross-origin POST with "+h.key, res, http.StatusForbidden)
		if len(res.Cookies()) > 0 {
			for _, ck := range res.Cookies() {
				if ck.Name == "portal_session" {
					t.Errorf("cross-origin login set a session cookie")
				}
			}
		}
	}
	// A plain client without Origin or Sec-Fetch-Site is let through, as the contract says.
	req, _ := http.NewRequest(http.MethodPost, e.Srv.URL+"/login", strings.NewReader("username=teacher&password=demo12345"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	wantStatus(t, "plain client POST", e.client().do(req), http.StatusSeeOther)
}

func TestSpoofedForwardedForCannotResetLimit(t *testing.T) {
	e := mustEnv(t, func(c *handlers.Config) { c.LoginPerIP = 10 })
	for i := 0; i < 12; i++ {
		req, _ := http.NewRequest(http.MethodPost, e.Srv.URL+"/login",
			strings.NewReader(url.Values{"username": {"user" + string(rune('a'+i))}, "password": {"x"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", "203.0.113."+string(rune('1'+i%9)))
		res := e.client().do(req)
		if i < 10 && res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("try %d: status %d, want 401", i, res.StatusCode)
		}
		if i >= 10 && res.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("try %d with a new X-Forwarded-For: status %d, want 429", i, res.StatusCode)
		}
	}
}

func TestTrustedProxyForwardedFor(t *testing.T) {
	e := mustEnv(t, func(c *handlers.Config) {
		c.LoginPerIP = 3
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	})
	n := 0
	post := func(ip string) int {
		// A new username each time: this is the per-address limiter, not the guard of
		// one account's password.
		n++
		req, _ := http.NewRequest(http.MethodPost, e.Srv.URL+"/login", strings.NewReader("username=nobody"+itoa(n)+"&password=x"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", ip)
		return e.client().do(req).StatusCode
	}
	for i := 0; i < 3; i++ {
		if s := post("198.51.100.7"); s != http.StatusUnauthorized {
			t.Fatalf("try %d: %d", i, s)
		}
	}
	if s := post("198.51.100.7"); s != http.StatusTooManyRequests {
		t.Errorf("fourth try from the same client behind the proxy: %d, want 429", s)
	}
	if s := post("198.51.100.8"); s != http.StatusUnauthorized {
		t.Errorf("another client behind the proxy: %d, want 401", s)
	}
}

func TestComputerRoomJoinsFromOneAddress(t *testing.T) {
	e := mustEnv(t)
	for i := 1; i <= 60; i++ {
		c := e.client()
		res := c.post("/join", url.Values{"code": {"DEMO01"}, "name": {"学生" + strings.Repeat("甲", 1+i%3)}, "number": {itoa(i)}, "pin": {testPIN}})
		wantStatus(t, "join "+itoa(i), res, http.StatusSeeOther)
	}
}

func TestSecurityHeaders(t *testing.T) {
	e := mustEnv(t)
	res := e.client().get("/")
	for k, want := range map[string]string{
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "strict-origin-when-cross-origin",
	} {
		if got := res.Header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	csp := res.Header.Get("Content-Security-Policy")
	for _, part := range []string{"frame-ancestors 'none'", "script-src 'self'"} {
		if !strings.Contains(csp, part) {
			t.Errorf("CSP %q lacks %q", csp, part)
		}
	}
	if strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP allows inline: %q", csp)
	}
	// No inline script on the page, so the CSP holds.
	res.Doc(t).Find("script").Each(func(_ int, sel *goquery.Selection) {
		if src, _ := sel.Attr("src"); src == "" {
			t.Errorf("inline script on the home page: %q", sel.Text())
		}
	})
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestSessionIdleExpiry(t *testing.T) {
	e := mustEnv(t)
	staff := e.login("teacher")
	pupil := e.student("李小明", "7")
	e.advance(29 * time.Minute)
	wantStatus(t, "student after 29 minutes", pupil.get("/student"), http.StatusOK)
	e.advance(31 * time.Minute)
	// The student was active at 29 minutes, so idle expiry counts from there: 31 > 30.
	res := pupil.get("/student")
	wantStatus(t, "student idle 31 minutes", res, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, "/login") {
		t.Errorf("expired student sent to %q", loc)
	}
	wantStatus(t, "teacher after an hour", staff.get("/school"), http.StatusOK)
	e.advance(2*time.Hour + time.Minute)
	res = staff.get("/school")
	wantStatus(t, "teacher idle 2 hours", res, http.StatusSeeOther)
	// The login page then says why.
	login := staff.get(res.Header.Get("Location"))
	if msg := login.Doc(t).Find(".notice").Text(); !strings.Contains(msg, "登录已过期") {
		t.Errorf("login page notice after expiry = %q", msg)
	}
}

func TestSessionAbsoluteExpiry(t *testing.T) {
	e := mustEnv(t)
	staff := e.login("teacher")
	for i := 0; i < 13; i++ {
		e.advance(time.Hour)
		res := staff.get("/school")
		if i < 11 && res.StatusCode != http.StatusOK {
			t.Fatalf("after %d hours of activity: %d", i+1, res.StatusCode)
		}
		if i == 12 && res.StatusCode != http.StatusSeeOther {
			t.Fatalf("after 13 hours: %d, want 303 to login", res.StatusCode)
		}
	}
}

func TestStaffRoomLogsInFromOneAddress(t *testing.T) {
	e := mustEnv(t)
	// 60 people behind one school address log in within a minute; the address limit
	// must let them all in.
	for i := 1; i <= 60; i++ {
		name := fmt.Sprintf("v%03d", i)
		res := e.client().post("/login", url.Values{"username": {name}, "password": {"demo12345"}})
		wantStatus(t, "login "+name, res, http.StatusSeeOther)
	}
}
