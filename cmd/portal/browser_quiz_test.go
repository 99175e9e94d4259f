package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// A student joins DEMO01 on a phone, takes the assigned quiz, sees the explanations;
// the teacher then sees the attempt in the class's results.
func TestBrowserStudentTakesQuizOnPhone(t *testing.T) {
	b := newBrowser(t, 375, 740, true)
	b.visit("/join")
	b.fill("code", "DEMO01")
	b.fill("name", "陈小雨")
	b.fill("number", "31")
	b.submit(`form[action="/join"]`)
	if loc := b.location(); loc != "/student" {
		t.Fatalf("after joining: at %s", loc)
	}
	action, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](
		`document.querySelector('.quiz-task form[action^="/quizzes/"]').getAttribute("action")`))
	if err != nil || action == "" {
		t.Fatalf("no quiz to start on the student home: %v", err)
	}
	b.checkA11y("student home with quizzes")
	b.shot("student-quizzes")
	b.do(chromedp.Click(chromedp.CSS(`.quiz-task form[action="`+action+`"] button`)), chromedp.Sleep(300*time.Millisecond),
		chromedp.WaitVisible(chromedp.CSS(".quiz-form")))
	if !strings.HasPrefix(b.location(), "/attempts/") {
		t.Fatalf("after starting: at %s", b.location())
	}
	b.checkA11y("quiz")
	// Answer each question with its first option; htmx saves as we go.
	n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`(() => {
		const sets = document.querySelectorAll("fieldset.question");
		sets.forEach(f => f.querySelector("input").click());
		return sets.length; })()`))
	if err != nil || n == 0 {
		t.Fatalf("questions answered = %d, %v", n, err)
	}
	b.do(chromedp.Sleep(500 * time.Millisecond))
	if s := b.text("#save-status"); !strings.Contains(s, "已保存") {
		t.Errorf("save status = %q, want saved", s)
	}
	b.shot("quiz")
	b.submit(`form.quiz-form`)
	b.do(chromedp.WaitVisible(chromedp.CSS("#score")))
	if got, _ := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll(".explanation").length`)); got != n {
		t.Errorf("explanations on the result page = %d, want %d", got, n)
	}
	b.checkA11y("quiz result")
	b.shot("quiz-result")

	assignment := strings.TrimSuffix(strings.TrimPrefix(action, "/quizzes/"), "/start")
	b.visit("/student")
	b.submit(".student-leave form")
	b.login("teacher")
	b.visit("/school/classes")
	href, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](
		`[...document.querySelectorAll("a")].find(a => a.textContent.trim() === "初一（1）班").getAttribute("href")`))
	if err != nil {
		t.Fatalf("the demo class is not listed: %v", err)
	}
	b.visit(href + "/quizzes/" + assignment)
	row, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](
		`[...document.querySelectorAll("table.quiz-results tr")].find(r => r.textContent.includes("陈小雨")).textContent`))
	if err != nil || !strings.Contains(row, "/") {
		t.Errorf("teacher's row for the student = %q, %v", row, err)
	}
	b.checkA11y("class results")
	b.shot("class-results")
}
