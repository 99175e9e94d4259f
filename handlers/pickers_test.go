package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/jinducity/portal/store"
)

func TestSchoolPicker(t *testing.T) {
	e := mustEnv(t)
	ctx := context.Background()
	admin := e.login("admin")
	page := admin.get("/admin/demonstrations/new")
	if page.Doc(t).Find(`select[name="school_id"]`).Length() != 0 || page.Doc(t).Find(`input[name="school"]`).Length() != 1 {
		t.Fatal("the designation form still lists every school in a drop-down")
	}
	schools, _, _ := e.Store.ListSchools(ctx, store.SchoolFilter{})
	target := schools[len(schools)-1]
	// A part of a name that only one school has.
	var part string
	for _, n := range []int{4, 5, 6, 8} {
		r := []rune(target.Name)
		if n > len(r) {
			break
		}
		cand := string(r[len(r)-n:])
		if _, total, _ := e.Store.ListSchools(ctx, store.SchoolFilter{Query: cand}); total == 1 {
			part = cand
			break
		}
	}
	if part == "" {
		part = target.Name
	}
	res := admin.post("/admin/demonstrations/new", url.Values{"school": {part}, "level": {"city"}, "year": {"2025"}})
	wantStatus(t, "designate by part of the name", res, http.StatusSeeOther)
	list, _ := e.Store.ListDemonstrations(ctx, true)
	found := false
	for _, d := range list {
		if d.SchoolID == target.ID {
			found = true
		}
	}
	if !found {
		t.Errorf("%s not designated by %q", target.Name, part)
	}
	// A part many schools share: the matches to choose from, then the choice.
	common := "学校"
	if _, total, _ := e.Store.ListSchools(ctx, store.SchoolFilter{Query: "小学"}); total > 1 {
		common = "小学"
	}
	res = admin.post("/admin/demonstrations/new", url.Values{"school": {common}, "level": {"city"}, "year": {"2025"}})
	wantStatus(t, "several match", res, http.StatusUnprocessableEntity)
	radios := res.Doc(t).Find(`.school-matches input[name="school_id"]`)
	if radios.Length() < 2 || radios.Length() > 10 || fieldError(t, res, "school_id") == "" {
		t.Fatalf("%d matches offered, message %q", radios.Length(), fieldError(t, res, "school_id"))
	}
	chosen := radios.Eq(1).AttrOr("value", "")
	res = admin.post("/admin/demonstrations/new", url.Values{"school": {common}, "school_id": {chosen}, "level": {"provincial"}, "year": {"2025"}})
	wantStatus(t, "choose a match", res, http.StatusSeeOther)
	res = admin.post("/admin/demonstrations/new", url.Values{"school": {"不存在的学校名"}, "level": {"city"}, "year": {"2025"}})
	wantStatus(t, "no match", res, http.StatusUnprocessableEntity)
	if got := fieldError(t, res, "school_id"); !strings.Contains(got, "没有找到") || inputValue(t, res, "school") != "不存在的学校名" {
		t.Errorf("no match: message %q, field %q", got, inputValue(t, res, "school"))
	}
	// The suggestions htmx asks for.
	req, _ := http.NewRequest(http.MethodGet, e.Srv.URL+"/admin/schools/suggest?school="+url.QueryEscape(common), nil)
	req.Header.Set("HX-Request", "true")
	sug := admin.do(req)
	wantStatus(t, "suggest", sug, http.StatusOK)
	if n := sug.Doc(t).Find("datalist#school-suggestions option").Length(); n < 2 || n > 20 {
		t.Errorf("%d suggestions", n)
	}
	// An account's school by name, and the edit form shows it.
	teacher, _, _ := e.Store.UserCredentials(ctx, "teacher")
	res = admin.get("/admin/users/" + itoa(int(teacher.ID)) + "/edit")
	sc, _ := e.Store.GetSchool(ctx, teacher.SchoolID, 2026)
	if inputValue(t, res, "school") != sc.Name {
		t.Errorf("edit form's school = %q, want %s", inputValue(t, res, "school"), sc.Name)
	}
	if res.Doc(t).Find(`select[name="school_id"], select[name="association_id"]`).Length() != 0 {
		t.Error("the account form still lists every school or association in a drop-down")
	}
}

func TestDistrictSchoolsSearchAndPages(t *testing.T) {
	e := mustEnv(t)
	ctx := context.Background()
	reviewer, _, _ := e.Store.UserCredentials(ctx, "district")
	schools, _ := e.Store.DistrictSchools(ctx, reviewer.DistrictID, 2026)
	c := e.login("district")
	target := schools[len(schools)-1]
	res := c.get("/district/?q=" + url.QueryEscape(target.Name))
	wantStatus(t, "search", res, http.StatusOK)
	doc := res.Doc(t)
	if n := doc.Find("table.district-schools tbody tr").Length(); n != 1 {
		t.Errorf("search for %s: %d rows", target.Name, n)
	}
	if doc.Find("table.district-schools tfoot").Length() != 0 {
		t.Error("a searched table shows the district's totals")
	}
	if v := inputValue(t, res, "q"); v != target.Name {
		t.Errorf("search field %q", v)
	}
	// Another district's school is not found in the reviewer's table.
	others, _, _ := e.Store.ListSchools(ctx, store.SchoolFilter{})
	for _, sc := range others {
		if sc.DistrictID != reviewer.DistrictID {
			if n := c.get("/district/?q=" + url.QueryEscape(sc.Name)).Doc(t).Find("table.district-schools tbody tr").Length(); n != 0 {
				t.Errorf("another district's %s shown", sc.Name)
			}
			break
		}
	}
}

func TestAdminSchoolsSorted(t *testing.T) {
	e := mustEnv(t)
	admin := e.login("admin")
	var last = 1 << 30
	admin.get("/admin/schools?sort=-enrolment").Doc(t).Find("#schools tbody td.num").Each(func(i int, s *goquery.Selection) {
		n, err := strconv.Atoi(strings.TrimSpace(s.Text()))
		if err != nil || n > last {
			t.Errorf("row %d: enrolment %q after %d", i, s.Text(), last)
		}
		last = n
	})
	if last == 1<<30 {
		t.Fatal("no rows")
	}
	rows := mustCSV(t, download(t, admin, "/admin/schools?format=csv&sort=enrolment", "text/csv; charset=utf-8", "学校名单"))
	prev := -1
	for _, r := range rows[1:] {
		n, _ := strconv.Atoi(r[3])
		if n < prev {
			t.Fatalf("export not in the page's order: %d after %d", n, prev)
		}
		prev = n
	}
}
