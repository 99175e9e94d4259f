package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/jinducity/portal"
)

// gradeLegends are the grade names of the demo's junior grades, as the groups say them.
var gradeLegends = map[int]string{7: "初一", 8: "初二", 9: "初三"}

// addClasses gives the demo teacher's school n more classes of grade 9, so that its
// class lists are long enough for a filter box.
func addClasses(t *testing.T, e *testEnv, n int) map[int64]int {
	t.Helper()
	ctx := context.Background()
	tu, _, _ := e.Store.UserCredentials(ctx, "teacher")
	for i := range n {
		c := &portal.Class{SchoolID: tu.SchoolID, SchoolYear: portal.SchoolYear(e.Now), Grade: 9, Name: fmt.Sprintf("初三（%d）班", 20+i)}
		if err := e.Store.CreateClass(ctx, portal.SystemActor, c); err != nil {
			t.Fatal(err)
		}
	}
	classes, err := e.Store.ListClasses(ctx, tu.SchoolID, portal.SchoolYear(e.Now), false)
	if err != nil {
		t.Fatal(err)
	}
	grades := map[int64]int{}
	for _, c := range classes {
		grades[c.ID] = c.Grade
	}
	return grades
}

// checkGradeGroups fails unless the list's class boxes (named name) sit in groups, one
// per grade, each headed by its grade's name, and the list asks for a filter box.
func checkGradeGroups(t *testing.T, what string, list *goquery.Selection, name string, grades map[int64]int) {
	t.Helper()
	if list.Length() != 1 {
		t.Fatalf("%s: %d class lists", what, list.Length())
	}
	if v, _ := list.Attr("data-filter"); v == "" {
		t.Errorf("%s: the long class list has no filter box (data-filter)", what)
	}
	seen := map[string]bool{}
	groups := list.Find("[data-group]")
	if groups.Length() < 2 {
		t.Errorf("%s: %d groups, want one per grade", what, groups.Length())
	}
	groups.Each(func(_ int, g *goquery.Selection) {
		legend := strings.TrimSpace(g.ChildrenFiltered("legend").Text())
		if legend == "" {
			legend = strings.TrimSpace(g.Find("label.grade").Text())
		}
		if seen[legend] {
			t.Errorf("%s: two groups %q", what, legend)
		}
		seen[legend] = true
		g.Find(`input[name="` + name + `"]`).Each(func(_ int, in *goquery.Selection) {
			v, _ := in.Attr("value")
			var id int64
			fmt.Sscan(v, &id)
			if want := gradeLegends[grades[id]]; want == "" || !strings.Contains(legend, want) {
				t.Errorf("%s: class %d of grade %d is in the group %q", what, id, grades[id], legend)
			}
		})
	})
	if n := list.Find(`input[name="` + name + `"]`).Length(); n != list.Find(`[data-group] input[name="`+name+`"]`).Length() || n == 0 {
		t.Errorf("%s: %d class boxes, not all in a grade's group", what, n)
	}
}

// TestClassListsGroupedByGrade: the classes to assign a quiz to, to book a visit for and
// to record an activity for come in one group per grade, with a filter box when long.
func TestClassListsGroupedByGrade(t *testing.T) {
	e := mustEnv(t)
	grades := addClasses(t, e, 14)
	teacher := e.login("teacher")

	id := assignNewQuiz(t, e, teacher, "分年级布置测试", "knowledge", "closed")
	quiz := teacher.get(fmt.Sprintf("/school/quizzes/%d", mustAssignment(t, e, id).QuizID))
	wantStatus(t, "quiz page", quiz, http.StatusOK)
	doc := quiz.Doc(t)
	checkGradeGroups(t, "assign a quiz", doc.Find(`form[action$="/assign"] fieldset.pick-list`), "classes", grades)
	if doc.Find(`fieldset.pick-group label.has-quiz`).Length() != 1 {
		t.Error("the class that has the quiz is not shown in its grade's group")
	}

	sl := firstSlot(t, e, demoHall(t, e).ID, false, 48*time.Hour)
	book := teacher.get(fmt.Sprintf("/school/bookings/new?slot=%d", sl.ID))
	wantStatus(t, "booking form", book, http.StatusOK)
	checkGradeGroups(t, "book a visit", book.Doc(t).Find(`fieldset.pick-list`), "class", grades)

	act := teacher.get("/school/activities/new")
	wantStatus(t, "activity form", act, http.StatusOK)
	checkGradeGroups(t, "record an activity", act.Doc(t).Find(`fieldset.pick-list`), "class", grades)
}

// TestBaseManagersGrouped: the base form lists the base's own managers first, then the
// other base manager accounts, each under its heading.
func TestBaseManagersGrouped(t *testing.T) {
	e := mustEnv(t)
	admin := e.login("admin")
	hall := demoHall(t, e)
	page := admin.get(fmt.Sprintf("/admin/bases/%d/edit", hall.ID))
	wantStatus(t, "edit the hall", page, http.StatusOK)
	groups := page.Doc(t).Find(`fieldset.pick-list fieldset.pick-group`)
	if groups.Length() == 0 {
		t.Fatal("the base form's managers are not in groups")
	}
	first := groups.First()
	if l := strings.TrimSpace(first.ChildrenFiltered("legend").Text()); l != "本基地现有的管理员" {
		t.Errorf("first group of managers = %q, want 本基地现有的管理员", l)
	}
	if first.Find(`input[name="manager"]`).Length() == 0 || first.Find(`input[name="manager"]:not([checked])`).Length() != 0 {
		t.Error("the hall's own managers' group holds someone not ticked, or nobody")
	}
	fresh := admin.get("/admin/bases/new").Doc(t).Find(`fieldset.pick-list fieldset.pick-group legend`)
	if fresh.Length() != 1 || strings.TrimSpace(fresh.Text()) != "其他基地管理员账号" {
		t.Errorf("a new base's manager groups = %q, want only 其他基地管理员账号", fresh.Text())
	}
}
