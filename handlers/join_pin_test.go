package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store/seed"
)

// joinForm is the join form of the demo class.
func joinForm(name, number, pin string) url.Values {
	return url.Values{"code": {seed.DemoJoinCode}, "name": {name}, "number": {number}, "pin": {pin}}
}

// wantNoStudentSession fails when the client got into a student's pages.
func wantNoStudentSession(t *testing.T, what string, c *client) {
	t.Helper()
	if res := c.get("/student"); res.StatusCode == http.StatusOK {
		t.Errorf("%s: the client reached the student home", what)
	}
}

// TestJoinNeedsThePIN: a classmate who knows a student's name and number is refused
// without the PIN and with a wrong one; the student with their PIN gets in on another
// device and sees their own page.
func TestJoinNeedsThePIN(t *testing.T) {
	e := mustEnv(t)
	first := e.student("王小明", "8")
	if home := first.get("/student"); !strings.Contains(home.Body, "请记住你设的个人密码") {
		t.Error("after the first join the student is not told to remember their PIN")
	}

	mate := e.client()
	res := mate.post("/join", joinForm("王小明", "8", ""))
	wantStatus(t, "classmate without a PIN", res, http.StatusUnprocessableEntity)
	if fieldError(t, res, "pin") == "" {
		t.Error("no PIN: no message next to the PIN")
	}
	wantNoStudentSession(t, "no PIN", mate)

	res = mate.post("/join", joinForm("王小明", "8", "1357"))
	wantStatus(t, "classmate with a wrong PIN", res, http.StatusUnprocessableEntity)
	if msg := fieldError(t, res, "pin"); !strings.Contains(msg, "对不上") {
		t.Errorf("wrong PIN message = %q", msg)
	}
	wantNoStudentSession(t, "wrong PIN", mate)

	own := e.client()
	wantStatus(t, "the student with their PIN", own.post("/join", joinForm("王小明", "8", testPIN)), http.StatusSeeOther)
	home := own.get("/student")
	wantStatus(t, "student home", home, http.StatusOK)
	if h1 := home.Doc(t).Find("h1").Text(); !strings.Contains(h1, "王小明") {
		t.Errorf("greeting = %q", h1)
	}
}

// TestJoinDoesNotTellTakenNumbers: another name on a taken number gets the very answer
// a wrong PIN gets, so the form does not tell which numbers are taken.
func TestJoinDoesNotTellTakenNumbers(t *testing.T) {
	e := mustEnv(t)
	e.student("王小明", "8")
	other := e.client().post("/join", joinForm("李小华", "8", "1357"))
	wrong := e.client().post("/join", joinForm("王小明", "8", "1357"))
	if other.StatusCode != wrong.StatusCode {
		t.Errorf("status: other name %d, wrong PIN %d", other.StatusCode, wrong.StatusCode)
	}
	for _, field := range []string{"code", "name", "number", "pin"} {
		if a, b := fieldError(t, other, field), fieldError(t, wrong, field); a != b {
			t.Errorf("message next to %s: other name %q, wrong PIN %q", field, a, b)
		}
	}
	if msg := fieldError(t, other, "pin"); msg == "" {
		t.Error("other name on a taken number: no message")
	}
	res := e.client().post("/join", joinForm("李小华", "9", "1111"))
	wantStatus(t, "an easy PIN", res, http.StatusUnprocessableEntity)
	if msg := fieldError(t, res, "pin"); !strings.Contains(msg, "猜到") {
		t.Errorf("easy PIN message = %q", msg)
	}
}

// TestJoinPINGuessingStopped: after portal.PINFailuresPerStudent wrong PINs the number
// is refused with 429 and a clear message, the right PIN included, until the teacher
// resets the PIN; the student then sets a new one.
func TestJoinPINGuessingStopped(t *testing.T) {
	e := mustEnv(t)
	e.student("王小明", "8")
	mate := e.client()
	for i := 0; i < portal.PINFailuresPerStudent; i++ {
		wantStatus(t, "guess", mate.post("/join", joinForm("王小明", "8", "1357")), http.StatusUnprocessableEntity)
	}
	res := mate.post("/join", joinForm("王小明", "8", "9731"))
	wantStatus(t, "guess after the limit", res, http.StatusTooManyRequests)
	if msg := res.Doc(t).Find(".form-error").Text(); !strings.Contains(msg, "错误次数太多") {
		t.Errorf("locked message = %q", msg)
	}
	if v := inputValue(t, res, "number"); v != "8" {
		t.Errorf("locked: number kept = %q", v)
	}
	own := e.client()
	wantStatus(t, "the right PIN while locked", own.post("/join", joinForm("王小明", "8", testPIN)), http.StatusTooManyRequests)
	wantNoStudentSession(t, "locked", own)

	e.advance(portal.PINWindow + time.Second)
	wantStatus(t, "the right PIN once the window passed", own.post("/join", joinForm("王小明", "8", testPIN)), http.StatusSeeOther)
}

// TestTeacherResetsPIN: the class page shows who has a PIN; a reset signs out whoever
// is signed in under the number, and the student sets a new PIN at the next join.
func TestTeacherResetsPIN(t *testing.T) {
	e := mustEnv(t)
	_, demo := demoClass(t, e)
	thief := e.student("王小明", "8")
	teacher := e.login("teacher")
	page := "/school/classes/" + itoa(int(demo.ID))
	row := teacher.get(page).Doc(t).Find(`tr[data-student-id]`)
	if row.Length() != 1 || row.Find(".pin-set").Length() != 1 {
		t.Fatalf("class page: %d rows, PIN shown set = %d", row.Length(), row.Find(".pin-set").Length())
	}
	sid, _ := row.Attr("data-student-id")
	for i := 0; i < portal.PINFailuresPerStudent; i++ {
		e.client().post("/join", joinForm("王小明", "8", "1357"))
	}
	res := teacher.post(page+"/students/"+sid+"/pin/reset", nil)
	wantStatus(t, "reset", res, http.StatusSeeOther)
	if res := teacher.get(page); res.Doc(t).Find(`tr[data-student-id="`+sid+`"] .pin-unset`).Length() != 1 {
		t.Error("after the reset the class page does not show the PIN as not set")
	}
	wantNoStudentSession(t, "signed in before the reset", thief)

	own := e.client()
	wantStatus(t, "join with a new PIN after the reset", own.post("/join", joinForm("王小明", "8", "9731")), http.StatusSeeOther)
	wantStatus(t, "student home", own.get("/student"), http.StatusOK)
	wantStatus(t, "the old PIN", e.client().post("/join", joinForm("王小明", "8", testPIN)), http.StatusUnprocessableEntity)

	other := e.login("teacher2")
	wantStatus(t, "another school's teacher resets", other.post(page+"/students/"+sid+"/pin/reset", nil), http.StatusNotFound)
}

// TestStudentSlipsSignIn: the teacher prints personal slips; a slip's code signs its
// student in directly, from the QR code's address too; a new slip voids the old one.
func TestStudentSlipsSignIn(t *testing.T) {
	e := mustEnv(t)
	_, demo := demoClass(t, e)
	e.student("王小明", "8")
	e.student("李小华", "9")
	teacher := e.login("teacher")
	page := "/school/classes/" + itoa(int(demo.ID))
	res := teacher.post(page+"/slips", nil)
	wantStatus(t, "slips", res, http.StatusOK)
	doc := res.Doc(t)
	slips := doc.Find(".student-slip")
	if slips.Length() != 2 {
		t.Fatalf("%d slips, want one per student (2)", slips.Length())
	}
	first := slips.First()
	if who := first.Find(".slip-class").Text(); !strings.Contains(who, "王小明") {
		t.Errorf("first slip is for %q", who)
	}
	code := strings.TrimSpace(first.Find(".personal-code").Text())
	if src, _ := first.Find("img").Attr("src"); !strings.HasPrefix(src, "data:image/png;base64,") {
		t.Errorf("slip QR src = %.40q", src)
	}
	if strings.Contains(teacher.get(page).Body, code) {
		t.Error("the class page shows a personal code")
	}

	// The QR code's address fills the code in; the button signs in.
	form := e.client().get("/join/code?c=" + url.QueryEscape(code))
	wantStatus(t, "code form", form, http.StatusOK)
	if v := inputValue(t, form, "code"); v != code {
		t.Errorf("code form prefilled with %q, want %q", v, code)
	}
	kid := e.client()
	wantStatus(t, "sign in with the code", kid.post("/join/code", url.Values{"code": {strings.ToLower(code)}}), http.StatusSeeOther)
	home := kid.get("/student")
	wantStatus(t, "student home", home, http.StatusOK)
	if h1 := home.Doc(t).Find("h1").Text(); !strings.Contains(h1, "王小明") {
		t.Errorf("signed in as %q, want 王小明", h1)
	}

	sid, _ := teacher.get(page).Doc(t).Find(`tr[data-student-id]`).First().Attr("data-student-id")
	res = teacher.post(page+"/slips", url.Values{"student": {sid}})
	wantStatus(t, "one slip", res, http.StatusOK)
	if n := res.Doc(t).Find(".student-slip").Length(); n != 1 {
		t.Errorf("slip for one student: %d slips", n)
	}
	res = e.client().post("/join/code", url.Values{"code": {code}})
	wantStatus(t, "the voided code", res, http.StatusUnprocessableEntity)
	if fieldError(t, res, "code") == "" {
		t.Error("voided code: no message next to the code")
	}
	res = e.client().post("/join/code", url.Values{"code": {"ABC"}})
	wantStatus(t, "a short code", res, http.StatusUnprocessableEntity)

	wantStatus(t, "another school's teacher prints", e.login("teacher2").post(page+"/slips", nil), http.StatusNotFound)
	wantStatus(t, "a student of another class", teacher.post(page+"/slips", url.Values{"student": {"999999"}}), http.StatusNotFound)
}
