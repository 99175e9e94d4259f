package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/content"
	"github.com/jinducity/portal/store"
	"github.com/jinducity/portal/store/seed"
)

// smallGroups adds two districts: 小区甲 with a school of 4 tested students beside one of 6,
// and 小区乙 whose only school has 4; each with a district reviewer.
func smallGroups(t *testing.T, e *testEnv) {
	t.Helper()
	ctx := context.Background()
	cnt, err := content.Load()
	if err != nil {
		t.Fatal(err)
	}
	test := cityTest(t, e, "junior")
	var items []portal.Item
	for _, q := range cnt.Bank.Pick("junior", nil)[:10] {
		items = append(items, portal.Item{Q: q.ID, Perm: []int{0, 1}})
	}
	hash, _ := portal.HashPassword(seed.DemoPassword)
	var atts []*store.SeedAttempt
	for d, sizes := range map[string][]int{"小区甲": {4, 6}, "小区乙": {4}} {
		dist := &portal.District{Name: d}
		if err := e.Store.CreateDistrict(ctx, portal.SystemActor, dist); err != nil {
			t.Fatal(err)
		}
		u := &portal.User{Username: map[string]string{"小区甲": "smalla", "小区乙": "smallb"}[d], DisplayName: d + "审核员",
			Role: portal.RoleDistrict, DistrictID: dist.ID}
		if err := e.Store.CreateUser(ctx, portal.SystemActor, u, hash); err != nil {
			t.Fatal(err)
		}
		for i, n := range sizes {
			sc := &portal.School{DistrictID: dist.ID, Name: fmt.Sprintf("%s第%d中学", d, i+1), Stage: portal.StageJunior, Enrolment: 300}
			if err := e.Store.CreateSchool(ctx, portal.SystemActor, sc); err != nil {
				t.Fatal(err)
			}
			c := &portal.Class{SchoolID: sc.ID, SchoolYear: portal.SchoolYear(e.Now), Grade: 8, Name: "初二（1）班"}
			if err := e.Store.CreateClass(ctx, portal.SystemActor, c); err != nil {
				t.Fatal(err)
			}
			var sts []portal.Student
			for k := range n {
				sts = append(sts, portal.Student{ClassID: c.ID, Name: "学生", Number: fmt.Sprint(k + 1)})
			}
			if err := e.Store.BulkJoinStudents(ctx, portal.SystemActor, sts); err != nil {
				t.Fatal(err)
			}
			ids, _ := e.Store.StudentIDsByClass(ctx)
			for k, id := range ids[c.ID] {
				at := e.Now.Add(-time.Hour)
				atts = append(atts, &store.SeedAttempt{Assignment: test, Attempt: portal.Attempt{Kind: portal.QuizKnowledge,
					StudentID: id, ClassID: c.ID, SchoolID: sc.ID, SchoolYear: c.SchoolYear, Items: items, StartedAt: at,
					Deadline: at.Add(15 * time.Minute), SubmittedAt: at.Add(5 * time.Minute), Score: 6 + k%5}})
			}
		}
	}
	if err := e.Store.BulkQuizzes(ctx, portal.SystemActor, nil, nil, nil, atts); err != nil {
		t.Fatal(err)
	}
}

// rowFigures counts the figures shown in the awareness table's row of a group.
func rowFigures(t *testing.T, r *response, name string) int {
	t.Helper()
	n := -1
	r.Doc(t).Find("table.awareness tbody tr").Each(func(_ int, s *goquerySelection) {
		if strings.TrimSpace(s.Find("th").Text()) == name {
			n = s.Find(".aware-all, .aware-verified:not(.muted), td.tested:not(.muted)").Length()
		}
	})
	if n < 0 {
		t.Fatalf("no row for %s", name)
	}
	return n
}

// No school, district or city page shows a figure of a group under five students, not
// even one the total minus the groups shown would give away.
func TestQuizSmallGroupsNotShown(t *testing.T) {
	e := mustEnv(t)
	smallGroups(t, e)

	// 小区甲: the school of 4 is hidden, and so is the one of 6, or the district's total
	// of 10 minus it would give the 4 away.
	a := e.login("smalla").get("/district/quizzes")
	wantStatus(t, "district page", a, http.StatusOK)
	for _, school := range []string{"小区甲第1中学", "小区甲第2中学"} {
		if n := rowFigures(t, a, school); n != 0 {
			t.Errorf("district page: %s shows %d figures", school, n)
		}
	}
	if a.Doc(t).Find("#district-figures .aware-all").Length() != 1 {
		t.Error("district page: the district's total of 10 is not shown")
	}

	// 小区乙: 4 students in all: no figure anywhere, not even hidden in the page.
	b := e.login("smallb").get("/district/quizzes")
	wantStatus(t, "small district page", b, http.StatusOK)
	if n := b.Doc(t).Find(".figure, .aware-all, .aware-verified, td.tested:not(.muted)").Length(); n != 0 {
		t.Errorf("small district page shows %d figures", n)
	}
	if n := rowFigures(t, b, "小区乙第1中学"); n != 0 {
		t.Errorf("small district page: the school shows %d figures", n)
	}

	// The city: 小区乙's 4 are hidden, and one more district with them.
	c := e.login("admin").get("/admin/quizzes")
	wantStatus(t, "city page", c, http.StatusOK)
	if n := rowFigures(t, c, "小区乙"); n != 0 {
		t.Errorf("city page: 小区乙 shows %d figures", n)
	}
	hidden := c.Doc(t).Find("table.awareness tbody td.tested.muted").Length()
	if hidden < 2 {
		t.Errorf("city page: %d districts hidden, want 小区乙 and at least one more", hidden)
	}

	// The school: the teacher's page by class hides a class of 4 the same way.
	teacher := e.login("teacher")
	res := teacher.get("/school/quizzes")
	wantStatus(t, "school page", res, http.StatusOK)
	res.Doc(t).Find("table.awareness tbody tr").Each(func(_ int, s *goquerySelection) {
		if n, err := strconv.Atoi(strings.TrimSpace(s.Find("td.tested:not(.muted)").Text())); err == nil && n < portal.MinGroup {
			t.Errorf("school page: a class of %d shows its figure", n)
		}
	})
}
