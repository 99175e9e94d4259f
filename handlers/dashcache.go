package handlers

import (
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
)

// dashTTL is how long a dashboard keeps a figure that scans many rows (the score
// distribution reads every knowledge test of the year: 3,000,000 in the city data set)
// before reading it again. The store's own memo is emptied by every write, which during
// a city-wide test is many times a second.
const dashTTL = time.Minute

// ttlCache keeps values for dashTTL, computing each key once at a time.
type ttlCache struct {
	mu      sync.Mutex
	entries map[string]*ttlEntry
}

type ttlEntry struct {
	mu  sync.Mutex
	at  time.Time
	val any
	ok  bool
}

// cached returns the key's value, computed by fn when absent or older than dashTTL.
func cached[T any](c *ttlCache, now time.Time, key string, fn func() (T, error)) (T, error) {
	c.mu.Lock()
	if c.entries == nil {
		c.entries = map[string]*ttlEntry{}
	}
	e := c.entries[key]
	if e == nil {
		e = &ttlEntry{}
		c.entries[key] = e
	}
	c.mu.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.ok && now.Sub(e.at) < dashTTL && !now.Before(e.at) {
		return e.val.(T), nil
	}
	v, err := fn()
	if err != nil {
		return v, err
	}
	e.val, e.at, e.ok = v, now, true
	return v, nil
}

// scoreBuckets is store.ScoreBuckets kept for dashTTL.
func (s *Server) scoreBuckets(r *http.Request, year int, d store.DashScope) ([5]int, error) {
	return cached(&s.dash, s.now(), fmt.Sprint("scores/", year, "/", d.DistrictID, "/", d.SchoolID), func() ([5]int, error) {
		return s.store.ScoreBuckets(r.Context(), year, d)
	})
}

// activityMonths is store.ActivityMonths kept for dashTTL.
func (s *Server) activityMonths(r *http.Request, year int, d store.DashScope) (map[string]int, error) {
	return cached(&s.dash, s.now(), fmt.Sprint("months/", year, "/", d.DistrictID, "/", d.SchoolID), func() (map[string]int, error) {
		return s.store.ActivityMonths(r.Context(), year, d)
	})
}

// volunteerReport is store.CityVolunteerReport of a school year kept for dashTTL.
func (s *Server) volunteerReport(r *http.Request, year int) ([]portal.CityVolunteerRow, []portal.MonthHours, error) {
	type report struct {
		rows   []portal.CityVolunteerRow
		months []portal.MonthHours
	}
	rep, err := cached(&s.dash, s.now(), fmt.Sprint("volunteers/", year), func() (report, error) {
		from, to := portal.SchoolYearBounds(year)
		rows, months, err := s.store.CityVolunteerReport(r.Context(), from, to)
		return report{rows, months}, err
	})
	return rep.rows, rep.months, err
}

// districtSchools is store.DistrictSchools kept for dashTTL, for the city dashboard's
// figures by district (the district's own pages read it fresh).
func (s *Server) districtSchools(r *http.Request, districtID int64, year int) ([]portal.School, error) {
	return cached(&s.dash, s.now(), fmt.Sprint("district-schools/", districtID, "/", year), func() ([]portal.School, error) {
		return s.store.DistrictSchools(r.Context(), districtID, year)
	})
}
