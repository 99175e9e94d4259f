package handlers

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/views"
)

// schoolRequests shows a teacher their school's requests for volunteers, the
// opportunities that answer them (to confirm once held) and the form for a new one.
func (s *Server) schoolRequests(w http.ResponseWriter, r *http.Request) error {
	return s.schoolRequestsPage(w, r, http.StatusOK, &views.Form{Values: map[string]string{"volunteers": "2"}})
}

func (s *Server) schoolRequestsPage(w http.ResponseWriter, r *http.Request, status int, form *views.Form) error {
	ctx := r.Context()
	schoolID := who(r).User.SchoolID
	reqs, err := s.store.SchoolRequests(ctx, schoolID)
	if err != nil {
		return err
	}
	opps, err := s.store.SchoolOpportunities(ctx, schoolID)
	if err != nil {
		return err
	}
	assocs, err := s.store.ListAssociations(ctx)
	if err != nil {
		return err
	}
	return s.render(w, r, status, views.SchoolVolunteerRequests(reqs, opps, assocs, form, s.now()))
}

func (s *Server) createSchoolRequest(w http.ResponseWriter, r *http.Request) error {
	assocs, err := s.store.ListAssociations(r.Context())
	if err != nil {
		return err
	}
	assocProblem := pickAssociation(r, assocs)
	n, _ := strconv.Atoi(strings.TrimSpace(r.PostFormValue("volunteers")))
	date, _ := time.ParseInLocation(time.DateOnly, strings.TrimSpace(r.PostFormValue("date")), portal.CST)
	q := &portal.VolunteerRequest{SchoolID: who(r).User.SchoolID, AssociationID: formID(r, "association_id"),
		ActivityKey: r.PostFormValue("activity"), Topic: r.PostFormValue("topic"), Details: r.PostFormValue("details"),
		PreferredDate: date, Volunteers: n}
	form := &views.Form{Values: map[string]string{"association_id": r.PostFormValue("association_id"), "activity": q.ActivityKey,
		"topic": q.Topic, "details": q.Details, "date": r.PostFormValue("date"), "volunteers": r.PostFormValue("volunteers"),
		"association": strings.TrimSpace(r.PostFormValue("association"))}}
	if assocProblem.ID != "" {
		form.Errors = portal.FieldErrors{"association_id": assocProblem}
		return s.schoolRequestsPage(w, r, http.StatusUnprocessableEntity, form)
	}
	if err := s.store.CreateRequest(r.Context(), who(r).actor(), q); err != nil {
		if f, ok := portal.AsFieldErrors(err); ok {
			form.Errors = f
			return s.schoolRequestsPage(w, r, http.StatusUnprocessableEntity, form)
		}
		return err
	}
	return s.redirect(w, r, "/volunteer-requests", "VolRequestSent")
}

// schoolConfirm is the teacher's one step once the opportunity was held: it credits the
// volunteers' hours.
func (s *Server) schoolConfirm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	_, err = s.store.SchoolConfirm(r.Context(), who(r).actor(), who(r).User.SchoolID, id)
	if m, ok := refusal(err); ok {
		return s.schoolRequestsPage(w, r, http.StatusConflict, &views.Form{Message: m.ID, Values: map[string]string{"volunteers": "2"}})
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/volunteer-requests", "VolSchoolConfirmed")
}
