package handlers_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/jinducity/portal"
)

func TestExportRosters(t *testing.T) {
	e := mustEnv(t)
	ctx := context.Background()
	teacher := e.login("teacher")
	demo := quizDemoClass(t, e)
	year := portal.SchoolYear(e.Now)
	classes, err := e.Store.ListClasses(ctx, demo.SchoolID, year, true)
	if err != nil {
		t.Fatal(err)
	}
	students := 0
	for _, c := range classes {
		list, _ := e.Store.ListStudents(ctx, c.ID)
		students += len(list)
	}
	_, _, rows := mustXLSX(t, download(t, teacher, "/school/classes?format=xlsx", xlsxType, "学生名册"))
	if got := strings.Join(rows[2], ","); got != "年级,班级,姓名,学号,加入时间" {
		t.Errorf("headings = %s", got)
	}
	if len(rows)-3 != students || students == 0 {
		t.Errorf("school roster: %d rows, want %d students", len(rows)-3, students)
	}
	// One class's roster: its students, numbers kept as written.
	own, _ := e.Store.ListStudents(ctx, demo.ID)
	csvRows := mustCSV(t, download(t, teacher, "/school/classes/"+itoa(int(demo.ID))+"/?format=csv", "text/csv; charset=utf-8", "学生名册"))
	if len(csvRows)-1 != len(own) {
		t.Fatalf("class roster: %d rows, want %d", len(csvRows)-1, len(own))
	}
	for i, st := range own {
		if r := csvRows[i+1]; r[1] != demo.Name || r[2] != st.Name || r[3] != st.Number {
			t.Errorf("row %d = %q, want %s %s %s", i, r, demo.Name, st.Name, st.Number)
		}
	}
	// Another school's teacher gets no roster of this class.
	res := e.login("teacher2").get("/school/classes/" + itoa(int(demo.ID)) + "/?format=csv")
	wantStatus(t, "other school's roster", res, http.StatusNotFound)
	if res.Header.Get("Content-Disposition") != "" {
		t.Error("refusal came as a download")
	}
}

func TestExportResultsOnlyToTeachers(t *testing.T) {
	e := mustEnv(t)
	demo := quizDemoClass(t, e)
	a := cityTest(t, e, "junior")
	path := "/school/classes/" + itoa(int(demo.ID)) + "/quizzes/" + itoa(int(a.ID))
	teacher := e.login("teacher")
	page := teacher.get(path).Doc(t)
	rows := mustCSV(t, download(t, teacher, path+"?format=csv", "text/csv; charset=utf-8", "测试成绩"))
	if len(rows)-1 != page.Find("table.quiz-results tbody tr").Length() {
		t.Errorf("%d rows, the page shows %d students", len(rows)-1, page.Find("table.quiz-results tbody tr").Length())
	}
	scored := 0
	for _, r := range rows[1:] {
		if r[2] == "" {
			continue
		}
		scored++
		score, _ := strconv.Atoi(r[2])
		max, _ := strconv.Atoi(r[3])
		if max == 0 || score > max || !strings.HasSuffix(r[4], "%") {
			t.Errorf("row %q: want score, maximum and a percentage", r)
		}
	}
	if strconv.Itoa(scored) != page.Find("#submitted").Text() {
		t.Errorf("%d scored rows, the page counts %s handed in", scored, page.Find("#submitted").Text())
	}
	for _, user := range []string{"district", "admin", "coordinator"} {
		wantStatus(t, user, e.login(user).get(path+"?format=xlsx"), http.StatusForbidden)
	}
	wantStatus(t, "teacher2", e.login("teacher2").get(path+"?format=xlsx"), http.StatusNotFound)
}

// The awareness downloads withhold what the pages withhold: no figure for a group under
// the minimum.
func TestExportAwarenessSuppressed(t *testing.T) {
	e := mustEnv(t)
	for _, tt := range []struct{ user, path string }{{"district", "/district/quizzes"}, {"admin", "/admin/quizzes"}} {
		c := e.login(tt.user)
		rows := mustCSV(t, download(t, c, tt.path+"?format=csv", "text/csv; charset=utf-8", "禁毒知识知晓率"))
		if len(rows) < 2 {
			t.Fatalf("%s: no rows", tt.path)
		}
		shown := 0
		for _, r := range rows[1:] {
			n, err := strconv.Atoi(r[1])
			if r[1] == "" {
				if r[2] != "" || r[3] != "" {
					t.Errorf("%s: %q shows a rate without its count", tt.path, r)
				}
				continue
			}
			if err != nil || n < portal.MinGroup {
				t.Errorf("%s: row %q shows a group of %d", tt.path, r, n)
			}
			shown++
		}
		if shown == 0 {
			t.Errorf("%s: every group hidden", tt.path)
		}
	}
}

func TestExportVolunteers(t *testing.T) {
	e := mustEnv(t)
	admin := e.login("admin")
	rows := mustCSV(t, download(t, admin, "/city/volunteers/?format=csv", "text/csv; charset=utf-8", "志愿者及服务时长"))
	page := admin.get("/city/volunteers/").Doc(t)
	if n := page.Find("table.city-volunteers tbody tr").Length(); len(rows)-1 != n || n == 0 {
		t.Errorf("%d associations, the page lists %d", len(rows)-1, n)
	}
	_, _, x := mustXLSX(t, download(t, admin, "/city/volunteers/opportunities?format=xlsx", xlsxType, "志愿服务项目"))
	if len(x) < 4 {
		t.Error("no opportunities in the export")
	}
	rep := mustCSV(t, download(t, e.login("coordinator"), "/association/reports?format=csv", "text/csv; charset=utf-8", "志愿服务项目统计"))
	if len(rep) < 2 {
		t.Error("no opportunities in the association's report")
	}
	wantStatus(t, "coordinator on the city's", e.login("coordinator").get("/city/volunteers/?format=csv"), http.StatusForbidden)
}

func TestExportSchoolMatrix(t *testing.T) {
	e := mustEnv(t)
	ctx := context.Background()
	teacher, _, err := e.Store.UserCredentials(ctx, "teacher")
	if err != nil {
		t.Fatal(err)
	}
	rows := mustCSV(t, download(t, e.login("teacher"), "/school/activities/?format=csv", "text/csv; charset=utf-8", "“十个一”分班"))
	if len(rows) != 11 {
		t.Fatalf("%d rows, want the heading and the ten", len(rows))
	}
	classes, _ := e.Store.ListClasses(ctx, teacher.SchoolID, portal.SchoolYear(e.Now), true)
	if len(rows[0]) != 2+len(classes) {
		t.Errorf("headings %q: want activity, school and %d classes", rows[0], len(classes))
	}
	sc, _ := e.Store.GetSchool(ctx, teacher.SchoolID, portal.SchoolYear(e.Now))
	path := "/activities/schools/" + itoa(int(sc.ID)) + "?format=xlsx"
	download(t, e.login("district"), path, xlsxType, "“十个一”分班")
	wantStatus(t, "another district's reviewer", e.login("district2").get(path), http.StatusNotFound)
}

func TestExportItemAnalysis(t *testing.T) {
	e := mustEnv(t)
	demo := quizDemoClass(t, e)
	a := cityTest(t, e, "junior")
	path := "/school/classes/" + itoa(int(demo.ID)) + "/quizzes/" + itoa(int(a.ID))
	teacher := e.login("teacher")
	// A class of the school whose students handed the test in.
	classes, _ := e.Store.ListClasses(context.Background(), demo.SchoolID, portal.SchoolYear(e.Now), false)
	page := teacher.get(path).Doc(t)
	for _, c := range classes {
		if page.Find("table.items tbody tr").Length() > 0 {
			break
		}
		path = "/school/classes/" + itoa(int(c.ID)) + "/quizzes/" + itoa(int(a.ID))
		page = teacher.get(path).Doc(t)
	}
	if page.Find("table.items tbody tr").Length() == 0 {
		t.Fatal("no class with an item analysis")
	}
	rows := mustCSV(t, download(t, teacher, path+"?format=csv&table=items", "text/csv; charset=utf-8", "试题分析"))
	if n := page.Find("table.items tbody tr").Length(); len(rows)-1 != n {
		t.Errorf("%d items, the page shows %d", len(rows)-1, n)
	}
	for _, r := range rows[1:] {
		answered, _ := strconv.Atoi(r[2])
		right, _ := strconv.Atoi(r[3])
		if r[1] == "" || right > answered || !strings.HasSuffix(r[4], "%") {
			t.Errorf("item row %q", r)
		}
	}
	wantStatus(t, "district", e.login("district").get(path+"?format=csv&table=items"), http.StatusForbidden)
}

func TestExportMembersHours(t *testing.T) {
	e := mustEnv(t)
	coord := e.login("coordinator")
	page := coord.get("/association/").Doc(t)
	total, _ := strconv.Atoi(page.Find("#member-count").AttrOr("data-count", ""))
	rows := mustCSV(t, download(t, coord, "/association/?format=csv", "text/csv; charset=utf-8", "志愿者名单"))
	if len(rows)-1 != total || total == 0 {
		t.Errorf("%d members exported, the page counts %d", len(rows)-1, total)
	}
	hours := 0.0
	for _, r := range rows[1:] {
		h, err := strconv.ParseFloat(r[3], 64)
		if err != nil {
			t.Fatalf("hours %q", r[3])
		}
		hours += h
	}
	if hours == 0 {
		t.Error("no member has hours in the demo association")
	}
	wantStatus(t, "volunteer", e.login("volunteer").get("/association/?format=csv"), http.StatusForbidden)
}
