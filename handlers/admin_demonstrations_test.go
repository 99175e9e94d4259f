package handlers_test

import (
	"net/http"
	"strconv"
	"testing"
)

func TestAdminDesignateTwiceKeepsOneActive(t *testing.T) {
	e := mustEnv(t)
	c := e.login("admin")
	wantStatus(t, "school", c.post("/admin/schools/new", adminSchoolForm("金桂测试小学")), http.StatusSeeOther)
	id := adminSchoolID(t, e, "金桂测试小学")
	year := strconv.Itoa(e.Now.Year())

	r := c.post("/admin/demonstrations/new", adminForm("school_id", id, "level", "city", "year", "2024", "note", "首批"))
	wantStatus(t, "designate city", r, http.StatusSeeOther)
	r = c.post("/admin/demonstrations/new", adminForm("school_id", id, "level", "provincial", "year", year))
	wantStatus(t, "designate provincial", r, http.StatusSeeOther)

	doc := c.get("/admin/demonstrations").Doc(t)
	rows := doc.Find(`tr.demo[data-school="` + id + `"]`)
	if rows.Length() != 2 {
		t.Fatalf("designations of the school: %d rows, want 2", rows.Length())
	}
	active := doc.Find(`tr.demo-active[data-school="` + id + `"]`)
	if active.Length() != 1 || active.Closest("section").AttrOr("id", "") != "level-provincial" {
		t.Errorf("active designations: %d, in %q; want 1 in level-provincial", active.Length(), active.Closest("section").AttrOr("id", ""))
	}
	if doc.Find(`#level-city tr.demo-revoked[data-school="`+id+`"]`).Length() != 1 {
		t.Error("the city designation is not listed as revoked")
	}

	form := active.Find("form")
	action, _ := form.Attr("action")
	wantStatus(t, "revoke", c.post(action, nil), http.StatusSeeOther)
	wantStatus(t, "revoke again", c.post(action, nil), http.StatusNotFound)
	if n := c.get("/admin/demonstrations").Doc(t).Find(`tr.demo-active[data-school="` + id + `"]`).Length(); n != 0 {
		t.Errorf("after revoke: %d active", n)
	}
}

func TestAdminDesignateFormErrors(t *testing.T) {
	e := mustEnv(t)
	c := e.login("admin")
	id := adminSchoolIDAny(t, e)
	next := strconv.Itoa(e.Now.Year() + 1)
	r := c.post("/admin/demonstrations/new", adminForm("school_id", id, "level", "city", "year", next, "note", "明年"))
	wantStatus(t, "future year", r, http.StatusUnprocessableEntity)
	if fieldError(t, r, "year") == "" || inputValue(t, r, "year") != next {
		t.Errorf("future year: message %q, kept %q", fieldError(t, r, "year"), inputValue(t, r, "year"))
	}
	if got := r.Doc(t).Find(`textarea[name="note"]`).Text(); got != "明年" {
		t.Errorf("note kept = %q", got)
	}
	r = c.post("/admin/demonstrations/new", adminForm("school_id", "99999", "level", "county", "year", "2020"))
	wantStatus(t, "bad school and level", r, http.StatusUnprocessableEntity)
	if fieldError(t, r, "level") == "" {
		t.Error("bad level: no message")
	}
	r = c.post("/admin/demonstrations/new", adminForm("school_id", "99999", "level", "city", "year", "2020"))
	wantStatus(t, "unknown school", r, http.StatusUnprocessableEntity)
	if fieldError(t, r, "school_id") == "" {
		t.Error("unknown school: no message")
	}
}
