package handlers

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/views"
)

// A school's administrator imports classes and students from a roster file: the upload
// shows a preview with every row's outcome or problem and writes nothing; the confirm
// posts the rows back and imports them in one transaction (store.ImportRoster), checking
// them all again. Imported students join later with their class code, name and number
// and are matched by number, never added twice.

// importForm shows the upload form and the template's links.
func (s *Server) importForm(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.teacherSchool(r, portal.SchoolYear(s.now()))
	if err != nil {
		return err
	}
	return s.page(w, r, views.ImportPage(views.ImportView{School: sc, Year: portal.SchoolYear(s.now()), Form: &views.Form{}}))
}

// importTemplate downloads the empty roster: the headings and nothing else.
func (s *Server) importTemplate(w http.ResponseWriter, r *http.Request) error {
	format, err := exportFormat(r)
	if err != nil {
		return err
	}
	if format == "" {
		format = formatXLSX
	}
	ctx := r.Context()
	t := func(id string) string { return views.T(ctx, id) }
	return s.sendExport(w, r, format, &export{
		File: t("ImportTemplateFile"), Title: t("ImportTemplateFile"), Filter: t("ImportTemplateHint"),
		Cols: []exportCol{{t("ImportColGrade"), colText, 10}, {t("ImportColClass"), colText, 16},
			{t("ImportColName"), colText, 14}, {t("ImportColNumber"), colText, 10}},
		Rows: func(func(...any) error) error { return nil },
	})
}

// importPreview reads the uploaded file and shows what importing it would do.
func (s *Server) importPreview(w http.ResponseWriter, r *http.Request) error {
	year := portal.SchoolYear(s.now())
	sc, err := s.teacherSchool(r, year)
	if err != nil {
		return err
	}
	v := views.ImportView{School: sc, Year: year, Form: &views.Form{}}
	r.Body = http.MaxBytesReader(w, r.Body, maxRosterUpload+64<<10)
	fieldErr := func(m string) error {
		v.Form.Errors = portal.FieldErrors{"file": portal.Msg(m)}
		return s.render(w, r, http.StatusUnprocessableEntity, views.ImportPage(v))
	}
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return fieldErr("ImportErrTooBig")
		}
		return fieldErr("ImportErrNoFile")
	}
	defer r.MultipartForm.RemoveAll()
	file, _, err := r.FormFile("file")
	if err != nil {
		return fieldErr("ImportErrNoFile")
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, maxRosterUpload+1))
	if err != nil {
		return err
	}
	rows, err := parseRoster(data)
	if err != nil {
		var pe *portal.Error
		if errors.As(err, &pe) && pe.Code == portal.EINVALID {
			return fieldErr(pe.Message)
		}
		return err
	}
	if v.Plan, err = s.store.PlanRoster(r.Context(), sc.ID, year, rows); err != nil {
		return err
	}
	if v.Data, err = encodeRoster(rows); err != nil {
		return err
	}
	return s.page(w, r, views.ImportPage(v))
}

// importConfirm imports the previewed rows.
func (s *Server) importConfirm(w http.ResponseWriter, r *http.Request) error {
	year := portal.SchoolYear(s.now())
	sc, err := s.teacherSchool(r, year)
	if err != nil {
		return err
	}
	rows, err := decodeRoster(r.PostFormValue("rows"))
	if err != nil {
		return errBadRequest
	}
	plan, err := s.store.ImportRoster(r.Context(), who(r).actor(), sc.ID, year, rows)
	if err != nil {
		var pe *portal.Error
		if plan != nil && errors.As(err, &pe) && pe.Code == portal.EINVALID {
			v := views.ImportView{School: sc, Year: year, Form: &views.Form{Message: pe.Message}, Plan: plan}
			v.Data, _ = encodeRoster(rows)
			return s.render(w, r, http.StatusUnprocessableEntity, views.ImportPage(v))
		}
		return err
	}
	notice := "ImportDone"
	if plan.New == 0 {
		notice = "ImportNothingNew"
	}
	return s.redirect(w, r, "/school/classes", notice)
}

// rosterField is a row as the preview posts it back: what the file said.
type rosterField struct {
	L              int
	G, C, N, No, Y string
}

// encodeRoster packs the file's rows for the confirm form.
func encodeRoster(rows []portal.RosterRow) (string, error) {
	out := make([]rosterField, len(rows))
	for i, r := range rows {
		out[i] = rosterField{r.Line, r.Grade, r.Class, r.Name, r.Number, r.Year}
	}
	b, err := json.Marshal(out)
	return base64.StdEncoding.EncodeToString(b), err
}

// decodeRoster unpacks the confirm form's rows; the store checks them all again.
func decodeRoster(s string) ([]portal.RosterRow, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, err
	}
	var in []rosterField
	if err := json.Unmarshal(b, &in); err != nil {
		return nil, err
	}
	if len(in) == 0 || len(in) > portal.MaxRosterRows {
		return nil, errBadRequest
	}
	out := make([]portal.RosterRow, len(in))
	for i, f := range in {
		out[i] = portal.RosterRow{Line: f.L, Grade: f.G, Class: f.C, Name: f.N, Number: f.No, Year: f.Y}
	}
	return out, nil
}
