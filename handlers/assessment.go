package handlers

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
	"github.com/jinducity/portal/views"
)

// assessment is the city's assessment (考评) of a school year: every district ranked with
// the change against the previous year and every school, for the city; the reviewer's own
// district and its schools; a teacher's own school's card with what to do next.
func (s *Server) assessment(w http.ResponseWriter, r *http.Request) error {
	year, err := s.yearParam(r)
	if err != nil {
		return err
	}
	u := who(r).User
	f := store.RecordsFilter{}
	switch u.Role {
	case portal.RoleDistrict:
		f.DistrictID = u.DistrictID
	case portal.RoleTeacher:
		f.SchoolID = u.SchoolID
	}
	ten := s.cfg.Content.Activities.Ten
	ctx := r.Context()
	recs, err := s.store.SchoolRecords(ctx, year, ten, f)
	if err != nil {
		return err
	}
	prev, err := s.store.SchoolRecords(ctx, year-1, ten, f)
	if err != nil {
		return err
	}
	parts, err := s.store.AssessmentParts(ctx)
	if err != nil {
		return err
	}
	v := &views.AssessmentPage{Year: year, Role: who(r).role(), Current: portal.SchoolYear(s.now()), Catalogue: s.cfg.Content.Activities,
		Parts: parts}
	if u.Role != portal.RoleTeacher {
		v.Districts = portal.DistrictCards(parts, recs)
		before := map[int64]float64{}
		for _, c := range portal.DistrictCards(parts, prev) {
			before[c.ID] = c.Score
		}
		v.DistrictLinks = map[int64]map[portal.Metric]string{}
		for _, c := range v.Districts {
			if p, ok := before[c.ID]; ok {
				c.Previous = &p
			}
			v.DistrictLinks[c.ID] = districtLinks(v.Role, c.ID, year)
		}
	}
	v.Schools = portal.SchoolCards(parts, recs)
	portal.RankSchools(v.Schools)
	before := map[int64]float64{}
	for _, c := range portal.SchoolCards(parts, prev) {
		before[c.ID] = c.Score
	}
	v.Links = map[int64]map[portal.Metric]string{}
	for _, c := range v.Schools {
		if p, ok := before[c.ID]; ok {
			c.Previous = &p
		}
		v.Links[c.ID] = metricLinks(v.Role, c.ID, year)
	}
	return s.page(w, r, v)
}

// assessmentWeights is the city's form of the assessment's weights and targets.
func (s *Server) assessmentWeights(w http.ResponseWriter, r *http.Request) error {
	parts, err := s.store.AssessmentParts(r.Context())
	if err != nil {
		return err
	}
	return s.page(w, r, views.AssessmentWeights(views.PartsForm(parts)))
}

// assessmentWeightsSave saves them; every metric is on the form, a weight of 0 leaves it out.
func (s *Server) assessmentWeightsSave(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	form := &views.Form{Values: formValues(r)}
	f := portal.FieldErrors{}
	var parts []portal.AssessmentPart
	for _, d := range portal.AssessmentParts {
		p := portal.AssessmentPart{Metric: d.Metric}
		for _, x := range []struct {
			name string
			dst  *float64
		}{{"weight_", &p.Weight}, {"target_", &p.Target}} {
			v, err := strconv.ParseFloat(strings.TrimSpace(r.PostFormValue(x.name+string(d.Metric))), 64)
			if err != nil {
				f.AddID(x.name+string(d.Metric), "ErrCreationNumber")
			}
			*x.dst = v
		}
		parts = append(parts, p)
	}
	var err error
	if len(f) > 0 {
		err = f
	} else {
		err = s.store.SaveAssessmentParts(r.Context(), who(r).actor(), parts)
	}
	if err != nil {
		return s.formError(w, r, err, form, func(f *views.Form) templ.Component { return views.AssessmentWeights(f) })
	}
	return s.redirect(w, r, "/admin/assessment", "AssessmentWeightsSaved")
}

// districtLinks are where a district's figures come from, for the city or its reviewer.
func districtLinks(role string, districtID int64, year int) map[portal.Metric]string {
	activities := fmt.Sprintf("/admin/activities?district=%d&year=%d", districtID, year)
	schools := fmt.Sprintf("/admin/schools?district=%d", districtID)
	quizzes, volunteers := "/admin/quizzes", "/city/volunteers/"
	if role == string(portal.RoleDistrict) {
		activities, schools = fmt.Sprintf("/district/activities?year=%d", year), "/district/"
		quizzes, volunteers = "/district/quizzes", "/opportunities"
	}
	return map[portal.Metric]string{
		portal.MetricTenOnes: activities, portal.MetricBaseVisits: activities, portal.MetricRegistration: schools,
		portal.MetricQuizTakers: quizzes, portal.MetricAwareness: quizzes, portal.MetricGain: quizzes,
		portal.MetricVolunteers: volunteers, portal.MetricDemoSchools: "/demonstration-schools",
	}
}
