package handlers

import (
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
	"github.com/jinducity/portal/views"
)

// publicRoutes are the pages anyone may see.
func (s *Server) publicRoutes(r chi.Router) {
	r.Get("/", s.h(s.home))
	r.Get("/schools", s.h(s.schoolDirectory))
	r.Get("/schools/{id}", s.h(s.schoolPage))
	r.Get("/demonstration-schools", s.h(s.demonstrationSchools))
	r.Get("/api/v1/stats", s.h(s.apiStats))
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	fig, err := s.store.CityFigures(r.Context(), portal.SchoolYear(s.now()))
	if err != nil {
		return err
	}
	return s.page(w, r, views.Home(fig))
}

// directoryPageSize is the number of schools on one page of the directory.
const directoryPageSize = 20

// schoolDirectory lists the active schools, searchable by name and filtered by district
// and stage. Unknown filter values are ignored rather than refused: they come from links.
func (s *Server) schoolDirectory(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	d := views.SchoolDirectory{Query: strings.TrimSpace(q.Get("q"))}
	if len([]rune(d.Query)) > 60 {
		d.Query = string([]rune(d.Query)[:60])
	}
	if id, err := strconv.ParseInt(q.Get("district"), 10, 64); err == nil && id > 0 {
		d.DistrictID = id
	}
	if st := portal.Stage(q.Get("stage")); st.Valid() {
		d.Stage = st
	}
	page := pageParam(r)
	var err error
	if d.Districts, err = s.store.ListDistricts(ctx); err != nil {
		return err
	}
	var total int
	d.Schools, total, err = s.store.ListSchools(ctx, store.SchoolFilter{Query: d.Query, DistrictID: d.DistrictID, Stage: d.Stage,
		Limit: directoryPageSize, Offset: (page - 1) * directoryPageSize})
	if err != nil {
		return err
	}
	d.Pager = pager(r, page, total, directoryPageSize)
	return s.page(w, r, views.SchoolDirectoryPage(d))
}

// schoolPage is a school's public page. Its contact person and phone stay off it.
func (s *Server) schoolPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	year := portal.SchoolYear(s.now())
	sc, err := s.store.GetSchool(r.Context(), id, year)
	if err != nil {
		return err
	}
	if !sc.Active {
		return errNotFound
	}
	return s.page(w, r, views.SchoolPublic(sc, year))
}

// demonstrationSchools lists the active designations by level.
func (s *Server) demonstrationSchools(w http.ResponseWriter, r *http.Request) error {
	ds, err := s.store.ListDemonstrations(r.Context(), true)
	if err != nil {
		return err
	}
	groups := make([]views.DemoGroup, len(portal.DemoLevels))
	for i, l := range portal.DemoLevels {
		groups[i].Level = l
		for _, d := range ds {
			if d.Level == l {
				groups[i].Schools = append(groups[i].Schools, d)
			}
		}
	}
	return s.page(w, r, views.DemonstrationSchools(groups))
}

// Stats is the JSON answer of GET /api/v1/stats: city indicators of one school year,
// counts and fractions only, never a person's data. Fields of features still to come
// (the ten activities, quizzes, volunteer hours, base visits) join it with them.
type Stats struct {
	SchoolYear           int         `json:"school_year"`
	Schools              int         `json:"schools"`
	StudentsEnrolled     int         `json:"students_enrolled"`
	StudentsRegistered   int         `json:"students_registered"`
	RegistrationRate     float64     `json:"registration_rate"`
	DemonstrationSchools DemoByLevel `json:"demonstration_schools"`
	Associations         int         `json:"associations"`
	Volunteers           int         `json:"volunteers"`
}

// DemoByLevel counts active demonstration schools by level.
type DemoByLevel struct {
	National   int `json:"national"`
	Provincial int `json:"provincial"`
	City       int `json:"city"`
}

// apiStats answers the city indicators of a school year (the current one by default).
// Schools, enrolment, designations and volunteers are as they stand today; registered
// students are those in classes of that school year at active schools.
func (s *Server) apiStats(w http.ResponseWriter, r *http.Request) error {
	now := s.now()
	year := portal.SchoolYear(now)
	if q := r.URL.Query(); q.Has("school_year") {
		y, err := strconv.Atoi(q.Get("school_year"))
		if err != nil || !portal.ValidSchoolYear(y, now) {
			return pubJSON(w, http.StatusBadRequest, map[string]string{
				"error": views.T(r.Context(), "PubErrSchoolYear", "Min", 2015, "Max", year)})
		}
		year = y
	}
	f, err := s.store.CityFigures(r.Context(), year)
	if err != nil {
		return err
	}
	st := Stats{
		SchoolYear: year, Schools: f.Schools, StudentsEnrolled: f.StudentsEnrolled, StudentsRegistered: f.StudentsRegistered,
		RegistrationRate: pubRate(f.StudentsRegistered, f.StudentsEnrolled),
		DemonstrationSchools: DemoByLevel{National: f.Demonstrations[portal.LevelNational],
			Provincial: f.Demonstrations[portal.LevelProvincial], City: f.Demonstrations[portal.LevelCity]},
		Associations: f.Associations, Volunteers: f.Volunteers,
	}
	w.Header().Set("Cache-Control", "public, max-age=60")
	return pubJSON(w, http.StatusOK, st)
}

// rate returns n/d rounded to 3 decimals, 0 when d is 0.
func pubRate(n, d int) float64 {
	if d <= 0 {
		return 0
	}
	return math.Round(float64(n)/float64(d)*1000) / 1000
}

// pubJSON encodes v before writing anything, so an encoding error sends no half answer.
func pubJSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if w.Header().Get("Cache-Control") == "" || status != http.StatusOK {
		w.Header().Set("Cache-Control", "no-store")
	}
	w.WriteHeader(status)
	_, err = w.Write(append(b, '\n'))
	return err
}
