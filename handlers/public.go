package handlers

import (
	"bytes"
	"fmt"
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
	year := portal.SchoolYear(s.now())
	env := views.GetEnv(r.Context())
	if env.Viewer != nil || env.Notice != "" || r.URL.RawQuery != "" {
		fig, err := s.store.CityFigures(r.Context(), year)
		if err != nil {
			return err
		}
		return s.page(w, r, views.Home(fig))
	}
	// Logged out, the home page is the same for everyone of a language: it is rendered
	// once after each write and served from memory, the city's figures as a recount
	// would give them.
	body, err := store.Memo(s.store, fmt.Sprint("home/", env.Lang, "/", year), func() ([]byte, error) {
		fig, err := s.store.CityFigures(r.Context(), year)
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		err = views.Home(fig).Render(r.Context(), &buf)
		return buf.Bytes(), err
	})
	if err != nil {
		return err
	}
	return writeHTML(w, http.StatusOK, body)
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
	published, err := s.store.PublishedActivities(r.Context(), sc.ID, 6)
	if err != nil {
		return err
	}
	return s.page(w, r, views.SchoolPublic(sc, year, views.ActivityShowcase(published, s.cfg.Content.Activities)))
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
