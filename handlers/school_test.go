package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store/seed"
)

// demoClass returns the demo teacher's school ID and the class with the demo join code.
func demoClass(t *testing.T, e *testEnv) (schoolID int64, c *portal.Class) {
	t.Helper()
	ctx := context.Background()
	u, _, err := e.Store.UserCredentials(ctx, "teacher")
	if err != nil {
		t.Fatal(err)
	}
	classes, err := e.Store.ListClasses(ctx, u.SchoolID, portal.SchoolYear(e.Now), true)
	if err != nil {
		t.Fatal(err)
	}
	for i := range classes {
		if classes[i].JoinCode == seed.DemoJoinCode {
			return u.SchoolID, &classes[i]
		}
	}
	t.Fatalf("no class with code %s in the demo school", seed.DemoJoinCode)
	return 0, nil
}

// createClass creates a class through the form and returns its page path.
func createClass(t *testing.T, c *client, grade, name string) string {
	t.Helper()
	res := c.post("/school/classes", url.Values{"grade": {grade}, "name": {name}})
	wantStatus(t, "create class "+name, res, http.StatusSeeOther)
	loc := res.Header.Get("Location")
	if !strings.HasPrefix(loc, "/school/classes/") {
		t.Fatalf("create class: Location = %q", loc)
	}
	return loc
}

// classItem finds the class list entry with the given name.
func classItem(doc *goquery.Document, name string) *goquery.Selection {
	return doc.Find(".class-list > li").FilterFunction(func(_ int, s *goquery.Selection) bool {
		return strings.TrimSpace(s.Find("a.name").Text()) == name
	})
}

func TestSchoolCreateClass(t *testing.T) {
	e := mustEnv(t)
	c := e.login("teacher")
	page := createClass(t, c, "7", "初一（8）班")

	list := c.get("/school/classes")
	wantStatus(t, "class list", list, http.StatusOK)
	item := classItem(list.Doc(t), "初一（8）班")
	if item.Length() != 1 {
		t.Fatalf("new class not listed:\n%s", truncate(list.Body, 3000))
	}
	if code := item.Find(".join-code strong").Text(); len(code) != portal.JoinCodeLength {
		t.Errorf("listed join code = %q, want %d characters", code, portal.JoinCodeLength)
	}
	if href, _ := item.Find("a.name").Attr("href"); href != page {
		t.Errorf("class link = %q, want %q", href, page)
	}

	res := c.get(page)
	wantStatus(t, "class page", res, http.StatusOK)
	doc := res.Doc(t)
	if code := strings.TrimSpace(doc.Find("#join-code").Text()); len(code) != portal.JoinCodeLength {
		t.Errorf("class page join code = %q", code)
	}
	if src, _ := doc.Find("img.qr").Attr("src"); !strings.HasPrefix(src, page+"/qr.png") {
		t.Errorf("QR image src = %q", src)
	}
	if doc.Find(`a[href="`+page+`/slip"]`).Length() != 1 {
		t.Error("no link to the join slip")
	}
}

func TestSchoolClassFormErrors(t *testing.T) {
	e := mustEnv(t)
	c := e.login("teacher")

	// The demo school is a junior secondary school: grade 3 is a primary grade.
	res := c.post("/school/classes", url.Values{"grade": {"3"}, "name": {"三年级（2）班"}})
	wantStatus(t, "grade outside stage", res, http.StatusUnprocessableEntity)
	if msg := fieldError(t, res, "grade"); msg == "" {
		t.Error("no message next to grade")
	}
	if v := inputValue(t, res, "name"); v != "三年级（2）班" {
		t.Errorf("name kept = %q", v)
	}
	if n := res.Doc(t).Find(`select[name="grade"] option[value="3"]`).Length(); n != 0 {
		t.Error("grade select offers a grade outside the school's stage")
	}

	createClass(t, c, "8", "初二（5）班")
	res = c.post("/school/classes", url.Values{"grade": {"8"}, "name": {"初二（5）班"}})
	wantStatus(t, "duplicate name", res, http.StatusUnprocessableEntity)
	if msg := fieldError(t, res, "name"); !strings.Contains(msg, "同名") {
		t.Errorf("duplicate name message = %q", msg)
	}
	if v, _ := res.Doc(t).Find(`select[name="grade"] option[selected]`).Attr("value"); v != "8" {
		t.Errorf("grade kept = %q, want 8", v)
	}

	res = c.post("/school/classes", url.Values{"grade": {"x"}, "name": {""}})
	wantStatus(t, "empty form", res, http.StatusUnprocessableEntity)
	if fieldError(t, res, "grade") == "" || fieldError(t, res, "name") == "" {
		t.Error("empty form: messages missing")
	}
}

func TestSchoolEditArchiveAndNewCode(t *testing.T) {
	e := mustEnv(t)
	c := e.login("teacher")
	_, demo := demoClass(t, e)
	page := "/school/classes/" + strconv.FormatInt(demo.ID, 10)

	res := c.post(page+"/edit", url.Values{"grade": {"7"}, "name": {"初一（9）班"}})
	wantStatus(t, "edit", res, http.StatusSeeOther)
	if h1 := strings.TrimSpace(c.get(page).Doc(t).Find("h1").Text()); h1 != "初一（9）班" {
		t.Errorf("renamed class h1 = %q", h1)
	}
	res = c.post(page+"/edit", url.Values{"grade": {"12"}, "name": {"初一（9）班"}})
	wantStatus(t, "edit to a wrong grade", res, http.StatusUnprocessableEntity)
	if fieldError(t, res, "grade") == "" {
		t.Error("edit: no message next to grade")
	}

	wantStatus(t, "new code", c.post(page+"/code", nil), http.StatusSeeOther)
	code := strings.TrimSpace(c.get(page).Doc(t).Find("#join-code").Text())
	if code == seed.DemoJoinCode || len(code) != portal.JoinCodeLength {
		t.Errorf("new join code = %q", code)
	}
	res = e.client().post("/join", url.Values{"code": {seed.DemoJoinCode}, "name": {"李明"}, "number": {"3"}, "pin": {testPIN}})
	wantStatus(t, "join with the old code", res, http.StatusUnprocessableEntity)

	wantStatus(t, "archive", c.post(page+"/archive", nil), http.StatusSeeOther)
	item := classItem(c.get("/school/classes").Doc(t), "初一（9）班")
	if item.Find(".archived").Length() != 1 {
		t.Error("archived class not marked in the list")
	}
	if c.get("/school").Doc(t).Find(`.class-list a[href="`+page+`"]`).Length() != 0 {
		t.Error("archived class still on the overview")
	}
	wantStatus(t, "restore", c.post(page+"/restore", nil), http.StatusSeeOther)
	if c.get("/school/classes").Doc(t).Find(".archived").Length() != 0 {
		t.Error("restored class still marked archived")
	}
}

func TestSchoolYearSwitch(t *testing.T) {
	e := mustEnv(t)
	c := e.login("teacher")
	res := c.get("/school/classes")
	wantStatus(t, "classes", res, http.StatusOK)
	current := strconv.Itoa(portal.SchoolYear(e.Now))
	if v, _ := res.Doc(t).Find(`select[name="year"] option[selected]`).Attr("value"); v != current {
		t.Errorf("selected year = %q, want %s", v, current)
	}
	wantStatus(t, "earlier year", c.get("/school/classes?year=2020"), http.StatusOK)
	for _, q := range []string{"abc", "1999", strconv.Itoa(portal.SchoolYear(e.Now) + 1)} {
		wantStatus(t, "year "+q, c.get("/school/classes?year="+q), http.StatusNotFound)
	}
}

func TestSchoolQRAndSlip(t *testing.T) {
	e := mustEnv(t)
	c := e.login("teacher")
	_, demo := demoClass(t, e)
	page := "/school/classes/" + strconv.FormatInt(demo.ID, 10)

	res := c.get(page + "/qr.png")
	wantStatus(t, "qr", res, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); ct != "image/png" {
		t.Errorf("QR Content-Type = %q", ct)
	}
	if !strings.HasPrefix(res.Body, "\x89PNG\r\n\x1a\n") {
		t.Error("QR body is not a PNG")
	}
	if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "private") {
		t.Errorf("QR Cache-Control = %q", cc)
	}

	res = c.get(page + "/slip")
	wantStatus(t, "slip", res, http.StatusOK)
	doc := res.Doc(t)
	slips := doc.Find(".slips .slip")
	if slips.Length() < 6 {
		t.Errorf("slips per page = %d, want at least 6", slips.Length())
	}
	slips.Each(func(i int, s *goquery.Selection) {
		if code := strings.TrimSpace(s.Find(".code").Text()); code != seed.DemoJoinCode {
			t.Errorf("slip %d code = %q", i, code)
		}
		if u := s.Find(".slip-url").Text(); u != e.Srv.URL+"/join?code="+seed.DemoJoinCode {
			t.Errorf("slip %d URL = %q", i, u)
		}
		if src, _ := s.Find("img").Attr("src"); !strings.HasPrefix(src, page+"/qr.png") {
			t.Errorf("slip %d QR src = %q", i, src)
		}
	})
	if doc.Find("button[data-print]").Length() != 1 {
		t.Error("no print button")
	}
}

func TestSchoolRemoveStudentEndsSession(t *testing.T) {
	e := mustEnv(t)
	_, demo := demoClass(t, e)
	st := e.student("陈小红", "7")
	wantStatus(t, "student home", st.get("/student"), http.StatusOK)

	c := e.login("teacher")
	page := "/school/classes/" + strconv.FormatInt(demo.ID, 10)
	doc := c.get(page).Doc(t)
	row := doc.Find("table.students tbody tr").FilterFunction(func(_ int, s *goquery.Selection) bool {
		return s.Find(".student-name").Text() == "陈小红"
	})
	if row.Length() != 1 {
		t.Fatal("student not listed on the class page")
	}
	form := row.Find(`form[action$="/remove"]`)
	if msg, _ := form.Attr("data-confirm"); !strings.Contains(msg, "陈小红") {
		t.Errorf("remove confirm = %q", msg)
	}
	action, _ := form.Attr("action")
	wantStatus(t, "remove", c.post(action, nil), http.StatusSeeOther)
	if c.get(page).Doc(t).Find("table.students").Length() != 0 {
		t.Error("student still listed after removal")
	}

	res := st.get("/student")
	wantStatus(t, "removed student's home", res, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, "/login") {
		t.Errorf("removed student sent to %q, want /login", loc)
	}
}

func TestSchoolConsent(t *testing.T) {
	e := mustEnv(t)
	c := e.login("teacher")
	page := createClass(t, c, "9", "初三（8）班")
	reminderHas := func() bool {
		res := c.get("/school")
		wantStatus(t, "school home", res, http.StatusOK)
		return res.Doc(t).Find(`#consent-reminder a[href="`+page+`#consent"]`).Length() == 1
	}
	if !reminderHas() {
		t.Fatal("new class without consent not in the reminder")
	}

	future := e.Now.AddDate(0, 0, 3).Format("2006-01-02")
	res := c.post(page+"/consent", url.Values{"date": {future}, "version": {portal.ConsentNoticeVersion}})
	wantStatus(t, "future consent", res, http.StatusUnprocessableEntity)
	if fieldError(t, res, "date") == "" {
		t.Error("future date: no message next to date")
	}
	if v := inputValue(t, res, "date"); v != future {
		t.Errorf("date kept = %q", v)
	}
	res = c.post(page+"/consent", url.Values{"date": {"not a date"}, "version": {portal.ConsentNoticeVersion}})
	wantStatus(t, "bad date", res, http.StatusUnprocessableEntity)

	res = c.post(page+"/consent", url.Values{"date": {"2026-09-10"}, "version": {portal.ConsentNoticeVersion}})
	wantStatus(t, "consent", res, http.StatusSeeOther)
	if reminderHas() {
		t.Error("class still in the reminder after consent was recorded")
	}
	status := c.get(page).Doc(t).Find(".consent-status.ok").Text()
	if !strings.Contains(status, "2026-09-10") || !strings.Contains(status, portal.ConsentNoticeVersion) {
		t.Errorf("consent status = %q", status)
	}
}

func TestSchoolNotice(t *testing.T) {
	e := mustEnv(t)
	res := e.login("teacher").get("/school/notice")
	wantStatus(t, "notice", res, http.StatusOK)
	doc := res.Doc(t)
	if v := doc.Find("#notice-version").Text(); !strings.Contains(v, portal.ConsentNoticeVersion) {
		t.Errorf("notice version line = %q", v)
	}
	if doc.Find("button[data-print]").Length() != 1 {
		t.Error("no print button")
	}
}
