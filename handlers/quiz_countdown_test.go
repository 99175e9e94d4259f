package handlers_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// The quiz page shows a countdown: its own script (no inline script under the CSP)
// reads the deadline the server keeps from a data attribute and hands the sheet in at
// zero. Only the page of an attempt in progress loads it.
func TestQuizCountdown(t *testing.T) {
	e := mustEnv(t)
	c := e.student("倒计时", "42")
	home := c.get("/student")
	loc, page := takeQuiz(t, e, c)
	doc := page.Doc(t)
	cd := doc.Find("#countdown[data-deadline]")
	if cd.Length() != 1 {
		t.Fatal("the quiz page has no countdown")
	}
	deadline, err := time.Parse(time.RFC3339, cd.AttrOr("data-deadline", ""))
	if err != nil {
		t.Fatalf("data-deadline: %v", err)
	}
	atts, _ := e.Store.StudentAttempts(context.Background(), studentID(t, e, "42"))
	if len(atts) != 1 || !deadline.Equal(atts[0].Deadline.Truncate(time.Second)) {
		t.Errorf("data-deadline = %v, want the attempt's deadline %v", deadline, atts)
	}
	if now, err := time.Parse(time.RFC3339, cd.AttrOr("data-now", "")); err != nil || !now.Equal(e.Now) {
		t.Errorf("data-now = %q, want the server's time %v", cd.AttrOr("data-now", ""), e.Now)
	}
	if cd.Find(".countdown-time").Length() != 1 {
		t.Error("the countdown has no place for the time")
	}
	src := ""
	doc.Find("script[src]").Each(func(_ int, s *goquerySelection) {
		if v := s.AttrOr("src", ""); strings.HasSuffix(v, "/js/quiz.js") {
			src = v
		}
	})
	if src == "" || strings.Contains(src, "/missing/") {
		t.Fatalf("the quiz page loads no versioned js/quiz.js (src %q)", src)
	}
	if n := doc.Find("script:not([src])").Length(); n != 0 {
		t.Errorf("the quiz page has %d inline scripts", n)
	}
	js := c.get(src)
	wantStatus(t, "quiz.js", js, http.StatusOK)
	for _, want := range []string{"data-deadline", "requestSubmit", "countdown-time"} {
		if !strings.Contains(js.Body, want) {
			t.Errorf("quiz.js lacks %q", want)
		}
	}
	// Other pages do not load it: the student's home, and the result once handed in.
	wantStatus(t, "submit", c.post(loc+"/submit", sheet(t, page)), http.StatusSeeOther)
	for name, r := range map[string]*response{"home": home, "result": c.get(loc)} {
		if strings.Contains(r.Body, "js/quiz.js") || r.Doc(t).Find("#countdown").Length() != 0 {
			t.Errorf("%s: loads the countdown", name)
		}
	}
}
