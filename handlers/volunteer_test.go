package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
)

// oppByTitle returns the demo opportunity with the title (the first, by start).
func oppByTitle(t *testing.T, e *testEnv, title string) *portal.Opportunity {
	t.Helper()
	list, _, err := e.Store.ListOpportunities(context.Background(), store.OpportunityFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range list {
		if strings.HasPrefix(list[i].Title, title) {
			return &list[i]
		}
	}
	t.Fatalf("no opportunity %q", title)
	return nil
}

func userID(t *testing.T, e *testEnv, username string) int64 {
	t.Helper()
	u, _, err := e.Store.UserCredentials(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// newOpportunity has the coordinator create an opportunity and returns it.
func newOpportunity(t *testing.T, e *testEnv, c *client, title string, start time.Time, hours, capacity int) *portal.Opportunity {
	t.Helper()
	res := c.post("/association/opportunities/new", url.Values{"title": {title}, "place": {"社区服务中心"},
		"starts_at": {start.In(portal.CST).Format("2006-01-02T15:04")},
		"ends_at":   {start.Add(time.Duration(hours) * time.Hour).In(portal.CST).Format("2006-01-02T15:04")},
		"deadline":  {start.Add(-time.Hour).In(portal.CST).Format("2006-01-02T15:04")},
		"capacity":  {fmt.Sprint(capacity)}, "skills": {"lecturing"}})
	wantStatus(t, "create opportunity", res, http.StatusSeeOther)
	return oppByTitle(t, e, title)
}

func TestWaitingListMovesUpAndTellsTheVolunteer(t *testing.T) {
	e := mustEnv(t)
	o := oppByTitle(t, e, "禁毒宣传进商圈")
	if o.SignedUp != 5 || o.Waitlisted != 2 {
		t.Fatalf("demo: %d signed up, %d waiting", o.SignedUp, o.Waitlisted)
	}
	roster, _ := e.Store.Roster(context.Background(), o.ID)
	first := roster[5]
	if first.Status != portal.SignupWaitlisted {
		t.Fatalf("roster[5] = %s", first.Status)
	}
	// A new sign-up joins the end of the queue.
	v := e.login("v100")
	wantStatus(t, "signup full", v.post(fmt.Sprintf("/opportunities/%d/signup", o.ID), nil), http.StatusSeeOther)
	page := v.get(fmt.Sprintf("/opportunities/%d", o.ID))
	if got := page.Doc(t).Find("#my-status").Text(); !strings.Contains(got, "3") {
		t.Errorf("v100 status = %q, want third on the waiting list", got)
	}
	// The demo volunteer cancels: the first waiting moves up and sees it on their home.
	wantStatus(t, "cancel", e.login("volunteer").post(fmt.Sprintf("/opportunities/%d/cancel", o.ID), nil), http.StatusSeeOther)
	x, _ := e.Store.UserSignup(context.Background(), o.ID, first.UserID)
	if x.Status != portal.SignupConfirmed {
		t.Fatalf("first waiting is %s, want confirmed", x.Status)
	}
	got, _ := e.Store.GetOpportunity(context.Background(), o.ID)
	if got.SignedUp != 5 || got.Waitlisted != 2 {
		t.Errorf("after cancel: %d signed up, %d waiting; want 5 and 2", got.SignedUp, got.Waitlisted)
	}
	var promoted *portal.User
	users, _, _ := e.Store.ListUsers(context.Background(), store.UserFilter{Role: portal.RoleVolunteer})
	for i := range users {
		if users[i].ID == first.UserID {
			promoted = &users[i]
		}
	}
	home := e.login(promoted.Username).get("/volunteer")
	if n := home.Doc(t).Find("#notices .notice-promoted").Length(); n != 1 {
		t.Errorf("promoted volunteer's home shows %d promotion notices, want 1", n)
	}
	// The API shows the counts, never names.
	res := e.client().get("/api/v1/opportunities")
	wantStatus(t, "api", res, http.StatusOK)
	var list []map[string]any
	if err := json.Unmarshal([]byte(res.Body), &list); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, item := range list {
		if len(item) != 8 {
			t.Errorf("API item has fields %v", item)
		}
		if int64(item["id"].(float64)) == o.ID {
			found = true
			if item["signed_up"].(float64) != 5 || item["waitlisted"].(float64) != 2 || item["capacity"].(float64) != 5 {
				t.Errorf("API item = %v", item)
			}
			if s := item["starts_at"].(string); !strings.HasSuffix(s, "+08:00") {
				t.Errorf("starts_at = %s", s)
			}
		}
	}
	if !found || strings.Contains(res.Body, promoted.DisplayName) {
		t.Errorf("API: opportunity found %v; names must not appear", found)
	}
}

func TestSignupRefusals(t *testing.T) {
	e := mustEnv(t)
	coord := e.login("coordinator")
	start := e.Now.Add(72 * time.Hour).Truncate(time.Hour)
	a := newOpportunity(t, e, coord, "重叠测试一", start, 3, 5)
	b := newOpportunity(t, e, coord, "重叠测试二", start.Add(2*time.Hour), 2, 5)
	c := newOpportunity(t, e, coord, "紧接测试", start.Add(3*time.Hour), 1, 5)
	v := e.login("v050")
	wantStatus(t, "signup a", v.post(fmt.Sprintf("/opportunities/%d/signup", a.ID), nil), http.StatusSeeOther)
	res := v.post(fmt.Sprintf("/opportunities/%d/signup", b.ID), nil)
	wantStatus(t, "overlapping", res, http.StatusConflict)
	if msg := res.Doc(t).Find("#refusal").Text(); !strings.Contains(msg, "重叠测试一") {
		t.Errorf("overlap message = %q", msg)
	}
	// Back to back is no overlap.
	wantStatus(t, "back to back", v.post(fmt.Sprintf("/opportunities/%d/signup", c.ID), nil), http.StatusSeeOther)
	wantStatus(t, "twice", v.post(fmt.Sprintf("/opportunities/%d/signup", a.ID), nil), http.StatusConflict)

	// A volunteer of another association may not sign up for an association-only one.
	wantStatus(t, "not a member", e.login("ql.v01").post(fmt.Sprintf("/opportunities/%d/signup", b.ID), nil), http.StatusConflict)
	// A freshly registered volunteer is no member yet.
	fresh := e.client()
	wantStatus(t, "register", fresh.post("/volunteers/register", url.Values{"name": {"林志远"}, "phone": {"13800138000"},
		"district_id": {"1"}, "skills": {"lecturing", "photography"}, "username": {"linzy"}, "password": {"a-good-password"},
		"consent": {"1"}}), http.StatusSeeOther)
	wantStatus(t, "unapproved", fresh.post(fmt.Sprintf("/opportunities/%d/signup", b.ID), nil), http.StatusConflict)

	// After the deadline, and once started.
	e.advance(72*time.Hour + 90*time.Minute) // past b's deadline, before its start
	wantStatus(t, "after deadline", e.login("v051").post(fmt.Sprintf("/opportunities/%d/signup", b.ID), nil), http.StatusConflict)
	e.advance(2 * time.Hour) // c has started
	wantStatus(t, "started", e.login("v052").post(fmt.Sprintf("/opportunities/%d/signup", c.ID), nil), http.StatusConflict)
	got, _ := e.Store.GetOpportunity(context.Background(), b.ID)
	if got.SignedUp != 0 || got.Waitlisted != 0 {
		t.Errorf("refusals changed the places: %d, %d", got.SignedUp, got.Waitlisted)
	}
}

func TestRegisterApplyApprove(t *testing.T) {
	e := mustEnv(t)
	c := e.client()
	res := c.post("/volunteers/register", url.Values{"name": {"<script>x</script>"}, "phone": {"12345"}, "username": {"ab"},
		"password": {"short"}})
	wantStatus(t, "bad registration", res, http.StatusUnprocessableEntity)
	for _, f := range []string{"phone", "district_id", "skills", "username", "password", "consent"} {
		if fieldError(t, res, f) == "" {
			t.Errorf("no message for %s", f)
		}
	}
	if strings.Contains(res.Body, "<script>x") {
		t.Error("name not escaped")
	}
	res = c.post("/volunteers/register", url.Values{"name": {"林志远"}, "phone": {"138 0013 8000"}, "district_id": {"1"},
		"skills": {"lecturing"}, "username": {"linzy"}, "password": {"a-good-password"}, "consent": {"1"}})
	wantStatus(t, "registration", res, http.StatusSeeOther)
	v, err := e.Store.GetVolunteer(context.Background(), userID(t, e, "linzy"))
	if err != nil || v.Phone != "13800138000" || v.ConsentVersion != portal.VolunteerRulesVersion {
		t.Fatalf("profile = %+v, %v", v, err)
	}
	coordID := userID(t, e, "coordinator")
	coord, _ := e.Store.GetUser(context.Background(), coordID)
	wantStatus(t, "apply", c.post(fmt.Sprintf("/volunteer/associations/%d/apply", coord.AssociationID), nil), http.StatusSeeOther)
	apps, _ := e.Store.Applications(context.Background(), coord.AssociationID)
	var app *portal.Membership
	for i := range apps {
		if apps[i].UserID == v.UserID {
			app = &apps[i]
		}
	}
	if app == nil {
		t.Fatal("application not listed")
	}
	cc := e.login("coordinator")
	// Another coordinator cannot decide it.
	e.login("coordinator2").post(fmt.Sprintf("/association/applications/%d/approve", app.ID), nil)
	// A decline needs a reason.
	cc.post(fmt.Sprintf("/association/applications/%d/decline", app.ID), nil)
	apps, _ = e.Store.Applications(context.Background(), coord.AssociationID)
	if len(apps) == 0 || apps[len(apps)-1].Status != portal.MemberApplied {
		t.Fatal("the application was decided without a reason or by another coordinator")
	}
	wantStatus(t, "approve", cc.post(fmt.Sprintf("/association/applications/%d/approve", app.ID), nil), http.StatusSeeOther)
	o := oppByTitle(t, e, "禁毒知识进社区宣讲")
	wantStatus(t, "member signs up", c.post(fmt.Sprintf("/opportunities/%d/signup", o.ID), nil), http.StatusSeeOther)

	// Deleting the account keeps the service anonymously.
	res = c.post("/volunteer/delete", url.Values{"delete_password": {"wrong-password"}})
	wantStatus(t, "delete, wrong password", res, http.StatusUnprocessableEntity)
	wantStatus(t, "delete", c.post("/volunteer/delete", url.Values{"delete_password": {"a-good-password"}}), http.StatusSeeOther)
	u, err := e.Store.GetUser(context.Background(), v.UserID)
	if err != nil || u.Username == "linzy" || strings.Contains(u.DisplayName, "林") || !u.Disabled {
		t.Errorf("after deletion: %+v, %v", u, err)
	}
	if x, _ := e.Store.UserSignup(context.Background(), o.ID, v.UserID); x.Status != portal.SignupCancelled {
		t.Errorf("coming sign-up after deletion: %s", x.Status)
	}
}

func TestCheckinHoursAndCertificate(t *testing.T) {
	e := mustEnv(t)
	coord := e.login("coordinator")
	start := e.Now.Add(26 * time.Hour).Truncate(time.Hour)
	o := newOpportunity(t, e, coord, "签到测试", start, 3, 10)
	v := e.login("v010")
	other := e.login("v011")
	for _, c := range []*client{v, other} {
		wantStatus(t, "signup", c.post(fmt.Sprintf("/opportunities/%d/signup", o.ID), nil), http.StatusSeeOther)
	}
	manage := fmt.Sprintf("/association/opportunities/%d/", o.ID)
	// Too early to open check-in.
	wantStatus(t, "open early", coord.post(manage+"checkin", nil), http.StatusConflict)
	e.advance(25 * time.Hour)
	coord = e.login("coordinator")
	v, other = e.login("v010"), e.login("v011")
	wantStatus(t, "open", coord.post(manage+"checkin", nil), http.StatusSeeOther)
	screen := coord.get(manage + "checkin")
	code := strings.TrimSpace(screen.Doc(t).Find("#checkin-code").Text())
	if len(code) != store.CheckinCodeLength {
		t.Fatalf("code = %q", code)
	}
	wantStatus(t, "qr", coord.get(manage+"qr.png"), http.StatusOK)
	// Another association's coordinator cannot see or run it.
	c2 := e.login("coordinator2")
	wantStatus(t, "other coordinator", c2.get(manage), http.StatusForbidden)

	res := v.post("/volunteer/checkin", url.Values{"code": {"WRONG1"}, "action": {"in"}})
	wantStatus(t, "wrong code", res, http.StatusUnprocessableEntity)
	wantStatus(t, "check in", v.post("/volunteer/checkin", url.Values{"code": {strings.ToLower(code)}, "action": {"in"}}), http.StatusSeeOther)
	wantStatus(t, "twice", v.post("/volunteer/checkin", url.Values{"code": {code}, "action": {"in"}}), http.StatusUnprocessableEntity)
	wantStatus(t, "not signed up", e.login("v012").post("/volunteer/checkin", url.Values{"code": {code}, "action": {"in"}}), http.StatusUnprocessableEntity)
	e.advance(3*time.Hour + 10*time.Minute) // two hours and ten minutes after the start
	v = e.login("v010")
	coord = e.login("coordinator")
	wantStatus(t, "check out", v.post("/volunteer/checkin", url.Values{"code": {code}, "action": {"out"}}), http.StatusSeeOther)

	// No hours before confirmation, and not before the end.
	baseline, _, _ := e.Store.VolunteerHours(context.Background(), userID(t, e, "v010"))
	roster, _ := e.Store.Roster(context.Background(), o.ID)
	ids := map[string]int64{}
	for _, x := range roster {
		ids[x.Name] = x.ID
	}
	var vx, ox portal.Signup
	for _, x := range roster {
		if x.UserID == userID(t, e, "v010") {
			vx = x
		} else {
			ox = x
		}
	}
	hours := url.Values{fmt.Sprintf("hours_%d", vx.ID): {"2"}, fmt.Sprintf("hours_%d", ox.ID): {"0"}}
	wantStatus(t, "confirm early", coord.post(manage+"hours", hours), http.StatusConflict)
	e.advance(time.Hour)
	coord = e.login("coordinator")
	c2 = e.login("coordinator2")
	page := coord.get(manage)
	if got, _ := page.Doc(t).Find(fmt.Sprintf(`input[name="hours_%d"]`, vx.ID)).Attr("value"); got != "2" {
		t.Errorf("proposed hours = %q, want 2 (checked in 2 h 10 min)", got)
	}
	wantStatus(t, "other coordinator confirms", c2.post(manage+"hours", hours), http.StatusForbidden)
	wantStatus(t, "too many hours", coord.post(manage+"hours", url.Values{fmt.Sprintf("hours_%d", vx.ID): {"9"}}), http.StatusUnprocessableEntity)
	if h, _, _ := e.Store.VolunteerHours(context.Background(), userID(t, e, "v010")); h != baseline {
		t.Errorf("hours after refused confirmations: %g, want %g", h, baseline)
	}
	wantStatus(t, "confirm", coord.post(manage+"hours", hours), http.StatusSeeOther)
	before, _, _ := e.Store.VolunteerHours(context.Background(), userID(t, e, "v010"))
	if before != baseline+2 {
		t.Errorf("confirmed hours %g, want %g", before, baseline+2)
	}
	// A correction is audited.
	hours.Set(fmt.Sprintf("hours_%d", vx.ID), "2.5")
	wantStatus(t, "correct", coord.post(manage+"hours", hours), http.StatusSeeOther)
	after, _, _ := e.Store.VolunteerHours(context.Background(), userID(t, e, "v010"))
	if after-before != 0.5 {
		t.Errorf("hours %g → %g, want +0.5", before, after)
	}
	audit, _, _ := e.Store.ListAudit(context.Background(), store.AuditFilter{Entity: "opportunity", EntityID: o.ID})
	corrected := false
	for _, a := range audit {
		corrected = corrected || a.Action == "hours.correct" && strings.Contains(a.Detail, "2 → 2.5")
	}
	if !corrected {
		t.Error("the correction is not in the audit log")
	}

	// The certificate shows the hours; its code checks out publicly with initials only.
	cert := v.get("/volunteer/certificate")
	wantStatus(t, "certificate", cert, http.StatusOK)
	doc := cert.Doc(t)
	if got := doc.Find("#cert-hours").Text(); got != fmt.Sprint(after) {
		t.Errorf("certificate hours = %q, want %g", got, after)
	}
	certCode := doc.Find("#cert-code").Text()
	check := e.client().get("/certificates/verify?code=" + url.QueryEscape(certCode))
	wantStatus(t, "verify", check, http.StatusOK)
	vd := check.Doc(t)
	u, _ := e.Store.GetUser(context.Background(), userID(t, e, "v010"))
	initials := vd.Find("#v-initials").Text()
	if vd.Find("#v-hours").Text() != fmt.Sprint(after) || strings.Contains(check.Body, u.DisplayName) ||
		!strings.HasPrefix(initials, string([]rune(u.DisplayName)[:1])) {
		t.Errorf("verification shows %q, %q (name %s)", initials, vd.Find("#v-hours").Text(), u.DisplayName)
	}
	wantStatus(t, "bad code", e.client().get("/certificates/verify?code=NOPE"), http.StatusNotFound)
}

func TestSchoolRequestConfirmedByTeacher(t *testing.T) {
	e := mustEnv(t)
	teacher := e.login("teacher")
	page := teacher.get("/volunteer-requests")
	wantStatus(t, "requests", page, http.StatusOK)
	teacherUser, _ := e.Store.GetUser(context.Background(), userID(t, e, "teacher"))
	opps, _ := e.Store.SchoolOpportunities(context.Background(), teacherUser.SchoolID)
	var law *portal.Opportunity
	for i := range opps {
		if opps[i].ActivityKey == "law-class" && !opps[i].SchoolConfirmed {
			law = &opps[i]
		}
	}
	if law == nil {
		t.Fatal("no held law class to confirm")
	}
	before, _ := e.Store.VolunteerHoursBetween(context.Background(), time.Time{}, e.Now)
	year := portal.SchoolYear(law.StartsAt)
	recordsBefore, _ := e.Store.ListActivities(context.Background(), teacherUser.SchoolID, year)
	wantStatus(t, "confirm", teacher.post(fmt.Sprintf("/volunteer-requests/%d/confirm", law.ID), nil), http.StatusSeeOther)
	// The same step recorded the school's law class, with the volunteers as speakers.
	recordsAfter, _ := e.Store.ListActivities(context.Background(), teacherUser.SchoolID, year)
	if len(recordsAfter) != len(recordsBefore)+1 {
		t.Fatalf("activity records %d → %d, want one more", len(recordsBefore), len(recordsAfter))
	}
	var rec *portal.Activity
	for i := range recordsAfter {
		if recordsAfter[i].Title == law.Title && recordsAfter[i].Type == "law-class" {
			rec = &recordsAfter[i]
		}
	}
	if rec == nil || rec.Date.In(portal.CST).Format(time.DateOnly) != law.StartsAt.In(portal.CST).Format(time.DateOnly) || rec.Speaker == "" {
		t.Errorf("recorded activity = %+v, want the law class on %v with its speakers", rec, law.StartsAt)
	}
	wantStatus(t, "confirm twice", teacher.post(fmt.Sprintf("/volunteer-requests/%d/confirm", law.ID), nil), http.StatusConflict)
	after, _ := e.Store.VolunteerHoursBetween(context.Background(), time.Time{}, e.Now)
	if want := float64(law.SignedUp) * portal.RoundHours(law.Hours()); after-before != want {
		t.Errorf("credited %g hours, want %g", after-before, want)
	}
	// Another school's teacher cannot confirm it.
	wantStatus(t, "other school", e.login("teacher2").post(fmt.Sprintf("/volunteer-requests/%d/confirm", law.ID), nil), http.StatusNotFound)

	// A new request reaches the association, which turns it into an opportunity.
	assoc := userID(t, e, "coordinator")
	cu, _ := e.Store.GetUser(context.Background(), assoc)
	res := teacher.post("/volunteer-requests", url.Values{"association_id": {fmt.Sprint(cu.AssociationID)}, "activity": {"law-class"},
		"topic": {"初三禁毒法治课"}, "date": {e.Now.AddDate(0, 0, 10).Format(time.DateOnly)}, "volunteers": {"1"}})
	wantStatus(t, "request", res, http.StatusSeeOther)
	reqs, _ := e.Store.AssociationRequests(context.Background(), cu.AssociationID)
	q := reqs[len(reqs)-1]
	coord := e.login("coordinator")
	form := coord.get(fmt.Sprintf("/association/opportunities/new?request=%d", q.ID))
	wantStatus(t, "form from request", form, http.StatusOK)
	vals := url.Values{"request": {fmt.Sprint(q.ID)}, "skills": {"lecturing"}}
	for _, k := range []string{"title", "place", "starts_at", "ends_at", "deadline", "capacity"} {
		vals.Set(k, inputValue(t, form, k))
	}
	wantStatus(t, "create from request", coord.post("/association/opportunities/new", vals), http.StatusSeeOther)
	got, _ := e.Store.GetRequest(context.Background(), q.ID)
	if got.Status != portal.RequestAccepted || got.OpportunityID == 0 {
		t.Errorf("request after: %+v", got)
	}
	o, _ := e.Store.GetOpportunity(context.Background(), got.OpportunityID)
	if o.SchoolID != teacherUser.SchoolID || o.ActivityKey != "law-class" {
		t.Errorf("opportunity not linked to the school: %+v", o)
	}
}

func TestStatsVolunteerHours(t *testing.T) {
	e := mustEnv(t)
	res := e.client().get("/api/v1/stats")
	var st map[string]any
	if err := json.Unmarshal([]byte(res.Body), &st); err != nil {
		t.Fatal(err)
	}
	from, to := portal.SchoolYearBounds(portal.SchoolYear(e.Now))
	want, _ := e.Store.VolunteerHoursBetween(context.Background(), from, to)
	if h, ok := st["volunteer_hours"].(float64); !ok || h != want || h <= 0 {
		t.Errorf("volunteer_hours = %v, want %g", st["volunteer_hours"], want)
	}
}

// recountVolunteerHours adds up, volunteer by volunteer, the confirmed hours of services
// that started in the school year.
func recountVolunteerHours(t *testing.T, e *testEnv, year int) float64 {
	t.Helper()
	from, to := portal.SchoolYearBounds(year)
	vols, _, err := e.Store.ListUsers(context.Background(), store.UserFilter{Role: portal.RoleVolunteer})
	if err != nil {
		t.Fatal(err)
	}
	total := 0.0
	for _, u := range vols {
		list, err := e.Store.ServiceRecord(context.Background(), u.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range list {
			if !x.Opportunity.StartsAt.Before(from) && x.Opportunity.StartsAt.Before(to) {
				total += x.Hours
			}
		}
	}
	return total
}
