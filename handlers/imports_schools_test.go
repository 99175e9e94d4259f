package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/jinducity/portal/store"
)

func TestImportSchoolList(t *testing.T) {
	e := mustEnv(t)
	ctx := context.Background()
	admin := e.login("admin")
	ds, _ := e.Store.ListDistricts(ctx)
	existing, before, _ := e.Store.ListSchools(ctx, store.SchoolFilter{IncludeInactive: true, Limit: 1})
	// The template's own headings read back.
	tpl := download(t, admin, "/admin/schools/import/template?format=csv", "text/csv; charset=utf-8", "学校名单导入模板")
	body := strings.TrimPrefix(tpl.Body, "\uFEFF")
	body += "新建实验小学," + ds[0].Name + ",小学,800,是,新区大道1号\r\n"
	body += "新建中学," + ds[1].Name + ",初中,1200,,\r\n"
	body += existing[0].Name + "," + existing[0].DistrictName + ",小学,100,,\r\n"
	bad := body + "错区县学校,不存在区,小学,100,,\r\n" + "错学段学校," + ds[0].Name + ",大学,100,,\r\n" +
		"人数不对学校," + ds[0].Name + ",初中,很多,,\r\n" + "新建中学," + ds[1].Name + ",初中,1200,,\r\n"
	up := func(data string) *response {
		return admin.postMultipart("/admin/schools/import", url.Values{}, upload{"file", "schools.csv", []byte(data)})
	}
	res := up(bad)
	wantStatus(t, "preview with problems", res, http.StatusOK)
	rows := previewRows(t, res)
	for line, want := range map[string]string{"2": "new", "3": "new", "4": "exists", "5": "没有名为“不存在区”的区县",
		"6": "无法识别的学段", "7": "不是整数", "8": "第 3 行已有"} {
		r := rows[line]
		switch {
		case r == nil:
			t.Errorf("row %s missing", line)
		case want == "new" || want == "exists":
			if r.AttrOr("data-status", "") != want {
				t.Errorf("row %s: %q, want %s", line, r.AttrOr("data-status", ""), want)
			}
		case !strings.Contains(r.Find(".problems").Text(), want):
			t.Errorf("row %s: %q, want %q", line, r.Find(".problems").Text(), want)
		}
	}
	if res.Doc(t).Find("#import-confirm").Length() != 0 {
		t.Error("confirm offered with problems")
	}
	res = up(body)
	data, ok := res.Doc(t).Find(`#import-confirm input[name="rows"]`).Attr("value")
	if !ok {
		t.Fatalf("no confirm:\n%s", truncate(res.Body, 1500))
	}
	wantStatus(t, "confirm", admin.post("/admin/schools/import/confirm", url.Values{"rows": {data}}), http.StatusSeeOther)
	_, after, _ := e.Store.ListSchools(ctx, store.SchoolFilter{IncludeInactive: true})
	if after != before+2 {
		t.Errorf("schools %d → %d, want 2 more", before, after)
	}
	got, _, _ := e.Store.ListSchools(ctx, store.SchoolFilter{Query: "新建中学"})
	if len(got) != 1 || got[0].Enrolment != 1200 || got[0].DistrictID != ds[1].ID || got[0].Stage != "junior" {
		t.Errorf("imported school = %+v", got)
	}
	// Again: nothing new.
	res = up(body)
	if res.Doc(t).Find("#import-nothing").Length() != 1 {
		t.Error("the second import of the same file offers something to import")
	}
	wantStatus(t, "again", admin.post("/admin/schools/import/confirm", url.Values{"rows": {data}}), http.StatusSeeOther)
	if _, again, _ := e.Store.ListSchools(ctx, store.SchoolFilter{IncludeInactive: true}); again != after {
		t.Errorf("second confirm: %d schools, want %d", again, after)
	}
	wantStatus(t, "district", e.login("district").get("/admin/schools/import"), http.StatusForbidden)
}
