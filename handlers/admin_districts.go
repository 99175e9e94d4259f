package handlers

import (
	"net/http"

	"github.com/a-h/templ"
	"github.com/jinducity/portal"
	"github.com/jinducity/portal/views"
)

func (s *Server) adminDistricts(w http.ResponseWriter, r *http.Request) error {
	ds, err := s.store.ListDistricts(r.Context())
	if err != nil {
		return err
	}
	return s.page(w, r, views.AdminDistricts(ds))
}

func (s *Server) adminDistrictNew(w http.ResponseWriter, r *http.Request) error {
	return s.page(w, r, views.AdminDistrictForm(&views.Form{}, 0))
}

// districtFromForm reads the district form and returns it with the form as typed.
func districtFromForm(r *http.Request) (*portal.District, *views.Form) {
	d := &portal.District{Name: r.PostFormValue("name"), Code: r.PostFormValue("code")}
	return d, &views.Form{Values: map[string]string{"name": d.Name, "code": d.Code}}
}

func (s *Server) adminDistrictCreate(w http.ResponseWriter, r *http.Request) error {
	d, form := districtFromForm(r)
	render := func(f *views.Form) templ.Component { return views.AdminDistrictForm(f, 0) }
	if err := s.store.CreateDistrict(r.Context(), who(r).actor(), d); err != nil {
		return s.formError(w, r, err, form, render)
	}
	return s.redirect(w, r, "/admin/districts", "Saved")
}

func (s *Server) adminDistrictEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d, err := s.store.GetDistrict(r.Context(), id)
	if err != nil {
		return err
	}
	form := &views.Form{Values: map[string]string{"name": d.Name, "code": d.Code}}
	return s.page(w, r, views.AdminDistrictForm(form, id))
}

func (s *Server) adminDistrictUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.store.GetDistrict(r.Context(), id); err != nil {
		return err
	}
	d, form := districtFromForm(r)
	d.ID = id
	render := func(f *views.Form) templ.Component { return views.AdminDistrictForm(f, id) }
	if err := s.store.UpdateDistrict(r.Context(), who(r).actor(), d); err != nil {
		return s.formError(w, r, err, form, render)
	}
	return s.redirect(w, r, "/admin/districts", "Saved")
}
