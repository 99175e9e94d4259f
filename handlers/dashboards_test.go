package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/jinducity/portal"
)

// chartTable returns a dashboard chart's table as rows of cells, the category first.
func chartTable(doc *goquery.Document, id string) [][]string {
	var out [][]string
	doc.Find("#table-" + id + " tbody tr").Each(func(_ int, tr *goquery.Selection) {
		var row []string
		tr.Children().Each(func(_ int, c *goquery.Selection) { row = append(row, strings.TrimSpace(c.Text())) })
		out = append(out, row)
	})
	return out
}

// checkCharts checks that every chart of a dashboard has an option ECharts can read and
// that the page loads ECharts and the charts' script.
func checkCharts(t *testing.T, path string, doc *goquery.Document) {
	t.Helper()
	scripts := doc.Find(`script[src*="js/vendor/echarts-5.6.0.min.js"]`).Length() + doc.Find(`script[src*="js/charts.js"]`).Length()
	if scripts != 2 {
		t.Errorf("%s: ECharts and charts.js not both loaded", path)
	}
	n := 0
	doc.Find("[data-chart-option]").Each(func(_ int, el *goquery.Selection) {
		n++
		id := el.AttrOr("data-chart-option", "")
		src := doc.Find(`script[type="application/json"]#` + id)
		var opt map[string]any
		if err := json.Unmarshal([]byte(src.Text()), &opt); err != nil || opt["series"] == nil {
			t.Errorf("%s: chart %s option %v: %.200s", path, id, err, src.Text())
		}
	})
	if n == 0 {
		t.Errorf("%s: no chart", path)
	}
	if doc.Find("figure.chart-figure").Length() != doc.Find("figure.chart-figure table.chart-data").Length() {
		t.Errorf("%s: a chart without its table", path)
	}
}

func TestCityDashboardEqualsStats(t *testing.T) {
	e := mustEnv(t)
	admin := e.login("admin")
	res := admin.get("/admin/dashboard")
	wantStatus(t, "dashboard", res, http.StatusOK)
	doc := res.Doc(t)
	checkCharts(t, "/admin/dashboard", doc)
	var st struct {
		Schools int `json:"schools"`
		TenOnes []struct {
			Name     string  `json:"name"`
			Coverage float64 `json:"coverage"`
		} `json:"ten_ones"`
		Demos        map[string]int `json:"demonstration_schools"`
		AwareVerifed float64        `json:"awareness_rate_verified"`
		AllTen       int            `json:"schools_all_ten"`
	}
	if err := json.Unmarshal([]byte(e.client().get("/api/v1/stats").Body), &st); err != nil {
		t.Fatal(err)
	}
	pct := func(f float64) string { return strconv.FormatFloat(f*100, 'f', 1, 64) + "%" }
	ten := chartTable(doc, "ten")
	if len(ten) != len(st.TenOnes) {
		t.Fatalf("ten: %d rows, stats %d", len(ten), len(st.TenOnes))
	}
	for i, o := range st.TenOnes {
		if ten[i][0] != o.Name || ten[i][1] != pct(o.Coverage) {
			t.Errorf("ten row %q, stats %s %s", ten[i], o.Name, pct(o.Coverage))
		}
	}
	figure := func(key string) string { return doc.Find(`[data-stat="` + key + `"] .num`).Text() }
	if figure("dash-schools") != strconv.Itoa(st.Schools) || figure("dash-all-ten") != strconv.Itoa(st.AllTen) {
		t.Errorf("figures %s schools, %s all ten; stats %d, %d", figure("dash-schools"), figure("dash-all-ten"), st.Schools, st.AllTen)
	}
	demos := chartTable(doc, "demonstrations")
	for i, level := range []string{"national", "provincial", "city"} {
		if demos[i][1] != strconv.Itoa(st.Demos[level]) {
			t.Errorf("%s demonstration schools %s, stats %d", level, demos[i][1], st.Demos[level])
		}
	}
	// Every district in the registration chart; a withheld awareness has no rate.
	ds, _ := e.Store.ListDistricts(context.Background())
	if reg := chartTable(doc, "registration"); len(reg) != len(ds) {
		t.Errorf("registration: %d districts, want %d", len(reg), len(ds))
	}
	if len(chartTable(doc, "activity-months")) != 12 {
		t.Error("activity months: want the twelve months of the school year")
	}
	// The year switch, a year without data and a year the portal does not show.
	last := admin.get("/admin/dashboard?year=" + strconv.Itoa(portal.SchoolYear(e.Now)-1))
	wantStatus(t, "last year", last, http.StatusOK)
	if !strings.Contains(last.Doc(t).Find("#cap-ten").Text(), strconv.Itoa(portal.SchoolYear(e.Now)-1)) {
		t.Error("last year's title does not say the year")
	}
	wantStatus(t, "year before the portal", admin.get("/admin/dashboard?year=1999"), http.StatusNotFound)
	wall := admin.get("/admin/dashboard/wall")
	wantStatus(t, "wall", wall, http.StatusOK)
	if wall.Doc(t).Find(".dashboard.wall").Length() != 1 {
		t.Error("the wall view is not marked as such")
	}
	// Pages without charts do not load ECharts.
	if admin.get("/admin/schools").Doc(t).Find(`script[src*="echarts"]`).Length() != 0 {
		t.Error("ECharts loaded on a page without charts")
	}
	// ECharts and its licence are served by the portal.
	src, _ := doc.Find(`script[src*="echarts"]`).Attr("src")
	js := admin.get(src)
	if js.StatusCode != http.StatusOK || !strings.Contains(js.Body, "Apache Software Foundation") {
		t.Errorf("ECharts at %s: %d", src, js.StatusCode)
	}
}

func TestDistrictAndSchoolDashboards(t *testing.T) {
	e := mustEnv(t)
	ctx := context.Background()
	reviewer, _, _ := e.Store.UserCredentials(ctx, "district")
	schools, _ := e.Store.DistrictSchools(ctx, reviewer.DistrictID, portal.SchoolYear(e.Now))
	res := e.login("district").get("/district/dashboard")
	wantStatus(t, "district dashboard", res, http.StatusOK)
	doc := res.Doc(t)
	checkCharts(t, "/district/dashboard", doc)
	reg := chartTable(doc, "registration")
	if len(reg) != len(schools) {
		t.Fatalf("registration: %d schools, want the district's %d", len(reg), len(schools))
	}
	for i, sc := range schools {
		if reg[i][0] != sc.Name {
			t.Errorf("row %d: %s, want %s", i, reg[i][0], sc.Name)
		}
		if tested := reg[i][len(reg[i])-1]; tested != "—" {
			if n, _ := strconv.Atoi(tested); n < portal.MinGroup {
				t.Errorf("%s: awareness of %s students shown", sc.Name, tested)
			}
		} else if reg[i][2] != "—" {
			t.Errorf("%s: a rate without its count", sc.Name)
		}
	}
	res = e.login("teacher").get("/school/dashboard")
	wantStatus(t, "school dashboard", res, http.StatusOK)
	doc = res.Doc(t)
	checkCharts(t, "/school/dashboard", doc)
	if n := len(chartTable(doc, "ten")); n != 10 {
		t.Errorf("school ten: %d rows", n)
	}
	for _, tt := range []struct{ user, path string }{{"teacher", "/district/dashboard"}, {"district", "/admin/dashboard"}, {"coordinator", "/school/dashboard"}} {
		wantStatus(t, tt.user+" "+tt.path, e.login(tt.user).get(tt.path), http.StatusForbidden)
	}
}
