package handlers

import (
	"net/http"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/go-chi/chi/v5"
	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store/uploads"
	"github.com/jinducity/portal/views"
)

// activityRoutes are the prevention activities ("十个一"): teachers log their school's
// records and see its matrix; reviewers and the city see every school's row of the ten;
// evidence files are served to those allowed to see them.
func (s *Server) activityRoutes(r chi.Router) {
	teacher, district, admin := string(portal.RoleTeacher), string(portal.RoleDistrict), string(portal.RoleAdmin)
	r.Route("/school/activities", func(r chi.Router) {
		r.Use(s.requireRole(teacher))
		r.Get("/", s.h(s.activityMatrix))
		r.Get("/new", s.h(s.activityNew))
		r.Post("/", s.h(s.activityCreate))
		r.Get("/{aid}/edit", s.h(s.activityEdit))
		r.Post("/{aid}/edit", s.h(s.activityUpdate))
		r.Post("/{aid}/delete", s.h(s.activityDelete))
	})
	r.Route("/activities", func(r chi.Router) {
		r.Use(s.requireRole(teacher, district, admin))
		r.Get("/{aid}", s.h(s.activityPage))
		r.Get("/schools/{id}", s.h(s.activitySchoolMatrix))
	})
	r.With(s.requireRole(district)).Get("/district/activities", s.h(s.activityOverview))
	r.With(s.requireRole(admin)).Get("/admin/activities", s.h(s.activityOverview))
	r.Get("/files/{fid}", s.h(s.activityFile(false)))
	r.Get("/files/{fid}/thumb", s.h(s.activityFile(true)))
}

// Files keeps the uploaded evidence files: the local folder (uploads.Dir, the default),
// the database (store.Files) when several servers share no folder, or an S3 bucket.
type Files interface {
	// Save stores data under a new random name with the extension and returns the name;
	// the file is stored whole or not at all.
	Save(data []byte, ext string) (string, error)
	// Remove deletes stored files, skipping names that are not there.
	Remove(names ...string) error
	// Read returns a stored file's bytes.
	Read(name string) ([]byte, error)
}

// evidence is the file storage and a bound on photos converted at once: decoding a large
// photo takes tens of megabytes, and many teachers may upload at the same time.
type evidence struct {
	files   Files
	convert chan struct{}
}

// read returns a stored file, or one of the demo city's built-in illustrations.
func (e *evidence) read(name string) ([]byte, error) {
	if b, ok := uploads.Demo(name); ok {
		return b, nil
	}
	return e.files.Read(name)
}

func (s *Server) openEvidence() error {
	files := s.cfg.Files
	if files == nil {
		path := s.cfg.UploadDir
		if path == "" {
			path = filepath.Join(filepath.Dir(s.store.Path()), "uploads")
		}
		dir, err := uploads.OpenDir(path)
		if err != nil {
			return err
		}
		files = dir
	}
	s.evidence = &evidence{files: files, convert: make(chan struct{}, 2)}
	return nil
}

// canSeeSchool reports whether the viewer may see a school's records: its teachers, its
// district's reviewer and the city's administrators.
func canSeeSchool(id *identity, schoolID, districtID int64) bool {
	u := id.User
	switch {
	case u == nil:
		return false
	case u.Role == portal.RoleAdmin:
		return true
	case u.Role == portal.RoleDistrict:
		return u.DistrictID == districtID
	case u.Role == portal.RoleTeacher:
		return u.SchoolID == schoolID
	}
	return false
}

// schoolActivity returns the record named in the URL when it belongs to the teacher's
// school; any other record is 404, as if it did not exist.
func (s *Server) schoolActivity(r *http.Request) (*portal.Activity, error) {
	id, err := pathID(r, "aid")
	if err != nil {
		return nil, err
	}
	a, err := s.store.GetActivity(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if a.SchoolID != who(r).User.SchoolID {
		return nil, errNotFound
	}
	return a, nil
}

// yearParam reads ?year=; absent means the current school year, anything unusable is 404.
func (s *Server) yearParam(r *http.Request) (int, error) {
	year := portal.SchoolYear(s.now())
	if q := r.URL.Query().Get("year"); q != "" {
		y, err := strconv.Atoi(q)
		if err != nil || !portal.ValidSchoolYear(y, s.now()) {
			return 0, errNotFound
		}
		year = y
	}
	return year, nil
}

// matrixView gathers a school's matrix of a school year.
func (s *Server) matrixView(r *http.Request, sc *portal.School, year int) (*views.ActivityMatrixView, error) {
	ctx := r.Context()
	classes, err := s.store.ListClasses(ctx, sc.ID, year, true)
	if err != nil {
		return nil, err
	}
	records, err := s.store.ListActivities(ctx, sc.ID, year)
	if err != nil {
		return nil, err
	}
	years, err := s.store.ActivityYears(ctx, sc.ID)
	if err != nil {
		return nil, err
	}
	current := portal.SchoolYear(s.now())
	for _, y := range []int{current, current - 1, year} {
		if !slices.Contains(years, y) {
			years = append(years, y)
		}
	}
	slices.Sort(years)
	slices.Reverse(years)
	cat := s.cfg.Content.Activities
	return &views.ActivityMatrixView{School: sc, Year: year, Years: years, Current: current,
		Matrix: portal.BuildMatrix(cat, sc, year, classes, records), Records: records, Catalogue: cat,
		CanLog: who(r).role() == string(portal.RoleTeacher) && year >= current-1}, nil
}

// activityMatrix is the teacher's matrix of the ten for a school year. Asked by htmx for
// the part "missing", it answers only the list of what is still missing (the overview
// page loads it).
func (s *Server) activityMatrix(w http.ResponseWriter, r *http.Request) error {
	year, err := s.yearParam(r)
	if err != nil {
		return err
	}
	sc, err := s.teacherSchool(r, year)
	if err != nil {
		return err
	}
	v, err := s.matrixView(r, sc, year)
	if err != nil {
		return err
	}
	if r.Header.Get("HX-Request") == "true" && r.URL.Query().Get("part") == "missing" {
		w.Header().Set("Vary", "HX-Request")
		return s.page(w, r, views.ActivityMissing(v))
	}
	if format, err := exportFormat(r); err != nil {
		return err
	} else if format != "" {
		return s.sendExport(w, r, format, s.matrixExport(r, v))
	}
	return s.page(w, r, views.ActivityMatrixPage(v))
}

// activitySchoolMatrix is a school's matrix for its district's reviewer and the city
// (and, read-only, for its own teachers).
func (s *Server) activitySchoolMatrix(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	year, err := s.yearParam(r)
	if err != nil {
		return err
	}
	sc, err := s.store.GetSchool(r.Context(), id, year)
	if err != nil {
		return err
	}
	if !sc.Active || !canSeeSchool(who(r), sc.ID, sc.DistrictID) {
		return errNotFound
	}
	v, err := s.matrixView(r, sc, year)
	if err != nil {
		return err
	}
	v.CanLog = false
	v.Base = "/activities/schools/" + strconv.FormatInt(sc.ID, 10)
	if format, err := exportFormat(r); err != nil {
		return err
	} else if format != "" {
		return s.sendExport(w, r, format, s.matrixExport(r, v))
	}
	return s.page(w, r, views.ActivityMatrixPage(v))
}

// activityPage shows one record with its evidence to those allowed to see it.
func (s *Server) activityPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "aid")
	if err != nil {
		return err
	}
	a, err := s.store.GetActivity(r.Context(), id)
	if err != nil {
		return err
	}
	sc, err := s.store.GetSchool(r.Context(), a.SchoolID, a.SchoolYear)
	if err != nil {
		return err
	}
	if !canSeeSchool(who(r), sc.ID, sc.DistrictID) {
		return errNotFound
	}
	canEdit := who(r).role() == string(portal.RoleTeacher)
	return s.page(w, r, views.ActivityPage(a, s.cfg.Content.Activities.Type(a.Type), canEdit))
}

// activityDelete removes a record; its files go once the transaction committed.
func (s *Server) activityDelete(w http.ResponseWriter, r *http.Request) error {
	a, err := s.schoolActivity(r)
	if err != nil {
		return err
	}
	names, err := s.store.DeleteActivity(r.Context(), who(r).actor(), a.ID, a.SchoolID)
	if err != nil {
		return err
	}
	if err := s.evidence.files.Remove(names...); err != nil {
		s.log.Error("remove files of a deleted activity", "activity", a.ID, "err", err)
	}
	return s.redirect(w, r, "/school/activities?year="+strconv.Itoa(a.SchoolYear), "ActDeleted")
}

// activityFile serves a photo, its thumbnail or an attachment. The school's teachers, its
// district's reviewer and the city see every file; anyone else sees only the photos of a
// published record whose faces the school had consent to show. Others get 404.
func (s *Server) activityFile(thumb bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "fid")
		if err != nil {
			return err
		}
		f, err := s.store.GetActivityFile(r.Context(), id)
		if err != nil {
			return err
		}
		public := f.Published && f.FaceConsent && f.Kind == portal.FilePhoto
		if !public && !canSeeSchool(who(r), f.SchoolID, f.DistrictID) {
			return errNotFound
		}
		name := f.Name
		if thumb {
			if f.Kind != portal.FilePhoto {
				return errNotFound
			}
			name = f.Thumb
		}
		data, err := s.evidence.read(name)
		if err != nil {
			s.log.Error("read evidence file", "file", f.ID, "err", err)
			return errNotFound
		}
		h := w.Header()
		if f.Kind == portal.FilePDF {
			h.Set("Content-Type", "application/pdf")
			h.Set("Content-Disposition", "attachment; filename=\"activity-"+strconv.FormatInt(f.ID, 10)+".pdf\"")
		} else {
			h.Set("Content-Type", "image/jpeg")
		}
		// Access can be withdrawn (a record unpublished), so only the viewer's browser keeps a copy.
		h.Set("Cache-Control", "private, max-age=600")
		h.Set("Content-Length", strconv.Itoa(len(data)))
		_, err = w.Write(data)
		return err
	}
}
