package handlers_test

import (
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/jinducity/portal"
	"github.com/jinducity/portal/content"
	"github.com/jinducity/portal/store/seed"
)

// cityTest returns the current year's city-wide knowledge test of a band.
func cityTest(t *testing.T, e *testEnv, band string) *portal.Assignment {
	t.Helper()
	tests, err := e.Store.CityTests(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for i := range tests {
		if tests[i].Band == band && tests[i].SchoolYear == portal.SchoolYear(e.Now) {
			return &tests[i]
		}
	}
	t.Fatalf("no city-wide %s test", band)
	return nil
}

// quizFixtures adds the quiz routes' parameters: a lesson, the demo school's pre-test,
// the city-wide junior test (which DEMO01 and the throwaway class see) and an attempt
// of the test student of authz_test at it.
func quizFixtures(t *testing.T, e *testEnv, f fixtures) {
	t.Helper()
	ctx := context.Background()
	c, err := content.Load()
	if err != nil {
		t.Fatal(err)
	}
	f["slug"] = c.Lessons[0].Slug
	quizzes, err := e.Store.ListQuizzes(ctx, mustInt64(t, f["school"]))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range quizzes {
		if q.SchoolID != 0 {
			f["quiz"] = itoa(int(q.ID))
		}
	}
	a := cityTest(t, e, "junior")
	f["assignment"] = itoa(int(a.ID))
	// A junior quiz of the teacher's school assigned to the throwaway class (grade 8),
	// whose dates a teacher may change or which they may close.
	for _, q := range quizzes {
		if q.SchoolID != 0 && q.Band == "junior" {
			now := e.clock.now()
			if err := e.Store.Assign(ctx, portal.SystemActor, q.SchoolID, q.ID, []int64{mustInt64(t, f["class"])}, now.Add(-time.Hour),
				now.Add(24*time.Hour), ""); err != nil {
				t.Fatal(err)
			}
			as, err := e.Store.ClassAssignments(ctx, mustInt64(t, f["class"]))
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range as {
				if x.QuizID == q.ID {
					f["schoolassignment"] = itoa(int(x.ID))
				}
			}
			break
		}
	}
	if f["schoolassignment"] == "" {
		t.Fatal("no junior quiz of the demo school to assign")
	}
	st, _, err := e.Store.JoinClass(ctx, portal.StudentJoin{Code: seed.DemoJoinCode, Name: "测试学生", Number: "99", PIN: testPIN})
	if err != nil {
		t.Fatal(err)
	}
	att, _, err := e.Store.StartAttempt(ctx, st, a.ID, func(q *portal.Quiz) []portal.Item {
		return portal.Draw(testRand(), c.Bank.Pick(q.Band, q.Tags), q.Questions)
	}, "", "")
	if err != nil {
		t.Fatal(err)
	}
	f["attempt"] = itoa(int(att.ID))
	// The throwaway class's student has handed the same test in: their answer sheet is
	// what the class's teachers may open.
	sid, err := e.Store.GetStudent(ctx, mustInt64(t, f["sid"]))
	if err != nil {
		t.Fatal(err)
	}
	satt, _, err := e.Store.StartAttempt(ctx, sid, a.ID, func(q *portal.Quiz) []portal.Item {
		return portal.Draw(testRand(), c.Bank.Pick(q.Band, q.Tags), q.Questions)
	}, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Store.SubmitAttempt(ctx, sid.ID, satt.ID, nil, c.Bank.ByID); err != nil {
		t.Fatal(err)
	}
}

// takeQuiz has a student start the city-wide junior test and returns the attempt page.
func takeQuiz(t *testing.T, e *testEnv, c *client) (attemptURL string, page *response) {
	t.Helper()
	a := cityTest(t, e, "junior")
	res := c.post("/quizzes/"+itoa(int(a.ID))+"/start", url.Values{})
	wantStatus(t, "start", res, http.StatusSeeOther)
	loc := res.Header.Get("Location")
	page = c.get(loc)
	wantStatus(t, "attempt page", page, http.StatusOK)
	return loc, page
}

// sheet reads the quiz form and answers every question with its first option as shown.
func sheet(t *testing.T, page *response) url.Values {
	t.Helper()
	v := url.Values{}
	page.Doc(t).Find(`input[name="q"]`).Each(func(_ int, s *goquerySelection) {
		q, _ := s.Attr("value")
		v.Add("q", q)
		v.Add("ans-"+q, "0")
	})
	if len(v["q"]) == 0 {
		t.Fatal("the quiz page has no questions")
	}
	return v
}

func TestQuizNoAnswerKeyBeforeSubmission(t *testing.T) {
	e := mustEnv(t)
	c := e.student("李小明", "23")
	cnt, _ := content.Load()
	home := c.get("/student")
	wantStatus(t, "home", home, http.StatusOK)
	loc, page := takeQuiz(t, e, c)
	answers := sheet(t, page)
	save := c.post(loc+"/save", answers)
	// A forged request to check every question, as practice does, reveals nothing either.
	forged := url.Values{"check": answers["q"]}
	for k, v := range answers {
		forged[k] = v
	}
	saveHX := c.postHX(loc+"/save", forged)
	again := c.get(loc)
	for name, r := range map[string]*response{"home": home, "attempt": page, "save": save, "htmx save": saveHX, "reload": again} {
		for _, q := range cnt.Bank.All {
			if strings.Contains(r.Body, q.Explanation) {
				t.Errorf("%s: the explanation of %s reached the browser before submission", name, q.ID)
			}
		}
		for _, marker := range []string{"correct", "explanation", "data-answer", "QuizRight", "正确答案"} {
			if strings.Contains(r.Body, marker) {
				t.Errorf("%s: %q appears before submission", name, marker)
			}
		}
	}
	res := c.post(loc+"/submit", answers)
	wantStatus(t, "submit", res, http.StatusSeeOther)
	// The city-wide test stays open to classmates: the score, but no key until it closes
	// (TestQuizReviewOptions has the other options).
	result := c.get(loc)
	if n := result.Doc(t).Find(".explanation, .result-options li.correct").Length(); n != 0 || result.Doc(t).Find("#score").Length() != 1 {
		t.Errorf("while the test is open: %d explanations or right answers, score shown %d, want none and the score",
			n, result.Doc(t).Find("#score").Length())
	}
	if result.Doc(t).Find("#review-later").Length() != 1 {
		t.Error("while the test is open: no note of when the answers are shown")
	}
	// Practice is the one kind that answers at once: the same forged save of a practice
	// attempt brings each question's explanation (TestQuizPracticeInstantFeedback has more).
	ploc, ppage := startQuiz(t, e, c, practiceAssignment(t, e).ID)
	pforged := sheet(t, ppage)
	pforged["check"] = pforged["q"]
	psave := c.postHX(ploc+"/save", pforged)
	for _, q := range pforged["q"] {
		if got := strings.TrimSpace(psave.Doc(t).Find("#fb-" + q + " .explanation").Text()); got != cnt.Bank.ByID[q].Explanation {
			t.Errorf("practice save: explanation of %s = %q, want %q", q, got, cnt.Bank.ByID[q].Explanation)
		}
	}
	// Once the test has closed, its result shows every explanation (the student signs
	// in again: days have passed).
	e.advance(cityTest(t, e, "junior").ClosesAt.Sub(e.clock.now()) + time.Second)
	if n := e.student("李小明", "23").get(loc).Doc(t).Find(".explanation").Length(); n != len(answers["q"]) {
		t.Errorf("explanations once the test closed = %d, want %d", n, len(answers["q"]))
	}
}

func TestQuizSubmitExactlyOnce(t *testing.T) {
	e := mustEnv(t)
	c := e.student("王芳", "5")
	loc, page := takeQuiz(t, e, c)
	answers := sheet(t, page)
	var wg sync.WaitGroup
	codes := make(chan int, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest(http.MethodPost, e.Srv.URL+loc+"/submit", strings.NewReader(answers.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			res, err := c.hc.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			res.Body.Close()
			codes <- res.StatusCode
		}()
	}
	wg.Wait()
	close(codes)
	got := map[int]int{}
	for code := range codes {
		got[code]++
	}
	if got[http.StatusSeeOther] != 1 || got[http.StatusConflict] != 7 {
		t.Fatalf("8 concurrent submits: %v, want one 303 and seven 409", got)
	}
	// A replay with other answers and a tampered score changes nothing and says so.
	first := c.get(loc)
	score := first.Doc(t).Find("#score").Text()
	other := url.Values{"q": answers["q"], "score": {"100"}, "started_at": {"2020-01-01"}}
	for _, q := range answers["q"] {
		other.Set("ans-"+q, "1")
	}
	replay := c.post(loc+"/submit", other)
	wantStatus(t, "replay", replay, http.StatusConflict)
	if msg := replay.Doc(t).Find("#quiz-message").Text(); !strings.Contains(msg, "已经交过") {
		t.Errorf("replay message = %q", msg)
	}
	if got := replay.Doc(t).Find("#score").Text(); got != score {
		t.Errorf("score after replay = %q, want %q", got, score)
	}
	var n int
	atts, _ := e.Store.StudentAttempts(context.Background(), studentID(t, e, "5"))
	for _, a := range atts {
		if a.Submitted() {
			n++
		}
	}
	if n != 1 {
		t.Errorf("submitted attempts = %d, want 1", n)
	}
}

func TestQuizDeadlineOnServer(t *testing.T) {
	e := mustEnv(t)
	c := e.student("张伟", "7")
	loc, page := takeQuiz(t, e, c)
	answers := sheet(t, page)
	// Save a first answer only, then let the time run out.
	first := url.Values{"q": answers["q"][:1], "ans-" + answers["q"][0]: {"0"}}
	wantStatus(t, "save", c.post(loc+"/save", first), http.StatusSeeOther)
	e.advance(16 * time.Minute)
	res := c.post(loc+"/save", answers)
	wantStatus(t, "late save", res, http.StatusSeeOther)
	res = c.post(loc+"/submit", answers)
	wantStatus(t, "late submit", res, http.StatusSeeOther)
	att, err := e.Store.StudentAttempts(context.Background(), studentID(t, e, "7"))
	if err != nil || len(att) != 1 {
		t.Fatalf("attempts = %v, %v", att, err)
	}
	full, _ := e.Store.GetAttempt(context.Background(), att[0].StudentID, att[0].ID)
	if len(full.Answers) != 1 {
		t.Errorf("answers counted after the deadline = %d, want the 1 saved before", len(full.Answers))
	}
	if !full.Submitted() || !full.SubmittedAt.Equal(full.Deadline) {
		t.Errorf("submitted %v, deadline %v: a late attempt closes at its deadline", full.SubmittedAt, full.Deadline)
	}
}

func TestQuizBadInput(t *testing.T) {
	e := mustEnv(t)
	c := e.student("赵敏", "8")
	loc, page := takeQuiz(t, e, c)
	answers := sheet(t, page)
	bad := url.Values{"q": {"S999"}, "ans-S999": {"0"}}
	wantStatus(t, "answer to a question not in the attempt", c.post(loc+"/submit", bad), http.StatusBadRequest)
	badOpt := url.Values{"q": answers["q"][:1], "ans-" + answers["q"][0]: {"9"}}
	wantStatus(t, "option out of range", c.post(loc+"/submit", badOpt), http.StatusBadRequest)
	other := e.student("钱多", "9")
	wantStatus(t, "another student's attempt", other.get(loc), http.StatusNotFound)
	wantStatus(t, "another student's submit", other.post(loc+"/submit", answers), http.StatusNotFound)
	// The primary test is not for a grade-7 class; last year's junior test is closed to it too.
	wantStatus(t, "quiz of another band", c.post("/quizzes/"+itoa(int(cityTest(t, e, "primary").ID))+"/start", url.Values{}), http.StatusNotFound)
	// A quiz of the class that has closed.
	e.advance(15 * 24 * time.Hour)
	c2 := e.student("孙丽", "10")
	res := c2.post("/quizzes/"+itoa(int(cityTest(t, e, "junior").ID))+"/start", url.Values{})
	wantStatus(t, "closed quiz", res, http.StatusForbidden)
}

func TestQuizTeacherSeesAttemptAndFlags(t *testing.T) {
	e := mustEnv(t)
	c := e.student("周杰", "11")
	loc, page := takeQuiz(t, e, c)
	e.advance(5 * time.Minute)
	wantStatus(t, "submit", c.post(loc+"/submit", sheet(t, page)), http.StatusSeeOther)
	teacher := e.login("teacher")
	ctx := context.Background()
	demo := quizDemoClass(t, e)
	a := cityTest(t, e, "junior")
	res := teacher.get("/school/classes/" + itoa(int(demo.ID)) + "/quizzes/" + itoa(int(a.ID)))
	wantStatus(t, "class results", res, http.StatusOK)
	row := res.Doc(t).Find(`tr[data-student-id="` + itoa(int(studentID(t, e, "11"))) + `"]`)
	if !strings.Contains(row.Find(".score").Text(), "/") {
		t.Errorf("teacher's row for the student = %q, want a score", row.Text())
	}
	if res.Doc(t).Find("#submitted").Text() != "1" {
		t.Errorf("submitted = %q, want 1", res.Doc(t).Find("#submitted").Text())
	}
	// The seeded classes show flagged attempts.
	classes, _ := e.Store.ListClasses(ctx, demo.SchoolID, portal.SchoolYear(e.Now), false)
	flagged := 0
	for _, cl := range classes {
		r := teacher.get("/school/classes/" + itoa(int(cl.ID)) + "/quizzes/" + itoa(int(a.ID)))
		flagged += r.Doc(t).Find("tr.flagged").Length()
	}
	if flagged < 5 {
		t.Errorf("flagged attempts shown to the teacher = %d, want the seeded ones", flagged)
	}
	// Another school's teacher cannot see the class.
	wantStatus(t, "other school", e.login("teacher2").get("/school/classes/"+itoa(int(demo.ID))+"/quizzes/"+itoa(int(a.ID))), http.StatusNotFound)
}

func TestStatsAwareness(t *testing.T) {
	e := mustEnv(t)
	res := e.client().get("/api/v1/stats")
	wantStatus(t, "stats", res, http.StatusOK)
	var st struct {
		QuizAttempts          *int     `json:"quiz_attempts"`
		AwarenessRate         *float64 `json:"awareness_rate"`
		AwarenessRateVerified *float64 `json:"awareness_rate_verified"`
	}
	if err := json.Unmarshal([]byte(res.Body), &st); err != nil {
		t.Fatal(err)
	}
	if st.QuizAttempts == nil || *st.QuizAttempts == 0 || st.AwarenessRate == nil || st.AwarenessRateVerified == nil {
		t.Fatalf("stats lack the quiz figures: %s", res.Body)
	}
	aw, _ := e.Store.CityAwareness(context.Background(), portal.SchoolYear(e.Now))
	if want := float64(aw.Aware) / float64(aw.Students); *st.AwarenessRate < want-0.001 || *st.AwarenessRate > want+0.001 {
		t.Errorf("awareness_rate = %v, want %v", *st.AwarenessRate, want)
	}
	if *st.AwarenessRate <= 0 || *st.AwarenessRate >= 1 {
		t.Errorf("awareness_rate = %v, want a realistic spread", *st.AwarenessRate)
	}
}

func TestPrePostGainVisible(t *testing.T) {
	e := mustEnv(t)
	teacher := e.login("teacher")
	classes, _ := e.Store.ListClasses(context.Background(), quizDemoClass(t, e).SchoolID, portal.SchoolYear(e.Now), false)
	res := teacher.get("/school/classes/" + itoa(int(classes[len(classes)-1].ID)) + "/quizzes")
	wantStatus(t, "class quizzes", res, http.StatusOK)
	delta := res.Doc(t).Find("tr.gain .delta").First().Text()
	if !strings.HasPrefix(delta, "+") {
		t.Errorf("pre/post gain = %q, want a visible gain", delta)
	}
}

type goquerySelection = goquery.Selection

func testRand() *rand.Rand { return rand.New(rand.NewPCG(1, 2)) }

func mustInt64(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// quizDemoClass returns the class with the demo join code.
func quizDemoClass(t *testing.T, e *testEnv) *portal.Class {
	t.Helper()
	_, c := demoClass(t, e)
	return c
}

// studentID returns the ID of the demo class's student with a number.
func studentID(t *testing.T, e *testEnv, number string) int64 {
	t.Helper()
	sts, err := e.Store.ListStudents(context.Background(), quizDemoClass(t, e).ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range sts {
		if st.Number == number {
			return st.ID
		}
	}
	t.Fatalf("no student %s in the demo class", number)
	return 0
}

// quizRecount recomputes the quiz figures of the stats API straight from the attempts
// table, the long way: every submitted knowledge-test attempt of the year, the latest per
// student, all and unflagged.
func quizRecount(t *testing.T, e *testEnv, year int) map[string]any {
	t.Helper()
	db := e.Store.SQL()
	var submitted int
	if err := db.QueryRow(`SELECT COUNT(*) FROM quiz_attempts WHERE school_year = ? AND submitted_at IS NOT NULL`, year).
		Scan(&submitted); err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query(`SELECT student_id, score, max_score, flags FROM quiz_attempts
		WHERE school_year = ? AND kind = 'knowledge' AND submitted_at IS NOT NULL ORDER BY submitted_at, id`, year)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	type res struct{ score, max int }
	latest, latestOK := map[int64]res{}, map[int64]res{}
	for rows.Next() {
		var id int64
		var r res
		var flags int
		if err := rows.Scan(&id, &r.score, &r.max, &flags); err != nil {
			t.Fatal(err)
		}
		latest[id] = r
		if flags == 0 {
			latestOK[id] = r
		}
	}
	frac := func(m map[int64]res) float64 {
		n := 0
		for _, r := range m {
			if float64(r.score) >= 0.8*float64(r.max) {
				n++
			}
		}
		if len(m) == 0 {
			return 0
		}
		return math.Round(float64(n)/float64(len(m))*1000) / 1000
	}
	return map[string]any{"quiz_attempts": float64(submitted), "awareness_rate": frac(latest),
		"awareness_rate_verified": frac(latestOK)}
}
