package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

func TestAdminDistricts(t *testing.T) {
	e := mustEnv(t)
	c := e.login("admin")
	wantStatus(t, "create", c.post("/admin/districts/new", adminForm("name", " 松岭区 ", "code", "sl")), http.StatusSeeOther)

	var id string
	c.get("/admin/districts").Doc(t).Find("#districts tbody tr").Each(func(_ int, s *goquery.Selection) {
		if strings.TrimSpace(s.Find("td.name").Text()) == "松岭区" {
			href := s.Find(`a[href$="/edit"]`).AttrOr("href", "")
			id = strings.TrimSuffix(strings.TrimPrefix(href, "/admin/districts/"), "/edit")
			if got := strings.TrimSpace(s.Find("td.num").Text()); got != "0" {
				t.Errorf("new district school count = %q, want 0", got)
			}
		}
	})
	if id == "" {
		t.Fatal("new district not listed")
	}
	wantStatus(t, "school in it", c.post("/admin/schools/new", func() map[string][]string {
		f := adminSchoolForm("松岭测试小学")
		f.Set("district_id", id)
		return f
	}()), http.StatusSeeOther)
	c.get("/admin/districts").Doc(t).Find("#districts tbody tr").Each(func(_ int, s *goquery.Selection) {
		if strings.TrimSpace(s.Find("td.name").Text()) == "松岭区" {
			if got := strings.TrimSpace(s.Find("td.num").Text()); got != "1" {
				t.Errorf("district school count = %q, want 1", got)
			}
		}
	})

	edit := c.get("/admin/districts/" + id + "/edit")
	if inputValue(t, edit, "name") != "松岭区" || inputValue(t, edit, "code") != "SL" {
		t.Errorf("edit form: name %q code %q", inputValue(t, edit, "name"), inputValue(t, edit, "code"))
	}
	r := c.post("/admin/districts/"+id+"/edit", adminForm("name", "云溪区", "code", "SL2")) // the demo district's name
	wantStatus(t, "duplicate name", r, http.StatusUnprocessableEntity)
	if fieldError(t, r, "name") == "" || inputValue(t, r, "code") != "SL2" {
		t.Errorf("duplicate: message %q, code kept %q", fieldError(t, r, "name"), inputValue(t, r, "code"))
	}
	r = c.post("/admin/districts/new", adminForm("name", "", "code", ""))
	wantStatus(t, "empty name", r, http.StatusUnprocessableEntity)
	wantStatus(t, "rename", c.post("/admin/districts/"+id+"/edit", adminForm("name", "松岭新区", "code", "SL")), http.StatusSeeOther)
	if inputValue(t, c.get("/admin/districts/"+id+"/edit"), "name") != "松岭新区" {
		t.Error("rename not saved")
	}
}

func TestAdminAssociations(t *testing.T) {
	e := mustEnv(t)
	c := e.login("admin")
	wantStatus(t, "create", c.post("/admin/associations", adminForm("name", "松岭测试志愿者协会", "district_id", "1")), http.StatusSeeOther)
	found := false
	c.get("/admin/associations").Doc(t).Find("#associations td.name").Each(func(_ int, s *goquery.Selection) {
		found = found || strings.TrimSpace(s.Text()) == "松岭测试志愿者协会"
	})
	if !found {
		t.Error("new association not listed")
	}
	r := c.post("/admin/associations", adminForm("name", "松岭测试志愿者协会"))
	wantStatus(t, "duplicate", r, http.StatusUnprocessableEntity)
	if fieldError(t, r, "name") == "" {
		t.Error("duplicate association: no message")
	}
	r = c.post("/admin/associations", adminForm("name", "另一个测试协会", "district_id", "999"))
	wantStatus(t, "unknown district", r, http.StatusUnprocessableEntity)
	if fieldError(t, r, "district_id") == "" || inputValue(t, r, "name") != "另一个测试协会" {
		t.Error("unknown district: no message or name not kept")
	}
}

func TestAdminPagesTranslated(t *testing.T) {
	e := mustEnv(t)
	c := e.login("admin")
	for _, lang := range []string{"en", "zh-CN"} {
		c.get("/lang/" + lang)
		for _, p := range adminPages {
			wantStatus(t, lang+" "+p, c.get(p), http.StatusOK)
		}
		wantStatus(t, lang+" edit", c.get("/admin/users/"+adminUserID(t, e, "teacher")+"/edit"), http.StatusOK)
		wantStatus(t, lang+" edit school", c.get("/admin/schools/"+adminSchoolIDAny(t, e)+"/edit"), http.StatusOK)
	}
	if strings.Contains(e.Log.String(), "missing message") {
		t.Errorf("missing messages:\n%s", e.Log.String())
	}
}
