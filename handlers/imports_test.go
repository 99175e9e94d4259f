package handlers_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/jinducity/portal"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// rosterXLSX builds a workbook with a title row above the headings, as the template has.
func rosterXLSX(t *testing.T, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetRow("Sheet1", "A1", &[]any{"学生名册"})
	f.SetSheetRow("Sheet1", "A2", &[]any{"年级", "班级", "姓名", "学号"})
	for i, r := range rows {
		f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+3), &r)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// previewRows returns each previewed row's status by its line.
func previewRows(t *testing.T, res *response) map[string]*goquery.Selection {
	t.Helper()
	out := map[string]*goquery.Selection{}
	res.Doc(t).Find("table.import-preview tbody tr").Each(func(_ int, s *goquery.Selection) {
		out[s.AttrOr("data-line", "")] = s
	})
	return out
}

func uploadRoster(c *client, name string, data []byte) *response {
	return c.postMultipart("/school/import", url.Values{}, upload{"file", name, data})
}

func TestImportRoster(t *testing.T) {
	e := mustEnv(t)
	ctx := context.Background()
	teacher := e.login("teacher")
	u, _, _ := e.Store.UserCredentials(ctx, "teacher")
	year := portal.SchoolYear(e.Now)
	before, _ := e.Store.GetSchool(ctx, u.SchoolID, year)
	first, _, _ := before.Stage.Grades()
	grade := fmt.Sprint(first)
	// A class of the school with students on its list.
	var demo *portal.Class
	var demoStudents []portal.Student
	all, _ := e.Store.ListClasses(ctx, u.SchoolID, year, false)
	for i := range all {
		if sts, _ := e.Store.ListStudents(ctx, all[i].ID); len(sts) > 0 && all[i].Grade == first {
			demo, demoStudents = &all[i], sts
			break
		}
	}
	if demo == nil {
		t.Fatalf("no class of grade %d with students in the demo school", first)
	}

	// A file with problems: the preview says what is wrong with each row and writes nothing.
	bad := rosterXLSX(t, [][]any{
		{grade, "导入测试班", "王小明", "1"},
		{grade, "导入测试班", "李小红", "1"},                       // number twice in the class
		{grade, "导入测试班", "", "3"},                          // no name
		{"九十年级", "导入测试班", "赵小刚", "4"},                      // unknown grade
		{"13", "导入测试班", "钱小芳", "5"},                        // not a grade
		{grade, demo.Name, "不是本人", demoStudents[0].Number}, // the number belongs to another student
		{grade, "导入测试班", "=HYPERLINK(\"x\")", "6"},
	})
	res := uploadRoster(teacher, "名册.xlsx", bad)
	wantStatus(t, "preview", res, http.StatusOK)
	rows := previewRows(t, res)
	if len(rows) != 7 {
		t.Fatalf("preview shows %d rows, want 7", len(rows))
	}
	for line, want := range map[string]string{"3": "new", "4": "学号 1 在本班重复", "5": "缺少姓名", "6": "无法识别的年级",
		"7": "无法识别的年级", "8": "已属于", "9": "不能以 = + - @ 开头"} {
		r := rows[line]
		if r == nil {
			t.Errorf("row %s missing", line)
			continue
		}
		if want == "new" {
			if r.AttrOr("data-status", "") != "new" {
				t.Errorf("row %s: status %q, want new", line, r.AttrOr("data-status", ""))
			}
		} else if got := r.Find(".problems").Text(); !strings.Contains(got, want) {
			t.Errorf("row %s: problems %q, want %q", line, got, want)
		}
	}
	if res.Doc(t).Find("#import-confirm").Length() != 0 || res.Doc(t).Find("#import-fix").Length() != 1 {
		t.Error("a roster with problems offers the confirm")
	}
	classes, _ := e.Store.ListClasses(ctx, u.SchoolID, year, true)
	for _, c := range classes {
		if c.Name == "导入测试班" {
			t.Fatal("the preview created the class")
		}
	}

	// A clean file: preview, confirm, then the same file again changes nothing.
	good := rosterXLSX(t, [][]any{
		{grade, "导入测试班", "王小明", "1"},
		{grade, "导入测试班", "李小红", "02"},
		{grade, "导入 测试班", "张小华", "3"},                                    // the space is dropped: the same class
		{grade, demo.Name, demoStudents[0].Name, demoStudents[0].Number}, // already there
	})
	res = uploadRoster(teacher, "名册.xlsx", good)
	wantStatus(t, "clean preview", res, http.StatusOK)
	doc := res.Doc(t)
	if n := doc.Find(`[data-stat="import-new"] .num`).Text(); n != "3" {
		t.Errorf("new = %s, want 3", n)
	}
	if n := doc.Find(`[data-stat="import-exists"] .num`).Text(); n != "1" {
		t.Errorf("existing = %s, want 1", n)
	}
	if n := doc.Find(`[data-stat="import-classes"] .num`).Text(); n != "1" {
		t.Errorf("classes = %s, want 1", n)
	}
	data, ok := doc.Find(`#import-confirm input[name="rows"]`).Attr("value")
	if !ok {
		t.Fatal("no confirm form")
	}
	res = teacher.post("/school/import/confirm", url.Values{"rows": {data}})
	wantStatus(t, "confirm", res, http.StatusSeeOther)
	var class *portal.Class
	classes, _ = e.Store.ListClasses(ctx, u.SchoolID, year, true)
	for i := range classes {
		if classes[i].Name == "导入测试班" {
			class = &classes[i]
		}
	}
	if class == nil || class.Grade != first {
		t.Fatalf("class not created with grade %d: %+v", first, class)
	}
	sts, _ := e.Store.ListStudents(ctx, class.ID)
	if len(sts) != 3 || sts[1].Number != "2" || !sts[0].Imported {
		t.Fatalf("imported students = %+v, want 3 (numbers without leading zeros), not joined", sts)
	}
	after, _ := e.Store.GetSchool(ctx, u.SchoolID, year)
	if after.StudentsJoined != before.StudentsJoined {
		t.Errorf("registered %d → %d: imported students counted before they join", before.StudentsJoined, after.StudentsJoined)
	}
	// The same file again: nothing new, and a confirm changes nothing.
	res = uploadRoster(teacher, "名册.xlsx", good)
	if n := res.Doc(t).Find(`[data-stat="import-new"] .num`).Text(); n != "0" || res.Doc(t).Find("#import-nothing").Length() != 1 {
		t.Errorf("second preview: new = %s", n)
	}
	wantStatus(t, "confirm again", teacher.post("/school/import/confirm", url.Values{"rows": {data}}), http.StatusSeeOther)
	if again, _ := e.Store.ListStudents(ctx, class.ID); len(again) != 3 {
		t.Errorf("after the second import %d students, want 3", len(again))
	}
	// Forged rows with a problem are refused whole, with the table.
	forged := teacher.post("/school/import/confirm", url.Values{"rows": {encodeRosterForTest(t, [][]string{
		{grade, "导入测试班", "新同学", "9"}, {"99", "导入测试班", "错年级", "10"}})}})
	wantStatus(t, "confirm with a problem", forged, http.StatusUnprocessableEntity)
	if again, _ := e.Store.ListStudents(ctx, class.ID); len(again) != 3 {
		t.Errorf("a refused import wrote %d students", len(again)-3)
	}

	// An imported student joins with the code, name and number: the same student, now registered.
	c := e.client()
	wantStatus(t, "join", c.post("/join", url.Values{"code": {class.JoinCode}, "name": {"李小红"}, "number": {"2"}, "pin": {"2468"}}), http.StatusSeeOther)
	sts, _ = e.Store.ListStudents(ctx, class.ID)
	if len(sts) != 3 || sts[1].Imported {
		t.Errorf("after the join: %+v", sts)
	}
	if joined, _ := e.Store.GetSchool(ctx, u.SchoolID, year); joined.StudentsJoined != before.StudentsJoined+1 {
		t.Errorf("registered %d, want %d", joined.StudentsJoined, before.StudentsJoined+1)
	}
	// Another student cannot take an imported student's number under another name.
	res = e.client().post("/join", url.Values{"code": {class.JoinCode}, "name": {"冒名者"}, "number": {"1"}, "pin": {"2468"}})
	wantStatus(t, "impostor", res, http.StatusUnprocessableEntity)

	// The template downloads with the four headings the import reads.
	_, _, tpl := mustXLSX(t, download(t, teacher, "/school/import/template?format=xlsx", xlsxType, "学生名册导入模板"))
	if got := strings.Join(tpl[2], ","); got != "年级,班级,姓名,学号" {
		t.Errorf("template headings %s", got)
	}
}

// encodeRosterForTest packs rows as the preview's confirm form does.
func encodeRosterForTest(t *testing.T, rows [][]string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("[")
	for i, r := range rows {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"L":%d,"G":%q,"C":%q,"N":%q,"No":%q,"Y":""}`, i+2, r[0], r[1], r[2], r[3])
	}
	b.WriteString("]")
	return base64Std(b.String())
}

func TestImportMalformedFiles(t *testing.T) {
	e := mustEnv(t)
	teacher := e.login("teacher")
	u, _, _ := e.Store.UserCredentials(context.Background(), "teacher")
	sc, _ := e.Store.GetSchool(context.Background(), u.SchoolID, portal.SchoolYear(e.Now))
	first, _, _ := sc.Stage.Grades()
	grade := fmt.Sprint(first)

	var long strings.Builder
	long.WriteString("年级,班级,姓名,学号\n")
	for i := range 100_000 {
		fmt.Fprintf(&long, "%s,长名单班,学生%d,%d\n", grade, i, i+1)
	}
	gbk, _ := simplifiedchinese.GB18030.NewEncoder().String("年级,班级,姓名,学号\n" + grade + ",国标班,周小军,7\n")
	for _, tt := range []struct {
		name, file string
		data       []byte
		want       string
	}{
		{"image", "photo.xlsx", testPNG(t, 4, 4), "无法读取这个文件"},
		{"old xls", "old.xls", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...), "旧版 Excel"},
		{"zip bomb", "bomb.xlsx", zipBomb(t), "文件太大"},
		{"100,000 rows", "long.csv", []byte(long.String()), "最多导入 6000 名"},
		{"no headings", "x.csv", []byte("a,b,c\n1,2,3\n"), "没有找到表头"},
		{"empty", "empty.csv", []byte("年级,班级,姓名,学号\n,,,\n"), "没有学生"},
	} {
		res := uploadRoster(teacher, tt.file, tt.data)
		wantStatus(t, tt.name, res, http.StatusUnprocessableEntity)
		if got := fieldError(t, res, "file"); !strings.Contains(got, tt.want) {
			t.Errorf("%s: message %q, want %q", tt.name, got, tt.want)
		}
	}
	// GB18030 CSV, as Excel saves it on a Chinese Windows, reads right.
	res := uploadRoster(teacher, "gbk.csv", []byte(gbk))
	wantStatus(t, "GB18030 CSV", res, http.StatusOK)
	if r := previewRows(t, res)["2"]; r == nil || !strings.Contains(r.Text(), "周小军") || r.AttrOr("data-status", "") != "new" {
		t.Errorf("GB18030 row not read: %v", r)
	}
	// Formulas: a cached result is the value; a formula without one is an empty cell.
	f := excelize.NewFile()
	f.SetSheetRow("Sheet1", "A1", &[]any{"年级", "班级", "姓名", "学号"})
	f.SetSheetRow("Sheet1", "A2", &[]any{grade, "公式班", nil, "1"})
	f.SetCellFormula("Sheet1", "C2", `"张"&"三"`)
	// Merged cells: a grade and a class written once for three rows.
	f.SetSheetRow("Sheet1", "A3", &[]any{grade, "合并班", "甲", "1"})
	f.SetSheetRow("Sheet1", "A4", &[]any{nil, nil, "乙", "2"})
	f.SetSheetRow("Sheet1", "A5", &[]any{nil, nil, "丙", "3"})
	f.MergeCell("Sheet1", "A3", "A5")
	f.MergeCell("Sheet1", "B3", "B5")
	var buf bytes.Buffer
	f.Write(&buf)
	res = uploadRoster(teacher, "formula.xlsx", buf.Bytes())
	wantStatus(t, "formula and merged cells", res, http.StatusOK)
	rows := previewRows(t, res)
	if r := rows["2"]; r == nil || !strings.Contains(r.Find(".problems").Text(), "缺少姓名") {
		t.Errorf("formula without a value: %v", r)
	}
	for _, line := range []string{"3", "4", "5"} {
		if r := rows[line]; r == nil || r.AttrOr("data-status", "") != "new" || !strings.Contains(r.Text(), "合并班") {
			t.Errorf("merged row %s not read with its grade and class", line)
		}
	}
}

// zipBomb is a small .xlsx whose sheet unpacks to 40 MB.
func zipBomb(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("[Content_Types].xml")
	w.Write([]byte(`<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`))
	w, _ = zw.Create("xl/worksheets/sheet1.xml")
	zeros := make([]byte, 1<<20)
	for range 40 {
		w.Write(zeros)
	}
	zw.Close()
	if buf.Len() > 1<<20 {
		t.Fatalf("bomb of %d bytes", buf.Len())
	}
	return buf.Bytes()
}

func base64Std(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// A large roster's preview lists every problem and a page of the rest, and says how many
// it leaves out; the confirm still carries them all.
func TestImportPreviewOfALargeRoster(t *testing.T) {
	e := mustEnv(t)
	teacher := e.login("teacher")
	u, _, _ := e.Store.UserCredentials(context.Background(), "teacher")
	sc, _ := e.Store.GetSchool(context.Background(), u.SchoolID, portal.SchoolYear(e.Now))
	first, _, _ := sc.Stage.Grades()
	var b strings.Builder
	b.WriteString("年级,班级,姓名,学号\n")
	for i := range 500 {
		fmt.Fprintf(&b, "%d,大名单%d班,学生%d,%d\n", first, i/50+1, i, i%50+1)
	}
	b.WriteString("99,大名单1班,错年级,51\n")
	res := uploadRoster(teacher, "big.csv", []byte(b.String()))
	wantStatus(t, "preview", res, http.StatusOK)
	doc := res.Doc(t)
	rows := doc.Find("table.import-preview tbody tr")
	if rows.Length() != 201 || rows.First().AttrOr("data-status", "") != "error" {
		t.Errorf("%d rows listed, first %q; want the problem first and 200 more", rows.Length(), rows.First().AttrOr("data-status", ""))
	}
	if more := doc.Find("#import-more").Text(); !strings.Contains(more, "300") {
		t.Errorf("left out: %q", more)
	}
	if n := doc.Find(`[data-stat="import-new"] .num`).Text(); n != "500" {
		t.Errorf("new = %s, want 500", n)
	}
}

// A school's exported roster imports back as it is: every student already there.
func TestExportedRosterImportsBack(t *testing.T) {
	e := mustEnv(t)
	teacher := e.login("teacher")
	x := download(t, teacher, "/school/classes?format=xlsx", xlsxType, "学生名册")
	res := uploadRoster(teacher, "名册.xlsx", []byte(x.Body))
	wantStatus(t, "re-import", res, http.StatusOK)
	doc := res.Doc(t)
	if n := doc.Find(`[data-stat="import-new"] .num`).Text(); n != "0" {
		t.Errorf("new = %s, want 0", n)
	}
	if n := doc.Find(`[data-stat="import-errors"] .num`).Text(); n != "0" {
		t.Errorf("problems = %s:\n%s", n, doc.Find(".import-error").Text())
	}
	if n := doc.Find(`[data-stat="import-exists"] .num`).Text(); n == "0" || n == "" {
		t.Errorf("existing = %q, want the school's students", n)
	}
}
