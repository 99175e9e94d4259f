package handlers

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"
	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
	"github.com/jinducity/portal/store/uploads"
	"github.com/jinducity/portal/views"
)

// creationRoutes are the demonstration-school creation cycle (示范创建) and the city's
// assessment (考评): the school applies, its district reviews, the city scores and
// designates; every page is scoped to the viewer's school or district.
func (s *Server) creationRoutes(r chi.Router) {
	teacher, district, admin := string(portal.RoleTeacher), string(portal.RoleDistrict), string(portal.RoleAdmin)
	r.Route("/school/creation", func(r chi.Router) {
		r.Use(s.requireRole(teacher))
		r.Get("/", s.h(s.schoolCreation))
		r.Post("/apply", s.h(s.schoolApply))
		r.Get("/applications/{app}", s.h(s.applicationPage))
		r.Post("/applications/{app}/save", s.h(s.applicationSave))
		r.Post("/applications/{app}/documents", s.h(s.applicationUpload))
		r.Post("/applications/{app}/documents/{doc}/delete", s.h(s.applicationRemoveDocument))
		r.Post("/applications/{app}/submit", s.h(s.applicationSubmit))
	})
	r.Route("/district/creation", func(r chi.Router) {
		r.Use(s.requireRole(district))
		r.Get("/", s.h(s.districtCreation))
		r.Get("/applications/{app}", s.h(s.applicationPage))
		r.Post("/applications/{app}/review", s.h(s.applicationReview))
	})
	r.Route("/admin/creation", func(r chi.Router) {
		r.Use(s.requireRole(admin))
		r.Get("/", s.h(s.adminCreation))
		r.Post("/rounds", s.h(s.adminRoundCreate))
		r.Post("/standards", s.h(s.adminStandardCreate))
		r.Get("/standards/{std}", s.h(s.adminStandard))
		r.Post("/standards/{std}", s.h(s.adminStandardSave))
		r.Get("/applications/{app}", s.h(s.applicationPage))
		r.Post("/applications/{app}/scores", s.h(s.applicationScores))
		r.Post("/applications/{app}/designate", s.h(s.applicationDesignate))
		r.Post("/applications/{app}/decline", s.h(s.applicationDecline))
		r.Get("/renewal", s.h(s.adminRenewal))
		r.Post("/designations/{desig}/{action}", s.h(s.adminDesignationAction))
	})
	r.With(s.requireRole(teacher, district, admin)).Get("/creation/documents/{doc}", s.h(s.creationDocument))
	r.With(s.requireRole(admin)).Get("/admin/assessment", s.h(s.assessment))
	r.With(s.requireRole(admin)).Get("/admin/assessment/weights", s.h(s.assessmentWeights))
	r.With(s.requireRole(admin)).Post("/admin/assessment/weights", s.h(s.assessmentWeightsSave))
	r.With(s.requireRole(district)).Get("/district/assessment", s.h(s.assessment))
	r.With(s.requireRole(teacher)).Get("/school/assessment", s.h(s.assessment))
	r.Get("/api/v1/demonstration-schools", s.h(s.apiDemonstrationSchools))
}

// schoolCreation is the school's page of the cycle: its designations, the open rounds
// and its applications.
func (s *Server) schoolCreation(w http.ResponseWriter, r *http.Request) error {
	return s.page(w, r, s.schoolCreationView(r, &views.Form{Values: map[string]string{}}))
}

func (s *Server) schoolCreationView(r *http.Request, form *views.Form) *views.SchoolCreationPage {
	ctx := r.Context()
	v := &views.SchoolCreationPage{Form: form, Now: s.now()}
	var err error
	schoolID := who(r).User.SchoolID
	if v.Designations, err = s.store.SchoolDemonstrations(ctx, schoolID); err == nil {
		if v.Rounds, err = s.store.ListRounds(ctx); err == nil {
			v.Applications, err = s.store.ListApplications(ctx, store.ApplicationFilter{SchoolID: schoolID})
		}
	}
	v.Err = err
	return v
}

// schoolApply starts a draft application for a level in an open round.
func (s *Server) schoolApply(w http.ResponseWriter, r *http.Request) error {
	form := &views.Form{Values: map[string]string{"round": r.PostFormValue("round"), "level": r.PostFormValue("level")}}
	id, err := s.store.CreateApplication(r.Context(), who(r).actor(), formID(r, "round"), who(r).User.SchoolID,
		portal.DemoLevel(r.PostFormValue("level")))
	if err != nil {
		return s.formError(w, r, err, form, func(f *views.Form) templ.Component { return s.schoolCreationView(r, f) })
	}
	return s.redirect(w, r, fmt.Sprintf("/school/creation/applications/%d", id), "CreationApplied")
}

// application returns the application in the URL if the viewer may see it: its school's
// teachers, its district's reviewer, the city. Anything else is 404.
func (s *Server) application(r *http.Request) (*portal.Application, *portal.Standard, error) {
	id, err := pathID(r, "app")
	if err != nil {
		return nil, nil, err
	}
	a, err := s.store.GetApplication(r.Context(), id)
	if err != nil {
		return nil, nil, err
	}
	u := who(r).User
	switch {
	case u.Role == portal.RoleTeacher && a.SchoolID != u.SchoolID,
		u.Role == portal.RoleDistrict && a.DistrictID != u.DistrictID:
		return nil, nil, errNotFound
	}
	std, err := s.store.GetStandard(r.Context(), a.StandardID)
	return a, std, err
}

// applicationView gathers an application's page; while the school may still edit it,
// the computed values are worked out afresh from the records.
func (s *Server) applicationView(r *http.Request, a *portal.Application, std *portal.Standard, form *views.Form) (*views.ApplicationPage, error) {
	v := &views.ApplicationPage{App: a, Std: std, Role: who(r).role(), Form: form, Now: s.now()}
	if _, ok := form.Values["since"]; !ok {
		form.Values["since"] = s.now().In(portal.CST).Format(time.DateOnly)
	}
	if _, ok := form.Values["validity_years"]; !ok {
		form.Values["validity_years"] = strconv.Itoa(std.ValidityYears)
	}
	if a.Status.Editable() {
		live, _, err := s.store.ComputeAnswers(r.Context(), std, a.SchoolID, a.SchoolYear, s.cfg.Content.Activities.Ten)
		if err != nil {
			return nil, err
		}
		for id, c := range live {
			x := a.Answer(id)
			x.Computed, x.Detail = c.Value, c.Detail
			a.Answers[id] = x
		}
	}
	v.Links = metricLinks(v.Role, a.SchoolID, a.SchoolYear)
	v.Base = map[string]string{"teacher": "/school/creation", "district": "/district/creation", "admin": "/admin/creation"}[v.Role] +
		"/applications/" + strconv.FormatInt(a.ID, 10)
	return v, nil
}

// metricLinks are where each metric's records are shown to the viewer.
func metricLinks(role string, schoolID int64, year int) map[portal.Metric]string {
	matrix := fmt.Sprintf("/activities/schools/%d?year=%d", schoolID, year)
	quizzes := map[string]string{"teacher": "/school/quizzes", "district": "/district/quizzes", "admin": "/admin/quizzes"}[role]
	classes := map[string]string{"teacher": "/school/classes", "district": "/district/", "admin": fmt.Sprintf("/schools/%d", schoolID)}[role]
	volunteers := map[string]string{"teacher": "/volunteer-requests/", "district": "/opportunities", "admin": "/city/volunteers/"}[role]
	return map[portal.Metric]string{
		portal.MetricTenOnes: matrix, portal.MetricBaseVisits: matrix, portal.MetricRegistration: classes,
		portal.MetricQuizTakers: quizzes, portal.MetricAwareness: quizzes, portal.MetricGain: quizzes, portal.MetricVolunteers: volunteers,
	}
}

func (s *Server) applicationPage(w http.ResponseWriter, r *http.Request) error {
	a, std, err := s.application(r)
	if err != nil {
		return err
	}
	v, err := s.applicationView(r, a, std, &views.Form{Values: map[string]string{}})
	if err != nil {
		return err
	}
	return s.page(w, r, v)
}

// applicationError shows the application again with the problem: 422 for bad input,
// 409 when someone else acted first.
func (s *Server) applicationError(w http.ResponseWriter, r *http.Request, err error, values map[string]string) error {
	a, std, gerr := s.application(r)
	if gerr != nil {
		return gerr
	}
	if values == nil {
		values = map[string]string{}
	}
	form := &views.Form{Values: values}
	status := http.StatusUnprocessableEntity
	if f, ok := portal.AsFieldErrors(err); ok {
		form.Errors = f
	} else if code := portal.ErrorCode(err); code == portal.EINVALID || code == portal.ECONFLICT {
		form.Message = portal.ErrorMessage(err)
		if code == portal.ECONFLICT {
			status = http.StatusConflict
		}
	} else {
		return err
	}
	v, verr := s.applicationView(r, a, std, form)
	if verr != nil {
		return verr
	}
	return s.render(w, r, status, v)
}

// readScores reads the score fields named prefix+indicator of the standard's indicators
// the filter keeps; a blank field is no score.
func readScores(r *http.Request, std *portal.Standard, prefix string, keep func(*portal.Indicator) bool) (map[int64]*float64, portal.FieldErrors) {
	out := map[int64]*float64{}
	f := portal.FieldErrors{}
	for n := range std.Indicators {
		i := &std.Indicators[n]
		if !keep(i) {
			continue
		}
		key := prefix + strconv.FormatInt(i.ID, 10)
		raw := strings.TrimSpace(r.PostFormValue(key))
		if raw == "" {
			out[i.ID] = nil
			continue
		}
		v, err := strconv.ParseFloat(raw, 64)
		if err != nil {
			f.Add(key, portal.Msg("ErrCreationScoreRange", "Max", i.MaxScore))
			continue
		}
		if m := portal.CheckScore(i, v); m.ID != "" {
			f.Add(key, m)
			continue
		}
		out[i.ID] = &v
	}
	return out, f
}

func version(r *http.Request) int {
	v, _ := strconv.Atoi(r.PostFormValue("version"))
	return v
}

// applicationSave keeps the school's scores and notes as a draft.
func (s *Server) applicationSave(w http.ResponseWriter, r *http.Request) error {
	a, std, err := s.application(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	in := store.SelfScores{Notes: map[int64]string{}}
	var f portal.FieldErrors
	in.Scores, f = readScores(r, std, "score_", func(i *portal.Indicator) bool { return i.Evidence != portal.EvidenceComputed })
	for id := range in.Scores {
		note := strings.TrimSpace(r.PostFormValue("note_" + strconv.FormatInt(id, 10)))
		f.Add("note_"+strconv.FormatInt(id, 10), portal.ValidateText(note, 0, 300))
		in.Notes[id] = note
	}
	if len(f) == 0 {
		err = s.store.SaveDraft(r.Context(), who(r).actor(), a.ID, who(r).User.SchoolID, version(r), in)
	} else {
		err = f
	}
	if err != nil {
		return s.applicationError(w, r, err, formValues(r))
	}
	if r.PostFormValue("then") == "submit" {
		return s.submit(w, r, a.ID, std, version(r)+1)
	}
	return s.redirect(w, r, "/school/creation/applications/"+strconv.FormatInt(a.ID, 10), "CreationSaved")
}

// applicationSubmit hands a complete application to the district, freezing its computed values.
func (s *Server) applicationSubmit(w http.ResponseWriter, r *http.Request) error {
	a, std, err := s.application(r)
	if err != nil {
		return err
	}
	return s.submit(w, r, a.ID, std, version(r))
}

func (s *Server) submit(w http.ResponseWriter, r *http.Request, id int64, std *portal.Standard, ver int) error {
	a, err := s.store.GetApplication(r.Context(), id)
	if err != nil {
		return err
	}
	computed, _, err := s.store.ComputeAnswers(r.Context(), std, a.SchoolID, a.SchoolYear, s.cfg.Content.Activities.Ten)
	if err != nil {
		return err
	}
	if err := s.store.Submit(r.Context(), who(r).actor(), id, who(r).User.SchoolID, ver, std, computed); err != nil {
		return s.applicationError(w, r, err, formValues(r))
	}
	return s.redirect(w, r, "/school/creation/applications/"+strconv.FormatInt(id, 10), "CreationSubmitted")
}

// applicationUpload adds a document (a PDF, or a photo of a paper document) to a
// document indicator, checked by its content and size as activity evidence is.
func (s *Server) applicationUpload(w http.ResponseWriter, r *http.Request) error {
	a, _, err := s.application(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxActivityRequest)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return s.applicationError(w, r, portal.FieldErrors{"file": portal.Msg("ErrActUploadTooLarge")}, nil)
		}
		return s.applicationError(w, r, portal.FieldErrors{"file": portal.Msg("ErrCreationNoFile")}, nil)
	}
	fhs := chosen(r.MultipartForm.File["file"])
	if len(fhs) != 1 {
		return s.applicationError(w, r, portal.FieldErrors{"file": portal.Msg("ErrCreationNoFile")}, formValues(r))
	}
	file, err := fhs[0].Open()
	if err != nil {
		return errBadRequest
	}
	data, err := io.ReadAll(io.LimitReader(file, portal.MaxPDFBytes+1))
	file.Close()
	if err != nil {
		return errBadRequest
	}
	doc := &portal.Document{ApplicationID: a.ID, IndicatorID: formID(r, "indicator"), Original: fhs[0].Filename}
	if r := []rune(doc.Original); len(r) > 100 {
		doc.Original = string(r[:100])
	}
	var stored []byte
	ext := ".pdf"
	if _, perr := uploads.CheckPDF(data); perr == nil {
		doc.Kind, stored = portal.FilePDF, data
	} else if _, ierr := uploads.CheckPhoto(data); ierr == nil {
		s.evidence.convert <- struct{}{}
		p, cerr := uploads.ConvertPhoto(data)
		<-s.evidence.convert
		if cerr != nil {
			return s.applicationError(w, r, portal.FieldErrors{"file": portal.Msg(portal.ErrorMessage(cerr))}, nil)
		}
		doc.Kind, stored, ext = portal.FilePhoto, p.Full, ".jpg"
	} else {
		msg := "ErrCreationFileKind"
		if len(data) > portal.MaxPDFBytes {
			msg = "ErrActPDFTooLarge"
		} else if errors.Is(ierr, uploads.ErrPhotoTooLarge) || errors.Is(ierr, uploads.ErrPhotoPixels) {
			msg = portal.ErrorMessage(ierr)
		}
		return s.applicationError(w, r, portal.FieldErrors{"file": portal.Msg(msg)}, nil)
	}
	name, err := s.evidence.files.Save(stored, ext)
	if err != nil {
		return err
	}
	doc.Name, doc.Size = name, int64(len(stored))
	if err := s.store.AddDocument(r.Context(), who(r).actor(), who(r).User.SchoolID, version(r), doc); err != nil {
		if rerr := s.evidence.files.Remove(name); rerr != nil {
			s.log.Error("remove document of a failed upload", "err", rerr)
		}
		return s.applicationError(w, r, err, nil)
	}
	return s.redirect(w, r, "/school/creation/applications/"+strconv.FormatInt(a.ID, 10), "CreationUploaded")
}

func (s *Server) applicationRemoveDocument(w http.ResponseWriter, r *http.Request) error {
	a, _, err := s.application(r)
	if err != nil {
		return err
	}
	docID, err := pathID(r, "doc")
	if err != nil {
		return err
	}
	name, err := s.store.RemoveDocument(r.Context(), who(r).actor(), who(r).User.SchoolID, a.ID, docID, version(r))
	if err != nil {
		if portal.ErrorCode(err) == portal.ENOTFOUND {
			return err
		}
		return s.applicationError(w, r, err, nil)
	}
	// The demo's documents are its shared built-in illustrations: nothing to remove.
	if _, demo := uploads.Demo(name); !demo {
		if err := s.evidence.files.Remove(name); err != nil {
			s.log.Error("remove document", "err", err)
		}
	}
	return s.redirect(w, r, "/school/creation/applications/"+strconv.FormatInt(a.ID, 10), "CreationRemoved")
}

// creationDocument serves a document to those who may see its application.
func (s *Server) creationDocument(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "doc")
	if err != nil {
		return err
	}
	d, err := s.store.GetDocument(r.Context(), id)
	if err != nil {
		return err
	}
	if !canSeeSchool(who(r), d.SchoolID, d.DistrictID) {
		return errNotFound
	}
	data, err := s.evidence.read(d.Name)
	if err != nil {
		s.log.Error("read document", "document", d.ID, "err", err)
		return errNotFound
	}
	h := w.Header()
	if d.Kind == portal.FilePDF {
		h.Set("Content-Type", "application/pdf")
		h.Set("Content-Disposition", "attachment; filename=\"document-"+strconv.FormatInt(d.ID, 10)+".pdf\"")
	} else {
		h.Set("Content-Type", "image/jpeg")
	}
	h.Set("Cache-Control", "private, max-age=600")
	h.Set("Content-Length", strconv.Itoa(len(data)))
	_, err = w.Write(data)
	return err
}

// districtCreation lists the applications of the reviewer's district.
func (s *Server) districtCreation(w http.ResponseWriter, r *http.Request) error {
	list, err := s.store.ListApplications(r.Context(), store.ApplicationFilter{DistrictID: who(r).User.DistrictID})
	if err != nil {
		return err
	}
	return s.page(w, r, &views.ApplicationList{Title: "CreationDistrictTitle", Base: "/district/creation", Apps: list})
}

// applicationReview is the district's decision: return with comments, or recommend.
func (s *Server) applicationReview(w http.ResponseWriter, r *http.Request) error {
	a, _, err := s.application(r)
	if err != nil {
		return err
	}
	recommend := r.PostFormValue("decision") == "recommend"
	if !recommend && r.PostFormValue("decision") != "return" {
		return s.applicationError(w, r, portal.FieldErrors{"decision": portal.Msg("ErrChoose")}, formValues(r))
	}
	err = s.store.DistrictDecision(r.Context(), who(r).actor(), a.ID, who(r).User.DistrictID, version(r), recommend, r.PostFormValue("comment"))
	if err != nil {
		return s.applicationError(w, r, err, formValues(r))
	}
	notice := "CreationReturned"
	if recommend {
		notice = "CreationRecommended"
	}
	return s.redirect(w, r, "/district/creation", notice)
}
