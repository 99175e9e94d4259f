package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/content"
	"github.com/jinducity/portal/views"
)

// Practice gives instant feedback: the save of an answer brings that question's verdict
// and explanation (a multiple-choice question once the student asks to check it); and
// practice never counts for awareness.
func TestQuizPracticeInstantFeedback(t *testing.T) {
	e := mustEnv(t)
	ctx := context.Background()
	year := portal.SchoolYear(e.Now)
	cityBefore, _ := e.Store.CityAwareness(ctx, year)
	c := e.student("练习生", "41")
	cnt, _ := content.Load()
	loc, page := startQuiz(t, e, c, practiceAssignment(t, e).ID)
	if page.Doc(t).Find(".feedback .explanation").Length() != 0 {
		t.Fatal("the practice page shows explanations before any answer")
	}
	answers := sheet(t, page)
	var multiple string
	for _, q := range answers["q"] {
		if cnt.Bank.ByID[q].Kind == portal.MultipleChoice {
			multiple = q
		}
	}
	res := c.postHX(loc+"/save", answers)
	wantStatus(t, "practice save", res, http.StatusOK)
	doc := res.Doc(t)
	for _, q := range answers["q"] {
		fb := doc.Find(`#fb-` + q + `[hx-swap-oob]`)
		if fb.Length() != 1 {
			t.Fatalf("practice save: no feedback element for %s", q)
		}
		got := strings.TrimSpace(fb.Find(".explanation").Text())
		if cnt.Bank.ByID[q].Kind == portal.MultipleChoice {
			if got != "" {
				t.Errorf("multiple-choice %s: explanation before the student checks it", q)
			}
			continue
		}
		if got != cnt.Bank.ByID[q].Explanation {
			t.Errorf("practice save: explanation of %s = %q, want %q", q, got, cnt.Bank.ByID[q].Explanation)
		}
		if fb.Find(".verdict").Length() != 1 {
			t.Errorf("practice save: no verdict for %s", q)
		}
	}
	if multiple != "" {
		checked := url.Values{"check": {multiple}}
		for k, v := range answers {
			checked[k] = v
		}
		res := c.postHX(loc+"/save", checked)
		fb := res.Doc(t).Find(`#fb-` + multiple)
		if got := strings.TrimSpace(fb.Find(".explanation").Text()); got != cnt.Bank.ByID[multiple].Explanation {
			t.Errorf("checked multiple-choice %s: explanation = %q", multiple, got)
		}
		if v, _ := fb.Find(`input[name="check"]`).Attr("value"); v != multiple {
			t.Errorf("checked multiple-choice %s keeps no check field", multiple)
		}
	}
	wantStatus(t, "practice submit", c.post(loc+"/submit", answers), http.StatusSeeOther)
	// Practice never counts for awareness, nor shows an awareness figure to the teacher.
	if after, _ := e.Store.CityAwareness(ctx, year); after != cityBefore {
		t.Errorf("city awareness after a practice attempt = %+v, was %+v", after, cityBefore)
	}
	teacher := e.login("teacher")
	results := teacher.get(views.ClassResultsURL(quizDemoClass(t, e).ID, practiceAssignment(t, e).ID))
	wantStatus(t, "practice results", results, http.StatusOK)
	if n := results.Doc(t).Find(".figure.awareness").Length(); n != 0 {
		t.Errorf("practice results show %d awareness figures, want none", n)
	}
	test := teacher.get(views.ClassResultsURL(quizDemoClass(t, e).ID, cityTest(t, e, "junior").ID))
	if n := test.Doc(t).Find(".figure.awareness").Length(); n != 2 {
		t.Errorf("knowledge-test results show %d awareness figures, want 2", n)
	}
}

// practiceAssignment returns the demo class's practice assignment.
func practiceAssignment(t *testing.T, e *testEnv) *portal.Assignment {
	t.Helper()
	as, err := e.Store.ClassAssignments(context.Background(), quizDemoClass(t, e).ID)
	if err != nil {
		t.Fatal(err)
	}
	for i := range as {
		if as[i].Quiz.Kind == portal.QuizPractice {
			return &as[i]
		}
	}
	t.Fatal("the demo class has no practice quiz")
	return nil
}

// startQuiz has a student start an assignment and returns the attempt page.
func startQuiz(t *testing.T, e *testEnv, c *client, assignment int64) (attemptURL string, page *response) {
	t.Helper()
	res := c.post("/quizzes/"+itoa(int(assignment))+"/start", url.Values{})
	wantStatus(t, "start", res, http.StatusSeeOther)
	loc := res.Header.Get("Location")
	page = c.get(loc)
	wantStatus(t, "attempt page", page, http.StatusOK)
	return loc, page
}

// postHX sends a form as htmx does.
func (c *client) postHX(path string, form url.Values) *response {
	c.env.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.env.Srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("HX-Request", "true")
	return c.do(req)
}
