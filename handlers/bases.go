package handlers

import (
	"net/http"
	"strconv"
	"time"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"
	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
	"github.com/jinducity/portal/views"
)

// baseRoutes are the education bases' routes (issue 15): the public list, pages and
// JSON, the city admin's register of bases, the base managers' slots and check-in,
// the schools' group bookings and the individual visitors' places.
func (s *Server) baseRoutes(r chi.Router) {
	r.Get("/bases", s.h(s.basesPage))
	r.Get("/bases/{id}", s.h(s.basePage))
	r.Get("/api/v1/bases", s.h(s.apiBases))
	r.Get("/api/v1/bases/{id}/slots", s.h(s.apiBaseSlots))
	r.Get("/visits/book/{id}", s.h(s.visitForm))
	r.Post("/visits/book/{id}", s.h(s.visitBook))
	r.Get("/visits/cancel", s.h(s.visitCancelForm))
	r.Post("/visits/cancel", s.h(s.visitCancel))
	r.Route("/admin/bases", func(r chi.Router) {
		r.Use(s.requireRole(string(portal.RoleAdmin)))
		r.Get("/", s.h(s.adminBases))
		r.Get("/new", s.h(s.adminBaseNew))
		r.Post("/new", s.h(s.adminBaseSave))
		r.Get("/{id}/edit", s.h(s.adminBaseEdit))
		r.Post("/{id}/edit", s.h(s.adminBaseSave))
		r.Get("/{id}/report", s.h(s.adminBaseReport))
		r.Get("/coverage", s.h(s.adminBaseCoverage))
	})
	r.Route("/base", func(r chi.Router) {
		r.Use(s.requireRole(string(portal.RoleBase)))
		r.Get("/", s.h(s.baseHome))
		r.Route("/bases/{id}", func(r chi.Router) {
			r.Get("/", s.h(s.baseManage))
			r.Post("/slots", s.h(s.baseAddSlot))
			r.Post("/pattern", s.h(s.baseAddPattern))
			r.Post("/close", s.h(s.baseCloseDay))
			r.Get("/day", s.h(s.baseDay))
			r.Get("/report", s.h(s.baseReport))
			r.Post("/checkin", s.h(s.baseCheckin))
			r.Post("/bookings/{bid}/arrival", s.h(s.baseArrival))
		})
	})
	r.Route("/school/bookings", func(r chi.Router) {
		r.Use(s.requireRole(string(portal.RoleTeacher)))
		r.Get("/", s.h(s.schoolBookings))
		r.Get("/new", s.h(s.bookingNew))
		r.Post("/new", s.h(s.bookingCreate))
		r.Post("/{id}/cancel", s.h(s.bookingCancel))
		r.Get("/{id}/slip", s.h(s.bookingSlip))
		r.Get("/{id}/qr.png", s.h(s.bookingQR))
	})
}

// basesPage lists the active bases, filtered by district and kind; unknown filter
// values are ignored, as the school directory does.
func (s *Server) basesPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	d := views.BaseDirectory{}
	if id, err := strconv.ParseInt(q.Get("district"), 10, 64); err == nil && id > 0 {
		d.DistrictID = id
	}
	if k := portal.BaseKind(q.Get("kind")); k.Valid() {
		d.Kind = k
	}
	var err error
	if d.Districts, err = s.store.ListDistricts(r.Context()); err != nil {
		return err
	}
	if d.Bases, err = s.store.ListBases(r.Context(), store.BaseFilter{DistrictID: d.DistrictID, Kind: d.Kind, ActiveOnly: true}); err != nil {
		return err
	}
	return s.page(w, r, views.BasesPage(d))
}

// activeBase returns the active base of the URL's id.
func (s *Server) activeBase(r *http.Request) (*portal.Base, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	b, err := s.store.GetBase(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if !b.Active {
		return nil, errNotFound
	}
	return b, nil
}

// basePage is a base's public page with its next slots.
func (s *Server) basePage(w http.ResponseWriter, r *http.Request) error {
	b, err := s.activeBase(r)
	if err != nil {
		return err
	}
	slots, err := s.store.UpcomingSlots(r.Context(), b.ID, 60)
	if err != nil {
		return err
	}
	teacher := who(r).role() == string(portal.RoleTeacher)
	return s.page(w, r, views.BasePage(b, slots, teacher))
}

// BaseJSON is one base of GET /api/v1/bases.
type BaseJSON struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Kind     string `json:"kind"`
	District string `json:"district"`
	Address  string `json:"address"`
}

// SlotJSON is one slot of GET /api/v1/bases/{id}/slots.
type SlotJSON struct {
	ID       int64  `json:"id"`
	StartsAt string `json:"starts_at"`
	EndsAt   string `json:"ends_at"`
	Capacity int    `json:"capacity"`
	Booked   int    `json:"booked"`
	Public   bool   `json:"public"`
}

func (s *Server) apiBases(w http.ResponseWriter, r *http.Request) error {
	list, err := s.store.ListBases(r.Context(), store.BaseFilter{ActiveOnly: true})
	if err != nil {
		return err
	}
	out := make([]BaseJSON, 0, len(list))
	for _, b := range list {
		out = append(out, BaseJSON{ID: b.ID, Name: b.Name, Kind: string(b.Kind), District: b.DistrictName, Address: b.Address})
	}
	w.Header().Set("Cache-Control", "public, max-age=60")
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiBaseSlots(w http.ResponseWriter, r *http.Request) error {
	b, err := s.activeBase(r)
	if err != nil {
		return writeJSON(w, http.StatusNotFound, map[string]string{"error": views.T(r.Context(), "ErrNotFound")})
	}
	slots, err := s.store.UpcomingSlots(r.Context(), b.ID, 500)
	if err != nil {
		return err
	}
	out := make([]SlotJSON, 0, len(slots))
	for _, sl := range slots {
		out = append(out, SlotJSON{ID: sl.ID, StartsAt: sl.StartsAt.In(portal.CST).Format(time.RFC3339),
			EndsAt: sl.EndsAt.In(portal.CST).Format(time.RFC3339), Capacity: sl.Capacity, Booked: sl.Booked, Public: sl.Public})
	}
	w.Header().Set("Cache-Control", "public, max-age=30")
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) adminBases(w http.ResponseWriter, r *http.Request) error {
	list, err := s.store.ListBases(r.Context(), store.BaseFilter{})
	if err != nil {
		return err
	}
	return s.page(w, r, views.AdminBases(list))
}

// adminBaseView returns the render function of the base form with the choices.
func (s *Server) adminBaseView(r *http.Request, editID int64, chosen map[int64]bool) (func(*views.Form) templ.Component, error) {
	districts, err := s.store.ListDistricts(r.Context())
	if err != nil {
		return nil, err
	}
	managers, _, err := s.store.ListUsers(r.Context(), store.UserFilter{Role: portal.RoleBase, Limit: 500})
	if err != nil {
		return nil, err
	}
	return func(f *views.Form) templ.Component {
		return views.AdminBaseForm(f, editID, districts, managers, chosen)
	}, nil
}

func (s *Server) adminBaseNew(w http.ResponseWriter, r *http.Request) error {
	view, err := s.adminBaseView(r, 0, nil)
	if err != nil {
		return err
	}
	return s.page(w, r, view(&views.Form{Values: map[string]string{}}))
}

func (s *Server) adminBaseEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	b, err := s.store.GetBase(r.Context(), id)
	if err != nil {
		return err
	}
	chosen := map[int64]bool{}
	for _, m := range b.ManagerIDs {
		chosen[m] = true
	}
	view, err := s.adminBaseView(r, id, chosen)
	if err != nil {
		return err
	}
	f := &views.Form{Values: map[string]string{"name": b.Name, "kind": string(b.Kind), "district_id": idString(b.DistrictID),
		"address": b.Address, "hours": b.Hours, "description": b.Description, "covers": b.Covers, "access": b.Access,
		"transport": b.Transport, "active": boolValue(b.Active)}}
	return s.page(w, r, view(f))
}

// adminBaseSave registers a base (no id in the URL) or saves one.
func (s *Server) adminBaseSave(w http.ResponseWriter, r *http.Request) error {
	var id int64
	if chi.URLParam(r, "id") != "" {
		var err error
		if id, err = pathID(r, "id"); err != nil {
			return err
		}
		if _, err := s.store.GetBase(r.Context(), id); err != nil {
			return err
		}
	}
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	b := &portal.Base{ID: id, Name: r.PostFormValue("name"), Kind: portal.BaseKind(r.PostFormValue("kind")),
		DistrictID: formID(r, "district_id"), Address: r.PostFormValue("address"), Hours: r.PostFormValue("hours"),
		Description: r.PostFormValue("description"), Covers: r.PostFormValue("covers"), Access: r.PostFormValue("access"),
		Transport: r.PostFormValue("transport"), Active: id == 0 || r.PostFormValue("active") == "1"}
	chosen := map[int64]bool{}
	for _, v := range r.PostForm["manager"] {
		if m, err := strconv.ParseInt(v, 10, 64); err == nil && m > 0 {
			b.ManagerIDs = append(b.ManagerIDs, m)
			chosen[m] = true
		}
	}
	form := &views.Form{Values: map[string]string{}}
	for _, k := range []string{"name", "kind", "district_id", "address", "hours", "description", "covers", "access", "transport", "active"} {
		form.Values[k] = r.PostFormValue(k)
	}
	view, err := s.adminBaseView(r, id, chosen)
	if err != nil {
		return err
	}
	if id == 0 {
		err = s.store.CreateBase(r.Context(), who(r).actor(), b)
	} else {
		err = s.store.UpdateBase(r.Context(), who(r).actor(), b)
	}
	if err != nil {
		return s.formError(w, r, err, form, view)
	}
	return s.redirect(w, r, "/admin/bases", "Saved")
}

func boolValue(b bool) string {
	if b {
		return "1"
	}
	return ""
}

// reportYear reads ?year= (a valid school year) or the current school year.
func (s *Server) reportYear(r *http.Request) int {
	if y, err := strconv.Atoi(r.URL.Query().Get("year")); err == nil && portal.ValidSchoolYear(y, s.now()) {
		return y
	}
	return portal.SchoolYear(s.now())
}

func (s *Server) renderBaseReport(w http.ResponseWriter, r *http.Request, b *portal.Base) error {
	year := s.reportYear(r)
	from, to := portal.SchoolYearBounds(year)
	months, err := s.store.BaseReport(r.Context(), b.ID, from, to)
	if err != nil {
		return err
	}
	return s.page(w, r, views.BaseReportPage(b, year, months))
}

// baseReport is a manager's report of one of their bases.
func (s *Server) baseReport(w http.ResponseWriter, r *http.Request) error {
	b, err := s.managedBase(r)
	if err != nil {
		return err
	}
	return s.renderBaseReport(w, r, b)
}

// adminBaseReport is the city admin's view of a base's report.
func (s *Server) adminBaseReport(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	b, err := s.store.GetBase(r.Context(), id)
	if err != nil {
		return err
	}
	return s.renderBaseReport(w, r, b)
}

// adminBaseCoverage shows by district the share of schools with a base visit.
func (s *Server) adminBaseCoverage(w http.ResponseWriter, r *http.Request) error {
	year := s.reportYear(r)
	rows, err := s.store.BaseCoverage(r.Context(), year)
	if err != nil {
		return err
	}
	return s.page(w, r, views.BaseCoveragePage(year, rows))
}
