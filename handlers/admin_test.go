package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/jinducity/portal/store"
)

// adminPages are GET pages of the admin's area, for access checks.
var adminPages = []string{
	"/admin", "/admin/districts", "/admin/districts/new", "/admin/schools", "/admin/schools/new",
	"/admin/users", "/admin/users/new", "/admin/associations", "/admin/demonstrations",
	"/admin/demonstrations/new", "/admin/audit",
}

func TestAdminPagesOnlyForAdmin(t *testing.T) {
	e := mustEnv(t)
	admin := e.login("admin")
	for _, p := range adminPages {
		wantStatus(t, "admin GET "+p, admin.get(p), http.StatusOK)
	}
	anon := e.client()
	for _, p := range adminPages {
		r := anon.get(p)
		wantStatus(t, "logged out GET "+p, r, http.StatusSeeOther)
		if loc := r.Header.Get("Location"); !strings.HasPrefix(loc, "/login") {
			t.Errorf("logged out GET %s: Location = %q, want /login…", p, loc)
		}
	}
	for _, role := range []string{"district", "teacher", "coordinator", "volunteer"} {
		c := e.login(role)
		for _, p := range adminPages {
			wantStatus(t, role+" GET "+p, c.get(p), http.StatusForbidden)
		}
		wantStatus(t, role+" POST disable", c.post("/admin/schools/1/disable", nil), http.StatusForbidden)
	}
}

func TestAdminHomeLinksToEverySection(t *testing.T) {
	e := mustEnv(t)
	doc := e.login("admin").get("/admin").Doc(t)
	for _, href := range []string{"/admin/schools", "/admin/users", "/admin/demonstrations", "/admin/districts",
		"/admin/associations", "/admin/audit"} {
		if doc.Find(`a.admin-card[href="`+href+`"]`).Length() != 1 {
			t.Errorf("admin home: no card linking to %s", href)
		}
	}
	if n := doc.Find(".figure").Length(); n < 4 {
		t.Errorf("admin home: %d figures, want at least 4", n)
	}
}

func TestAdminMalformedAndUnknownIDs(t *testing.T) {
	e := mustEnv(t)
	c := e.login("admin")
	for _, id := range []string{"abc", "0", "-1", "99999", "1.5", "99999999999999999999999"} {
		for _, p := range []string{"/admin/schools/" + id + "/edit", "/admin/users/" + id + "/edit", "/admin/districts/" + id + "/edit"} {
			wantStatus(t, "GET "+p, c.get(p), http.StatusNotFound)
			wantStatus(t, "POST "+p, c.post(p, nil), http.StatusNotFound)
		}
		for _, p := range []string{"/admin/schools/" + id + "/disable", "/admin/schools/" + id + "/enable",
			"/admin/users/" + id + "/disable", "/admin/users/" + id + "/enable", "/admin/users/" + id + "/reset-password",
			"/admin/demonstrations/" + id + "/revoke"} {
			wantStatus(t, "POST "+p, c.post(p, nil), http.StatusNotFound)
		}
	}
	if strings.Contains(e.Log.String(), "internal error") {
		t.Errorf("malformed IDs logged internal errors:\n%s", e.Log.String())
	}
}

func TestAdminAuditLogShowsActions(t *testing.T) {
	e := mustEnv(t)
	c := e.login("admin")
	wantStatus(t, "create district", c.post("/admin/districts/new", adminForm("name", "青山区", "code", "QS")), http.StatusSeeOther)
	wantStatus(t, "disable teacher", c.post("/admin/users/"+adminUserID(t, e, "teacher")+"/disable", nil), http.StatusSeeOther)

	doc := c.get("/admin/audit").Doc(t)
	first := doc.Find("#audit tbody tr").First()
	if got := first.AttrOr("data-action", ""); got != "user.disable" {
		t.Errorf("newest audit row action = %q, want user.disable", got)
	}
	if got := strings.TrimSpace(first.Find(".action").Text()); got != "停用账号" {
		t.Errorf("newest audit row shows %q, want 停用账号", got)
	}
	if got := strings.TrimSpace(first.Find(".actor").Text()); got != "admin" {
		t.Errorf("newest audit row actor = %q, want admin", got)
	}
	if href := first.Find(".entity a").AttrOr("href", ""); href != "/admin/users/"+adminUserID(t, e, "teacher")+"/edit" {
		t.Errorf("newest audit row links to %q, want the teacher's account", href)
	}

	doc = c.get("/admin/audit?entity=district&actor=admin").Doc(t)
	rows := doc.Find("#audit tbody tr")
	if rows.Length() != 1 || rows.AttrOr("data-action", "") != "district.create" {
		t.Errorf("district filter: %d rows, first %q; want the one district.create", rows.Length(), rows.AttrOr("data-action", ""))
	}
	if !strings.Contains(rows.Find(".detail").Text(), "青山区") {
		t.Errorf("district.create detail = %q, want the name", rows.Find(".detail").Text())
	}
	if v := doc.Find(`select[name="entity"] option[selected]`).AttrOr("value", ""); v != "district" {
		t.Errorf("entity filter kept = %q, want district", v)
	}
	if n := c.get("/admin/audit?actor=nobody").Doc(t).Find("#audit tbody tr").Length(); n != 0 {
		t.Errorf("actor filter nobody: %d rows, want 0", n)
	}
}

// adminUserID returns the ID of an account, as a string for URLs.
func adminUserID(t *testing.T, e *testEnv, username string) string {
	t.Helper()
	users, _, err := e.Store.ListUsers(context.Background(), store.UserFilter{Query: username})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if u.Username == username {
			return adminItoa(u.ID)
		}
	}
	t.Fatalf("no account %s", username)
	return ""
}

// adminSchoolID returns the ID of a school by its exact name, as a string for URLs.
func adminSchoolID(t *testing.T, e *testEnv, name string) string {
	t.Helper()
	schools, _, err := e.Store.ListSchools(context.Background(), store.SchoolFilter{Query: name, IncludeInactive: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range schools {
		if s.Name == name {
			return adminItoa(s.ID)
		}
	}
	t.Fatalf("no school %s", name)
	return ""
}

// adminForm builds url.Values from name/value pairs.
func adminForm(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

func adminItoa(n int64) string { return strconv.FormatInt(n, 10) }

// adminSchoolIDAny returns the ID of some active school.
func adminSchoolIDAny(t *testing.T, e *testEnv) string {
	t.Helper()
	schools, _, err := e.Store.ListSchools(context.Background(), store.SchoolFilter{Limit: 1})
	if err != nil || len(schools) == 0 {
		t.Fatalf("no school: %v", err)
	}
	return adminItoa(schools[0].ID)
}
