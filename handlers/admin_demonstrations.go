package handlers

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"github.com/jinducity/portal"
	"github.com/jinducity/portal/views"
)

// adminDemonstrations lists every designation, active and revoked, by level.
func (s *Server) adminDemonstrations(w http.ResponseWriter, r *http.Request) error {
	list, err := s.store.ListDemonstrations(r.Context(), false)
	if err != nil {
		return err
	}
	return s.page(w, r, views.AdminDemonstrations(list))
}

// adminDemonstrationForm is the designation form; matches are the schools its picker
// offers when the name typed matched several.
func (s *Server) adminDemonstrationForm(r *http.Request, form *views.Form, matches []portal.School) (templ.Component, error) {
	s.fillSchoolName(r.Context(), form)
	return views.AdminDemonstrationForm(form, matches, s.now().Year()), nil
}

func (s *Server) adminDemonstrationNew(w http.ResponseWriter, r *http.Request) error {
	form := &views.Form{Values: map[string]string{
		"year": strconv.Itoa(s.now().Year()), "school_id": r.URL.Query().Get("school"),
	}}
	c, err := s.adminDemonstrationForm(r, form, nil)
	if err != nil {
		return err
	}
	return s.page(w, r, c)
}

// adminDemonstrationCreate designates a school; the store revokes the school's earlier
// active designation in the same transaction.
func (s *Server) adminDemonstrationCreate(w http.ResponseWriter, r *http.Request) error {
	pick, err := s.pickSchool(r, false, true)
	if err != nil {
		return err
	}
	d := &portal.Demonstration{
		SchoolID: pick.ID, Level: portal.DemoLevel(r.PostFormValue("level")), Note: r.PostFormValue("note"),
	}
	rawYear := strings.TrimSpace(r.PostFormValue("year"))
	form := &views.Form{Values: map[string]string{
		"school": strings.TrimSpace(r.PostFormValue("school")), "school_id": idString(d.SchoolID),
		"level": string(d.Level), "year": rawYear, "note": d.Note,
	}}
	c, err := s.adminDemonstrationForm(r, form, pick.Matches)
	if err != nil {
		return err
	}
	render := func(*views.Form) templ.Component { return c }
	f := portal.FieldErrors{}
	f.Add("school_id", pick.Problem)
	if y, err := strconv.Atoi(rawYear); err != nil {
		f.AddID("year", "ErrNumber")
	} else {
		d.Year = y
	}
	for k, m := range d.Validate(s.now()) {
		f.Add(k, m)
	}
	if len(f) > 0 {
		return s.formError(w, r, f, form, render)
	}
	if err := s.store.Designate(r.Context(), who(r).actor(), d); err != nil {
		return s.formError(w, r, err, form, render)
	}
	return s.redirect(w, r, "/admin/demonstrations", "AdminDesignated")
}

func (s *Server) adminDemonstrationRevoke(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.store.RevokeDemonstration(r.Context(), who(r).actor(), id); err != nil {
		return err
	}
	return s.redirect(w, r, "/admin/demonstrations", "AdminRevoked")
}
