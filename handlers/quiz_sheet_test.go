package handlers_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jinducity/portal/content"
	"github.com/jinducity/portal/views"
)

// A teacher of the student's school opens one student's submitted answer sheet from the
// class's results: each question, the student's answer, the right one, the explanation.
// Another school's teacher, another student, a student of another class and a sheet not
// handed in are refused.
func TestQuizTeacherSeesAnswerSheet(t *testing.T) {
	e := mustEnv(t)
	cnt, _ := content.Load()
	c := e.student("答卷生", "43")
	loc, page := takeQuiz(t, e, c)
	answers := sheet(t, page)
	wantStatus(t, "submit", c.post(loc+"/submit", answers), http.StatusSeeOther)
	class := quizDemoClass(t, e)
	a := cityTest(t, e, "junior")
	sid := studentID(t, e, "43")
	sheetURL := views.ClassSheetURL(class.ID, a.ID, sid)

	teacher := e.login("teacher")
	results := teacher.get(views.ClassResultsURL(class.ID, a.ID))
	wantStatus(t, "class results", results, http.StatusOK)
	if href, _ := results.Doc(t).Find(`tr[data-student-id="` + itoa(int(sid)) + `"] .score a`).Attr("href"); href != sheetURL {
		t.Errorf("results link to the sheet = %q, want %q", href, sheetURL)
	}
	res := teacher.get(sheetURL)
	wantStatus(t, "answer sheet", res, http.StatusOK)
	doc := res.Doc(t)
	if h1 := doc.Find("h1").Text(); !strings.Contains(h1, "答卷生") {
		t.Errorf("sheet title = %q, want the student's name", h1)
	}
	items := doc.Find("ol.results > li")
	if items.Length() != len(answers["q"]) {
		t.Fatalf("sheet questions = %d, want %d", items.Length(), len(answers["q"]))
	}
	items.Each(func(i int, li *goquerySelection) {
		if li.Find(".result-options li.correct").Length() == 0 || li.Find(".verdict").Length() != 1 {
			t.Errorf("sheet question %d lacks the right answer or the verdict", i+1)
		}
		if !strings.Contains(li.Find(".verdict").Text(), "学生答案") {
			t.Errorf("sheet question %d: verdict %q, want the student's answer", i+1, li.Find(".verdict").Text())
		}
		if li.Find(".result-options li.chosen").Length() == 0 {
			t.Errorf("sheet question %d does not show the student's choice", i+1)
		}
	})
	found := 0
	for _, q := range answers["q"] {
		if doc.Find(".explanation").FilterFunction(func(_ int, s *goquerySelection) bool {
			return strings.TrimSpace(s.Text()) == cnt.Bank.ByID[q].Explanation
		}).Length() == 1 {
			found++
		}
	}
	if found != len(answers["q"]) {
		t.Errorf("explanations on the sheet = %d, want %d", found, len(answers["q"]))
	}

	// Another school's teacher: 404, whatever class of theirs they put in the URL.
	wantStatus(t, "other school's teacher", e.login("teacher2").get(sheetURL), http.StatusNotFound)
	// Another student: not a teacher (403), and the attempt itself is 404 to them.
	other := e.student("别的同学", "44")
	wantStatus(t, "another student, teacher's page", other.get(sheetURL), http.StatusForbidden)
	wantStatus(t, "another student, the attempt", other.get(loc), http.StatusNotFound)
	// The student themself sees their own sheet at the attempt's address, once the test
	// has closed.
	if n := c.get(loc).Doc(t).Find(".explanation").Length(); n != 0 {
		t.Errorf("the student's own sheet shows %d explanations while the test is open, want 0", n)
	}
	// A student who has not handed in, and a student of another class, have no sheet here.
	e.student("未交卷", "45")
	wantStatus(t, "no sheet yet", teacher.get(views.ClassSheetURL(class.ID, a.ID, studentID(t, e, "45"))), http.StatusNotFound)
	classes, _ := e.Store.ListClasses(t.Context(), class.SchoolID, class.SchoolYear, false)
	for _, cl := range classes {
		if cl.ID != class.ID && cl.Grade == class.Grade {
			wantStatus(t, "student of another class", teacher.get(views.ClassSheetURL(cl.ID, a.ID, sid)), http.StatusNotFound)
			break
		}
	}
	// Once the test has closed (the student signs in again: days have passed).
	e.advance(a.ClosesAt.Sub(e.clock.now()) + time.Second)
	if n := e.student("答卷生", "43").get(loc).Doc(t).Find(".explanation").Length(); n != len(answers["q"]) {
		t.Errorf("the student's own sheet once the test closed shows %d explanations, want %d", n, len(answers["q"]))
	}
}
