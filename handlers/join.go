package handlers

import (
	"errors"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
	"github.com/jinducity/portal/views"
)

// joinRoutes are the student's pages: joining a class, signing in with the personal
// code of a slip, and the student home.
func (s *Server) joinRoutes(r chi.Router) {
	r.Get("/join", s.h(s.joinForm))
	r.Post("/join", s.h(s.join))
	r.Get("/join/code", s.h(s.personalCodeForm))
	r.Post("/join/code", s.h(s.personalCodeSignIn))
	r.Route("/student", func(r chi.Router) {
		r.Use(s.requireRole("student"))
		r.Get("/", s.h(s.studentHome))
	})
}

func (s *Server) joinForm(w http.ResponseWriter, r *http.Request) error {
	form := &views.Form{Values: map[string]string{"code": portal.NormalizeJoinCode(r.URL.Query().Get("code"))}}
	return s.page(w, r, views.Join(form))
}

// join lets a student into a class. The per-address limiter is generous (a computer
// room of a whole class joins from one address within a minute); wrong PINs are limited
// per student and per class by the store, in the database.
func (s *Server) join(w http.ResponseWriter, r *http.Request) error {
	if s.ipLimit.OnLimit(discard{}, r, "join:"+s.clientIP(r)) {
		return errRateLimited
	}
	j := portal.StudentJoin{Code: r.PostFormValue("code"), Name: r.PostFormValue("name"), Number: r.PostFormValue("number"),
		PIN: r.PostFormValue("pin")}
	// The PIN is never sent back into the form.
	form := &views.Form{Values: map[string]string{"code": j.Code, "name": j.Name, "number": j.Number}}
	st, created, err := s.store.JoinClass(r.Context(), j)
	if errors.Is(err, store.ErrPINLocked) {
		s.log.Info("join refused: too many wrong PINs", "ip", s.clientIP(r))
		form.Message = "ErrPINLocked"
		return s.render(w, r, http.StatusTooManyRequests, views.Join(form))
	}
	if err != nil {
		return s.formError(w, r, err, form, views.Join)
	}
	if err := s.startSession(w, r, keyStudentID, st.ID); err != nil {
		return err
	}
	notice := ""
	if created {
		notice = "JoinPINRemember"
	}
	return s.redirect(w, r, "/student", notice)
}

// personalCodeForm asks for the personal code of a slip; the slip's QR code opens it
// with the code filled in, and the student presses the button, so that a link preview
// or a prefetch signs no one in.
func (s *Server) personalCodeForm(w http.ResponseWriter, r *http.Request) error {
	form := &views.Form{Values: map[string]string{"code": r.URL.Query().Get("c")}}
	w.Header().Set("Cache-Control", "no-store")
	return s.page(w, r, views.PersonalCode(form))
}

// personalCodeSignIn signs a student in with the personal code their teacher printed.
// Codes are long and random; the per-address limiter bounds guessing all the same.
func (s *Server) personalCodeSignIn(w http.ResponseWriter, r *http.Request) error {
	if s.ipLimit.OnLimit(discard{}, r, "join:"+s.clientIP(r)) {
		return errRateLimited
	}
	typed := r.PostFormValue("code")
	form := &views.Form{Values: map[string]string{"code": typed}}
	code := portal.NormalizePersonalCode(typed)
	if code == "" {
		return s.formError(w, r, portal.FieldErrors{"code": portal.Msg("ErrPersonalCodeFormat", "N", portal.PersonalCodeLength)},
			form, views.PersonalCode)
	}
	st, err := s.store.StudentByCode(r.Context(), code)
	if portal.ErrorCode(err) == portal.ENOTFOUND {
		s.log.Info("personal code unknown", "ip", s.clientIP(r))
		return s.formError(w, r, portal.FieldErrors{"code": portal.Msg("ErrPersonalCodeUnknown")}, form, views.PersonalCode)
	} else if err != nil {
		return err
	}
	if err := s.startSession(w, r, keyStudentID, st.ID); err != nil {
		return err
	}
	return s.redirect(w, r, "/student", "")
}

func (s *Server) studentHome(w http.ResponseWriter, r *http.Request) error {
	tasks, err := s.studentTasks(r)
	if err != nil {
		return err
	}
	return s.page(w, r, views.StudentHome(who(r).Student, tasks))
}
