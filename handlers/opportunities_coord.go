package handlers

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"
	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
	"github.com/jinducity/portal/views"
	qrcode "github.com/skip2/go-qrcode"
)

// coordinatorPages are the coordinator's pages under /association.
func (s *Server) coordinatorPages(r chi.Router) {
	r.Post("/applications/{id}/approve", s.h(s.approveApplication))
	r.Post("/applications/{id}/decline", s.h(s.declineApplication))
	r.Post("/requests/{id}/decline", s.h(s.declineRequest))
	r.Get("/opportunities/new", s.h(s.newOpportunity))
	r.Post("/opportunities/new", s.h(s.createOpportunity))
	r.Route("/opportunities/{id}", func(r chi.Router) {
		r.Get("/", s.h(s.manageOpportunity))
		r.Get("/edit", s.h(s.editOpportunity))
		r.Post("/edit", s.h(s.saveOpportunity))
		r.Post("/withdraw", s.h(s.withdrawOpportunity))
		r.Post("/checkin", s.h(s.openCheckin))
		r.Get("/checkin", s.h(s.checkinScreen))
		r.Get("/qr.png", s.h(s.checkinQR))
		r.Post("/attendance", s.h(s.markAttendance))
		r.Post("/hours", s.h(s.confirmHours))
	})
	r.Get("/reports", s.h(s.associationReport))
}

func (s *Server) approveApplication(w http.ResponseWriter, r *http.Request) error {
	return s.decideApplication(w, r, true)
}

func (s *Server) declineApplication(w http.ResponseWriter, r *http.Request) error {
	return s.decideApplication(w, r, false)
}

func (s *Server) decideApplication(w http.ResponseWriter, r *http.Request, approve bool) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	err = s.store.DecideApplication(r.Context(), who(r).actor(), who(r).User.AssociationID, id, approve, r.PostFormValue("reason"))
	if _, ok := portal.AsFieldErrors(err); ok {
		return s.redirect(w, r, "/association#applications", "VolErrReason")
	} else if m, ok := refusal(err); ok {
		return s.redirect(w, r, "/association#applications", m.ID)
	} else if err != nil {
		return err
	}
	notice := "VolApproved"
	if !approve {
		notice = "VolDeclined"
	}
	return s.redirect(w, r, "/association#applications", notice)
}

func (s *Server) declineRequest(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	err = s.store.DeclineRequest(r.Context(), who(r).actor(), who(r).User.AssociationID, id, r.PostFormValue("reason"))
	if _, ok := portal.AsFieldErrors(err); ok {
		return s.redirect(w, r, "/association#requests", "VolErrReason")
	} else if m, ok := refusal(err); ok {
		return s.redirect(w, r, "/association#requests", m.ID)
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/association#requests", "VolDeclined")
}

// parseLocal reads a datetime-local field in China Standard Time.
func parseLocal(v string) time.Time {
	t, err := time.ParseInLocation("2006-01-02T15:04", strings.TrimSpace(v), portal.CST)
	if err != nil {
		return time.Time{}
	}
	return t
}

func localValue(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(portal.CST).Format("2006-01-02T15:04")
}

func opportunityForm(o *portal.Opportunity, requestID int64) *views.Form {
	cap := ""
	if o.Capacity > 0 {
		cap = strconv.Itoa(o.Capacity)
	}
	city := ""
	if o.CityWide {
		city = "1"
	}
	return &views.Form{Values: map[string]string{"association_id": idString(o.AssociationID), "title": o.Title, "description": o.Description, "place": o.Place,
		"starts_at": localValue(o.StartsAt), "ends_at": localValue(o.EndsAt), "deadline": localValue(o.Deadline),
		"capacity": cap, "skills": portal.JoinSkills(o.Skills), "city_wide": city, "request": idString(requestID)}}
}

func opportunityFromForm(r *http.Request) (*portal.Opportunity, *views.Form) {
	joinDateTimes(r, "starts_at", "ends_at", "deadline")
	capacity, _ := strconv.Atoi(strings.TrimSpace(r.PostFormValue("capacity")))
	o := &portal.Opportunity{AssociationID: formID(r, "association_id"), Title: r.PostFormValue("title"), Description: r.PostFormValue("description"),
		Place: r.PostFormValue("place"), StartsAt: parseLocal(r.PostFormValue("starts_at")), EndsAt: parseLocal(r.PostFormValue("ends_at")),
		Deadline: parseLocal(r.PostFormValue("deadline")), Capacity: capacity, Skills: skillsOf(r), CityWide: r.PostFormValue("city_wide") == "1"}
	form := opportunityForm(o, formID(r, "request"))
	form.Values["association"] = strings.TrimSpace(r.PostFormValue("association"))
	for _, k := range []string{"starts_at", "ends_at", "deadline", "capacity"} {
		form.Values[k] = r.PostFormValue(k)
	}
	return o, form
}

// oppScope is whose opportunities the viewer runs: the coordinator's association, or
// any association for the city admin.
func oppScope(r *http.Request) int64 {
	if who(r).role() == string(portal.RoleAdmin) {
		return store.AnyAssociation
	}
	return who(r).User.AssociationID
}

// oppSaved is where a saved opportunity leads: the coordinator's page of it, or the
// city's list of opportunities.
func oppSaved(r *http.Request, id int64) string {
	if oppScope(r) == store.AnyAssociation {
		return views.CityOpportunitiesURL
	}
	return views.ManageURL(id)
}

// oppFormView returns the opportunity form of the viewer: the city admin picks the
// association of a new one.
func (s *Server) oppFormView(r *http.Request, id int64, req *portal.VolunteerRequest) (func(*views.Form) templ.Component, error) {
	var assocs []portal.Association
	if oppScope(r) == store.AnyAssociation && id == 0 {
		var err error
		if assocs, err = s.store.ListAssociations(r.Context()); err != nil {
			return nil, err
		}
	}
	return func(f *views.Form) templ.Component { return views.OpportunityForm(id, req, assocs, f) }, nil
}

// newOpportunity offers the form, filled from a school's request when one is named.
func (s *Server) newOpportunity(w http.ResponseWriter, r *http.Request) error {
	o := &portal.Opportunity{Capacity: 10}
	var req *portal.VolunteerRequest
	if id := formID(r, "request"); id > 0 {
		var err error
		if req, err = s.store.GetRequest(r.Context(), id); err != nil {
			return err
		}
		if scope := oppScope(r); scope != store.AnyAssociation && req.AssociationID != scope {
			return errNotFound
		}
		start := time.Date(req.PreferredDate.Year(), req.PreferredDate.Month(), req.PreferredDate.Day(), 9, 0, 0, 0, portal.CST)
		o = &portal.Opportunity{AssociationID: req.AssociationID, Title: req.Topic + "：" + req.SchoolName, Description: req.Details, Place: req.SchoolName,
			StartsAt: start, EndsAt: start.Add(2 * time.Hour), Deadline: start.Add(-24 * time.Hour), Capacity: req.Volunteers,
			Skills: []portal.Skill{portal.SkillLecturing}}
	}
	id := int64(0)
	if req != nil {
		id = req.ID
	}
	view, err := s.oppFormView(r, 0, req)
	if err != nil {
		return err
	}
	return s.page(w, r, view(opportunityForm(o, id)))
}

// createOpportunity adds an opportunity to the coordinator's association, or to the one
// the city admin picked.
func (s *Server) createOpportunity(w http.ResponseWriter, r *http.Request) error {
	if oppScope(r) == store.AnyAssociation {
		assocs, err := s.store.ListAssociations(r.Context())
		if err != nil {
			return err
		}
		pickAssociation(r, assocs) // an unknown name leaves none chosen, which the form says
	}
	o, form := opportunityFromForm(r)
	if scope := oppScope(r); scope != store.AnyAssociation {
		o.AssociationID = scope
	}
	reqID := formID(r, "request")
	if err := s.store.CreateOpportunity(r.Context(), who(r).actor(), o, reqID); err != nil {
		var req *portal.VolunteerRequest
		if reqID > 0 {
			req, _ = s.store.GetRequest(r.Context(), reqID)
		}
		view, verr := s.oppFormView(r, 0, req)
		if verr != nil {
			return verr
		}
		if m, ok := refusal(err); ok {
			form.Message = m.ID
			return s.render(w, r, http.StatusConflict, view(form))
		}
		return s.formError(w, r, err, form, view)
	}
	return s.redirect(w, r, oppSaved(r, o.ID), "Saved")
}

// ownOpp returns an opportunity the viewer runs: one of the coordinator's association
// (another association's is refused), or any for the city admin.
func (s *Server) ownOpp(r *http.Request) (*portal.Opportunity, error) {
	o, err := s.opportunityByID(r)
	if err != nil {
		return nil, err
	}
	if scope := oppScope(r); scope != store.AnyAssociation && o.AssociationID != scope {
		return nil, portal.Errorf(portal.EFORBIDDEN, "VolErrOtherAssociation")
	}
	return o, nil
}

// manageOpportunity is the coordinator's page of one opportunity: the roster, check-in,
// attendance and hours.
func (s *Server) manageOpportunity(w http.ResponseWriter, r *http.Request) error {
	return s.managePage(w, r, http.StatusOK, &views.Form{})
}

func (s *Server) managePage(w http.ResponseWriter, r *http.Request, status int, form *views.Form) error {
	o, err := s.ownOpp(r)
	if err != nil {
		return err
	}
	roster, err := s.store.Roster(r.Context(), o.ID)
	if err != nil {
		return err
	}
	return s.render(w, r, status, views.ManageOpportunity(o, roster, form))
}

func (s *Server) editOpportunity(w http.ResponseWriter, r *http.Request) error {
	o, err := s.ownOpp(r)
	if err != nil {
		return err
	}
	view, err := s.oppFormView(r, o.ID, nil)
	if err != nil {
		return err
	}
	return s.page(w, r, view(opportunityForm(o, 0)))
}

func (s *Server) saveOpportunity(w http.ResponseWriter, r *http.Request) error {
	old, err := s.ownOpp(r)
	if err != nil {
		return err
	}
	o, form := opportunityFromForm(r)
	o.ID, o.AssociationID = old.ID, old.AssociationID
	if err := s.store.MoveOpportunity(r.Context(), who(r).actor(), o); err != nil {
		view, verr := s.oppFormView(r, o.ID, nil)
		if verr != nil {
			return verr
		}
		if m, ok := refusal(err); ok {
			form.Message = m.ID
			return s.render(w, r, http.StatusConflict, view(form))
		}
		return s.formError(w, r, err, form, view)
	}
	return s.redirect(w, r, oppSaved(r, o.ID), "Saved")
}

// manageAction runs one of the coordinator's actions on their opportunity and answers
// with the management page: a refusal there with its reason, success as a notice.
func (s *Server) manageAction(w http.ResponseWriter, r *http.Request, notice string, fn func(o *portal.Opportunity) error) error {
	o, err := s.ownOpp(r)
	if err != nil {
		return err
	}
	if err := fn(o); err != nil {
		if f, ok := portal.AsFieldErrors(err); ok {
			return s.managePage(w, r, http.StatusUnprocessableEntity, &views.Form{Values: formValues(r), Errors: f})
		}
		if m, ok := refusal(err); ok {
			return s.managePage(w, r, http.StatusConflict, &views.Form{Message: m.ID})
		}
		return err
	}
	return s.redirect(w, r, views.ManageURL(o.ID), notice)
}

func formValues(r *http.Request) map[string]string {
	out := map[string]string{}
	for k, v := range r.PostForm {
		if len(v) > 0 {
			out[k] = v[0]
		}
	}
	return out
}

func (s *Server) withdrawOpportunity(w http.ResponseWriter, r *http.Request) error {
	return s.manageAction(w, r, "VolWithdrawn", func(o *portal.Opportunity) error {
		return s.store.CancelOpportunity(r.Context(), who(r).actor(), o.ID)
	})
}

func (s *Server) openCheckin(w http.ResponseWriter, r *http.Request) error {
	o, err := s.ownOpp(r)
	if err != nil {
		return err
	}
	if _, err := s.store.OpenCheckin(r.Context(), who(r).actor(), o.AssociationID, o.ID); err != nil {
		if m, ok := refusal(err); ok {
			return s.managePage(w, r, http.StatusConflict, &views.Form{Message: m.ID})
		}
		return err
	}
	return s.redirect(w, r, views.ManageURL(o.ID)+"checkin", "")
}

// checkinScreen is what the coordinator shows on a screen at the event: the code, large,
// and its QR code.
func (s *Server) checkinScreen(w http.ResponseWriter, r *http.Request) error {
	o, err := s.ownOpp(r)
	if err != nil {
		return err
	}
	open := o.CheckinCode != "" && s.now().Before(o.CheckinExpires)
	return s.page(w, r, views.CheckinScreen(o, open, s.absURL(r, views.CheckinURL(o.CheckinCode))))
}

func (s *Server) checkinQR(w http.ResponseWriter, r *http.Request) error {
	o, err := s.ownOpp(r)
	if err != nil {
		return err
	}
	// Without an open code the QR code still leads to the check-in page.
	link := s.absURL(r, "/volunteer/checkin")
	if o.CheckinCode != "" {
		link = s.absURL(r, views.CheckinURL(o.CheckinCode))
	}
	png, err := qrcode.Encode(link, qrcode.Medium, 360)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "private, no-store")
	_, err = w.Write(png)
	return err
}

func (s *Server) markAttendance(w http.ResponseWriter, r *http.Request) error {
	return s.manageAction(w, r, "Saved", func(o *portal.Opportunity) error {
		r.ParseForm()
		present := map[int64]bool{}
		for _, v := range r.PostForm["present"] {
			if id, err := strconv.ParseInt(v, 10, 64); err == nil {
				present[id] = true
			}
		}
		return s.store.MarkAttendance(r.Context(), who(r).actor(), o.AssociationID, o.ID, present)
	})
}

// confirmHours confirms (or corrects) every confirmed volunteer's hours: fields
// hours_<signup id>, in hours.
func (s *Server) confirmHours(w http.ResponseWriter, r *http.Request) error {
	return s.manageAction(w, r, "VolHoursConfirmed", func(o *portal.Opportunity) error {
		r.ParseForm()
		hours := map[int64]float64{}
		f := portal.FieldErrors{}
		for k, v := range r.PostForm {
			idText, ok := strings.CutPrefix(k, "hours_")
			if !ok || len(v) == 0 {
				continue
			}
			id, err := strconv.ParseInt(idText, 10, 64)
			if err != nil {
				continue
			}
			h, err := strconv.ParseFloat(strings.TrimSpace(v[0]), 64)
			if strings.TrimSpace(v[0]) == "" {
				h, err = 0, nil
			}
			if err != nil {
				f.Add(k, portal.Msg("VolErrHours", "Max", portal.RoundHours(o.Hours())))
				continue
			}
			hours[id] = h
		}
		if len(f) > 0 {
			return f
		}
		return s.store.ConfirmHours(r.Context(), who(r).actor(), o.AssociationID, o.ID, hours)
	})
}

// associationReport shows the coordinator's figures for a school year.
func (s *Server) associationReport(w http.ResponseWriter, r *http.Request) error {
	year := portal.SchoolYear(s.now())
	if y, err := strconv.Atoi(r.URL.Query().Get("school_year")); err == nil && portal.ValidSchoolYear(y, s.now()) {
		year = y
	}
	from, to := portal.SchoolYearBounds(year)
	as, err := s.store.GetAssociation(r.Context(), who(r).User.AssociationID)
	if err != nil {
		return err
	}
	rep, err := s.store.AssociationReport(r.Context(), as.ID, from, to)
	if err != nil {
		return err
	}
	if format, err := exportFormat(r); err != nil {
		return err
	} else if format != "" {
		return s.sendExport(w, r, format, s.associationReportExport(r, as, rep, year))
	}
	return s.page(w, r, views.AssociationReport(as, rep, year, s.now()))
}

// cityVolunteers is the city's report: associations, members and hours of a school year.
func (s *Server) cityVolunteers(w http.ResponseWriter, r *http.Request) error {
	year := portal.SchoolYear(s.now())
	if y, err := strconv.Atoi(r.URL.Query().Get("school_year")); err == nil && portal.ValidSchoolYear(y, s.now()) {
		year = y
	}
	from, to := portal.SchoolYearBounds(year)
	rows, months, err := s.store.CityVolunteerReport(r.Context(), from, to)
	if err != nil {
		return err
	}
	if format, err := exportFormat(r); err != nil {
		return err
	} else if format != "" {
		return s.sendExport(w, r, format, s.cityVolunteersExport(r, rows, year))
	}
	return s.page(w, r, views.CityVolunteers(rows, months, year))
}
