package handlers_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
	"github.com/xuri/excelize/v2"
)

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// download checks an export's headers and returns its response.
func download(t *testing.T, c *client, path, contentType, namePrefix string) *response {
	t.Helper()
	res := c.get(path)
	wantStatus(t, path, res, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); ct != contentType {
		t.Errorf("%s: Content-Type = %q, want %q", path, ct, contentType)
	}
	cd := res.Header.Get("Content-Disposition")
	if !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, "filename*=UTF-8''"+url.PathEscape(namePrefix)) {
		t.Errorf("%s: Content-Disposition = %q, want an attachment named %s…", path, cd, namePrefix)
	}
	return res
}

// mustXLSX opens a downloaded workbook and returns its only sheet's rows, the title,
// filter and heading rows included.
func mustXLSX(t *testing.T, res *response) (*excelize.File, string, [][]string) {
	t.Helper()
	f, err := excelize.OpenReader(strings.NewReader(res.Body))
	if err != nil {
		t.Fatalf("not a workbook: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	sheets := f.GetSheetList()
	if len(sheets) != 1 {
		t.Fatalf("sheets = %v, want one", sheets)
	}
	rows, err := f.GetRows(sheets[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 3 {
		t.Fatalf("workbook has %d rows, want a title, a filter line and headings", len(rows))
	}
	return f, sheets[0], rows
}

// mustCSV parses a downloaded CSV after checking its byte-order mark.
func mustCSV(t *testing.T, res *response) [][]string {
	t.Helper()
	body, ok := strings.CutPrefix(res.Body, "\uFEFF")
	if !ok {
		t.Fatalf("CSV without a UTF-8 byte-order mark: %q", truncate(res.Body, 40))
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("CSV: %v", err)
	}
	if len(rows) == 0 {
		t.Fatal("CSV without a heading row")
	}
	return rows
}

func column(rows [][]string, i int) []string {
	var out []string
	for _, r := range rows {
		if i < len(r) {
			out = append(out, r[i])
		} else {
			out = append(out, "")
		}
	}
	return out
}

func TestExportSchoolsXLSX(t *testing.T) {
	e := mustEnv(t)
	admin := e.login("admin")
	all, total, err := e.Store.ListSchools(context.Background(), store.SchoolFilter{IncludeInactive: true})
	if err != nil {
		t.Fatal(err)
	}
	res := download(t, admin, "/admin/schools?format=xlsx", xlsxType, "学校名单")
	f, sheet, rows := mustXLSX(t, res)
	if !strings.Contains(rows[0][0], "学校名单") || !strings.Contains(rows[1][0], "导出时间") {
		t.Errorf("title rows = %q, %q", rows[0], rows[1])
	}
	if rows[2][0] != "学校名称" || rows[2][3] != "在校生人数" || rows[2][6] != "注册率" {
		t.Errorf("headings = %q", rows[2])
	}
	data := rows[3:]
	if len(data) != total {
		t.Fatalf("%d data rows, want %d schools", len(data), total)
	}
	for i, sc := range all {
		if data[i][0] != sc.Name || data[i][1] != sc.DistrictName {
			t.Fatalf("row %d = %q, want %s of %s", i, data[i][:2], sc.Name, sc.DistrictName)
		}
	}
	// Numbers are numbers (no string type on the cell), with the page's value.
	raw, _ := f.GetCellValue(sheet, "D4", excelize.Options{RawCellValue: true})
	if raw != strconv.Itoa(all[0].Enrolment) {
		t.Errorf("D4 = %q, want %d", raw, all[0].Enrolment)
	}
	if ct, _ := f.GetCellType(sheet, "D4"); ct == excelize.CellTypeInlineString || ct == excelize.CellTypeSharedString {
		t.Errorf("enrolment stored as text (%v)", ct)
	}
	// The heading row is frozen and bold.
	panes, err := f.GetPanes(sheet)
	if err != nil || !panes.Freeze || panes.YSplit != 3 {
		t.Errorf("panes = %+v, %v; want the first three rows frozen", panes, err)
	}
	st, _ := f.GetCellStyle(sheet, "A3")
	if s, err := f.GetStyle(st); err != nil || s.Font == nil || !s.Font.Bold {
		t.Errorf("heading style %+v, %v: want bold", s, err)
	}
	if w, _ := f.GetColWidth(sheet, "A"); w < 20 {
		t.Errorf("column A width %v, want a school name's", w)
	}
}

func TestExportSchoolsCSVFiltered(t *testing.T) {
	e := mustEnv(t)
	admin := e.login("admin")
	ds, _ := e.Store.ListDistricts(context.Background())
	d := ds[1]
	want, _, _ := e.Store.ListSchools(context.Background(), store.SchoolFilter{IncludeInactive: true, DistrictID: d.ID, Stage: portal.StagePrimary})
	res := download(t, admin, "/admin/schools?format=csv&stage=primary&district="+itoa(int(d.ID)), "text/csv; charset=utf-8", "学校名单")
	rows := mustCSV(t, res)
	if rows[0][0] != "学校名称" {
		t.Errorf("heading = %q", rows[0])
	}
	var names []string
	for _, sc := range want {
		names = append(names, sc.Name)
	}
	if got := column(rows[1:], 0); !slices.Equal(got, names) || len(names) == 0 {
		t.Errorf("schools = %v, want %v", got, names)
	}
	for _, r := range rows[1:] {
		if r[1] != d.Name || r[2] != "小学" {
			t.Errorf("row %q outside the filter (%s, 小学)", r, d.Name)
		}
		if !strings.HasSuffix(r[6], "%") {
			t.Errorf("registration rate %q, want a percentage", r[6])
		}
	}
}

// A district reviewer's downloads hold their district's rows whatever the URL asks for;
// other roles are refused.
func TestExportScope(t *testing.T) {
	e := mustEnv(t)
	ctx := context.Background()
	reviewer, _, err := e.Store.UserCredentials(ctx, "district")
	if err != nil {
		t.Fatal(err)
	}
	own, err := e.Store.GetDistrict(ctx, reviewer.DistrictID)
	if err != nil {
		t.Fatal(err)
	}
	ds, _ := e.Store.ListDistricts(ctx)
	other := ds[len(ds)-1]
	if other.ID == own.ID {
		t.Fatal("want another district")
	}
	dc := e.login("district")
	mine, _ := e.Store.DistrictSchools(ctx, own.ID, portal.SchoolYear(e.Now))
	for _, path := range []string{"/district/activities?format=csv&district=" + itoa(int(other.ID)), "/district/?format=csv"} {
		rows := mustCSV(t, download(t, dc, path, "text/csv; charset=utf-8", ""))
		if len(rows)-1 != len(mine) {
			t.Errorf("%s: %d rows, want the %d schools of %s", path, len(rows)-1, len(mine), own.Name)
		}
		for _, r := range rows[1:] {
			if r[1] != own.Name {
				t.Errorf("%s: row of %s in %s's download: %q", path, r[1], own.Name, r)
			}
		}
	}
	// The city's overview, filtered by a district, holds that district only.
	rows := mustCSV(t, download(t, e.login("admin"), "/admin/activities?format=csv&district="+itoa(int(other.ID)), "text/csv; charset=utf-8", "“十个一”"))
	if len(rows) < 2 {
		t.Fatal("no rows for the district")
	}
	for _, r := range rows[1:] {
		if r[1] != other.Name {
			t.Errorf("row of %s filtered by %s", r[1], other.Name)
		}
	}
	for _, tt := range []struct{ user, path string }{
		{"district", "/admin/schools?format=xlsx"}, {"district", "/admin/activities?format=csv"},
		{"teacher", "/admin/schools?format=csv"}, {"teacher", "/district/activities?format=xlsx"},
		{"coordinator", "/admin/audit?format=csv"},
	} {
		res := e.login(tt.user).get(tt.path)
		wantStatus(t, tt.user+" "+tt.path, res, http.StatusForbidden)
		if cd := res.Header.Get("Content-Disposition"); cd != "" {
			t.Errorf("%s %s: refused with a download (%q)", tt.user, tt.path, cd)
		}
	}
	wantStatus(t, "unknown format", e.login("admin").get("/admin/schools?format=pdf"), http.StatusNotFound)
}

func TestExportTenAndAudit(t *testing.T) {
	e := mustEnv(t)
	admin := e.login("admin")
	res := download(t, admin, "/admin/activities?format=xlsx", xlsxType, "“十个一”")
	_, _, rows := mustXLSX(t, res)
	page := admin.get("/admin/activities").Doc(t)
	schools := page.Find(`[data-stat="act-schools"] .num`).Text()
	if n, err := strconv.Atoi(strings.TrimSpace(schools)); err != nil || n != len(rows)-3 {
		t.Errorf("%d rows, the page counts %q schools", len(rows)-3, schools)
	}
	if len(rows[2]) != 3+10+3 {
		t.Errorf("headings %q: want school, district, stage, the ten and three totals", rows[2])
	}
	for i, r := range rows[3:] {
		done := 0
		for _, c := range r[3:13] {
			if c == "1" {
				done++
			}
		}
		if strconv.Itoa(done) != r[13] {
			t.Fatalf("row %d %q: %d ones, done = %s", i, r, done, r[13])
		}
	}

	_, total, err := e.Store.ListAudit(context.Background(), store.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	audit := mustCSV(t, download(t, admin, "/admin/audit?format=csv", "text/csv; charset=utf-8", "操作日志"))
	if len(audit)-1 != total || total == 0 {
		t.Errorf("audit: %d rows, want %d", len(audit)-1, total)
	}
	if _, err := strconv.Atoi(audit[1][4]); err != nil || len(audit[1][0]) != len("2006-01-02 15:04") {
		t.Errorf("audit row %q: want a time and an ID", audit[1])
	}
}
