package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store/seed"
)

func TestJoinPrefillsCode(t *testing.T) {
	e := mustEnv(t)
	res := e.client().get("/join?code=demo-01")
	wantStatus(t, "join form", res, http.StatusOK)
	if v := inputValue(t, res, "code"); v != seed.DemoJoinCode {
		t.Errorf("prefilled code = %q", v)
	}
	doc := res.Doc(t)
	if _, ok := doc.Find(`input[name="name"]`).Attr("autofocus"); !ok {
		t.Error("with the code given, the name field should have the focus")
	}
	if n := doc.Find("form input:not([type=hidden])").Length(); n != 4 {
		t.Errorf("join form asks for %d things, want 4 (code, name, number, PIN)", n)
	}
	if typ, _ := doc.Find(`input[name="pin"]`).Attr("type"); typ != "password" {
		t.Errorf("PIN field type = %q, want password (not shown to whoever looks on)", typ)
	}
}

func TestJoinTwiceIsTheSameStudent(t *testing.T) {
	e := mustEnv(t)
	_, demo := demoClass(t, e)
	form := url.Values{"code": {"demo01"}, "name": {" 张 小明 "}, "number": {"05"}, "pin": {testPIN}}
	first := e.client()
	res := first.post("/join", form)
	wantStatus(t, "join", res, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/student" {
		t.Errorf("join: Location = %q, want /student", loc)
	}
	home := first.get("/student")
	wantStatus(t, "student home", home, http.StatusOK)
	doc := home.Doc(t)
	if h1 := doc.Find("h1").Text(); !strings.Contains(h1, "张 小明") {
		t.Errorf("greeting = %q", h1)
	}
	if cls := doc.Find("#student-class").Text(); !strings.Contains(cls, demo.Name) {
		t.Errorf("class shown = %q, want %q", cls, demo.Name)
	}
	if doc.Find(`form[action="/logout"] button`).Length() == 0 {
		t.Error("no logout button")
	}

	again := e.client()
	wantStatus(t, "join again", again.post("/join", url.Values{"code": {"DEMO01"}, "name": {"张 小明"}, "number": {"5"}, "pin": {testPIN}}), http.StatusSeeOther)
	students, err := e.Store.ListStudents(context.Background(), demo.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(students) != 1 {
		t.Fatalf("students after joining twice = %d, want 1", len(students))
	}
	if students[0].Number != "5" || students[0].Name != "张 小明" {
		t.Errorf("student = %q %q", students[0].Number, students[0].Name)
	}
	wantStatus(t, "second device home", again.get("/student"), http.StatusOK)
}

func TestJoinErrors(t *testing.T) {
	e := mustEnv(t)
	e.student("王小明", "8")

	res := e.client().post("/join", url.Values{"code": {seed.DemoJoinCode}, "name": {"李小华"}, "number": {"8"}, "pin": {testPIN}})
	wantStatus(t, "number taken", res, http.StatusUnprocessableEntity)
	if msg := fieldError(t, res, "pin"); !strings.Contains(msg, "对不上") {
		t.Errorf("number taken message = %q", msg)
	}
	if v := inputValue(t, res, "name"); v != "李小华" {
		t.Errorf("name kept = %q", v)
	}
	if v := inputValue(t, res, "pin"); v != "" {
		t.Errorf("the PIN was sent back into the form: %q", v)
	}

	res = e.client().post("/join", url.Values{"code": {"ZZZZ99"}, "name": {"李小华"}, "number": {"9"}, "pin": {testPIN}})
	wantStatus(t, "wrong code", res, http.StatusUnprocessableEntity)
	if msg := fieldError(t, res, "code"); msg == "" {
		t.Error("wrong code: no message next to code")
	}
	for field, want := range map[string]string{"code": "ZZZZ99", "name": "李小华", "number": "9"} {
		if v := inputValue(t, res, field); v != want {
			t.Errorf("wrong code: %s kept = %q, want %q", field, v, want)
		}
	}

	res = e.client().post("/join", url.Values{"code": {""}, "name": {""}, "number": {"abc"}})
	wantStatus(t, "empty form", res, http.StatusUnprocessableEntity)
	for _, field := range []string{"code", "name", "number", "pin"} {
		if fieldError(t, res, field) == "" {
			t.Errorf("empty form: no message next to %s", field)
		}
	}
}

func TestJoinArchivedClass(t *testing.T) {
	e := mustEnv(t)
	_, demo := demoClass(t, e)
	if err := e.Store.SetClassArchived(context.Background(), portal.SystemActor, demo.ID, true); err != nil {
		t.Fatal(err)
	}
	res := e.client().post("/join", url.Values{"code": {seed.DemoJoinCode}, "name": {"李小华"}, "number": {"9"}, "pin": {testPIN}})
	wantStatus(t, "join archived class", res, http.StatusUnprocessableEntity)
	if fieldError(t, res, "code") == "" {
		t.Error("archived class: no message next to code")
	}
}

// TestJoinEscapesNames posts markup as a name and checks it comes back as text on the
// student's and the teacher's pages.
func TestJoinEscapesNames(t *testing.T) {
	e := mustEnv(t)
	_, demo := demoClass(t, e)
	name := `<i>小明</i>&"'`
	st := e.student(name, "4")
	teacher := e.login("teacher")
	page := "/school/classes/" + strconv.FormatInt(demo.ID, 10)
	for _, r := range []*response{st.get("/student"), teacher.get(page), teacher.post(page+"/slips", nil)} {
		wantStatus(t, "page", r, http.StatusOK)
		if strings.Contains(r.Body, name) {
			t.Error("name rendered unescaped")
		}
		if r.Doc(t).Find("main i").Length() != 0 {
			t.Error("markup from a name became an element")
		}
	}
}
