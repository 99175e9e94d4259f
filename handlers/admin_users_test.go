package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestAdminDisableAccountEndsItsSession(t *testing.T) {
	e := mustEnv(t)
	teacher := e.login("teacher")
	wantStatus(t, "teacher before", teacher.get("/school"), http.StatusOK)

	admin := e.login("admin")
	id := adminUserID(t, e, "teacher")
	r := admin.post("/admin/users/"+id+"/disable", nil)
	wantStatus(t, "disable teacher", r, http.StatusSeeOther)
	page := admin.get(r.Header.Get("Location"))
	if page.Doc(t).Find(".warning").Length() != 1 {
		t.Error("disabled account's page shows no warning")
	}

	r = teacher.get("/school")
	wantStatus(t, "teacher after", r, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); !strings.HasPrefix(loc, "/login") {
		t.Errorf("teacher after disable: Location = %q, want /login…", loc)
	}
	res := e.client().post("/login", url.Values{"username": {"teacher"}, "password": {"demo12345"}})
	wantStatus(t, "disabled login", res, http.StatusUnauthorized)

	wantStatus(t, "enable teacher", admin.post("/admin/users/"+id+"/enable", nil), http.StatusSeeOther)
	e.login("teacher")
}

func TestAdminCannotDisableThemself(t *testing.T) {
	e := mustEnv(t)
	admin := e.login("admin")
	r := admin.post("/admin/users/"+adminUserID(t, e, "admin")+"/disable", nil)
	wantStatus(t, "disable self", r, http.StatusUnprocessableEntity)
	if msg := strings.TrimSpace(r.Doc(t).Find(".form-error").Text()); msg != "不能停用自己正在使用的账号。" {
		t.Errorf("disable self message = %q", msg)
	}
	wantStatus(t, "admin still works", admin.get("/admin"), http.StatusOK)
}

func TestAdminResetPasswordShowsOneTimePassword(t *testing.T) {
	e := mustEnv(t)
	teacher := e.login("teacher")
	admin := e.login("admin")
	r := admin.post("/admin/users/"+adminUserID(t, e, "teacher")+"/reset-password", nil)
	wantStatus(t, "reset", r, http.StatusOK)
	if cc := r.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("one-time password page Cache-Control = %q, want no-store", cc)
	}
	pw := strings.TrimSpace(r.Doc(t).Find("#one-time-password").Text())
	if len(pw) < 8 {
		t.Fatalf("one-time password = %q", pw)
	}
	if strings.Contains(r.Body, "$2a$") {
		t.Error("reset page shows a password hash")
	}
	wantStatus(t, "teacher's old session", teacher.get("/school"), http.StatusSeeOther)
	if res := e.client().post("/login", url.Values{"username": {"teacher"}, "password": {"demo12345"}}); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("old password still works: status %d", res.StatusCode)
	}

	c := e.client()
	res := c.post("/login", url.Values{"username": {"teacher"}, "password": {pw}})
	wantStatus(t, "login with one-time password", res, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/account/password" {
		t.Errorf("after login: Location = %q, want /account/password", loc)
	}
	if loc := c.get("/school").Header.Get("Location"); loc != "/account/password" {
		t.Errorf("before changing: /school goes to %q, want /account/password", loc)
	}
	res = c.post("/account/password", url.Values{"current": {pw}, "new": {"my-own-password"}, "again": {"my-own-password"}})
	wantStatus(t, "change password", res, http.StatusSeeOther)
	wantStatus(t, "school after change", c.get("/school"), http.StatusOK)

	// The password is shown once: the account page does not show it again.
	if strings.Contains(admin.get("/admin/users/"+adminUserID(t, e, "teacher")+"/edit").Body, pw) {
		t.Error("account page shows the one-time password again")
	}
}

func TestAdminCreateAccount(t *testing.T) {
	e := mustEnv(t)
	admin := e.login("admin")

	// No password typed: a one-time password is generated and shown.
	r := admin.post("/admin/users/new", adminForm("username", "Zhao.Li", "display_name", "赵丽", "role", "teacher",
		"school_id", adminSchoolIDAny(t, e), "district_id", "1"))
	wantStatus(t, "create teacher", r, http.StatusOK)
	pw := strings.TrimSpace(r.Doc(t).Find("#one-time-password").Text())
	if len(pw) < 8 {
		t.Fatalf("one-time password = %q", pw)
	}
	c := e.client()
	res := c.post("/login", url.Values{"username": {"zhao.li"}, "password": {pw}})
	wantStatus(t, "new account login", res, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/account/password" {
		t.Errorf("new account: Location = %q, want /account/password", loc)
	}

	row := admin.get("/admin/users?q=zhao").Doc(t).Find("#users tbody tr")
	if row.Length() != 1 || strings.TrimSpace(row.Find(".username").Text()) != "zhao.li" {
		t.Fatalf("list after create: %d rows", row.Length())
	}
	if row.Find(".badge.off").Length() != 0 {
		t.Error("new account shown as disabled")
	}

	// A typed password: a redirect, and the user still must change it.
	r = admin.post("/admin/users/new", adminForm("username", "qian", "display_name", "钱审核", "role", "district",
		"district_id", "1", "password", "initial-pass-1"))
	wantStatus(t, "create reviewer", r, http.StatusSeeOther)
	res = e.client().post("/login", url.Values{"username": {"qian"}, "password": {"initial-pass-1"}})
	if loc := res.Header.Get("Location"); loc != "/account/password" {
		t.Errorf("typed password: Location = %q, want /account/password", loc)
	}
}

func TestAdminAccountFormErrors(t *testing.T) {
	e := mustEnv(t)
	admin := e.login("admin")
	r := admin.post("/admin/users/new", adminForm("username", "teacher", "display_name", "重名", "role", "admin"))
	wantStatus(t, "duplicate username", r, http.StatusUnprocessableEntity)
	if fieldError(t, r, "username") == "" || inputValue(t, r, "display_name") != "重名" {
		t.Errorf("duplicate username: message %q, display name kept %q", fieldError(t, r, "username"), inputValue(t, r, "display_name"))
	}
	r = admin.post("/admin/users/new", adminForm("username", "sun", "display_name", "孙老师", "role", "teacher"))
	wantStatus(t, "teacher without school", r, http.StatusUnprocessableEntity)
	if fieldError(t, r, "school_id") == "" {
		t.Error("teacher without school: no message next to the school")
	}
	r = admin.post("/admin/users/new", adminForm("username", "sun", "display_name", "孙老师", "role", "admin", "password", "short"))
	wantStatus(t, "short password", r, http.StatusUnprocessableEntity)
	if fieldError(t, r, "password") == "" || inputValue(t, r, "password") != "" {
		t.Error("short password: no message, or the password was sent back")
	}

	id := adminUserID(t, e, "volunteer")
	r = admin.post("/admin/users/"+id+"/edit", adminForm("display_name", "", "role", "volunteer"))
	wantStatus(t, "empty name", r, http.StatusUnprocessableEntity)
	if fieldError(t, r, "display_name") == "" {
		t.Error("empty display name: no message")
	}
	r = admin.post("/admin/users/"+adminUserID(t, e, "admin")+"/edit", adminForm("display_name", "管理员", "role", "volunteer"))
	wantStatus(t, "demote self", r, http.StatusUnprocessableEntity)
	if fieldError(t, r, "role") == "" {
		t.Error("demote self: no message next to the role")
	}
}

func TestAdminEditAccountChangesRole(t *testing.T) {
	e := mustEnv(t)
	volunteer := e.login("volunteer")
	admin := e.login("admin")
	id := adminUserID(t, e, "volunteer")
	r := admin.post("/admin/users/"+id+"/edit", adminForm("display_name", "张审核", "role", "district", "district_id", "1"))
	wantStatus(t, "edit", r, http.StatusSeeOther)
	if got := inputValue(t, admin.get("/admin/users/"+id+"/edit"), "display_name"); got != "张审核" {
		t.Errorf("display name after edit = %q", got)
	}
	// A change of role ends the account's sessions.
	wantStatus(t, "old session", volunteer.get("/account"), http.StatusSeeOther)
	res := e.login("volunteer").get("/district")
	wantStatus(t, "new role", res, http.StatusOK)
}
