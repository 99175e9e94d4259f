package handlers

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store/uploads"
	"github.com/jinducity/portal/views"
)

// maxActivityRequest bounds the body of an activity form: nine photos, three attachments
// and the fields. Larger bodies are cut off while they arrive.
const maxActivityRequest = portal.MaxPhotos*portal.MaxPhotoBytes + portal.MaxAttachments*portal.MaxPDFBytes + 1<<20

// activityFormView returns the render function of the record form.
func (s *Server) activityFormView(sc *portal.School, year int, classes []portal.Class, a *portal.Activity, checked map[int64]bool) func(*views.Form) templ.Component {
	return func(f *views.Form) templ.Component {
		return views.ActivityForm(views.ActivityFormView{Form: f, School: sc, Year: year, Classes: classes,
			Checked: checked, Catalogue: s.cfg.Content.Activities, Activity: a})
	}
}

// activityNew is the short form to log an activity: today's date, the type and the class
// chosen from the matrix when the teacher came from there.
func (s *Server) activityNew(w http.ResponseWriter, r *http.Request) error {
	current := portal.SchoolYear(s.now())
	year, err := s.yearParam(r)
	if err != nil || year < current-1 {
		return errNotFound
	}
	sc, err := s.teacherSchool(r, year)
	if err != nil {
		return err
	}
	classes, err := s.store.ListClasses(r.Context(), sc.ID, year, true)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	form := &views.Form{Values: map[string]string{"type": q.Get("type"), "year": strconv.Itoa(year)}}
	if year == current {
		form.Values["date"] = s.now().In(portal.CST).Format(time.DateOnly)
	}
	checked := map[int64]bool{}
	if id, err := strconv.ParseInt(q.Get("class"), 10, 64); err == nil {
		checked[id] = true
	}
	return s.page(w, r, s.activityFormView(sc, year, classes, nil, checked)(form))
}

// parseActivityForm reads the (multipart) form into a, expanding ticked grades to their
// classes, and returns the form as typed and the ticked classes.
func parseActivityForm(w http.ResponseWriter, r *http.Request, a *portal.Activity, classes []portal.Class) (*views.Form, map[int64]bool, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxActivityRequest)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, nil, portal.Errorf(portal.EINVALID, "ErrActUploadTooLarge")
		}
		if !errors.Is(err, http.ErrNotMultipart) {
			return nil, nil, errBadRequest
		}
		if err := r.ParseForm(); err != nil {
			return nil, nil, errBadRequest
		}
	}
	names := []string{"type", "title", "date", "students", "teachers", "parents", "speaker", "description"}
	form := &views.Form{Values: map[string]string{}}
	for _, n := range names {
		form.Values[n] = strings.TrimSpace(r.PostFormValue(n))
	}
	for _, n := range []string{"whole_school", "published", "face_consent"} {
		if r.PostFormValue(n) == "1" {
			form.Values[n] = "1"
		}
	}
	a.Type, a.Title, a.Speaker, a.Description = form.Values["type"], form.Values["title"], form.Values["speaker"], form.Values["description"]
	a.WholeSchool, a.Published, a.FaceConsent = form.Values["whole_school"] == "1", form.Values["published"] == "1", form.Values["face_consent"] == "1"
	// An unreadable date stays zero and an unreadable number -1; Validate reports both.
	a.Date, _ = time.ParseInLocation(time.DateOnly, form.Values["date"], portal.CST)
	num := func(name string) int {
		v := form.Values[name]
		if v == "" {
			return 0
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return -1
		}
		return n
	}
	a.Students, a.Teachers, a.Parents = num("students"), num("teachers"), num("parents")
	checked := map[int64]bool{}
	a.ClassIDs = nil
	for _, v := range r.PostForm["class"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			id = -1 // not a class of the school: Validate says so
		}
		checked[id] = true
	}
	for _, v := range r.PostForm["grade"] {
		g, _ := strconv.Atoi(v)
		for _, c := range classes {
			if c.Grade == g {
				checked[c.ID] = true
			}
		}
	}
	for id := range checked {
		a.ClassIDs = append(a.ClassIDs, id)
	}
	return form, checked, nil
}

// newFiles are the checked uploads of a form, converted and ready to be written.
type newFiles struct {
	photos []*uploads.Photo
	pdfs   [][]byte
	names  []string // the names the files had on the device, photos first
}

// checkUploads reads and checks the uploaded photos and attachments, given how many the
// record has already; problems are field errors.
func (s *Server) checkUploads(r *http.Request, havePhotos, havePDFs int, f portal.FieldErrors) *newFiles {
	out := &newFiles{}
	if r.MultipartForm == nil {
		return out
	}
	read := func(fh *multipart.FileHeader, limit int64) ([]byte, error) {
		if fh.Size > limit {
			return nil, errTooLarge
		}
		file, err := fh.Open()
		if err != nil {
			return nil, err
		}
		defer file.Close()
		return io.ReadAll(io.LimitReader(file, limit+1))
	}
	var photos [][]byte
	var photoNames []string
	for _, fh := range chosen(r.MultipartForm.File["photos"]) {
		data, err := read(fh, portal.MaxPhotoBytes)
		if err == errTooLarge {
			f.AddID("photos", "ErrActPhotoTooLarge")
			continue
		} else if err != nil {
			f.AddID("photos", "ErrActPhotoBroken")
			continue
		}
		if _, err := uploads.CheckPhoto(data); err != nil {
			f.AddID("photos", portal.ErrorMessage(err))
			continue
		}
		photos = append(photos, data)
		photoNames = append(photoNames, fh.Filename)
	}
	if n := len(chosen(r.MultipartForm.File["photos"])); havePhotos+n > portal.MaxPhotos {
		f.Add("photos", portal.Msg("ErrActTooManyPhotos", "Max", portal.MaxPhotos))
	}
	var pdfNames []string
	for _, fh := range chosen(r.MultipartForm.File["attachments"]) {
		data, err := read(fh, portal.MaxPDFBytes)
		if err == errTooLarge {
			f.AddID("attachments", "ErrActPDFTooLarge")
			continue
		} else if err != nil {
			f.AddID("attachments", "ErrActNotPDF")
			continue
		}
		if _, err := uploads.CheckPDF(data); err != nil {
			f.AddID("attachments", portal.ErrorMessage(err))
			continue
		}
		out.pdfs = append(out.pdfs, data)
		pdfNames = append(pdfNames, fh.Filename)
	}
	if havePDFs+len(out.pdfs) > portal.MaxAttachments {
		f.Add("attachments", portal.Msg("ErrActTooManyPDFs", "Max", portal.MaxAttachments))
	}
	if len(f) > 0 {
		return out
	}
	for _, data := range photos {
		s.evidence.convert <- struct{}{}
		p, err := uploads.ConvertPhoto(data)
		<-s.evidence.convert
		if err != nil {
			f.AddID("photos", portal.ErrorMessage(err))
			return out
		}
		out.photos = append(out.photos, p)
	}
	out.names = append(photoNames, pdfNames...)
	return out
}

var errTooLarge = errors.New("file too large")

// chosen drops the empty part a browser sends for a file input left empty.
func chosen(fhs []*multipart.FileHeader) []*multipart.FileHeader {
	var out []*multipart.FileHeader
	for _, fh := range fhs {
		if fh.Filename != "" || fh.Size > 0 {
			out = append(out, fh)
		}
	}
	return out
}

// write stores the files in the upload folder and returns their rows and every name
// written, so that they can be removed if the transaction fails.
func (s *Server) writeFiles(nf *newFiles) ([]portal.ActivityFile, []string, error) {
	var rows []portal.ActivityFile
	var written []string
	original := func(i int) string {
		name := nf.names[i]
		if r := []rune(name); len(r) > 100 {
			name = string(r[:100])
		}
		return name
	}
	for i, p := range nf.photos {
		full, err := s.evidence.files.Save(p.Full, ".jpg")
		if err != nil {
			return nil, written, err
		}
		written = append(written, full)
		thumb, err := s.evidence.files.Save(p.Thumb, ".jpg")
		if err != nil {
			return nil, written, err
		}
		written = append(written, thumb)
		rows = append(rows, portal.ActivityFile{Kind: portal.FilePhoto, Name: full, Thumb: thumb, Original: original(i),
			Size: int64(len(p.Full)), Width: p.Width, Height: p.Height})
	}
	for i, data := range nf.pdfs {
		name, err := s.evidence.files.Save(data, ".pdf")
		if err != nil {
			return nil, written, err
		}
		written = append(written, name)
		rows = append(rows, portal.ActivityFile{Kind: portal.FilePDF, Name: name, Original: original(len(nf.photos) + i), Size: int64(len(data))})
	}
	return rows, written, nil
}

// saveActivity validates a submitted record and its files, writes the files, then runs
// the store call; on any failure the files written are removed and the form shown again
// with the input as typed.
func (s *Server) saveActivity(w http.ResponseWriter, r *http.Request, sc *portal.School, a *portal.Activity, orig *portal.Activity,
	store func(files []portal.ActivityFile) error) (bool, error) {
	classes, err := s.store.ListClasses(r.Context(), sc.ID, a.SchoolYear, true)
	if err != nil {
		return false, err
	}
	form, checked, err := parseActivityForm(w, r, a, classes)
	if err != nil {
		return false, err
	}
	render := s.activityFormView(sc, a.SchoolYear, classes, orig, checked)
	havePhotos, havePDFs := 0, 0
	if orig != nil {
		removing := removeIDs(r)
		for _, f := range orig.Files {
			if removing[f.ID] {
				form.Values["remove_"+strconv.FormatInt(f.ID, 10)] = "1"
				continue
			}
			if f.Kind == portal.FilePhoto {
				havePhotos++
			} else {
				havePDFs++
			}
		}
	}
	errs := a.Validate(s.cfg.Content.Activities, sc, classes, s.now())
	nf := s.checkUploads(r, havePhotos, havePDFs, errs)
	if len(errs) > 0 {
		if len(chosen(fileHeaders(r))) > 0 {
			errs.AddID("photos", "ErrActFilesAgain")
		}
		return false, s.formError(w, r, errs, form, render)
	}
	rows, written, err := s.writeFiles(nf)
	if err == nil {
		err = store(rows)
	}
	if err != nil {
		if rerr := s.evidence.files.Remove(written...); rerr != nil {
			s.log.Error("remove files of a failed save", "err", rerr)
		}
		return false, s.formError(w, r, err, form, render)
	}
	return true, nil
}

func fileHeaders(r *http.Request) []*multipart.FileHeader {
	if r.MultipartForm == nil {
		return nil
	}
	return append(append([]*multipart.FileHeader{}, r.MultipartForm.File["photos"]...), r.MultipartForm.File["attachments"]...)
}

// removeIDs reads the files ticked for removal on the edit form.
func removeIDs(r *http.Request) map[int64]bool {
	out := map[int64]bool{}
	for _, v := range r.PostForm["remove_file"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			out[id] = true
		}
	}
	return out
}

// activityCreate logs a new record for the school year of the form.
func (s *Server) activityCreate(w http.ResponseWriter, r *http.Request) error {
	current := portal.SchoolYear(s.now())
	year, err := strconv.Atoi(r.URL.Query().Get("year"))
	if err != nil {
		year = current
	}
	if year < current-1 || year > current {
		return errNotFound
	}
	sc, err := s.teacherSchool(r, year)
	if err != nil {
		return err
	}
	a := &portal.Activity{SchoolID: sc.ID, SchoolYear: year}
	ok, err := s.saveActivity(w, r, sc, a, nil, func(files []portal.ActivityFile) error {
		return s.store.CreateActivity(r.Context(), who(r).actor(), a, files)
	})
	if !ok {
		return err
	}
	return s.redirect(w, r, "/school/activities?year="+strconv.Itoa(year), "ActCreated")
}

func (s *Server) activityEdit(w http.ResponseWriter, r *http.Request) error {
	a, err := s.schoolActivity(r)
	if err != nil {
		return err
	}
	sc, err := s.teacherSchool(r, a.SchoolYear)
	if err != nil {
		return err
	}
	classes, err := s.store.ListClasses(r.Context(), sc.ID, a.SchoolYear, true)
	if err != nil {
		return err
	}
	form := &views.Form{Values: map[string]string{"type": a.Type, "title": a.Title, "date": views.Date(a.Date),
		"students": strconv.Itoa(a.Students), "teachers": strconv.Itoa(a.Teachers), "parents": strconv.Itoa(a.Parents),
		"speaker": a.Speaker, "description": a.Description}}
	for name, on := range map[string]bool{"whole_school": a.WholeSchool, "published": a.Published, "face_consent": a.FaceConsent} {
		if on {
			form.Values[name] = "1"
		}
	}
	checked := map[int64]bool{}
	for _, id := range a.ClassIDs {
		checked[id] = true
	}
	return s.page(w, r, s.activityFormView(sc, a.SchoolYear, classes, a, checked)(form))
}

// activityUpdate saves changes to a record: any teacher of the school may, as every
// teacher account is one of the school's administrators.
func (s *Server) activityUpdate(w http.ResponseWriter, r *http.Request) error {
	orig, err := s.schoolActivity(r)
	if err != nil {
		return err
	}
	sc, err := s.teacherSchool(r, orig.SchoolYear)
	if err != nil {
		return err
	}
	a := &portal.Activity{ID: orig.ID, SchoolID: orig.SchoolID, SchoolYear: orig.SchoolYear}
	var removed []string
	ok, err := s.saveActivity(w, r, sc, a, orig, func(files []portal.ActivityFile) error {
		var ids []int64
		for id := range removeIDs(r) {
			ids = append(ids, id)
		}
		var err error
		removed, err = s.store.UpdateActivity(r.Context(), who(r).actor(), a, files, ids)
		return err
	})
	if !ok {
		return err
	}
	if err := s.evidence.files.Remove(removed...); err != nil {
		s.log.Error("remove files taken off an activity", "activity", a.ID, "err", err)
	}
	return s.redirect(w, r, "/activities/"+strconv.FormatInt(a.ID, 10), "Saved")
}
