package handlers_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/views"
)

// TestDateTimeTwoFields: every form with a date and a time shows them as a date field
// and a time field under one legend, and the two fields posted are one moment: an
// assignment's new close is saved, and a date without its time is refused and kept.
func TestDateTimeTwoFields(t *testing.T) {
	e := mustEnv(t)
	teacher := e.login("teacher")
	id := assignNewQuiz(t, e, teacher, "日期时间分开测试", "knowledge", "closed")
	for _, page := range []struct {
		who    *client
		path   string
		fields []string
	}{
		{teacher, views.AssignmentURL(id), []string{"opens_at", "closes_at"}},
		{teacher, views.SchoolQuizURL(mustAssignment(t, e, id).QuizID), []string{"opens_at", "closes_at"}},
		{e.login("coordinator"), "/association/opportunities/new", []string{"starts_at", "ends_at", "deadline"}},
		{e.login("admin"), "/admin/quizzes", []string{"opens_at", "closes_at"}},
	} {
		doc := page.who.get(page.path).Doc(t)
		if n := doc.Find(`input[type="datetime-local"]`).Length(); n != 0 {
			t.Errorf("%s: %d date-time pickers left", page.path, n)
		}
		for _, f := range page.fields {
			set := doc.Find(`fieldset.datetime#f-` + f)
			if set.Find("legend").Length() != 1 || set.Find(`input[type="date"][name="`+f+`_date"]`).Length() != 1 ||
				set.Find(`input[type="time"][name="`+f+`_time"]`).Length() != 1 {
				t.Errorf("%s: %s is not a date field and a time field under one legend", page.path, f)
			}
		}
	}

	closes := e.clock.now().In(portal.CST).Add(96 * time.Hour).Truncate(time.Minute)
	opens := mustAssignment(t, e, id).OpensAt.In(portal.CST)
	res := teacher.post(views.AssignmentURL(id), url.Values{
		"opens_at_date": {opens.Format("2006-01-02")}, "opens_at_time": {opens.Format("15:04")},
		"closes_at_date": {closes.Format("2006-01-02")}, "closes_at_time": {closes.Format("15:04")}})
	wantStatus(t, "new close in two fields", res, http.StatusSeeOther)
	if got := mustAssignment(t, e, id).ClosesAt; !got.Equal(closes) {
		t.Errorf("closes at %v, want %v", got, closes)
	}

	bad := teacher.post(views.AssignmentURL(id), url.Values{
		"opens_at_date": {opens.Format("2006-01-02")}, "opens_at_time": {opens.Format("15:04")},
		"closes_at_date": {"2030-01-02"}, "closes_at_time": {""}})
	wantStatus(t, "a date without its time", bad, http.StatusUnprocessableEntity)
	if fieldError(t, bad, "closes_at") == "" {
		t.Error("a date without its time: no message next to the close")
	}
	if v := inputValue(t, bad, "closes_at"); v != "2030-01-02T" {
		t.Errorf("a date without its time: the form shows %q, want the date kept", v)
	}
	if got := mustAssignment(t, e, id).ClosesAt; !got.Equal(closes) {
		t.Errorf("a date without its time changed the close to %v", got)
	}
}
