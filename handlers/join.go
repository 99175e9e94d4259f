package handlers

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/jinducity/portal"
	"github.com/jinducity/portal/views"
)

// joinRoutes are the student's pages: joining a class and the student home.
func (s *Server) joinRoutes(r chi.Router) {
	r.Get("/join", s.h(s.joinForm))
	r.Post("/join", s.h(s.join))
	r.Route("/student", func(r chi.Router) {
		r.Use(s.requireRole("student"))
		r.Get("/", s.h(s.studentHome))
	})
}

func (s *Server) joinForm(w http.ResponseWriter, r *http.Request) error {
	form := &views.Form{Values: map[string]string{"code": portal.NormalizeJoinCode(r.URL.Query().Get("code"))}}
	return s.page(w, r, views.Join(form))
}

// join lets a student into a class. Only the per-address limiter applies: a computer
// room of a whole class joins from one address within a minute.
func (s *Server) join(w http.ResponseWriter, r *http.Request) error {
	if s.ipLimit.OnLimit(discard{}, r, "join:"+s.clientIP(r)) {
		return errRateLimited
	}
	j := portal.StudentJoin{Code: r.PostFormValue("code"), Name: r.PostFormValue("name"), Number: r.PostFormValue("number")}
	form := &views.Form{Values: map[string]string{"code": j.Code, "name": j.Name, "number": j.Number}}
	st, _, err := s.store.JoinClass(r.Context(), j)
	if err != nil {
		return s.formError(w, r, err, form, views.Join)
	}
	if err := s.startSession(w, r, keyStudentID, st.ID); err != nil {
		return err
	}
	http.Redirect(w, r, "/student", http.StatusSeeOther)
	return nil
}

func (s *Server) studentHome(w http.ResponseWriter, r *http.Request) error {
	tasks, err := s.studentTasks(r)
	if err != nil {
		return err
	}
	return s.page(w, r, views.StudentHome(who(r).Student, tasks))
}
