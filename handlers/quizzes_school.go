package handlers

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/jinducity/portal"
	"github.com/jinducity/portal/views"
)

// schoolQuizzes lists the quizzes a teacher can assign (the school's and the city's),
// the school's assignments this year and each class's awareness figure.
func (s *Server) schoolQuizzes(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	year := portal.SchoolYear(s.now())
	sc, err := s.teacherSchool(r, year)
	if err != nil {
		return err
	}
	quizzes, err := s.store.ListQuizzes(ctx, sc.ID)
	if err != nil {
		return err
	}
	classes, err := s.store.ListClasses(ctx, sc.ID, year, false)
	if err != nil {
		return err
	}
	aw, err := s.store.ClassAwareness(ctx, sc.ID, year)
	if err != nil {
		return err
	}
	return s.page(w, r, views.SchoolQuizzes(sc, quizzes, classes, aw))
}

// quizForm reads the quiz form into q.
func quizForm(r *http.Request, q *portal.Quiz) *views.Form {
	joinDateTimes(r, "opens_at", "closes_at")
	f := &views.Form{Values: map[string]string{}}
	for _, k := range []string{"title", "kind", "band", "questions", "time_limit", "pass_mark", "pair_id", "opens_at", "closes_at", "review"} {
		f.Values[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	q.Title = f.Values["title"]
	q.Kind = portal.QuizKind(f.Values["kind"])
	q.Band = f.Values["band"]
	q.Questions, _ = strconv.Atoi(f.Values["questions"])
	q.TimeLimit, _ = strconv.Atoi(f.Values["time_limit"])
	q.PassMark, _ = strconv.Atoi(f.Values["pass_mark"])
	q.PairID = formID(r, "pair_id")
	q.Tags = nil
	for _, t := range r.PostForm["tags"] {
		if t = strings.TrimSpace(t); t != "" && len(q.Tags) < 20 {
			q.Tags = append(q.Tags, t)
			f.Values["tag:"+t] = "1"
		}
	}
	return f
}

// available counts the bank questions a quiz could draw from.
func (s *Server) available(q *portal.Quiz) int { return len(s.cfg.Content.Bank.Pick(q.Band, q.Tags)) }

func (s *Server) quizFormView(r *http.Request, schoolID int64) (func(*views.Form) templ.Component, error) {
	quizzes, err := s.store.ListQuizzes(r.Context(), schoolID)
	if err != nil {
		return nil, err
	}
	var pres []portal.Quiz
	for _, q := range quizzes {
		if q.Kind == portal.QuizPre && q.SchoolID == schoolID {
			pres = append(pres, q)
		}
	}
	tags := s.cfg.Content.Bank.Tags()
	return func(f *views.Form) templ.Component { return views.QuizForm(f, tags, pres) }, nil
}

func (s *Server) schoolQuizNew(w http.ResponseWriter, r *http.Request) error {
	view, err := s.quizFormView(r, who(r).User.SchoolID)
	if err != nil {
		return err
	}
	f := &views.Form{Values: map[string]string{"kind": "knowledge", "questions": "10", "time_limit": "15", "pass_mark": "60"}}
	return s.page(w, r, view(f))
}

func (s *Server) schoolQuizCreate(w http.ResponseWriter, r *http.Request) error {
	schoolID := who(r).User.SchoolID
	q := &portal.Quiz{SchoolID: schoolID}
	f := quizForm(r, q)
	if err := s.store.CreateQuiz(r.Context(), who(r).actor(), q, s.available(q)); err != nil {
		view, verr := s.quizFormView(r, schoolID)
		if verr != nil {
			return verr
		}
		return s.formError(w, r, err, f, view)
	}
	return s.redirect(w, r, views.SchoolQuizURL(q.ID), "QuizCreated")
}

// schoolQuiz returns the quiz named in the URL when the teacher's school may use it.
func (s *Server) schoolQuiz(r *http.Request) (*portal.Quiz, error) {
	id, err := pathID(r, "quiz")
	if err != nil {
		return nil, err
	}
	q, err := s.store.GetQuiz(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if q.SchoolID != 0 && q.SchoolID != who(r).User.SchoolID {
		return nil, errNotFound
	}
	return q, nil
}

func (s *Server) quizPageView(r *http.Request, q *portal.Quiz) (func(*views.Form) templ.Component, error) {
	year := portal.SchoolYear(s.now())
	classes, err := s.store.ListClasses(r.Context(), who(r).User.SchoolID, year, false)
	if err != nil {
		return nil, err
	}
	var fit []portal.Class
	for _, c := range classes {
		if portal.Band(c.Grade) == q.Band {
			fit = append(fit, c)
		}
	}
	as, err := s.store.SchoolAssignments(r.Context(), who(r).User.SchoolID, year)
	if err != nil {
		return nil, err
	}
	var mine []portal.Assignment
	for _, a := range as {
		if a.QuizID == q.ID {
			mine = append(mine, a)
		}
	}
	now := s.now()
	return func(f *views.Form) templ.Component { return views.SchoolQuizPage(q, fit, mine, s.available(q), now, f) }, nil
}

// schoolQuizPage shows a quiz, the classes it is assigned to and the form to assign it.
func (s *Server) schoolQuizPage(w http.ResponseWriter, r *http.Request) error {
	q, err := s.schoolQuiz(r)
	if err != nil {
		return err
	}
	view, err := s.quizPageView(r, q)
	if err != nil {
		return err
	}
	now := s.now().In(portal.CST).Truncate(time.Hour)
	f := &views.Form{Values: map[string]string{"opens_at": now.Format(views.DateTimeLocal),
		"closes_at": now.AddDate(0, 0, 7).Format(views.DateTimeLocal), "review": string(portal.DefaultReview(q.Kind))}}
	return s.page(w, r, view(f))
}

// formTime reads a datetime-local field in China Standard Time; unreadable is zero.
// joinDateTimes puts a DateTimeInput's two fields, NAME_date and NAME_time, back
// together as NAME ("2006-01-02T15:04") where the form sent them; a date or a time alone
// stays as it is and fails to parse, so the form says what is missing and keeps it.
func joinDateTimes(r *http.Request, names ...string) {
	r.ParseForm()
	for _, n := range names {
		if _, ok := r.PostForm[n+"_date"]; !ok {
			continue
		}
		d, t := strings.TrimSpace(r.PostFormValue(n+"_date")), strings.TrimSpace(r.PostFormValue(n+"_time"))
		v := ""
		if d != "" || t != "" {
			v = d + "T" + t
		}
		r.PostForm.Set(n, v)
		r.Form.Set(n, v)
	}
}

func formTime(r *http.Request, name string) time.Time {
	t, _ := time.ParseInLocation(views.DateTimeLocal, strings.TrimSpace(r.PostFormValue(name)), portal.CST)
	return t
}

// schoolQuizAssign opens the quiz to the chosen classes of the school.
func (s *Server) schoolQuizAssign(w http.ResponseWriter, r *http.Request) error {
	q, err := s.schoolQuiz(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	joinDateTimes(r, "opens_at", "closes_at")
	f := &views.Form{Values: map[string]string{"opens_at": r.PostFormValue("opens_at"), "closes_at": r.PostFormValue("closes_at"),
		"review": r.PostFormValue("review")}}
	var ids []int64
	for _, v := range r.PostForm["classes"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
			ids = append(ids, id)
			f.Values["class:"+v] = "1"
		}
	}
	err = s.store.Assign(r.Context(), who(r).actor(), who(r).User.SchoolID, q.ID, ids, formTime(r, "opens_at"), formTime(r, "closes_at"),
		portal.Review(f.Values["review"]))
	if err != nil {
		view, verr := s.quizPageView(r, q)
		if verr != nil {
			return verr
		}
		return s.formError(w, r, err, f, view)
	}
	return s.redirect(w, r, views.SchoolQuizURL(q.ID), "QuizAssigned")
}

// schoolAssignment returns the assignment named in the URL when it is one of a class of
// the teacher's school.
func (s *Server) schoolAssignment(r *http.Request) (*portal.Assignment, error) {
	id, err := pathID(r, "schoolassignment")
	if err != nil {
		return nil, err
	}
	return s.store.SchoolAssignment(r.Context(), who(r).User.SchoolID, id)
}

func (s *Server) assignmentView(a *portal.Assignment) func(*views.Form) templ.Component {
	now := s.now()
	return func(f *views.Form) templ.Component { return views.AssignmentEdit(a, now, f) }
}

// assignmentEdit shows an assignment's dates to change, and the button to close it now.
func (s *Server) assignmentEdit(w http.ResponseWriter, r *http.Request) error {
	a, err := s.schoolAssignment(r)
	if err != nil {
		return err
	}
	f := &views.Form{Values: map[string]string{"opens_at": a.OpensAt.In(portal.CST).Format(views.DateTimeLocal),
		"closes_at": a.ClosesAt.In(portal.CST).Format(views.DateTimeLocal)}}
	return s.page(w, r, s.assignmentView(a)(f))
}

// assignmentUpdate changes an assignment's dates.
func (s *Server) assignmentUpdate(w http.ResponseWriter, r *http.Request) error {
	a, err := s.schoolAssignment(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	joinDateTimes(r, "opens_at", "closes_at")
	f := &views.Form{Values: map[string]string{"opens_at": r.PostFormValue("opens_at"), "closes_at": r.PostFormValue("closes_at")}}
	err = s.store.UpdateAssignment(r.Context(), who(r).actor(), who(r).User.SchoolID, a.ID, formTime(r, "opens_at"),
		formTime(r, "closes_at"))
	if err != nil {
		return s.formError(w, r, err, f, s.assignmentView(a))
	}
	return s.redirect(w, r, views.SchoolQuizURL(a.QuizID), "QuizAssignmentSaved")
}

// assignmentClose closes an assignment now.
func (s *Server) assignmentClose(w http.ResponseWriter, r *http.Request) error {
	a, err := s.schoolAssignment(r)
	if err != nil {
		return err
	}
	if err := s.store.CloseAssignment(r.Context(), who(r).actor(), who(r).User.SchoolID, a.ID); err != nil {
		return err
	}
	return s.redirect(w, r, views.SchoolQuizURL(a.QuizID), "QuizAssignmentClosed")
}

// classQuizzes lists what a class of the teacher's school was assigned, with its
// pre/post-test gains.
func (s *Server) classQuizzes(w http.ResponseWriter, r *http.Request) error {
	c, err := s.schoolClass(r)
	if err != nil {
		return err
	}
	as, err := s.store.ClassAssignments(r.Context(), c.ID)
	if err != nil {
		return err
	}
	gains, err := s.store.ClassGains(r.Context(), c.ID)
	if err != nil {
		return err
	}
	return s.page(w, r, views.ClassQuizzes(c, as, gains))
}

// classResults is an assignment's results in a class: who has not taken it, the score
// distribution, item analysis, flagged attempts and the awareness figure twice.
func (s *Server) classResults(w http.ResponseWriter, r *http.Request) error {
	c, a, err := s.classAssignment(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	if err := s.store.FinishExpired(ctx, c.ID, s.cfg.Content.Bank.ByID); err != nil {
		return err
	}
	res, err := s.store.ClassResults(ctx, a.ID, c.ID)
	if err != nil {
		return err
	}
	if format, err := exportFormat(r); err != nil {
		return err
	} else if format != "" {
		if r.URL.Query().Get("table") == "items" {
			return s.sendExport(w, r, format, s.itemsExport(r, c, a, res))
		}
		return s.sendExport(w, r, format, s.resultsExport(r, c, a, res))
	}
	return s.page(w, r, views.ClassResults(c, a, res, s.cfg.Content.Bank.ByID))
}

// classAssignment returns the class of the teacher's school and the assignment named in
// the URL, when the class sees that assignment; anything else is 404.
func (s *Server) classAssignment(r *http.Request) (*portal.Class, *portal.Assignment, error) {
	c, err := s.schoolClass(r)
	if err != nil {
		return nil, nil, err
	}
	aid, err := pathID(r, "assignment")
	if err != nil {
		return nil, nil, err
	}
	a, err := s.store.GetAssignment(r.Context(), aid)
	if err != nil {
		return nil, nil, err
	}
	if !(a.ClassID == c.ID || a.ClassID == 0 && a.SchoolYear == c.SchoolYear && a.Band == portal.Band(c.Grade)) {
		return nil, nil, errNotFound
	}
	return c, a, nil
}

// classSheet shows a teacher of the student's school one student's submitted answer
// sheet: each question, the student's answer, the right answer and the explanation.
// A student of another class, or one who has not handed in, is 404.
func (s *Server) classSheet(w http.ResponseWriter, r *http.Request) error {
	c, a, err := s.classAssignment(r)
	if err != nil {
		return err
	}
	sid, err := pathID(r, "sid")
	if err != nil {
		return err
	}
	att, err := s.store.ClassSheet(r.Context(), a.ID, c.ID, sid)
	if err != nil {
		return err
	}
	return s.page(w, r, views.ClassSheet(c, a, views.ResultOf(att, s.cfg.Content.Bank.ByID)))
}
