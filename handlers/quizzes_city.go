package handlers

import (
	"net/http"
	"time"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/views"
)

// cityQuizView gathers the city office's quiz page: the city-wide tests and the
// awareness figure of the city and of each district (aggregates only).
func (s *Server) cityQuizView(r *http.Request, f *views.Form) (*views.CityQuizzes, error) {
	ctx := r.Context()
	year := portal.SchoolYear(s.now())
	tests, err := s.store.CityTests(ctx)
	if err != nil {
		return nil, err
	}
	city, err := s.store.CityAwareness(ctx, year)
	if err != nil {
		return nil, err
	}
	bySchool, err := s.store.SchoolAwareness(ctx, year)
	if err != nil {
		return nil, err
	}
	districts, err := s.store.ListDistricts(ctx)
	if err != nil {
		return nil, err
	}
	v := &views.CityQuizzes{Year: year, Tests: tests, City: city, Form: f, Tags: s.cfg.Content.Bank.Tags()}
	for _, d := range districts {
		schools, err := s.store.DistrictSchools(ctx, d.ID, year)
		if err != nil {
			return nil, err
		}
		var sum portal.Awareness
		for _, sc := range schools {
			a := bySchool[sc.ID]
			sum.Students += a.Students
			sum.Aware += a.Aware
			sum.VerifiedStudents += a.VerifiedStudents
			sum.VerifiedAware += a.VerifiedAware
		}
		v.Groups = append(v.Groups, views.AwarenessGroup{Name: d.Name, Awareness: sum})
	}
	return v, nil
}

func (s *Server) adminQuizzes(w http.ResponseWriter, r *http.Request) error {
	now := s.now().In(portal.CST).Truncate(time.Hour)
	f := &views.Form{Values: map[string]string{"band": "junior", "questions": "10", "time_limit": "15", "pass_mark": "80",
		"opens_at": now.Format(views.DateTimeLocal), "closes_at": now.AddDate(0, 0, 14).Format(views.DateTimeLocal),
		"review": string(portal.ReviewClosed)}}
	v, err := s.cityQuizView(r, f)
	if err != nil {
		return err
	}
	if format, err := exportFormat(r); err != nil {
		return err
	} else if format != "" {
		return s.sendExport(w, r, format, s.awarenessExport(r, views.T(r.Context(), "ExportAwarenessFile"),
			views.T(r.Context(), "QuizColDistrict"), v.Year, v.Groups))
	}
	return s.page(w, r, views.AdminQuizzes(v))
}

// adminQuizPublish creates a city-wide knowledge test and opens it to every school's
// classes of its band.
func (s *Server) adminQuizPublish(w http.ResponseWriter, r *http.Request) error {
	q := &portal.Quiz{Kind: portal.QuizKnowledge}
	f := quizForm(r, q)
	err := s.store.PublishCityTest(r.Context(), who(r).actor(), q, s.available(q), formTime(r, "opens_at"), formTime(r, "closes_at"),
		portal.Review(f.Values["review"]))
	if err != nil {
		if _, ok := portal.AsFieldErrors(err); !ok {
			return err
		}
		f.Errors, _ = portal.AsFieldErrors(err)
		v, verr := s.cityQuizView(r, f)
		if verr != nil {
			return verr
		}
		return s.render(w, r, http.StatusUnprocessableEntity, views.AdminQuizzes(v))
	}
	return s.redirect(w, r, "/admin/quizzes", "QuizPublished")
}

// districtQuizzes shows the awareness figure of each school of the reviewer's district;
// schools with fewer than portal.MinGroup students tested are not shown.
func (s *Server) districtQuizzes(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	d, err := s.store.GetDistrict(ctx, who(r).User.DistrictID)
	if err != nil {
		return err
	}
	year := portal.SchoolYear(s.now())
	schools, err := s.store.DistrictSchools(ctx, d.ID, year)
	if err != nil {
		return err
	}
	bySchool, err := s.store.SchoolAwareness(ctx, year)
	if err != nil {
		return err
	}
	var groups []views.AwarenessGroup
	var sum portal.Awareness
	for _, sc := range schools {
		a := bySchool[sc.ID]
		sum.Students += a.Students
		sum.Aware += a.Aware
		sum.VerifiedStudents += a.VerifiedStudents
		sum.VerifiedAware += a.VerifiedAware
		groups = append(groups, views.AwarenessGroup{Name: sc.Name, Awareness: a})
	}
	if format, err := exportFormat(r); err != nil {
		return err
	} else if format != "" {
		return s.sendExport(w, r, format, s.awarenessExport(r, d.Name+" "+views.T(ctx, "ExportAwarenessFile"), views.T(ctx, "PubColSchool"), year, groups))
	}
	return s.page(w, r, views.DistrictQuizzes(d, year, sum, groups))
}
