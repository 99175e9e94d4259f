package handlers_test

import (
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jinducity/portal/handlers"
	"github.com/jinducity/portal/store/seed"
)

// behindProxy makes the test server believe X-Forwarded-For from the loopback, so that
// tests can speak from several client addresses.
func behindProxy(c *handlers.Config) {
	c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
}

// postFrom posts a form as a browser at the client address ip would, through the proxy.
func (c *client) postFrom(ip, path string, form url.Values) *response {
	c.env.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.env.Srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("X-Forwarded-For", ip)
	return c.do(req)
}

// TestLoginLockoutPerAccountAndAddress: guesses from one address slow down, then lock
// the account for that address only; the owner still logs in from their own address,
// and the address itself once the window has passed.
func TestLoginLockoutPerAccountAndAddress(t *testing.T) {
	e := mustEnv(t, behindProxy)
	const attacker, owner = "203.0.113.9", "198.51.100.20"
	bad := url.Values{"username": {"teacher"}, "password": {"guess-guess"}}
	good := url.Values{"username": {"teacher"}, "password": {seed.DemoPassword}}
	try := func(what string, form url.Values, status int) *response {
		t.Helper()
		res := e.client().postFrom(attacker, "/login", form)
		wantStatus(t, what, res, status)
		return res
	}
	try("failure 1", bad, http.StatusUnauthorized)
	try("failure 2", bad, http.StatusUnauthorized)
	// Slowed down: the next try must wait, and the wait is said and not counted.
	res := try("at once after two failures", bad, http.StatusTooManyRequests)
	if res.Header.Get("Retry-After") == "" || !strings.Contains(res.Doc(t).Find(".form-error").Text(), "稍等") {
		t.Errorf("slow-down: Retry-After %q, message %q", res.Header.Get("Retry-After"), res.Doc(t).Find(".form-error").Text())
	}
	for i, wait := range []time.Duration{2 * time.Second, 4 * time.Second, 8 * time.Second} {
		e.advance(wait)
		try("failure "+itoa(i+3)+" after waiting "+wait.String(), bad, http.StatusUnauthorized)
	}
	// Five failures: this address may not log in as teacher, not even with the password.
	e.advance(time.Minute)
	res = try("the right password from the guessing address", good, http.StatusTooManyRequests)
	if msg := res.Doc(t).Find(".form-error").Text(); !strings.Contains(msg, "次数太多") {
		t.Errorf("lockout message = %q", msg)
	}
	// The owner, from their own address, gets in; other accounts from the guessing
	// address too (a school shares one address).
	wantStatus(t, "the owner from their address", e.client().postFrom(owner, "/login", good), http.StatusSeeOther)
	wantStatus(t, "another account from the guessing address",
		e.client().postFrom(attacker, "/login", url.Values{"username": {"admin"}, "password": {seed.DemoPassword}}), http.StatusSeeOther)
	e.advance(15 * time.Minute)
	try("the right password once the window passed", good, http.StatusSeeOther)
}

// TestPasswordChangeUnderLoginLimit: the current password of the change form is checked
// under the login's limit, and its failures count with the login's.
func TestPasswordChangeUnderLoginLimit(t *testing.T) {
	e := mustEnv(t, behindProxy)
	const ip = "203.0.113.30"
	c := e.client()
	wantStatus(t, "login", c.postFrom(ip, "/login", url.Values{"username": {"teacher"}, "password": {seed.DemoPassword}}), http.StatusSeeOther)
	wrong := url.Values{"current": {"guess-guess"}, "new": {"a long new sentence"}, "again": {"a long new sentence"}}
	for i := 0; i < 2; i++ {
		wantStatus(t, "wrong current password", c.postFrom(ip, "/account/password", wrong), http.StatusUnprocessableEntity)
	}
	res := c.postFrom(ip, "/account/password", wrong)
	wantStatus(t, "third guess at once", res, http.StatusTooManyRequests)
	if res.Doc(t).Find(`form[action="/account/password"]`).Length() != 1 {
		t.Error("slowed-down password change: the form is not shown again")
	}
	// The login from that address is slowed down by the same count.
	wantStatus(t, "login from the same address", e.client().postFrom(ip, "/login",
		url.Values{"username": {"teacher"}, "password": {seed.DemoPassword}}), http.StatusTooManyRequests)
	e.advance(3 * time.Second)
	ok := url.Values{"current": {seed.DemoPassword}, "new": {"a long new sentence"}, "again": {"a long new sentence"}}
	wantStatus(t, "change with the right password after waiting", c.postFrom(ip, "/account/password", ok), http.StatusSeeOther)
}

// TestRegistrationRateLimited: a flood of volunteer registrations from one address is
// answered 429 past the limit; another address still registers.
func TestRegistrationRateLimited(t *testing.T) {
	e := mustEnv(t, behindProxy, func(c *handlers.Config) { c.RegisterPerIP = 3 })
	form := url.Values{"name": {"张志愿"}} // incomplete: refused with 422 until the limit
	for i := 0; i < 3; i++ {
		wantStatus(t, "registration", e.client().postFrom("203.0.113.40", "/volunteers/register", form), http.StatusUnprocessableEntity)
	}
	wantStatus(t, "registration past the limit", e.client().postFrom("203.0.113.40", "/volunteers/register", form), http.StatusTooManyRequests)
	wantStatus(t, "another address", e.client().postFrom("203.0.113.41", "/volunteers/register", form), http.StatusUnprocessableEntity)
}

// TestHeadAnswersLikeGet: HEAD gets GET's status and headers without a body.
func TestHeadAnswersLikeGet(t *testing.T) {
	e := mustEnv(t)
	for _, path := range []string{"/", "/healthz", "/join", "/api/v1/stats", "/no-such-page"} {
		get := e.client().get(path)
		req, _ := http.NewRequest(http.MethodHead, e.Srv.URL+path, nil)
		head := e.client().do(req)
		if head.StatusCode != get.StatusCode {
			t.Errorf("HEAD %s = %d, GET = %d", path, head.StatusCode, get.StatusCode)
		}
		if head.Body != "" {
			t.Errorf("HEAD %s sent a body of %d bytes", path, len(head.Body))
		}
		if h, g := head.Header.Get("Content-Type"), get.Header.Get("Content-Type"); h != g {
			t.Errorf("HEAD %s Content-Type = %q, GET %q", path, h, g)
		}
	}
}

// TestLoginGuessesAtOnce: guesses sent all at once are counted before any password is
// checked, so only the two before the slow-down are tried.
func TestLoginGuessesAtOnce(t *testing.T) {
	e := mustEnv(t, behindProxy)
	const n = 10
	codes := make(chan int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes <- e.client().postFrom("203.0.113.50", "/login", url.Values{"username": {"teacher"}, "password": {"guess-" + itoa(i)}}).StatusCode
		}()
	}
	wg.Wait()
	close(codes)
	tried := 0
	for c := range codes {
		if c == http.StatusUnauthorized {
			tried++
		} else if c != http.StatusTooManyRequests {
			t.Errorf("guess: status %d", c)
		}
	}
	if tried != 2 {
		t.Errorf("%d guesses at once: %d passwords checked, want 2", n, tried)
	}
}
