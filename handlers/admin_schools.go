package handlers

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
	"github.com/jinducity/portal/views"
)

// adminSchools lists every school, inactive ones too, with search, filters and paging.
func (s *Server) adminSchools(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	filter := queryForm(r, "q", "district", "stage", "sort")
	f := store.SchoolFilter{Query: filter.Get("q"), IncludeInactive: true, Sort: filter.Get("sort")}
	if id, err := strconv.ParseInt(filter.Get("district"), 10, 64); err == nil && id > 0 {
		f.DistrictID = id
	}
	if st := portal.Stage(filter.Get("stage")); st.Valid() {
		f.Stage = st
	}
	if format, err := exportFormat(r); err != nil {
		return err
	} else if format != "" {
		x, err := s.schoolsExport(r, f, s.schoolFilterText(r, f))
		if err != nil {
			return err
		}
		return s.sendExport(w, r, format, x)
	}
	page := pageParam(r)
	f.Limit, f.Offset = adminPageSize, (page-1)*adminPageSize
	schools, total, err := s.store.ListSchools(ctx, f)
	if err != nil {
		return err
	}
	ds, err := s.store.ListDistricts(ctx)
	if err != nil {
		return err
	}
	return s.page(w, r, views.AdminSchools(views.AdminSchoolList{
		Schools: schools, Districts: ds, Filter: filter, Pager: pager(r, page, total, adminPageSize),
	}))
}

// schoolForm returns the form values of a school.
func schoolForm(sc *portal.School) *views.Form {
	v := map[string]string{
		"name": sc.Name, "district_id": idString(sc.DistrictID), "stage": string(sc.Stage),
		"enrolment": strconv.Itoa(sc.Enrolment), "address": sc.Address,
		"contact_name": sc.ContactName, "contact_phone": sc.ContactPhone,
	}
	if sc.HasGraduating {
		v["has_graduating"] = "1"
	}
	return &views.Form{Values: v}
}

// schoolFromForm reads the school form. Problems the domain cannot see (an enrolment that
// is not a number) come back as field errors; the form keeps what was typed.
func schoolFromForm(r *http.Request) (*portal.School, *views.Form, portal.FieldErrors) {
	f := portal.FieldErrors{}
	sc := &portal.School{
		Name: r.PostFormValue("name"), DistrictID: formID(r, "district_id"), Stage: portal.Stage(r.PostFormValue("stage")),
		HasGraduating: r.PostFormValue("has_graduating") == "1", Address: r.PostFormValue("address"),
		ContactName: r.PostFormValue("contact_name"), ContactPhone: r.PostFormValue("contact_phone"),
	}
	form := schoolForm(sc)
	raw := strings.TrimSpace(r.PostFormValue("enrolment"))
	form.Values["enrolment"] = raw
	if raw == "" {
		f.AddID("enrolment", "ErrRequired")
	} else if n, err := strconv.Atoi(raw); err != nil {
		f.AddID("enrolment", "ErrNumber")
	} else {
		sc.Enrolment = n
	}
	for k, m := range sc.Validate() {
		f.Add(k, m)
	}
	return sc, form, f
}

func (s *Server) adminSchoolNew(w http.ResponseWriter, r *http.Request) error {
	ds, err := s.store.ListDistricts(r.Context())
	if err != nil {
		return err
	}
	form := &views.Form{Values: map[string]string{"enrolment": "0"}}
	return s.page(w, r, views.AdminSchoolForm(form, ds, nil))
}

func (s *Server) adminSchoolCreate(w http.ResponseWriter, r *http.Request) error {
	ds, err := s.store.ListDistricts(r.Context())
	if err != nil {
		return err
	}
	sc, form, f := schoolFromForm(r)
	render := func(f *views.Form) templ.Component { return views.AdminSchoolForm(f, ds, nil) }
	if len(f) > 0 {
		return s.formError(w, r, f, form, render)
	}
	if err := s.store.CreateSchool(r.Context(), who(r).actor(), sc); err != nil {
		return s.formError(w, r, err, form, render)
	}
	return s.redirect(w, r, "/admin/schools", "Saved")
}

// adminSchoolByID loads the school of the URL; malformed and unknown IDs are 404.
func (s *Server) adminSchoolByID(r *http.Request) (*portal.School, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.store.GetSchool(r.Context(), id, portal.SchoolYear(s.now()))
}

func (s *Server) adminSchoolEdit(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.adminSchoolByID(r)
	if err != nil {
		return err
	}
	ds, err := s.store.ListDistricts(r.Context())
	if err != nil {
		return err
	}
	return s.page(w, r, views.AdminSchoolForm(schoolForm(sc), ds, sc))
}

func (s *Server) adminSchoolUpdate(w http.ResponseWriter, r *http.Request) error {
	old, err := s.adminSchoolByID(r)
	if err != nil {
		return err
	}
	ds, err := s.store.ListDistricts(r.Context())
	if err != nil {
		return err
	}
	sc, form, f := schoolFromForm(r)
	sc.ID = old.ID
	render := func(f *views.Form) templ.Component { return views.AdminSchoolForm(f, ds, old) }
	if len(f) > 0 {
		return s.formError(w, r, f, form, render)
	}
	if err := s.store.UpdateSchool(r.Context(), who(r).actor(), sc); err != nil {
		return s.formError(w, r, err, form, render)
	}
	return s.redirect(w, r, "/admin/schools", "Saved")
}

// adminSchoolActive disables or re-enables a school.
func (s *Server) adminSchoolActive(active bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		if err := s.store.SetSchoolActive(r.Context(), who(r).actor(), id, active); err != nil {
			return err
		}
		notice := "AdminSchoolDisabled"
		if active {
			notice = "AdminSchoolEnabled"
		}
		return s.redirect(w, r, "/admin/schools/"+strconv.FormatInt(id, 10)+"/edit", notice)
	}
}
