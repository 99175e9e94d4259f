package handlers

import (
	"errors"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"
	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
	"github.com/jinducity/portal/views"
)

// quizRoutes are the lessons (public), the student's quiz pages, the teacher's quiz and
// results pages, and the city office's and district's aggregates.
func (s *Server) quizRoutes(r chi.Router) {
	r.Get("/lessons", s.h(s.lessonList))
	r.Get("/lessons/{slug}", s.h(s.lessonPage))

	student := r.With(s.requireRole("student"))
	student.Post("/quizzes/{assignment}/start", s.h(s.quizStart))
	student.Get("/attempts/{attempt}", s.h(s.attemptPage))
	student.Post("/attempts/{attempt}/save", s.h(s.attemptSave))
	student.Post("/attempts/{attempt}/submit", s.h(s.attemptSubmit))

	teacher := r.With(s.requireRole(string(portal.RoleTeacher)))
	teacher.Get("/school/quizzes", s.h(s.schoolQuizzes))
	teacher.Get("/school/quizzes/new", s.h(s.schoolQuizNew))
	teacher.Post("/school/quizzes/new", s.h(s.schoolQuizCreate))
	teacher.Get("/school/quizzes/{quiz}", s.h(s.schoolQuizPage))
	teacher.Post("/school/quizzes/{quiz}/assign", s.h(s.schoolQuizAssign))
	teacher.Get("/school/assignments/{schoolassignment}", s.h(s.assignmentEdit))
	teacher.Post("/school/assignments/{schoolassignment}", s.h(s.assignmentUpdate))
	teacher.Post("/school/assignments/{schoolassignment}/close", s.h(s.assignmentClose))
	teacher.Get("/school/classes/{id}/quizzes", s.h(s.classQuizzes))
	teacher.Get("/school/classes/{id}/quizzes/{assignment}", s.h(s.classResults))
	teacher.Get("/school/classes/{id}/quizzes/{assignment}/students/{sid}", s.h(s.classSheet))

	r.With(s.requireRole(string(portal.RoleAdmin))).Get("/admin/quizzes", s.h(s.adminQuizzes))
	r.With(s.requireRole(string(portal.RoleAdmin))).Post("/admin/quizzes", s.h(s.adminQuizPublish))
	r.With(s.requireRole(string(portal.RoleDistrict))).Get("/district/quizzes", s.h(s.districtQuizzes))
}

// deviceCookie marks a browser, so that many students' attempts from one device within
// minutes can be flagged. A computer room shares one address, so the address alone
// would flag whole classes.
const deviceCookie = "qdev"

func (s *Server) device(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(deviceCookie); err == nil && len(c.Value) == 32 {
		return c.Value
	}
	v := portal.RandomToken(16)
	http.SetCookie(w, &http.Cookie{Name: deviceCookie, Value: v, Path: "/", MaxAge: 400 * 24 * 3600, HttpOnly: true,
		Secure: s.cfg.Secure, SameSite: http.SameSiteLaxMode})
	return v
}

// draw draws an attempt's questions from the bank.
func (s *Server) draw(q *portal.Quiz) []portal.Item {
	return portal.Draw(rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64())), s.cfg.Content.Bank.Pick(q.Band, q.Tags), q.Questions)
}

// studentTasks is the student home's list of assigned quizzes, own attempts and lessons.
func (s *Server) studentTasks(r *http.Request) (templ.Component, error) {
	st := who(r).Student
	ctx := r.Context()
	if err := s.store.FinishExpired(ctx, st.ClassID, s.cfg.Content.Bank.ByID); err != nil {
		return nil, err
	}
	as, err := s.store.ClassAssignments(ctx, st.ClassID)
	if err != nil {
		return nil, err
	}
	atts, err := s.store.StudentAttempts(ctx, st.ID)
	if err != nil {
		return nil, err
	}
	return views.StudentQuizzes(as, atts, s.cfg.Content.LessonsFor(portal.Band(st.Grade)), s.now()), nil
}

// quizStart starts (or resumes) the student's attempt at an assignment of their class.
func (s *Server) quizStart(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "assignment")
	if err != nil {
		return err
	}
	att, _, err := s.store.StartAttempt(r.Context(), who(r).Student, id, s.draw, s.device(w, r), s.clientIP(r))
	if err != nil {
		return err
	}
	http.Redirect(w, r, views.AttemptURL(att.ID), http.StatusSeeOther)
	return nil
}

// ownAttempt returns the student's attempt named in the URL, closing it first when its
// time is up; another student's attempt is 404.
func (s *Server) ownAttempt(r *http.Request) (*portal.Attempt, error) {
	return s.studentAttempt(r, true)
}

// studentAttempt returns the student's attempt named in the URL; finish closes it first
// when its time is up.
func (s *Server) studentAttempt(r *http.Request, finish bool) (*portal.Attempt, error) {
	id, err := pathID(r, "attempt")
	if err != nil {
		return nil, err
	}
	st := who(r).Student
	a, err := s.store.GetAttempt(r.Context(), st.ID, id)
	if err != nil {
		return nil, err
	}
	if finish && !a.Submitted() && s.now().After(a.Deadline.Add(portal.SubmitGrace)) {
		if err := s.store.FinishExpired(r.Context(), a.ClassID, s.cfg.Content.Bank.ByID); err != nil {
			return nil, err
		}
		return s.store.GetAttempt(r.Context(), st.ID, id)
	}
	return a, nil
}

// attemptPage shows the quiz to take, or, once submitted, the result with explanations.
func (s *Server) attemptPage(w http.ResponseWriter, r *http.Request) error {
	a, err := s.ownAttempt(r)
	if err != nil {
		return err
	}
	return s.showAttempt(w, r, http.StatusOK, a, "")
}

func (s *Server) showAttempt(w http.ResponseWriter, r *http.Request, status int, a *portal.Attempt, message string) error {
	if a.Submitted() {
		// The answers and explanations only as the assignment's review option allows;
		// the score always.
		v := views.ResultView{Attempt: a}
		if a.ShowsAnswers(s.now()) {
			v = views.ResultOf(a, s.cfg.Content.Bank.ByID)
		}
		return s.render(w, r, status, views.QuizResult(v, message))
	}
	return s.render(w, r, status, views.QuizTake(views.TakeOf(a, s.cfg.Content.Bank.ByID), message))
}

// answersOf reads the answers of a form: each question of the form is named in a "q"
// field and answered in "ans-ID" fields with the positions as shown. A question or an
// option that is not in the attempt refuses the whole form.
func answersOf(r *http.Request, a *portal.Attempt) (map[string][]int, error) {
	if err := r.ParseForm(); err != nil {
		return nil, errBadRequest
	}
	items := map[string]portal.Item{}
	for _, it := range a.Items {
		items[it.Q] = it
	}
	out := map[string][]int{}
	for _, q := range r.PostForm["q"] {
		if _, ok := items[q]; !ok {
			return nil, store.ErrNotInAttempt
		}
		out[q] = nil
	}
	for key, vals := range r.PostForm {
		q, ok := strings.CutPrefix(key, "ans-")
		if !ok {
			continue
		}
		it, ok := items[q]
		if !ok {
			return nil, store.ErrNotInAttempt
		}
		var shown []int
		for _, v := range vals {
			n, err := strconv.Atoi(v)
			if err != nil {
				return nil, store.ErrNotInAttempt
			}
			shown = append(shown, n)
		}
		orig, ok := it.Original(shown)
		if !ok {
			return nil, store.ErrNotInAttempt
		}
		out[q] = orig
	}
	return out, nil
}

// attemptSave keeps the answers as they go (htmx posts the form on every change) and
// answers a short status line.
func (s *Server) attemptSave(w http.ResponseWriter, r *http.Request) error {
	a, err := s.studentAttempt(r, false)
	if err != nil {
		return err
	}
	msg := "QuizSaved"
	answers, err := answersOf(r, a)
	if err == nil {
		err = s.store.SaveAnswers(r.Context(), a.StudentID, a.ID, answers)
	}
	switch {
	case errors.Is(err, store.ErrAlreadySubmitted):
		msg = "QuizErrAlreadySubmitted"
	case errors.Is(err, store.ErrTimeUp):
		msg = "QuizErrTimeUp"
	case errors.Is(err, store.ErrNotInAttempt):
		msg = "QuizErrNotInAttempt"
	case err != nil:
		return err
	}
	if r.Header.Get("HX-Request") == "" {
		return s.redirect(w, r, views.AttemptURL(a.ID), msg)
	}
	var fb []views.Feedback
	if msg == "QuizSaved" && a.InstantFeedback() {
		// Practice answers right away; views.FeedbackOf gives nothing for a test.
		for q, c := range answers {
			a.Answers[q] = c
		}
		fb = views.FeedbackOf(a, s.cfg.Content.Bank.ByID, r.PostForm["check"])
	}
	return s.page(w, r, views.QuizSaveStatus(msg, s.now(), fb))
}

// attemptSubmit scores and closes the attempt once. A second submit, a replay or a
// submit after the deadline changes nothing and says so.
func (s *Server) attemptSubmit(w http.ResponseWriter, r *http.Request) error {
	a, err := s.studentAttempt(r, false)
	if err != nil {
		return err
	}
	if a.Submitted() {
		return s.showAttempt(w, r, http.StatusConflict, a, "QuizErrAlreadySubmitted")
	}
	answers, err := answersOf(r, a)
	if err != nil {
		return err
	}
	res, err := s.store.SubmitLoaded(r.Context(), a, answers, s.cfg.Content.Bank.ByID)
	if errors.Is(err, store.ErrAlreadySubmitted) {
		if res.Attempt == nil {
			if res.Attempt, err = s.store.GetAttempt(r.Context(), a.StudentID, a.ID); err != nil {
				return err
			}
		}
		return s.showAttempt(w, r, http.StatusConflict, res.Attempt, "QuizErrAlreadySubmitted")
	} else if err != nil {
		return err
	}
	if res.Late {
		return s.redirect(w, r, views.AttemptURL(a.ID), "QuizTimeUpCounted")
	}
	return s.redirect(w, r, views.AttemptURL(a.ID), "QuizSubmitted")
}

// lessonList lists the lessons by band.
func (s *Server) lessonList(w http.ResponseWriter, r *http.Request) error {
	return s.page(w, r, views.LessonList(s.cfg.Content.Lessons))
}

// lessonPage shows one lesson; an unknown slug is 404.
func (s *Server) lessonPage(w http.ResponseWriter, r *http.Request) error {
	l := s.cfg.Content.Lesson(chi.URLParam(r, "slug"))
	if l == nil {
		return errNotFound
	}
	next := views.LessonNext{}
	lessons := s.cfg.Content.LessonsFor(l.Band)
	for i, x := range lessons {
		if x == l && i+1 < len(lessons) {
			next.Lesson = lessons[i+1]
		}
	}
	if st := who(r).Student; st != nil {
		// A student's own next step: a quiz of their class on the lesson's subject.
		w.Header().Set("Cache-Control", "private, no-store")
		a, err := s.lessonQuiz(r, st, l)
		if err != nil {
			return err
		}
		next.Quiz = a
	} else {
		w.Header().Set("Cache-Control", "public, max-age=300")
	}
	return s.page(w, r, views.LessonPage(l, next))
}

// lessonQuiz returns the open assignment of the student's class that fits a lesson, and
// that they have not handed in yet (practice once done is no longer the next step): of
// the lesson's band, on one of its tags (or on the whole band); nil if none.
func (s *Server) lessonQuiz(r *http.Request, st *portal.Student, l *portal.Lesson) (*portal.Assignment, error) {
	if portal.Band(st.Grade) != l.Band {
		return nil, nil
	}
	as, err := s.store.ClassAssignments(r.Context(), st.ClassID)
	if err != nil {
		return nil, err
	}
	var atts []portal.Attempt
	now := s.now()
	var best *portal.Assignment
	for i := range as {
		a := &as[i]
		if !a.Open(now) || a.Quiz.Band != l.Band {
			continue
		}
		onTag := false
		for _, t := range a.Quiz.Tags {
			onTag = onTag || slices.Contains(l.Tags, t)
		}
		if !onTag && len(a.Quiz.Tags) > 0 {
			continue
		}
		if atts == nil {
			if atts, err = s.store.StudentAttempts(r.Context(), st.ID); err != nil {
				return nil, err
			}
		}
		if slices.ContainsFunc(atts, func(t portal.Attempt) bool { return t.AssignmentID == a.ID && t.Submitted() }) {
			continue
		}
		// One on the lesson's own subject before one on the whole band.
		if best == nil || onTag && len(best.Quiz.Tags) == 0 {
			best = a
		}
	}
	return best, nil
}
