package handlers_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestLessonEndsWithNextStep: a lesson ends with the next lesson of its band, the last
// one with the way back to the lessons; a student whose class has an open quiz that fits
// is offered it first, until they have handed it in.
func TestLessonEndsWithNextStep(t *testing.T) {
	e := mustEnv(t)
	anon := e.client()
	res := anon.get("/lessons/junior-what-drugs-are")
	wantStatus(t, "lesson", res, http.StatusOK)
	doc := res.Doc(t)
	if href, _ := doc.Find("#lesson-next a#next-lesson").Attr("href"); href != "/lessons/junior-addiction" {
		t.Errorf("first junior lesson: next = %q, want /lessons/junior-addiction", href)
	}
	if doc.Find("#next-quiz").Length() != 0 {
		t.Error("a visitor is offered a quiz")
	}
	if href, _ := anon.get("/lessons/junior-refusal").Doc(t).Find("#lesson-next a#next-lesson").Attr("href"); href != "/lessons" {
		t.Errorf("last junior lesson: next = %q, want /lessons", href)
	}

	id := assignNewQuiz(t, e, e.login("teacher"), "学完就测", "knowledge", "closed")
	st := e.student("课后生", "81")
	res = st.get("/lessons/junior-what-drugs-are")
	if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "private") {
		t.Errorf("a student's lesson page is cached as %q", cc)
	}
	form := res.Doc(t).Find("#lesson-next form").FilterFunction(func(_ int, s *goquerySelection) bool {
		return s.Find("#next-quiz").Length() == 1
	})
	action, _ := form.Attr("action")
	if !strings.HasPrefix(action, "/quizzes/") {
		t.Fatalf("the student is offered no quiz after the lesson (%q)", res.Doc(t).Find("#lesson-next").Text())
	}
	// Take every quiz the lesson offers until none is left; the teacher's is among them.
	offered := map[string]bool{}
	for range 5 {
		offered[action] = true
		loc, page := startQuiz(t, e, st, mustInt64(t, strings.TrimSuffix(strings.TrimPrefix(action, "/quizzes/"), "/start")))
		wantStatus(t, "submit", st.post(loc+"/submit", sheet(t, page)), http.StatusSeeOther)
		action, _ = st.get("/lessons/junior-what-drugs-are").Doc(t).Find("#lesson-next form").Attr("action")
		if action == "" {
			break
		}
		if offered[action] {
			t.Fatalf("after handing in, the lesson offers %s again", action)
		}
	}
	if !offered["/quizzes/"+itoa(int(id))+"/start"] {
		t.Errorf("the teacher's quiz %d was never offered: %v", id, offered)
	}
	if href, _ := st.get("/lessons/junior-what-drugs-are").Doc(t).Find("a#next-lesson").Attr("href"); href != "/lessons/junior-addiction" {
		t.Errorf("with no quiz left, the next lesson = %q", href)
	}
}
