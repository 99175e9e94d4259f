package handlers

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
	"github.com/jinducity/portal/views"
)

// overviewPageSize is the number of schools a page of the district or city table shows.
var overviewPageSize = 100

// completion computes every active school's row of the ten (of one district, or the city
// when districtID is 0) for a school year: the same figures /api/v1/stats reports.
// It is computed again only after a write; the result is shared and must not be modified.
func (s *Server) completion(r *http.Request, year int, districtID int64) (*portal.Completion, error) {
	return store.Memo(s.store, fmt.Sprint("completion/", year, "/", districtID), func() (*portal.Completion, error) {
		schools, done, err := s.store.ActivityCompletion(r.Context(), year, districtID)
		if err != nil {
			return nil, err
		}
		return portal.BuildCompletion(s.cfg.Content.Activities, schools, done), nil
	})
}

// activityOverview is every school's row of the ten, for the district reviewer (their
// district only, whatever the request says) and the city (every district, filterable),
// filtered by stage and completion and sorted by name or completion.
func (s *Server) activityOverview(w http.ResponseWriter, r *http.Request) error {
	year, err := s.yearParam(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	v := views.ActivityOverviewView{Year: year, Current: portal.SchoolYear(s.now()), Catalogue: s.cfg.Content.Activities,
		Filter: queryForm(r, "district", "stage", "done", "sort")}
	v.Filter.Values["year"] = strconv.Itoa(year)
	var districtID int64
	u := who(r).User
	if u.Role == portal.RoleDistrict {
		districtID = u.DistrictID
		d, err := s.store.GetDistrict(r.Context(), districtID)
		if err != nil {
			return err
		}
		v.DistrictName = d.Name
		v.Base = "/district/activities"
	} else {
		v.Base = "/admin/activities"
		if v.Districts, err = s.store.ListDistricts(r.Context()); err != nil {
			return err
		}
	}
	c, err := s.completion(r, year, districtID)
	if err != nil {
		return err
	}
	// Filters narrow the rows; the totals are recomputed over what is shown.
	districtFilter, _ := strconv.ParseInt(q.Get("district"), 10, 64)
	stage := portal.Stage(q.Get("stage"))
	v.Completion = c.Keep(func(row *portal.SchoolCompletion) bool {
		sc := &row.School
		switch {
		case districtID == 0 && districtFilter > 0 && sc.DistrictID != districtFilter:
			return false
		case stage.Valid() && sc.Stage != stage:
			return false
		case q.Get("done") == "all" && !row.AllTen(),
			q.Get("done") == "some" && (row.DoneCount == 0 || row.AllTen()),
			q.Get("done") == "none" && row.DoneCount > 0:
			return false
		}
		return true
	})
	rows := v.Completion.Schools
	if q.Get("sort") != "" {
		rows = slices.Clone(rows)
	}
	switch q.Get("sort") {
	case "done":
		slices.SortStableFunc(rows, func(a, b portal.SchoolCompletion) int {
			return a.DoneCount*b.Applicable - b.DoneCount*a.Applicable
		})
	case "-done":
		slices.SortStableFunc(rows, func(a, b portal.SchoolCompletion) int {
			return b.DoneCount*a.Applicable - a.DoneCount*b.Applicable
		})
	case "name":
		slices.SortStableFunc(rows, func(a, b portal.SchoolCompletion) int {
			return strings.Compare(a.School.Name, b.School.Name)
		})
	}
	if format, err := exportFormat(r); err != nil {
		return err
	} else if format != "" {
		return s.sendExport(w, r, format, s.overviewExport(r, &v, rows))
	}
	// The totals cover every school kept; the table shows a page of them, so that a city
	// of thousands of schools is a page a phone can load.
	v.Pager = pager(r, pageParam(r), len(rows), overviewPageSize)
	from := min((v.Pager.Page-1)*overviewPageSize, len(rows))
	v.Rows = rows[from:min(from+overviewPageSize, len(rows))]
	return s.page(w, r, views.ActivityOverview(v))
}
