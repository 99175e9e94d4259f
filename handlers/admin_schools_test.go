package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/jinducity/portal"
)

// adminSchoolForm is a valid school form for the first demo district.
func adminSchoolForm(name string) url.Values {
	return adminForm("name", name, "district_id", "1", "stage", "primary", "enrolment", "640",
		"has_graduating", "1", "address", "云溪区滨河路 12 号", "contact_name", "陈主任", "contact_phone", "0571-88886666")
}

func TestAdminCreateSchoolAppearsInList(t *testing.T) {
	e := mustEnv(t)
	c := e.login("admin")
	r := c.post("/admin/schools/new", adminSchoolForm("青禾测试小学"))
	wantStatus(t, "create school", r, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != "/admin/schools" {
		t.Errorf("after create: Location = %q", loc)
	}
	list := c.get("/admin/schools?q=青禾测试")
	if n := list.Doc(t).Find(".notice").Length(); n != 1 {
		t.Errorf("notice after create: %d, want 1", n)
	}
	names := list.Doc(t).Find("#schools td.name").Map(func(_ int, s *goquery.Selection) string { return strings.TrimSpace(s.Text()) })
	if len(names) != 1 || names[0] != "青禾测试小学" {
		t.Errorf("search 青禾测试 lists %q", names)
	}
	edit := c.get("/admin/schools/" + adminSchoolID(t, e, "青禾测试小学") + "/edit")
	for field, want := range map[string]string{"name": "青禾测试小学", "enrolment": "640", "contact_phone": "0571-88886666"} {
		if got := inputValue(t, edit, field); got != want {
			t.Errorf("edit form %s = %q, want %q", field, got, want)
		}
	}
	if _, ok := edit.Doc(t).Find(`input[name="has_graduating"]`).Attr("checked"); !ok {
		t.Error("edit form: has_graduating not checked")
	}
}

func TestAdminSchoolFormErrors(t *testing.T) {
	e := mustEnv(t)
	c := e.login("admin")

	wantStatus(t, "first school", c.post("/admin/schools/new", adminSchoolForm("白鹭测试中学")), http.StatusSeeOther)
	dup := adminSchoolForm("白鹭测试中学")
	dup.Set("address", "新地址 8 号")
	r := c.post("/admin/schools/new", dup)
	wantStatus(t, "duplicate school name", r, http.StatusUnprocessableEntity)
	if msg := fieldError(t, r, "name"); msg != "这个名称已经被使用了。" {
		t.Errorf("duplicate name message = %q", msg)
	}
	if v := inputValue(t, r, "address"); v != "新地址 8 号" {
		t.Errorf("address kept = %q", v)
	}
	if v := inputValue(t, r, "name"); v != "白鹭测试中学" {
		t.Errorf("name kept = %q", v)
	}

	for _, bad := range []string{"-1", "abc", "20001", ""} {
		f := adminSchoolForm("白鹭测试小学")
		f.Set("enrolment", bad)
		r := c.post("/admin/schools/new", f)
		wantStatus(t, "enrolment "+bad, r, http.StatusUnprocessableEntity)
		if fieldError(t, r, "enrolment") == "" {
			t.Errorf("enrolment %q: no message next to the field", bad)
		}
		if v := inputValue(t, r, "enrolment"); v != bad {
			t.Errorf("enrolment %q kept as %q", bad, v)
		}
	}

	f := adminSchoolForm("白鹭测试小学")
	f.Set("district_id", "999")
	f.Set("stage", "university")
	r = c.post("/admin/schools/new", f)
	wantStatus(t, "unknown district and stage", r, http.StatusUnprocessableEntity)
	if fieldError(t, r, "stage") == "" {
		t.Error("bad stage: no message")
	}
	f.Set("stage", "primary")
	r = c.post("/admin/schools/new", f)
	wantStatus(t, "unknown district", r, http.StatusUnprocessableEntity)
	if fieldError(t, r, "district_id") == "" {
		t.Error("unknown district: no message")
	}
}

func TestAdminDisableSchoolShowsBadge(t *testing.T) {
	e := mustEnv(t)
	c := e.login("admin")
	wantStatus(t, "create", c.post("/admin/schools/new", adminSchoolForm("翠竹测试小学")), http.StatusSeeOther)
	id := adminSchoolID(t, e, "翠竹测试小学")
	wantStatus(t, "disable", c.post("/admin/schools/"+id+"/disable", nil), http.StatusSeeOther)
	row := c.get("/admin/schools?q=翠竹测试").Doc(t).Find("#schools tbody tr")
	if row.Length() != 1 || row.Find(".badge.off").Length() != 1 {
		t.Errorf("disabled school: %d rows, off badge %d; want 1 and 1", row.Length(), row.Find(".badge.off").Length())
	}
	wantStatus(t, "enable", c.post("/admin/schools/"+id+"/enable", nil), http.StatusSeeOther)
	row = c.get("/admin/schools?q=翠竹测试").Doc(t).Find("#schools tbody tr")
	if row.Find(".badge.off").Length() != 0 {
		t.Error("re-enabled school still shows the off badge")
	}
}

func TestAdminSchoolFilters(t *testing.T) {
	e := mustEnv(t)
	c := e.login("admin")
	wantStatus(t, "create", c.post("/admin/schools/new", adminSchoolForm("红枫测试小学")), http.StatusSeeOther)
	doc := c.get("/admin/schools?stage=junior").Doc(t)
	for _, n := range doc.Find("#schools td.name").Nodes {
		if strings.Contains(n.FirstChild.Data, "小学") {
			t.Errorf("stage=junior lists %q", n.FirstChild.Data)
		}
	}
	if v := doc.Find(`select[name="stage"] option[selected]`).AttrOr("value", ""); v != "junior" {
		t.Errorf("stage filter kept = %q", v)
	}
	if n := c.get("/admin/schools?district=999").Doc(t).Find("#schools tbody tr").Length(); n != 0 {
		t.Errorf("unknown district lists %d schools", n)
	}
}

// TestAdminEscapesFreeText posts markup into every free-text field of the admin's forms
// and checks that the lists show it as text, never as an element.
func TestAdminEscapesFreeText(t *testing.T) {
	e := mustEnv(t)
	c := e.login("admin")
	const evil = "<script>alert(1)</script>"
	wantStatus(t, "district", c.post("/admin/districts/new", adminForm("name", evil, "code", "<b>")), http.StatusSeeOther)
	f := adminSchoolForm(evil)
	f.Set("address", evil)
	f.Set("contact_name", "<img src=x>")
	wantStatus(t, "school", c.post("/admin/schools/new", f), http.StatusSeeOther)
	wantStatus(t, "account", c.post("/admin/users/new", adminForm("username", "evil", "display_name", evil,
		"role", "admin", "password", "a-long-password")), http.StatusSeeOther)
	wantStatus(t, "association", c.post("/admin/associations", adminForm("name", evil)), http.StatusSeeOther)

	for _, p := range []string{"/admin/districts", "/admin/schools", "/admin/users", "/admin/associations",
		"/admin/audit", "/admin/schools/" + adminSchoolID(t, e, evil) + "/edit", "/admin/demonstrations/new"} {
		doc := c.get(p).Doc(t)
		doc.Find("script").Each(func(_ int, s *goquery.Selection) {
			if _, ok := s.Attr("src"); !ok || strings.Contains(s.Text(), "alert") {
				t.Errorf("%s: script element not from the layout: %q", p, s.Text())
			}
		})
		if doc.Find("body img").Length() != 1 { // the logo
			t.Errorf("%s: %d img elements, want only the logo", p, doc.Find("body img").Length())
		}
		if doc.Find("td b, main b").Length() != 0 {
			t.Errorf("%s: a <b> element came through", p)
		}
	}
	if got := strings.TrimSpace(c.get("/admin/districts").Doc(t).Find("#districts td.name").Last().Text()); got != evil {
		t.Errorf("district name shown as %q, want the text %q", got, evil)
	}
}

func TestAdminSchoolListPages(t *testing.T) {
	e := mustEnv(t)
	ctx := context.Background()
	for i := range 25 {
		sc := &portal.School{DistrictID: 1, Name: fmt.Sprintf("分页测试小学%02d", i), Stage: portal.StagePrimary}
		if err := e.Store.CreateSchool(ctx, portal.SystemActor, sc); err != nil {
			t.Fatal(err)
		}
	}
	c := e.login("admin")
	doc := c.get("/admin/schools?q=分页测试").Doc(t)
	if n := doc.Find("#schools tbody tr").Length(); n != 20 {
		t.Errorf("page 1: %d rows, want 20", n)
	}
	next := doc.Find(`.pager a[rel="next"]`).AttrOr("href", "")
	if !strings.Contains(next, "page=2") || !strings.Contains(next, "q=") {
		t.Fatalf("next link = %q, want page 2 keeping the search", next)
	}
	doc = c.get(next).Doc(t)
	if n := doc.Find("#schools tbody tr").Length(); n != 5 {
		t.Errorf("page 2: %d rows, want 5", n)
	}
	if doc.Find(`.pager a[rel="prev"]`).Length() != 1 {
		t.Error("page 2 has no link back")
	}
	wantStatus(t, "page=abc", c.get("/admin/schools?page=abc"), http.StatusOK)
}
