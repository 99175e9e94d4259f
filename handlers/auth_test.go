package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestLoginEveryDemoAccount(t *testing.T) {
	e := mustEnv(t)
	for _, tt := range []struct{ user, home string }{
		{"admin", "/admin"}, {"district", "/district"}, {"teacher", "/school"},
		{"coordinator", "/association"}, {"volunteer", "/volunteer"},
	} {
		c := e.client()
		res := c.post("/login", url.Values{"username": {tt.user}, "password": {"demo12345"}})
		wantStatus(t, "login "+tt.user, res, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != tt.home {
			t.Errorf("login %s: Location = %q, want %q", tt.user, loc, tt.home)
		}
		wantStatus(t, tt.user+" home", c.get(tt.home), http.StatusOK)
	}
}

func TestLoginFailureSaysNotWhichField(t *testing.T) {
	e := mustEnv(t)
	wrongPass := e.client().post("/login", url.Values{"username": {"teacher"}, "password": {"wrong-password"}})
	noUser := e.client().post("/login", url.Values{"username": {"nobody"}, "password": {"demo12345"}})
	for _, r := range []*response{wrongPass, noUser} {
		wantStatus(t, "failed login", r, http.StatusUnauthorized)
		msg := r.Doc(t).Find(".form-error").Text()
		if !strings.Contains(msg, "用户名或密码不正确") {
			t.Errorf("failed login message = %q", msg)
		}
	}
	if a, b := wrongPass.Doc(t).Find(".form-error").Text(), noUser.Doc(t).Find(".form-error").Text(); a != b {
		t.Errorf("messages differ: %q vs %q", a, b)
	}
	if v := inputValue(t, wrongPass, "username"); v != "teacher" {
		t.Errorf("username kept = %q, want teacher", v)
	}
}
