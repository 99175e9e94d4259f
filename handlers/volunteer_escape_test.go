package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/jinducity/portal"
	"github.com/jinducity/portal/views"
)

// xss is posted into every free-text field of the volunteer area; xssName is a version
// short enough (20 characters) to be saved as a name.
const (
	xss     = `<script>alert(1)</script>`
	xssName = `<script>x()</script>`
)

// noInjectedScript fails when a page has a <script> element other than the layout's
// scripts with a src, or when the payload ended up inside a script.
func noInjectedScript(t *testing.T, what string, res *response) {
	t.Helper()
	if res.StatusCode >= 500 {
		t.Fatalf("%s: status %d", what, res.StatusCode)
	}
	doc := res.Doc(t)
	doc.Find("script").Each(func(_ int, s *goquery.Selection) {
		if s.AttrOr("src", "") == "" || strings.TrimSpace(s.Text()) != "" {
			t.Errorf("%s: an injected <script> element: src %q, text %q", what, s.AttrOr("src", ""), s.Text())
		}
	})
	for _, bad := range []string{"<script>alert", "<script>x()"} {
		if strings.Contains(res.Body, bad) {
			t.Errorf("%s: the page holds the payload unescaped (%s)", what, bad)
		}
	}
}

// shows fails unless the page shows text as text: the payload arrived and was escaped.
func shows(t *testing.T, what string, res *response, text string) {
	t.Helper()
	if !strings.Contains(res.Doc(t).Text(), text) {
		t.Errorf("%s: the page does not show %q as text", what, text)
	}
}

// TestVolunteerAreaEscapesScript posts a <script> into every free-text field of the
// volunteer area (registration, profile, opportunities, decline reasons, school
// requests, check-in code) and checks every page that shows them.
func TestVolunteerAreaEscapesScript(t *testing.T) {
	e := mustEnv(t)
	ctx := context.Background()
	get := func(c *client, what, path string) *response {
		t.Helper()
		res := c.get(path)
		wantStatus(t, what, res, http.StatusOK)
		noInjectedScript(t, what, res)
		return res
	}

	// Registration: refused with everything re-rendered, then saved.
	fresh := e.client()
	res := fresh.post("/volunteers/register", url.Values{"name": {xss}, "availability": {xss}, "phone": {xss},
		"username": {xss}, "password": {"a-good-password"}})
	wantStatus(t, "bad registration", res, http.StatusUnprocessableEntity)
	noInjectedScript(t, "bad registration", res)
	res = fresh.post("/volunteers/register", url.Values{"name": {xssName}, "availability": {xss}, "phone": {"13800138000"},
		"district_id": {"1"}, "skills": {"other"}, "username": {"xssvol"}, "password": {"a-good-password"}, "consent": {"1"}})
	wantStatus(t, "registration", res, http.StatusSeeOther)
	if got := inputValue(t, get(fresh, "profile", "/volunteer/profile"), "availability"); got != xss {
		t.Errorf("profile: availability %q, want the payload kept as a value", got)
	}
	get(fresh, "volunteer home", "/volunteer")

	// Profile: a name too long re-rendered, then a saved one on a demo member.
	member := e.login("v070")
	res = member.post("/volunteer/profile", url.Values{"name": {xss}, "availability": {xss}, "phone": {"13800138001"},
		"district_id": {"1"}, "skills": {"other"}})
	wantStatus(t, "bad profile", res, http.StatusUnprocessableEntity)
	noInjectedScript(t, "bad profile", res)
	wantStatus(t, "profile", member.post("/volunteer/profile", url.Values{"name": {xssName}, "availability": {xss},
		"phone": {"13800138001"}, "district_id": {"1"}, "skills": {"other"}}), http.StatusSeeOther)
	get(member, "profile saved", "/volunteer/profile")

	// An application declined with a reason.
	coordUser, _ := e.Store.GetUser(ctx, userID(t, e, "coordinator"))
	wantStatus(t, "apply", fresh.post(fmt.Sprintf("/volunteer/associations/%d/apply", coordUser.AssociationID), nil), http.StatusSeeOther)
	coord := e.login("coordinator")
	shows(t, "coordinator's desk", get(coord, "coordinator's desk", "/association/"), xssName)
	apps, _ := e.Store.Applications(ctx, coordUser.AssociationID)
	var appID int64
	for _, a := range apps {
		if a.UserID == userID(t, e, "xssvol") {
			appID = a.ID
		}
	}
	wantStatus(t, "decline", coord.post(fmt.Sprintf("/association/applications/%d/decline", appID), url.Values{"reason": {xss}}),
		http.StatusSeeOther)
	shows(t, "declined application", get(fresh, "declined application", "/volunteer/associations"), xss)

	// An opportunity: refused and re-rendered, then created, signed up for and listed.
	start := e.Now.Add(48 * time.Hour).Truncate(time.Hour)
	vals := url.Values{"title": {xss}, "description": {xss}, "place": {xss},
		"starts_at": {start.In(portal.CST).Format("2006-01-02T15:04")},
		"ends_at":   {start.Add(2 * time.Hour).In(portal.CST).Format("2006-01-02T15:04")},
		"deadline":  {start.Add(-time.Hour).In(portal.CST).Format("2006-01-02T15:04")},
		"capacity":  {"0"}, "skills": {"other"}}
	res = coord.post("/association/opportunities/new", vals)
	wantStatus(t, "bad opportunity", res, http.StatusUnprocessableEntity)
	noInjectedScript(t, "bad opportunity", res)
	vals.Set("capacity", "5")
	wantStatus(t, "opportunity", coord.post("/association/opportunities/new", vals), http.StatusSeeOther)
	o := oppByTitle(t, e, xss)
	wantStatus(t, "signup", member.post(fmt.Sprintf("/opportunities/%d/signup", o.ID), nil), http.StatusSeeOther)
	shows(t, "opportunity page", get(member, "opportunity page", views.OpportunityURL(o.ID)), xss)
	get(e.client(), "opportunity page, logged out", views.OpportunityURL(o.ID))
	get(e.client(), "opportunities", "/opportunities")
	get(member, "volunteer's home", "/volunteer")
	shows(t, "roster", get(coord, "roster", views.ManageURL(o.ID)), xssName)
	get(coord, "edit form", views.ManageURL(o.ID)+"edit")
	get(coord, "coordinator's desk with the opportunity", "/association/")
	get(coord, "coordinator's report", "/association/reports")
	admin := e.login("admin")
	get(admin, "city's opportunities", views.CityOpportunitiesURL)
	get(admin, "city's report", "/city/volunteers/")

	// A school's request: refused and re-rendered, then sent, turned into a form and declined.
	teacher := e.login("teacher")
	rq := url.Values{"activity": {"law-class"}, "topic": {xss}, "details": {xss},
		"date": {e.Now.AddDate(0, 0, 10).Format(time.DateOnly)}, "volunteers": {"1"}}
	res = teacher.post("/volunteer-requests", rq)
	wantStatus(t, "bad request", res, http.StatusUnprocessableEntity)
	noInjectedScript(t, "bad request", res)
	rq.Set("association_id", fmt.Sprint(coordUser.AssociationID))
	wantStatus(t, "request", teacher.post("/volunteer-requests", rq), http.StatusSeeOther)
	reqs, _ := e.Store.AssociationRequests(ctx, coordUser.AssociationID)
	q := reqs[len(reqs)-1]
	shows(t, "coordinator's desk with the request", get(coord, "coordinator's desk with the request", "/association/"), xss)
	get(coord, "form from the request", fmt.Sprintf("/association/opportunities/new?request=%d", q.ID))
	wantStatus(t, "decline request", coord.post(fmt.Sprintf("/association/requests/%d/decline", q.ID), url.Values{"reason": {xss}}),
		http.StatusSeeOther)
	shows(t, "teacher's requests", get(teacher, "teacher's requests", "/volunteer-requests/"), xss)

	// The check-in code, and the certificate with its public check.
	res = member.post("/volunteer/checkin", url.Values{"code": {xss}, "action": {"in"}})
	wantStatus(t, "bad code", res, http.StatusUnprocessableEntity)
	noInjectedScript(t, "bad code", res)
	get(member, "check-in with a code", "/volunteer/checkin?code="+url.QueryEscape(xss))
	get(member, "hours", "/volunteer/hours")
	cert := get(member, "certificate", "/volunteer/certificate")
	code := strings.TrimSpace(cert.Doc(t).Find("#cert-code").Text())
	get(e.client(), "certificate check", views.VerifyURL(code))
	res = e.client().get(views.VerifyURL(xss))
	noInjectedScript(t, "certificate check with a script", res)
}
