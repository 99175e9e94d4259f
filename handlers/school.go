package handlers

import (
	"net/http"
	"strconv"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"
	"github.com/jinducity/portal"
	"github.com/jinducity/portal/views"
)

// schoolRoutes are the pages of a school's administrators and teachers. Every page is
// scoped to the teacher's own school: a class of another school is answered 404, as if
// it did not exist.
func (s *Server) schoolRoutes(r chi.Router) {
	r.Route("/school", func(r chi.Router) {
		r.Use(s.requireRole(string(portal.RoleTeacher)))
		r.Get("/", s.h(s.schoolHome))
		r.Get("/notice", s.h(s.consentNotice))
		r.Get("/classes", s.h(s.classList))
		r.Get("/classes/new", s.h(s.classNew))
		r.Post("/classes", s.h(s.classCreate))
		r.Route("/classes/{id}", func(r chi.Router) {
			r.Get("/", s.h(s.classPage))
			r.Get("/edit", s.h(s.classEdit))
			r.Post("/edit", s.h(s.classUpdate))
			r.Post("/archive", s.h(s.classArchive(true)))
			r.Post("/restore", s.h(s.classArchive(false)))
			r.Post("/code", s.h(s.classNewCode))
			r.Post("/consent", s.h(s.classConsent))
			r.Get("/slip", s.h(s.classSlip))
			r.Get("/qr.png", s.h(s.classQR))
			r.Post("/students/{sid}/remove", s.h(s.removeStudent))
			r.Post("/students/{sid}/pin/reset", s.h(s.resetStudentPIN))
			r.Post("/slips", s.h(s.studentSlips))
		})
		r.Get("/dashboard", s.h(s.schoolDashboard)) // issue 16, dashboards_scoped.go
		// Roster import (issue 16, imports.go).
		r.Get("/import", s.h(s.importForm))
		r.Get("/import/template", s.h(s.importTemplate))
		r.Post("/import", s.h(s.importPreview))
		r.Post("/import/confirm", s.h(s.importConfirm))
	})
}

// teacherSchool returns the teacher's school with its figures for a school year.
func (s *Server) teacherSchool(r *http.Request, year int) (*portal.School, error) {
	return s.store.GetSchool(r.Context(), who(r).User.SchoolID, year)
}

// schoolClass returns the class named in the URL when it belongs to the teacher's
// school; a malformed ID, an unknown class and another school's class are all 404.
func (s *Server) schoolClass(r *http.Request) (*portal.Class, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	c, err := s.store.GetClass(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if c.SchoolID != who(r).User.SchoolID {
		return nil, errNotFound
	}
	return c, nil
}

func classURL(id int64) string { return views.ClassURL(id) }

func (s *Server) schoolHome(w http.ResponseWriter, r *http.Request) error {
	year := portal.SchoolYear(s.now())
	sc, err := s.teacherSchool(r, year)
	if err != nil {
		return err
	}
	classes, err := s.store.ListClasses(r.Context(), sc.ID, year, false)
	if err != nil {
		return err
	}
	return s.page(w, r, views.SchoolHome(sc, classes, year))
}

// classList lists the classes of a school year, archived ones included. An unknown or
// malformed year is 404: the switcher only offers years that exist.
func (s *Server) classList(w http.ResponseWriter, r *http.Request) error {
	current := portal.SchoolYear(s.now())
	year := current
	if q := r.URL.Query().Get("year"); q != "" {
		y, err := strconv.Atoi(q)
		if err != nil || !portal.ValidSchoolYear(y, s.now()) {
			return errNotFound
		}
		year = y
	}
	sc, err := s.teacherSchool(r, current)
	if err != nil {
		return err
	}
	years, err := s.store.ClassYears(r.Context(), sc.ID)
	if err != nil {
		return err
	}
	if len(years) == 0 || years[0] != current {
		years = append([]int{current}, years...)
	}
	if format, err := exportFormat(r); err != nil {
		return err
	} else if format != "" {
		return s.sendExport(w, r, format, s.rosterExport(r, sc, year, 0, sc.Name))
	}
	classes, err := s.store.ListClasses(r.Context(), sc.ID, year, true)
	if err != nil {
		return err
	}
	return s.page(w, r, views.SchoolClasses(sc, years, year, current, classes))
}

// classFormView returns the render function of the class form for a school, new when
// c is nil.
func classFormView(sc *portal.School, c *portal.Class) func(*views.Form) templ.Component {
	return func(f *views.Form) templ.Component { return views.ClassForm(f, sc, c) }
}

func (s *Server) classNew(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.teacherSchool(r, portal.SchoolYear(s.now()))
	if err != nil {
		return err
	}
	return s.page(w, r, views.ClassForm(&views.Form{}, sc, nil))
}

// classForm reads the class form into c and returns the form as typed.
func classForm(r *http.Request, c *portal.Class) *views.Form {
	grade, name := r.PostFormValue("grade"), r.PostFormValue("name")
	c.Grade, _ = strconv.Atoi(grade) // a non-number is grade 0, which Validate refuses
	c.Name = name
	return &views.Form{Values: map[string]string{"grade": grade, "name": name}}
}

// classCreate adds a class to the current school year.
func (s *Server) classCreate(w http.ResponseWriter, r *http.Request) error {
	year := portal.SchoolYear(s.now())
	sc, err := s.teacherSchool(r, year)
	if err != nil {
		return err
	}
	c := &portal.Class{SchoolID: sc.ID, SchoolYear: year}
	form := classForm(r, c)
	if err := s.store.CreateClass(r.Context(), who(r).actor(), c); err != nil {
		return s.formError(w, r, err, form, classFormView(sc, nil))
	}
	return s.redirect(w, r, classURL(c.ID), "ClassCreated")
}

func (s *Server) classEdit(w http.ResponseWriter, r *http.Request) error {
	c, err := s.schoolClass(r)
	if err != nil {
		return err
	}
	sc, err := s.teacherSchool(r, c.SchoolYear)
	if err != nil {
		return err
	}
	form := &views.Form{Values: map[string]string{"grade": strconv.Itoa(c.Grade), "name": c.Name}}
	return s.page(w, r, views.ClassForm(form, sc, c))
}

// classUpdate changes a class's grade and name.
func (s *Server) classUpdate(w http.ResponseWriter, r *http.Request) error {
	c, err := s.schoolClass(r)
	if err != nil {
		return err
	}
	sc, err := s.teacherSchool(r, c.SchoolYear)
	if err != nil {
		return err
	}
	orig := *c
	form := classForm(r, c)
	if err := s.store.UpdateClass(r.Context(), who(r).actor(), c); err != nil {
		return s.formError(w, r, err, form, classFormView(sc, &orig))
	}
	return s.redirect(w, r, classURL(c.ID), "Saved")
}

// classArchive archives or restores a class; an archived class cannot be joined.
func (s *Server) classArchive(archived bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		c, err := s.schoolClass(r)
		if err != nil {
			return err
		}
		if err := s.store.SetClassArchived(r.Context(), who(r).actor(), c.ID, archived); err != nil {
			return err
		}
		notice := "ClassRestored"
		if archived {
			notice = "ClassArchived"
		}
		return s.redirect(w, r, classURL(c.ID), notice)
	}
}

// classNewCode gives the class a new join code; the old one stops working at once.
func (s *Server) classNewCode(w http.ResponseWriter, r *http.Request) error {
	c, err := s.schoolClass(r)
	if err != nil {
		return err
	}
	if _, err := s.store.NewJoinCode(r.Context(), who(r).actor(), c.ID); err != nil {
		return err
	}
	return s.redirect(w, r, classURL(c.ID), "JoinCodeChanged")
}

// consentNotice is the printable letter to guardians.
func (s *Server) consentNotice(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.teacherSchool(r, portal.SchoolYear(s.now()))
	if err != nil {
		return err
	}
	return s.page(w, r, views.ConsentNotice(sc, portal.ConsentNoticeVersion))
}
