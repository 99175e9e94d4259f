package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/views"
)

// TestQuizReassignRefused: assigning a quiz again to a class that has it is refused with
// a message naming the class, and its dates are kept; the form shows the class as
// already assigned, without a box to tick.
func TestQuizReassignRefused(t *testing.T) {
	e := mustEnv(t)
	teacher := e.login("teacher")
	id := assignNewQuiz(t, e, teacher, "重复布置测试", "knowledge", "closed")
	before := mustAssignment(t, e, id)
	class := quizDemoClass(t, e)
	quizURL := views.SchoolQuizURL(before.QuizID)

	page := teacher.get(quizURL).Doc(t)
	if page.Find(`input[name="classes"][value="`+itoa(int(class.ID))+`"]`).Length() != 0 {
		t.Error("the assign form offers the class that already has the quiz")
	}
	if l := page.Find("label.has-quiz"); !strings.Contains(l.Text(), class.Name) || l.Find(".badge").Length() != 1 {
		t.Errorf("the assign form does not mark %s as already assigned: %q", class.Name, l.Text())
	}
	if page.Find(`a.edit-dates[href="`+views.AssignmentURL(id)+`"]`).Length() != 1 {
		t.Error("the assigned class has no link to change its dates")
	}

	res := teacher.post(quizURL+"/assign", url.Values{"classes": {itoa(int(class.ID))}, "review": {"closed"},
		"opens_at":  {e.clock.now().Add(48 * time.Hour).Format(views.DateTimeLocal)},
		"closes_at": {e.clock.now().Add(72 * time.Hour).Format(views.DateTimeLocal)}})
	wantStatus(t, "assign again", res, http.StatusUnprocessableEntity)
	if msg := fieldError(t, res, "classes"); !strings.Contains(msg, class.Name) {
		t.Errorf("re-assigning: message next to the classes = %q, want it to name %s", msg, class.Name)
	}
	if v := inputValue(t, res, "opens_at"); v != e.clock.now().Add(48*time.Hour).Format(views.DateTimeLocal) {
		t.Errorf("re-assigning: the dates typed are not kept: %q", v)
	}
	after := mustAssignment(t, e, id)
	if !after.OpensAt.Equal(before.OpensAt) || !after.ClosesAt.Equal(before.ClosesAt) {
		t.Errorf("re-assigning changed the dates: %v–%v, was %v–%v", after.OpensAt, after.ClosesAt, before.OpensAt, before.ClosesAt)
	}
}

// TestQuizAssignmentEditAndClose: a teacher changes an assignment's dates and closes it
// early, and students follow at once, even those whose start read the assignment into
// memory: a later opening keeps them out, closing refuses new starts and ends the
// attempt being taken with what was saved.
func TestQuizAssignmentEditAndClose(t *testing.T) {
	e := mustEnv(t)
	teacher := e.login("teacher")
	id := assignNewQuiz(t, e, teacher, "改时间测试", "knowledge", "immediately")
	a := e.student("改时间甲", "71")
	b := e.student("改时间乙", "72")
	c := e.student("改时间丙", "73")
	aLoc, _ := startQuiz(t, e, a, id) // the assignment is now in memory

	edit := teacher.get(views.AssignmentURL(id))
	wantStatus(t, "edit page", edit, http.StatusOK)
	if v := inputValue(t, edit, "closes_at"); v != mustAssignment(t, e, id).ClosesAt.In(portal.CST).Format(views.DateTimeLocal) {
		t.Errorf("the edit form shows closes_at %q, not the assignment's", v)
	}

	// Bad dates: a message, nothing changed.
	before := mustAssignment(t, e, id)
	bad := teacher.post(views.AssignmentURL(id), url.Values{"opens_at": {e.clock.now().Add(time.Hour).Format(views.DateTimeLocal)},
		"closes_at": {e.clock.now().Format(views.DateTimeLocal)}})
	wantStatus(t, "close before open", bad, http.StatusUnprocessableEntity)
	if fieldError(t, bad, "closes_at") == "" {
		t.Error("close before open: no message next to the close")
	}
	if got := mustAssignment(t, e, id); !got.ClosesAt.Equal(before.ClosesAt) {
		t.Error("bad dates were saved")
	}

	later := e.clock.now().Add(2 * time.Hour).Truncate(time.Minute)
	res := teacher.post(views.AssignmentURL(id), url.Values{"opens_at": {later.In(portal.CST).Format(views.DateTimeLocal)},
		"closes_at": {later.Add(24 * time.Hour).In(portal.CST).Format(views.DateTimeLocal)}})
	wantStatus(t, "move the opening later", res, http.StatusSeeOther)
	if got := mustAssignment(t, e, id); !got.OpensAt.Equal(later) {
		t.Errorf("opens_at = %v, want %v", got.OpensAt, later)
	}
	if res := b.post("/quizzes/"+itoa(int(id))+"/start", url.Values{}); res.StatusCode == http.StatusSeeOther {
		t.Error("a student started a quiz whose opening was moved later")
	}
	page := teacher.get(views.SchoolQuizURL(mustAssignment(t, e, id).QuizID)).Doc(t)
	if s := page.Find("li.assignment .badge").Text(); !strings.Contains(s, "未开始") {
		t.Errorf("the quiz page shows the assignment as %q, want 未开始", s)
	}

	// Open again now, then close early.
	now := e.clock.now().Add(-time.Minute)
	res = teacher.post(views.AssignmentURL(id), url.Values{"opens_at": {now.In(portal.CST).Format(views.DateTimeLocal)},
		"closes_at": {now.Add(24 * time.Hour).In(portal.CST).Format(views.DateTimeLocal)}})
	wantStatus(t, "open again", res, http.StatusSeeOther)
	startQuiz(t, e, b, id)

	res = teacher.post(views.AssignmentURL(id)+"/close", url.Values{})
	wantStatus(t, "close now", res, http.StatusSeeOther)
	if got := mustAssignment(t, e, id); got.Open(e.clock.now()) {
		t.Error("closed early, the assignment is still open")
	}
	if res := c.post("/quizzes/"+itoa(int(id))+"/start", url.Values{}); res.StatusCode == http.StatusSeeOther {
		t.Error("a student started a quiz closed early")
	}
	e.advance(portal.SubmitGrace + time.Second)
	if a.get(aLoc).Doc(t).Find("#score").Length() != 1 {
		t.Error("the attempt being taken when the quiz closed early was not handed in")
	}
	if teacher.get(views.AssignmentURL(id)).Doc(t).Find("form.close-now").Length() != 0 {
		t.Error("a closed assignment still offers to close it")
	}
}

// TestQuizAssignmentOtherSchool: another school's teacher cannot see or change it.
func TestQuizAssignmentOtherSchool(t *testing.T) {
	e := mustEnv(t)
	id := assignNewQuiz(t, e, e.login("teacher"), "别校测试", "knowledge", "closed")
	other := e.login("teacher2")
	wantStatus(t, "other school's edit page", other.get(views.AssignmentURL(id)), http.StatusNotFound)
	wantStatus(t, "other school's close", other.post(views.AssignmentURL(id)+"/close", url.Values{}), http.StatusNotFound)
	if !mustAssignment(t, e, id).Open(e.clock.now()) {
		t.Error("another school's teacher closed the assignment")
	}
}

func mustAssignment(t *testing.T, e *testEnv, id int64) *portal.Assignment {
	t.Helper()
	a, err := e.Store.GetAssignment(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
