package handlers_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
	"github.com/jinducity/portal/store/seed"
	"github.com/jinducity/portal/views"
)

// BenchmarkHTTP serves the hot pages of the load benchmark through the real router and
// middleware, in process (httptest.NewRecorder, no network), on the demo city seeded once
// (in this function, so a plain go test never pays for it). Reads come first; the writes
// (quiz attempts, sign-ups) follow.
func BenchmarkHTTP(b *testing.B) {
	e := mustBenchEnv(b)
	ctx := context.Background()
	year := portal.SchoolYear(testNow)
	admin, teacher, volunteer := e.login(b, "admin"), e.login(b, "teacher"), e.login(b, "volunteer")
	anon := e.client()

	u, _, err := e.store.UserCredentials(ctx, "teacher")
	if err != nil {
		b.Fatal(err)
	}
	classes, err := e.store.ListClasses(ctx, u.SchoolID, year, false)
	if err != nil {
		b.Fatal(err)
	}
	var class *portal.Class
	for i := range classes {
		if classes[i].JoinCode == seed.DemoJoinCode {
			class = &classes[i]
		}
	}
	if class == nil {
		b.Fatalf("no class with code %s in the demo school", seed.DemoJoinCode)
	}
	var test, practice int64
	as, err := e.store.ClassAssignments(ctx, class.ID)
	if err != nil {
		b.Fatal(err)
	}
	for _, a := range as {
		switch {
		case a.Quiz.Kind == portal.QuizKnowledge && a.ClassID == 0 && a.SchoolYear == year:
			test = a.ID
		case a.Quiz.Kind == portal.QuizPractice:
			practice = a.ID
		}
	}
	if test == 0 || practice == 0 {
		b.Fatalf("the demo class lacks a city-wide knowledge test (%d) or a practice quiz (%d)", test, practice)
	}

	pages := []struct {
		name, path string
		c          *benchClient
	}{
		{"Home", "/", anon},
		{"StatsAPI", "/api/v1/stats", anon},
		{"AdminActivities", "/admin/activities", admin},
		{"AdminQuizzes", "/admin/quizzes", admin},
		{"SchoolActivities", "/school/activities/", teacher},
		{"ClassResults", views.ClassResultsURL(class.ID, test), teacher},
	}
	for _, p := range pages {
		b.Run(p.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				p.c.get(b, p.path, http.StatusOK)
			}
		})
	}

	// Each iteration a student starts a fresh practice attempt and hands it in: two posts,
	// each answered 303. Reading the questions drawn (a browser has them from the page)
	// is left out of the time.
	b.Run("QuizStartSubmit", func(b *testing.B) {
		b.ReportAllocs()
		pupil := e.join(b, "基准生", "99")
		st := e.studentByNumber(b, class.ID, "99")
		start := "/quizzes/" + strconv.FormatInt(practice, 10) + "/start"
		for b.Loop() {
			loc := pupil.post(b, start, nil, http.StatusSeeOther).Header().Get("Location")
			b.StopTimer()
			id, err := strconv.ParseInt(strings.TrimPrefix(loc, "/attempts/"), 10, 64)
			if err != nil {
				b.Fatalf("start went to %q", loc)
			}
			a, err := e.store.GetAttempt(ctx, st, id)
			if err != nil || a.Submitted() {
				b.Fatalf("attempt %d: %v (submitted %v): not a fresh attempt", id, err, a != nil && a.Submitted())
			}
			form := url.Values{}
			for _, it := range a.Items {
				form.Add("q", it.Q)
				form.Add("ans-"+it.Q, "0")
			}
			b.StartTimer()
			pupil.post(b, loc+"/submit", form, http.StatusSeeOther)
		}
	})

	// Each iteration the demo volunteer signs up for the load opportunity and cancels.
	b.Run("SignupCancel", func(b *testing.B) {
		b.ReportAllocs()
		opps, _, err := e.store.ListOpportunities(ctx, store.OpportunityFilter{OpenOnly: true})
		if err != nil {
			b.Fatal(err)
		}
		var opp int64
		for _, o := range opps {
			if o.Title == seed.DemoLoadTitle {
				opp = o.ID
			}
		}
		if opp == 0 {
			b.Fatal("no load opportunity in the demo city")
		}
		base := "/opportunities/" + strconv.FormatInt(opp, 10)
		for b.Loop() {
			volunteer.post(b, base+"/signup", nil, http.StatusSeeOther)
			volunteer.post(b, base+"/cancel", nil, http.StatusSeeOther)
		}
	})
}

// benchEnv is the portal's handler on the demo city, for benchmarks.
type benchEnv struct {
	h     http.Handler
	store *store.Store
}

// mustBenchEnv builds the portal as mustEnv does (mustPortal), without a listening server.
func mustBenchEnv(b *testing.B) *benchEnv {
	b.Helper()
	st, h := mustPortal(b, func() time.Time { return testNow }, io.Discard)
	return &benchEnv{h: h, store: st}
}

// benchClient keeps a browser's cookies between requests served by the handler directly.
type benchClient struct {
	h   http.Handler
	jar *cookiejar.Jar
}

// benchOrigin is the origin of httptest.NewRequest.
var benchOrigin = &url.URL{Scheme: "http", Host: "example.com", Path: "/"}

func (e *benchEnv) client() *benchClient {
	jar, _ := cookiejar.New(nil)
	return &benchClient{h: e.h, jar: jar}
}

// login returns a client logged in as username with the demo password.
func (e *benchEnv) login(b *testing.B, username string) *benchClient {
	b.Helper()
	c := e.client()
	c.post(b, "/login", url.Values{"username": {username}, "password": {seed.DemoPassword}}, http.StatusSeeOther)
	return c
}

// join returns a client that joined the demo class as a student.
func (e *benchEnv) join(b *testing.B, name, number string) *benchClient {
	b.Helper()
	c := e.client()
	c.post(b, "/join", url.Values{"code": {seed.DemoJoinCode}, "name": {name}, "number": {number}, "pin": {"2580"}}, http.StatusSeeOther)
	return c
}

// studentByNumber returns the ID of a class's student with a number.
func (e *benchEnv) studentByNumber(b *testing.B, classID int64, number string) int64 {
	b.Helper()
	sts, err := e.store.ListStudents(context.Background(), classID)
	if err != nil {
		b.Fatal(err)
	}
	for _, st := range sts {
		if st.Number == number {
			return st.ID
		}
	}
	b.Fatalf("no student %s in class %d", number, classID)
	return 0
}

// do serves a request and fails the benchmark on another status or an empty body (a
// redirect needs only its Location), so a broken page does not benchmark as fast.
func (c *benchClient) do(b *testing.B, req *http.Request, status int) *httptest.ResponseRecorder {
	b.Helper()
	for _, k := range c.jar.Cookies(benchOrigin) {
		req.AddCookie(k)
	}
	rec := httptest.NewRecorder()
	c.h.ServeHTTP(rec, req)
	if rec.Code != status {
		b.Fatalf("%s %s: status %d, want %d\n%.2000s", req.Method, req.URL, rec.Code, status, rec.Body.String())
	}
	if status == http.StatusSeeOther && rec.Header().Get("Location") == "" || status != http.StatusSeeOther && rec.Body.Len() == 0 {
		b.Fatalf("%s %s: empty answer", req.Method, req.URL)
	}
	c.jar.SetCookies(benchOrigin, rec.Result().Cookies())
	return rec
}

func (c *benchClient) get(b *testing.B, path string, status int) *httptest.ResponseRecorder {
	b.Helper()
	return c.do(b, httptest.NewRequest(http.MethodGet, path, nil), status)
}

// post sends a form as a same-origin browser would.
func (c *benchClient) post(b *testing.B, path string, form url.Values, status int) *httptest.ResponseRecorder {
	b.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.do(b, req, status)
}
