package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
)

// teacherDraft returns the path of the demo teacher's draft application.
func teacherDraft(t *testing.T, c *client) string {
	t.Helper()
	res := c.get("/school/creation")
	wantStatus(t, "school creation", res, http.StatusOK)
	href, ok := res.Doc(t).Find("table.applications tr.app-draft a").Attr("href")
	if !ok {
		t.Fatal("the demo teacher has no draft application")
	}
	return href
}

func pageVersion(t *testing.T, doc *goquery.Document) string {
	t.Helper()
	v, ok := doc.Find("form input[name=version]").First().Attr("value")
	if !ok {
		t.Fatal("no version on the page")
	}
	return v
}

func appID(path string) string { return path[strings.LastIndex(path, "/")+1:] }

func appStatusOf(t *testing.T, e *testEnv, id string) portal.AppStatus {
	t.Helper()
	a, err := e.Store.GetApplication(context.Background(), int64(atoi(t, id)))
	if err != nil {
		t.Fatal(err)
	}
	return a.Status
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			t.Fatalf("not a number: %q", s)
		}
		n = n*10 + int(r-'0')
	}
	return n
}

// TestCreationLifecycle runs an application through the cycle: the school's computed
// evidence, refusals of incomplete and out-of-range input, documents, submission with the
// values frozen, the district's recommendation, the city's scores and designation, and
// the school on the public list, in the stats and the API.
func TestCreationLifecycle(t *testing.T) {
	e := mustEnv(t)
	ctx := context.Background()
	teacher := e.login("teacher")
	path := teacherDraft(t, teacher)
	id := appID(path)
	doc := teacher.get(path).Doc(t)
	computed := doc.Find("article.evidence-computed")
	if computed.Length() == 0 || computed.Find(".value").Length() != computed.Length() {
		t.Fatalf("computed indicators: %d, with values %d", computed.Length(), computed.Find(".value").Length())
	}
	if href := computed.Find("a.source").First().AttrOr("href", ""); href == "" {
		t.Error("a computed indicator does not link to its records")
	} else if res := teacher.get(href); res.StatusCode != http.StatusOK {
		t.Errorf("source %s: status %d", href, res.StatusCode)
	}

	// Incomplete: refused, nothing written.
	res := teacher.post(path+"/submit", url.Values{"version": {pageVersion(t, doc)}})
	wantStatus(t, "incomplete submit", res, http.StatusUnprocessableEntity)
	if res.Doc(t).Find(".field-error").Length() == 0 {
		t.Error("incomplete submit: no message next to the missing items")
	}
	if st := appStatusOf(t, e, id); st != portal.AppDraft {
		t.Fatalf("after the refused submit: %s", st)
	}

	// A document that is not one: refused by its content.
	upload1 := doc.Find("form.upload").First()
	ind := upload1.Find("input[name=indicator]").AttrOr("value", "")
	res = teacher.postMultipart(path+"/documents", url.Values{"version": {pageVersion(t, doc)}, "indicator": {ind}},
		upload{"file", "plan.pdf", []byte("<html>not a pdf</html>")})
	wantStatus(t, "fake pdf", res, http.StatusUnprocessableEntity)
	if fieldError(t, res, "file") == "" {
		t.Error("fake pdf: no message")
	}
	// Every document indicator gets a PDF.
	doc.Find("form.upload").Each(func(_ int, f *goquery.Selection) {
		cur := teacher.get(path).Doc(t)
		r := teacher.postMultipart(path+"/documents", url.Values{"version": {pageVersion(t, cur)},
			"indicator": {f.Find("input[name=indicator]").AttrOr("value", "")}}, upload{"file", "计划.pdf", []byte("%PDF-1.4\n%test")})
		wantStatus(t, "upload", r, http.StatusSeeOther)
	})
	doc = teacher.get(path).Doc(t)
	if href := doc.Find("ul.documents a").Last().AttrOr("href", ""); href == "" {
		t.Fatal("no document listed")
	} else {
		if r := teacher.get(href); r.StatusCode != http.StatusOK || !strings.HasPrefix(r.Body, "%PDF-") {
			t.Errorf("document for its teacher: %d", r.StatusCode)
		}
		if r := e.login("teacher2").get(href); r.StatusCode != http.StatusNotFound {
			t.Errorf("document for another school's teacher: %d, want 404", r.StatusCode)
		}
	}

	// Self-scores: one above its maximum is refused with the input kept.
	form := url.Values{"version": {pageVersion(t, doc)}, "then": {"submit"}}
	var first string
	doc.Find("#indicators input[name^=score_]").Each(func(i int, in *goquery.Selection) {
		name := in.AttrOr("name", "")
		form.Set(name, in.AttrOr("max", "0"))
		if i == 0 {
			first = name
		}
	})
	form.Set(first, "999")
	res = teacher.post(path+"/save", form)
	wantStatus(t, "score above max", res, http.StatusUnprocessableEntity)
	if fieldError(t, res, first) == "" || inputValue(t, res, first) != "999" {
		t.Errorf("score above max: message %q, kept %q", fieldError(t, res, first), inputValue(t, res, first))
	}
	max := res.Doc(t).Find(`input[name="`+first+`"]`).AttrOr("max", "")
	form.Set(first, max)
	wantStatus(t, "save and submit", teacher.post(path+"/save", form), http.StatusSeeOther)
	if st := appStatusOf(t, e, id); st != portal.AppSubmitted {
		t.Fatalf("after submit: %s", st)
	}

	// Frozen: a new class changes the live 十个一 coverage, not what was submitted.
	before := teacher.get(path).Doc(t)
	if before.Find(".frozen").Length() == 0 {
		t.Error("the submitted application does not say its values are frozen")
	}
	tu, _, _ := e.Store.UserCredentials(ctx, "teacher")
	if err := e.Store.CreateClass(ctx, portal.SystemActor, &portal.Class{SchoolID: tu.SchoolID, SchoolYear: portal.SchoolYear(e.Now),
		Grade: 7, Name: "冻结测试班"}); err != nil {
		t.Fatal(err)
	}
	after := teacher.get(path).Doc(t)
	if b, a := before.Find("article.evidence-computed .value").Text(), after.Find("article.evidence-computed .value").Text(); a != b {
		t.Errorf("computed values changed after submission: %q → %q", b, a)
	}

	// Scope: another district's reviewer and another school's teacher see nothing.
	other := e.login("district2")
	if r := other.get("/district/creation/applications/" + id); r.StatusCode != http.StatusNotFound {
		t.Errorf("another district's reviewer: %d, want 404", r.StatusCode)
	}
	if r := other.post("/district/creation/applications/"+id+"/review", url.Values{"decision": {"recommend"}, "version": {pageVersion(t, after)}}); r.StatusCode != http.StatusNotFound {
		t.Errorf("another district's reviewer recommends: %d, want 404", r.StatusCode)
	}
	if r := e.login("teacher2").get("/school/creation/applications/" + id); r.StatusCode != http.StatusNotFound {
		t.Errorf("another school's teacher: %d, want 404", r.StatusCode)
	}
	if st := appStatusOf(t, e, id); st != portal.AppSubmitted {
		t.Fatalf("after refused steps: %s", st)
	}

	// The district: returning needs a reason; a stale page loses; recommend.
	district := e.login("district")
	dpath := "/district/creation/applications/" + id
	ddoc := district.get(dpath).Doc(t)
	v := pageVersion(t, ddoc)
	res = district.post(dpath+"/review", url.Values{"decision": {"return"}, "version": {v}})
	wantStatus(t, "return without reason", res, http.StatusUnprocessableEntity)
	if fieldError(t, res, "comment") == "" {
		t.Error("return without reason: no message")
	}
	wantStatus(t, "stale review", district.post(dpath+"/review", url.Values{"decision": {"recommend"}, "version": {"1"}}), http.StatusConflict)
	wantStatus(t, "recommend", district.post(dpath+"/review", url.Values{"decision": {"recommend"}, "version": {v}, "comment": {"同意"}}), http.StatusSeeOther)
	wantStatus(t, "recommend again", district.post(dpath+"/review", url.Values{"decision": {"recommend"}, "version": {v}}), http.StatusConflict)

	// The city: a score above the maximum is refused; scores, then designation.
	admin := e.login("admin")
	apath := "/admin/creation/applications/" + id
	adoc := admin.get(apath).Doc(t)
	scores := url.Values{"version": {pageVersion(t, adoc)}}
	var firstCity string
	adoc.Find("#indicators input[name^=city_]").Each(func(i int, in *goquery.Selection) {
		scores.Set(in.AttrOr("name", ""), in.AttrOr("max", ""))
		if i == 0 {
			firstCity = in.AttrOr("name", "")
		}
	})
	good := scores.Get(firstCity)
	scores.Set(firstCity, "1000")
	res = admin.post(apath+"/scores", scores)
	wantStatus(t, "city score above max", res, http.StatusUnprocessableEntity)
	if fieldError(t, res, firstCity) == "" {
		t.Error("city score above max: no message")
	}
	scores.Set(firstCity, good)
	wantStatus(t, "city scores", admin.post(apath+"/scores", scores), http.StatusSeeOther)
	adoc = admin.get(apath).Doc(t)
	if total := adoc.Find("#city-total").Text(); total == "" || adoc.Find("#city-total.below").Length() > 0 {
		t.Errorf("city total %q (below the pass mark: %v)", total, adoc.Find("#city-total.below").Length() > 0)
	}
	statsBefore := demoCounts(t, e)
	today := e.Now.Format(time.DateOnly)
	wantStatus(t, "designate", admin.post(apath+"/designate", url.Values{"version": {pageVersion(t, adoc)}, "since": {today},
		"validity_years": {"3"}}), http.StatusSeeOther)
	if st := appStatusOf(t, e, id); st != portal.AppDesignated {
		t.Fatalf("after designate: %s", st)
	}
	app, _ := e.Store.GetApplication(ctx, int64(atoi(t, id)))
	var found *APIDemo
	for _, d := range apiDemos(t, e) {
		if d.SchoolID == app.SchoolID {
			found = &d
		}
	}
	if found == nil || found.Level != string(app.Level) || found.Since != today ||
		found.ValidUntil != e.Now.AddDate(3, 0, -1).Format(time.DateOnly) {
		t.Fatalf("API entry of the school: %+v", found)
	}
	if after := demoCounts(t, e); after[string(app.Level)] != statsBefore[string(app.Level)]+1 {
		t.Errorf("stats %s: %d → %d", app.Level, statsBefore[string(app.Level)], after[string(app.Level)])
	}
	if !strings.Contains(e.client().get("/demonstration-schools").Doc(t).Find("main").Text(), app.School) {
		t.Error("the designated school is not on the public list")
	}
	tl := teacher.get(path).Doc(t).Find("#timeline li")
	var actions []string
	tl.Each(func(_ int, s *goquery.Selection) {
		actions = append(actions, strings.TrimPrefix(s.AttrOr("class", ""), "event event-"))
	})
	if strings.Join(actions, ",") != "created,submitted,recommended,scored,designated" {
		t.Errorf("timeline = %v", actions)
	}
}

// APIDemo is an entry of GET /api/v1/demonstration-schools.
type APIDemo struct {
	SchoolID   int64  `json:"school_id"`
	School     string `json:"school"`
	District   string `json:"district"`
	Level      string `json:"level"`
	Since      string `json:"since"`
	ValidUntil string `json:"valid_until"`
}

func apiDemos(t *testing.T, e *testEnv) []APIDemo {
	t.Helper()
	res := e.client().get("/api/v1/demonstration-schools")
	wantStatus(t, "api", res, http.StatusOK)
	var out []APIDemo
	if err := json.Unmarshal([]byte(res.Body), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func demoCounts(t *testing.T, e *testEnv) map[string]int {
	t.Helper()
	res := e.client().get("/api/v1/stats")
	var s struct {
		D map[string]int `json:"demonstration_schools"`
	}
	if err := json.Unmarshal([]byte(res.Body), &s); err != nil {
		t.Fatal(err)
	}
	return s.D
}

func TestDemonstrationSchoolsAPIOrderAndExpiry(t *testing.T) {
	e := mustEnv(t)
	list := apiDemos(t, e)
	rank := map[string]int{"national": 0, "provincial": 1, "city": 2}
	for i := 1; i < len(list); i++ {
		if rank[list[i].Level] < rank[list[i-1].Level] {
			t.Fatalf("not highest level first at %d: %s after %s", i, list[i].Level, list[i-1].Level)
		}
	}
	today := e.Now.Format(time.DateOnly)
	var soon string
	for _, d := range list {
		if d.Since > today || d.ValidUntil < today || d.Since == "" {
			t.Errorf("%+v is not current on %s", d, today)
		}
		if d.ValidUntil <= e.Now.AddDate(0, 0, portal.ExpiringWithinDays).Format(time.DateOnly) && soon == "" {
			soon = d.School
		}
	}
	if soon == "" {
		t.Fatal("the demo city has no designation due within 90 days")
	}
	e.advance(100 * 24 * time.Hour)
	for _, d := range apiDemos(t, e) {
		if d.School == soon {
			t.Errorf("%s is still listed after its validity ran out", soon)
		}
	}
}

func TestCreationApplyRefusals(t *testing.T) {
	e := mustEnv(t)
	admin := e.login("admin")
	tomorrow := e.Now.AddDate(0, 0, 1).Format(time.DateOnly)
	res := admin.post("/admin/creation/rounds", url.Values{"title": {"下一批"}, "opens_on": {tomorrow}, "closes_on": {e.Now.Format(time.DateOnly)}})
	wantStatus(t, "closes before it opens", res, http.StatusUnprocessableEntity)
	if fieldError(t, res, "closes_on") == "" || inputValue(t, res, "title") != "下一批" {
		t.Error("round form: no message or input lost")
	}
	wantStatus(t, "future round", admin.post("/admin/creation/rounds", url.Values{"title": {"下一批"}, "opens_on": {tomorrow},
		"closes_on": {e.Now.AddDate(0, 1, 0).Format(time.DateOnly)}}), http.StatusSeeOther)
	rounds, _ := e.Store.ListRounds(context.Background())
	var future, open int64
	for _, r := range rounds {
		if r.Title == "下一批" {
			future = r.ID
		} else if r.OpenAt(e.Now) {
			open = r.ID
		}
	}
	teacher := e.login("teacher2")
	res = teacher.post("/school/creation/apply", url.Values{"round": {itoa(int(future))}, "level": {"city"}})
	wantStatus(t, "apply outside the round", res, http.StatusUnprocessableEntity)
	if fieldError(t, res, "round") == "" {
		t.Error("apply outside the round: no message")
	}
	u, _, _ := e.Store.UserCredentials(context.Background(), "teacher2")
	level := "city"
	if sc, _ := e.Store.GetSchool(context.Background(), u.SchoolID, portal.SchoolYear(e.Now)); sc.Demonstration != nil {
		res = teacher.post("/school/creation/apply", url.Values{"round": {itoa(int(open))}, "level": {string(sc.Demonstration.Level)}})
		wantStatus(t, "apply for the level held", res, http.StatusUnprocessableEntity)
		level = map[portal.DemoLevel]string{portal.LevelCity: "provincial", portal.LevelProvincial: "national"}[sc.Demonstration.Level]
	}
	if level == "" {
		t.Skip("teacher2's school is national already")
	}
	wantStatus(t, "apply", teacher.post("/school/creation/apply", url.Values{"round": {itoa(int(open))}, "level": {level}}), http.StatusSeeOther)
	res = teacher.post("/school/creation/apply", url.Values{"round": {itoa(int(open))}, "level": {level}})
	wantStatus(t, "apply twice", res, http.StatusUnprocessableEntity)
	if fieldError(t, res, "level") == "" {
		t.Error("apply twice: no message")
	}
	apps, _ := e.Store.ListApplications(context.Background(), store.ApplicationFilter{SchoolID: u.SchoolID})
	if len(apps) != 1 {
		t.Errorf("applications of teacher2's school: %d, want 1", len(apps))
	}
}
