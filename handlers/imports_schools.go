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

// The city imports its school list the way a school imports its roster: a template, an
// upload previewed row by row, and a confirm that adds the new schools in one
// transaction (store.ImportSchools); a school already on the list is left as it is.

// schoolColumns maps a school list's headings to the fields they hold.
var schoolColumns = map[string]string{
	"学校名称": "name", "学校": "name", "校名": "name", "所属区县": "district", "区县": "district", "学段": "stage",
	"在校生人数": "enrolment", "在校生数": "enrolment", "学生数": "enrolment", "有毕业年级": "graduating",
	"地址": "address", "学校地址": "address",
	"name": "name", "district": "district", "stage": "stage", "enrolment": "enrolment", "address": "address",
	"schoolname": "name", "studentsenrolled": "enrolment", "graduatingclass": "graduating",
}

func (s *Server) adminSchoolImportForm(w http.ResponseWriter, r *http.Request) error {
	return s.page(w, r, views.SchoolImportPage(views.SchoolImportView{Form: &views.Form{}}))
}

func (s *Server) adminSchoolImportTemplate(w http.ResponseWriter, r *http.Request) error {
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
		File: t("ImportSchoolsTemplateFile"), Title: t("ImportSchoolsTemplateFile"), Filter: t("ImportSchoolsTemplateHint"),
		Cols: []exportCol{{t("AdminSchoolName"), colText, 28}, {t("AdminDistrict"), colText, 12}, {t("AdminStage"), colText, 12},
			{t("AdminEnrolment"), colText, 12}, {t("ImportColGraduating"), colText, 12}, {t("AdminAddress"), colText, 30}},
		Rows: func(func(...any) error) error { return nil },
	})
}

func (s *Server) adminSchoolImportPreview(w http.ResponseWriter, r *http.Request) error {
	v := views.SchoolImportView{Form: &views.Form{}}
	r.Body = http.MaxBytesReader(w, r.Body, maxRosterUpload+64<<10)
	fieldErr := func(m string) error {
		v.Form.Errors = portal.FieldErrors{"file": portal.Msg(m)}
		return s.render(w, r, http.StatusUnprocessableEntity, views.SchoolImportPage(v))
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
	table, err := parseTable(data, schoolColumns, []string{"name", "district", "stage"}, portal.MaxSchoolRows)
	if err != nil {
		if errors.Is(err, errImportTooLong) {
			return fieldErr("ImportErrTooManySchools")
		}
		if errors.Is(err, errImportNoHead) {
			return fieldErr("ImportErrNoSchoolHead")
		}
		var pe *portal.Error
		if errors.As(err, &pe) && pe.Code == portal.EINVALID {
			return fieldErr(pe.Message)
		}
		return err
	}
	rows := make([]portal.SchoolRow, len(table))
	for i, t := range table {
		rows[i] = portal.SchoolRow{Line: t.Line, Name: t.F["name"], District: t.F["district"], Stage: t.F["stage"],
			Enrolment: t.F["enrolment"], Graduating: t.F["graduating"], Address: t.F["address"]}
	}
	if v.Plan, err = s.store.PlanSchools(r.Context(), rows); err != nil {
		return err
	}
	if v.Data, err = encodeSchools(rows); err != nil {
		return err
	}
	return s.page(w, r, views.SchoolImportPage(v))
}

func (s *Server) adminSchoolImportConfirm(w http.ResponseWriter, r *http.Request) error {
	rows, err := decodeSchools(r.PostFormValue("rows"))
	if err != nil {
		return errBadRequest
	}
	plan, err := s.store.ImportSchools(r.Context(), who(r).actor(), rows)
	if err != nil {
		var pe *portal.Error
		if plan != nil && errors.As(err, &pe) && pe.Code == portal.EINVALID {
			v := views.SchoolImportView{Form: &views.Form{Message: pe.Message}, Plan: plan}
			v.Data, _ = encodeSchools(rows)
			return s.render(w, r, http.StatusUnprocessableEntity, views.SchoolImportPage(v))
		}
		return err
	}
	notice := "ImportSchoolsDone"
	if plan.New == 0 {
		notice = "ImportNothingSchools"
	}
	return s.redirect(w, r, "/admin/schools", notice)
}

// schoolField is a school-list row as the preview posts it back.
type schoolField struct {
	L                int
	N, D, S, E, G, A string
}

func encodeSchools(rows []portal.SchoolRow) (string, error) {
	out := make([]schoolField, len(rows))
	for i, r := range rows {
		out[i] = schoolField{r.Line, r.Name, r.District, r.Stage, r.Enrolment, r.Graduating, r.Address}
	}
	b, err := json.Marshal(out)
	return base64.StdEncoding.EncodeToString(b), err
}

func decodeSchools(s string) ([]portal.SchoolRow, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, err
	}
	var in []schoolField
	if err := json.Unmarshal(b, &in); err != nil {
		return nil, err
	}
	if len(in) == 0 || len(in) > portal.MaxSchoolRows {
		return nil, errBadRequest
	}
	out := make([]portal.SchoolRow, len(in))
	for i, f := range in {
		out[i] = portal.SchoolRow{Line: f.L, Name: f.N, District: f.D, Stage: f.S, Enrolment: f.E, Graduating: f.G, Address: f.A}
	}
	return out, nil
}
