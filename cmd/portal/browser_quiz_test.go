package main

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// A student joins DEMO01 on a phone, takes the assigned quiz, sees the score (the
// explanations wait for the test to close);
// the teacher then sees the attempt in the class's results.
func TestBrowserStudentTakesQuizOnPhone(t *testing.T) {
	b := newBrowser(t, 375, 740, true)
	b.visit("/join")
	b.fill("code", "DEMO01")
	b.fill("name", "陈小雨")
	b.fill("number", "31")
	b.fill("pin", "2580")
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
	// The countdown shows the minutes and seconds left (every quiz is timed).
	if cd := b.text("#countdown .countdown-time"); !regexp.MustCompile(`^\d\d:\d\d$`).MatchString(cd) || cd == "00:00" {
		t.Errorf("countdown = %q, want the minutes and seconds left", cd)
	}
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
	// The test stays open to classmates: the score now, the answers once it closes.
	if got, _ := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll(".explanation").length`)); got != 0 {
		t.Errorf("explanations on the result page of an open test = %d, want 0", got)
	}
	if note := b.text("#review-later"); !strings.Contains(note, "截止后公布") {
		t.Errorf("result page note = %q, want when the answers are shown", note)
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

// A student practises: each answer brings its verdict and explanation at once, and a
// multiple-choice question its own once checked.
func TestBrowserPracticeFeedback(t *testing.T) {
	b := newBrowser(t, 375, 740, true)
	b.visit("/join")
	b.fill("code", "DEMO01")
	b.fill("name", "林小练")
	b.fill("number", "32")
	b.fill("pin", "2580")
	b.submit(`form[action="/join"]`)
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`(() => { [...document.querySelectorAll(".quiz-task")]
		.find(li => li.textContent.includes("练习")).querySelector("form button").click(); return true; })()`)); err != nil {
		t.Fatalf("no practice to start: %v", err)
	}
	b.do(chromedp.Sleep(300*time.Millisecond), chromedp.WaitVisible(chromedp.CSS(".quiz-form")))
	n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`(() => {
		const sets = document.querySelectorAll("fieldset.question");
		sets.forEach(f => f.querySelector("input").click());
		return sets.length; })()`))
	if err != nil || n == 0 {
		t.Fatalf("questions answered = %d, %v", n, err)
	}
	b.do(chromedp.Sleep(800 * time.Millisecond))
	// Every question but the multiple-choice ones has its explanation now.
	missing, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`[...document.querySelectorAll("fieldset.question")]
		.filter(f => !f.querySelector(".check-answer") && !f.querySelector(".feedback .explanation")).length`))
	if err != nil || missing != 0 {
		t.Errorf("answered questions without feedback = %d, %v", missing, err)
	}
	mc, _ := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll(".check-answer:not([hidden])").length`))
	if mc > 0 {
		_, _ = chromedp.Run(b.ctx, chromedp.Evaluate[bool](`(() => { document.querySelector(".check-answer").click(); return true; })()`))
		b.do(chromedp.Sleep(800 * time.Millisecond))
		got, _ := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelector(".check-answer").closest("fieldset")
			.querySelectorAll(".feedback .explanation").length`))
		if got != 1 {
			t.Errorf("checked multiple-choice question: explanations = %d, want 1", got)
		}
	}
	b.checkA11y("practice with feedback")
	b.shot("practice-feedback")
}
