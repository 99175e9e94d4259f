package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/jinducity/portal"
)

func TestSchoolOtherSchoolIsNotFound(t *testing.T) {
	e := mustEnv(t)
	ctx := context.Background()
	schoolA, demo := demoClass(t, e)
	a, err := e.Store.GetSchool(ctx, schoolA, portal.SchoolYear(e.Now))
	if err != nil {
		t.Fatal(err)
	}
	b := &portal.School{DistrictID: a.DistrictID, Name: "云溪区第二小学", Stage: portal.StagePrimary, Enrolment: 600}
	if err := e.Store.CreateSchool(ctx, portal.SystemActor, b); err != nil {
		t.Fatal(err)
	}
	classB := &portal.Class{SchoolID: b.ID, SchoolYear: portal.SchoolYear(e.Now), Grade: 3, Name: "三年级（1）班"}
	if err := e.Store.CreateClass(ctx, portal.SystemActor, classB); err != nil {
		t.Fatal(err)
	}
	hash, err := portal.HashPassword("demo12345")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Store.CreateUser(ctx, portal.SystemActor, &portal.User{Username: "teacherb", DisplayName: "赵老师",
		Role: portal.RoleTeacher, SchoolID: b.ID}, hash); err != nil {
		t.Fatal(err)
	}
	e.student("王小明", "1")
	students, err := e.Store.ListStudents(ctx, demo.ID)
	if err != nil || len(students) != 1 {
		t.Fatalf("students = %v, %v", students, err)
	}

	check := func(c *client, classID, studentID int64) {
		t.Helper()
		p := "/school/classes/" + strconv.FormatInt(classID, 10)
		for _, path := range []string{p, p + "/edit", p + "/slip", p + "/qr.png"} {
			wantStatus(t, "GET "+path, c.get(path), http.StatusNotFound)
		}
		for _, path := range []string{p + "/edit", p + "/archive", p + "/restore", p + "/code", p + "/consent",
			p + "/students/" + strconv.FormatInt(studentID, 10) + "/remove"} {
			res := c.post(path, url.Values{"grade": {"7"}, "name": {"x"}, "date": {"2026-10-01"}, "version": {"v"}})
			wantStatus(t, "POST "+path, res, http.StatusNotFound)
		}
	}
	check(e.login("teacher"), classB.ID, 1)
	check(e.login("teacherb"), demo.ID, students[0].ID)

	// Nothing changed in the demo class.
	after, err := e.Store.GetClass(ctx, demo.ID)
	if err != nil {
		t.Fatal(err)
	}
	if after.Name != demo.Name || after.JoinCode != demo.JoinCode || after.Archived || after.HasConsent() != demo.HasConsent() || after.Students != 1 {
		t.Errorf("demo class changed by another school's teacher: %+v", after)
	}

	c := e.login("teacher")
	for _, path := range []string{"/school/classes/abc", "/school/classes/0", "/school/classes/-1",
		"/school/classes/99999", "/school/classes/1.5/slip", "/school/classes/99999999999999999999"} {
		wantStatus(t, "GET "+path, c.get(path), http.StatusNotFound)
	}
	p := "/school/classes/" + strconv.FormatInt(demo.ID, 10) + "/students/"
	for _, sid := range []string{"abc", "0", "99999"} {
		wantStatus(t, "remove "+sid, c.post(p+sid+"/remove", nil), http.StatusNotFound)
	}
}

func TestSchoolPagesRefuseOthers(t *testing.T) {
	e := mustEnv(t)
	_, demo := demoClass(t, e)
	st := e.student("刘洋", "12")
	page := "/school/classes/" + strconv.FormatInt(demo.ID, 10)
	for _, path := range []string{"/school", "/school/classes", page, page + "/qr.png", "/school/notice"} {
		wantStatus(t, "student GET "+path, st.get(path), http.StatusForbidden)
	}
	wantStatus(t, "student POST archive", st.post(page+"/archive", nil), http.StatusForbidden)
	wantStatus(t, "volunteer GET /school", e.login("volunteer").get("/school"), http.StatusForbidden)
	res := e.client().get(page)
	wantStatus(t, "anonymous", res, http.StatusSeeOther)
}
