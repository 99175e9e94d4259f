package handlers_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/jinducity/portal/views"
)

// assignNewQuiz has the demo school's teacher create a quiz of a kind for the junior
// band and assign it to the demo class with a review option, through the forms, and
// returns the assignment's ID.
func assignNewQuiz(t *testing.T, e *testEnv, teacher *client, title, kind, review string) int64 {
	t.Helper()
	res := teacher.post("/school/quizzes/new", url.Values{"title": {title}, "kind": {kind}, "band": {"junior"},
		"questions": {"5"}, "time_limit": {"10"}, "pass_mark": {"60"}})
	wantStatus(t, "create "+title, res, http.StatusSeeOther)
	quizURL := res.Header.Get("Location")
	page := teacher.get(quizURL)
	wantStatus(t, "quiz page", page, http.StatusOK)
	def, _ := page.Doc(t).Find(`select[name="review"] option[selected]`).Attr("value")
	if want := map[string]string{"knowledge": "closed", "practice": "immediately"}[kind]; def != want {
		t.Errorf("%s: the review option offered first = %q, want %q", kind, def, want)
	}
	class := quizDemoClass(t, e)
	res = teacher.post(quizURL+"/assign", url.Values{"classes": {itoa(int(class.ID))}, "review": {review},
		"opens_at":  {e.clock.now().Add(-time.Hour).Format(views.DateTimeLocal)},
		"closes_at": {e.clock.now().Add(24 * time.Hour).Format(views.DateTimeLocal)}})
	wantStatus(t, "assign "+title, res, http.StatusSeeOther)
	as, err := e.Store.ClassAssignments(t.Context(), class.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range as {
		if a.Quiz.Title == title {
			if string(a.Review) != review {
				t.Errorf("%s: stored review = %q, want %q", title, a.Review, review)
			}
			return a.ID
		}
	}
	t.Fatalf("%s is not assigned to the demo class", title)
	return 0
}

// TestQuizReviewOptions: the teacher chooses per assignment when students see the
// right answers and explanations; the score is always shown.
func TestQuizReviewOptions(t *testing.T) {
	e := mustEnv(t)
	teacher := e.login("teacher")
	at := assignNewQuiz(t, e, teacher, "立即讲评测试", "knowledge", "immediately")
	never := assignNewQuiz(t, e, teacher, "不公布测试", "knowledge", "never")
	quiet := assignNewQuiz(t, e, teacher, "安静练习", "practice", "closed")
	res := teacher.post("/school/quizzes/new", url.Values{"title": {"坏选项"}, "kind": {"knowledge"}, "band": {"junior"},
		"questions": {"5"}, "time_limit": {"10"}, "pass_mark": {"60"}})
	bad := teacher.post(res.Header.Get("Location")+"/assign", url.Values{"classes": {itoa(int(quizDemoClass(t, e).ID))},
		"review": {"sometimes"}, "opens_at": {e.clock.now().Format(views.DateTimeLocal)},
		"closes_at": {e.clock.now().Add(time.Hour).Format(views.DateTimeLocal)}})
	wantStatus(t, "an unknown review option", bad, http.StatusUnprocessableEntity)
	if fieldError(t, bad, "review") == "" {
		t.Error("unknown review option: no message next to it")
	}

	c := e.student("讲评生", "61")
	submit := func(id int64) (string, *response) {
		loc, page := startQuiz(t, e, c, id)
		wantStatus(t, "submit", c.post(loc+"/submit", sheet(t, page)), http.StatusSeeOther)
		return loc, c.get(loc)
	}
	_, res = submit(at)
	if n := res.Doc(t).Find(".explanation").Length(); n != 5 {
		t.Errorf("immediately: %d explanations after handing in, want 5", n)
	}
	neverLoc, res := submit(never)
	if res.Doc(t).Find("#score").Length() != 1 || res.Doc(t).Find(".explanation, .result-options").Length() != 0 {
		t.Error("never: want the score and no answers")
	}
	if res.Doc(t).Find("#review-never").Length() != 1 {
		t.Error("never: no note that the answers are not shown")
	}

	// Practice whose answers wait for the close gives no instant feedback.
	loc, page := startQuiz(t, e, c, quiet)
	if page.Doc(t).Find(".feedback, .practice-hint").Length() != 0 {
		t.Error("practice with answers after the close: the page offers instant feedback")
	}
	answers := sheet(t, page)
	answers["check"] = answers["q"]
	if n := c.postHX(loc+"/save", answers).Doc(t).Find(".explanation").Length(); n != 0 {
		t.Errorf("practice with answers after the close: %d explanations on save", n)
	}

	e.advance(25 * time.Hour)
	if n := e.student("讲评生", "61").get(neverLoc).Doc(t).Find(".explanation").Length(); n != 0 {
		t.Errorf("never: %d explanations after the close", n)
	}
}

// TestCityTestReviewOption: a city-wide test waits for its close by default, and the
// city office may choose another option when publishing.
func TestCityTestReviewOption(t *testing.T) {
	e := mustEnv(t)
	admin := e.login("admin")
	page := admin.get("/admin/quizzes")
	wantStatus(t, "admin quizzes", page, http.StatusOK)
	if def, _ := page.Doc(t).Find(`select[name="review"] option[selected]`).Attr("value"); def != "closed" {
		t.Errorf("city-wide test: review option offered first = %q, want closed", def)
	}
	if page.Doc(t).Find(".awareness-practice-note").Length() != 1 {
		t.Error("the city's awareness figures do not say that practice shares the tests' bank")
	}
	res := admin.post("/admin/quizzes", url.Values{"title": {"全市不公布测试"}, "band": {"junior"}, "questions": {"5"},
		"time_limit": {"10"}, "pass_mark": {"80"}, "review": {"never"},
		"opens_at":  {e.clock.now().Format(views.DateTimeLocal)},
		"closes_at": {e.clock.now().Add(48 * time.Hour).Format(views.DateTimeLocal)}})
	wantStatus(t, "publish", res, http.StatusSeeOther)
	tests, err := e.Store.CityTests(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range tests {
		if a.Quiz.Title == "全市不公布测试" {
			if a.Review != "never" {
				t.Errorf("published review = %q, want never", a.Review)
			}
			return
		}
	}
	t.Error("the published test is not listed")
}
