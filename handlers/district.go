package handlers

import (
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
	"github.com/jinducity/portal/views"
)

// districtPageSize is the number of schools a page of the district's table shows.
const districtPageSize = 50

// districtRoutes are the district reviewer's pages, scoped to their district.
func (s *Server) districtRoutes(r chi.Router) {
	r.Route("/district", func(r chi.Router) {
		r.Use(s.requireRole(string(portal.RoleDistrict)))
		r.Get("/", s.h(s.districtHome))
		r.Get("/dashboard", s.h(s.districtDashboard)) // issue 16, dashboards_scoped.go
	})
}

// districtHome shows the reviewer's district: its schools with this school year's classes,
// registered students and registration rate. The district comes from the account, never
// from the request.
func (s *Server) districtHome(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	d, err := s.store.GetDistrict(ctx, who(r).User.DistrictID)
	if err != nil {
		return err
	}
	if format, err := exportFormat(r); err != nil {
		return err
	} else if format != "" {
		x, err := s.schoolsExport(r, store.SchoolFilter{DistrictID: d.ID}, views.T(ctx, "AdminDistrict")+"："+d.Name)
		if err != nil {
			return err
		}
		return s.sendExport(w, r, format, x)
	}
	year := portal.SchoolYear(s.now())
	schools, err := s.store.DistrictSchools(ctx, d.ID, year)
	if err != nil {
		return err
	}
	v := views.DistrictView{District: d, SchoolYear: year, Schools: schools, Filter: queryForm(r, "q")}
	q := v.Filter.Get("q")
	var rows []portal.School
	for _, sc := range schools {
		v.Enrolment += sc.Enrolment
		v.Classes += sc.Classes
		v.Joined += sc.StudentsJoined
		if sc.Demonstration != nil {
			v.Demonstrations++
		}
		if q == "" || strings.Contains(sc.Name, q) {
			rows = append(rows, sc)
		}
	}
	// A district of a large city has a few hundred schools: a page of them at a time,
	// the totals over all.
	v.Pager = pager(r, pageParam(r), len(rows), districtPageSize)
	from := min((v.Pager.Page-1)*districtPageSize, len(rows))
	v.Rows = rows[from:min(from+districtPageSize, len(rows))]
	return s.page(w, r, views.DistrictHome(v))
}
