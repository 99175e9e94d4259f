package handlers

import (
	"encoding/json"
	"math"
	"net/http"
	"strconv"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/views"
)

// Stats is the JSON answer of GET /api/v1/stats: city indicators of one school year,
// counts and fractions only, never a person's data. Fields of features still to come
// (the ten activities, quizzes, volunteer hours, base visits) join it with them.
type Stats struct {
	SchoolYear            int         `json:"school_year"`
	Schools               int         `json:"schools"`
	StudentsEnrolled      int         `json:"students_enrolled"`
	StudentsRegistered    int         `json:"students_registered"`
	RegistrationRate      float64     `json:"registration_rate"`
	TenOnes               []TenOne    `json:"ten_ones"`
	SchoolsAllTen         int         `json:"schools_all_ten"`
	DemonstrationSchools  DemoByLevel `json:"demonstration_schools"`
	QuizAttempts          int         `json:"quiz_attempts"`
	AwarenessRate         float64     `json:"awareness_rate"`
	AwarenessRateVerified float64     `json:"awareness_rate_verified"`
	Associations          int         `json:"associations"`
	Volunteers            int         `json:"volunteers"`
	VolunteerHours        float64     `json:"volunteer_hours"`
	BaseVisits            int         `json:"base_visits"`
	// ParentReceiptsRate: receipts confirmed ÷ students of the classes whose collection
	// was opened in the school year (issue 15).
	ParentReceiptsRate float64 `json:"parent_receipts_rate"`
}

// TenOne is the city's coverage of one of the ten activities: schools with at least one
// record of it in the school year ÷ schools for which it applies.
type TenOne struct {
	Key         string  `json:"key"`
	Name        string  `json:"name"`
	SchoolsDone int     `json:"schools_done"`
	Coverage    float64 `json:"coverage"`
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
			return writeJSON(w, http.StatusBadRequest, map[string]string{
				"error": views.T(r.Context(), "PubErrSchoolYear", "Min", 2015, "Max", year)})
		}
		year = y
	}
	f, err := s.store.CityFigures(r.Context(), year)
	if err != nil {
		return err
	}
	from, to := portal.SchoolYearBounds(year)
	hours, err := s.store.VolunteerHoursBetween(r.Context(), from, to)
	if err != nil {
		return err
	}
	st := Stats{
		SchoolYear: year, Schools: f.Schools, StudentsEnrolled: f.StudentsEnrolled, StudentsRegistered: f.StudentsRegistered,
		RegistrationRate: rate(f.StudentsRegistered, f.StudentsEnrolled),
		DemonstrationSchools: DemoByLevel{National: f.Demonstrations[portal.LevelNational],
			Provincial: f.Demonstrations[portal.LevelProvincial], City: f.Demonstrations[portal.LevelCity]},
		Associations: f.Associations, Volunteers: f.Volunteers, VolunteerHours: hours,
	}
	c, err := s.completion(r, year, 0)
	if err != nil {
		return err
	}
	st.SchoolsAllTen = c.SchoolsAllTen
	for _, t := range c.Totals {
		st.TenOnes = append(st.TenOnes, TenOne{Key: t.Type.Key, Name: t.Type.Name, SchoolsDone: t.SchoolsDone, Coverage: rate(t.SchoolsDone, t.Applicable)})
	}
	if st.BaseVisits, err = s.store.BaseVisitStudents(r.Context(), year); err != nil {
		return err
	}
	confirmed, opened, err := s.store.ParentReceipts(r.Context(), year)
	if err != nil {
		return err
	}
	st.ParentReceiptsRate = rate(confirmed, opened)
	if st.QuizAttempts, err = s.store.QuizAttemptCount(r.Context(), year); err != nil {
		return err
	}
	aw, err := s.store.CityAwareness(r.Context(), year)
	if err != nil {
		return err
	}
	st.AwarenessRate = rate(aw.Aware, aw.Students)
	st.AwarenessRateVerified = rate(aw.VerifiedAware, aw.VerifiedStudents)
	w.Header().Set("Cache-Control", "public, max-age=60")
	return writeJSON(w, http.StatusOK, st)
}

// rate returns n/d rounded to 3 decimals, 0 when d is 0.
func rate(n, d int) float64 {
	if d <= 0 {
		return 0
	}
	return math.Round(float64(n)/float64(d)*1000) / 1000
}

// writeJSON encodes v before writing anything, so an encoding error sends no half answer.
func writeJSON(w http.ResponseWriter, status int, v any) error {
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
