package handlers

import (
	"net/http"

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
	v := &views.AssessmentPage{Year: year, Role: who(r).role(), Current: portal.SchoolYear(s.now()), Catalogue: s.cfg.Content.Activities}
	if u.Role != portal.RoleTeacher {
		v.Districts = portal.DistrictCards(recs)
		before := map[int64]float64{}
		for _, c := range portal.DistrictCards(prev) {
			before[c.ID] = c.Score
		}
		for _, c := range v.Districts {
			if p, ok := before[c.ID]; ok {
				c.Previous = &p
			}
		}
	}
	v.Schools = portal.SchoolCards(recs)
	portal.RankSchools(v.Schools)
	before := map[int64]float64{}
	for _, c := range portal.SchoolCards(prev) {
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
