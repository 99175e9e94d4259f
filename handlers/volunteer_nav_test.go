package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestVisitorsFindVolunteering checks that a visitor finds the opportunities and the
// volunteer registration from the home page's "start here" list and from the login
// page, in both languages.
func TestVisitorsFindVolunteering(t *testing.T) {
	e := mustEnv(t)
	u, _ := url.Parse(e.Srv.URL)
	for _, lang := range []string{"zh-CN", "en"} {
		c := e.client()
		c.hc.Jar.SetCookies(u, []*http.Cookie{{Name: "lang", Value: lang}})
		home := c.get("/")
		wantStatus(t, "home", home, http.StatusOK)
		doc := home.Doc(t)
		for _, href := range []string{"/opportunities", "/volunteers/register"} {
			a := doc.Find(`#home-start a[href="` + href + `"]`)
			if a.Length() != 1 || strings.TrimSpace(a.Text()) == "" {
				t.Errorf("%s home: %d links to %s in the start list, want one with text", lang, a.Length(), href)
			}
			if hint := strings.TrimSpace(a.Parent().Find(".hint").Text()); hint == "" {
				t.Errorf("%s home: the link to %s has no hint", lang, href)
			}
		}
		login := c.get("/login")
		wantStatus(t, "login", login, http.StatusOK)
		line := login.Doc(t).Find(`#volunteer-register`)
		if line.Find(`a[href="/volunteers/register"]`).Length() != 1 || strings.TrimSpace(line.Text()) == "" {
			t.Errorf("%s login page: volunteer registration line = %q", lang, line.Text())
		}
	}
	if strings.Contains(e.Log.String(), "missing message") {
		t.Errorf("pages asked for messages the catalogues lack:\n%s", e.Log.String())
	}
}
