package handlers_test

import (
	"context"
	"encoding/json"
	"maps"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
)

// allSchools returns every active school of the demo city, through the store.
func allSchools(t *testing.T, e *testEnv) []portal.School {
	t.Helper()
	schools, _, err := e.Store.ListSchools(context.Background(), store.SchoolFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return schools
}

// rowNames returns the school names of a listing's rows, sorted.
func rowNames(doc *goquery.Document, sel string) []string {
	var out []string
	doc.Find(sel).Each(func(_ int, s *goquery.Selection) { out = append(out, strings.TrimSpace(s.Text())) })
	slices.Sort(out)
	return out
}

func TestHomeShowsFigures(t *testing.T) {
	e := mustEnv(t)
	res := e.client().get("/")
	wantStatus(t, "home", res, http.StatusOK)
	doc := res.Doc(t)
	if got, want := doc.Find(`[data-stat="schools"] .num`).Text(), strconv.Itoa(len(allSchools(t, e))); got != want {
		t.Errorf("schools figure = %q, want %q", got, want)
	}
	for _, href := range []string{"/schools", "/demonstration-schools", "/join", "/login"} {
		if doc.Find(`main a[href="`+href+`"]`).Length() == 0 {
			t.Errorf("home has no link to %s", href)
		}
	}
}

// TestHomeFollowsWrites checks that the logged-out home page, served from memory, shows a
// new school at the next request, in each language, and that a logged-in viewer gets
// their own header on it.
func TestHomeFollowsWrites(t *testing.T) {
	e := mustEnv(t)
	zh, en := e.client(), e.client()
	en.get("/lang/en")
	figure := func(c *client) string {
		return strings.TrimSpace(c.get("/").Doc(t).Find(`[data-stat="schools"] .num`).Text())
	}
	n := len(allSchools(t, e))
	if figure(zh) != strconv.Itoa(n) || figure(en) != strconv.Itoa(n) {
		t.Fatalf("before: %s / %s schools, want %d", figure(zh), figure(en), n)
	}
	if !strings.Contains(en.get("/").Body, `<html lang="en"`) || !strings.Contains(zh.get("/").Body, `<html lang="zh-CN"`) {
		t.Error("the languages' home pages are mixed up")
	}
	ds, _ := e.Store.ListDistricts(context.Background())
	sc := &portal.School{DistrictID: ds[0].ID, Name: "新建实验学校", Stage: portal.StagePrimary, Enrolment: 300}
	if err := e.Store.CreateSchool(context.Background(), portal.SystemActor, sc); err != nil {
		t.Fatal(err)
	}
	if figure(zh) != strconv.Itoa(n+1) || figure(en) != strconv.Itoa(n+1) {
		t.Errorf("after a new school: %s / %s, want %d", figure(zh), figure(en), n+1)
	}
	if doc := e.login("teacher").get("/").Doc(t); doc.Find(`form[action="/logout"]`).Length() == 0 {
		t.Error("a logged-in teacher's home page has no logout")
	}
}

func TestSchoolDirectory(t *testing.T) {
	e := mustEnv(t)
	c := e.client()
	schools := allSchools(t, e)
	districts, err := e.Store.ListDistricts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	d := districts[1]
	match := func(keep func(portal.School) bool) []string {
		var out []string
		for _, sc := range schools {
			if keep(sc) {
				out = append(out, sc.Name)
			}
		}
		slices.Sort(out)
		return out
	}
	tests := []struct {
		name  string
		query url.Values
		want  []string
	}{
		{"name", url.Values{"q": {"实验"}}, match(func(sc portal.School) bool { return strings.Contains(sc.Name, "实验") })},
		{"district", url.Values{"district": {strconv.FormatInt(d.ID, 10)}},
			match(func(sc portal.School) bool { return sc.DistrictID == d.ID })},
		{"stage", url.Values{"stage": {"vocational"}}, match(func(sc portal.School) bool { return sc.Stage == portal.StageVocational })},
		{"name and district", url.Values{"q": {"小学"}, "district": {strconv.FormatInt(d.ID, 10)}},
			match(func(sc portal.School) bool { return sc.DistrictID == d.ID && strings.Contains(sc.Name, "小学") })},
		{"no match", url.Values{"q": {"不存在的学校"}}, nil},
		{"bad filters ignored", url.Values{"q": {"学校"}, "district": {"x"}, "stage": {"kindergarten"}},
			match(func(sc portal.School) bool { return strings.Contains(sc.Name, "学校") })},
	}
	for _, tt := range tests {
		if len(tt.want) > 20 {
			t.Fatalf("%s: %d schools match, more than a page", tt.name, len(tt.want))
		}
		res := c.get("/schools?" + tt.query.Encode())
		wantStatus(t, tt.name, res, http.StatusOK)
		got := rowNames(res.Doc(t), "table.school-list td.name a")
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: schools = %v, want %v", tt.name, got, tt.want)
		}
		if tt.want != nil && len(got) == 0 {
			t.Errorf("%s: no school listed", tt.name)
		}
	}

	// Paging: 20 a page, every school once over all pages.
	var seen []string
	for page := 1; ; page++ {
		res := c.get("/schools?page=" + strconv.Itoa(page))
		doc := res.Doc(t)
		rows := doc.Find("table.school-list tbody tr")
		if rows.Length() > 20 {
			t.Fatalf("page %d has %d rows", page, rows.Length())
		}
		seen = append(seen, rowNames(doc, "table.school-list td.name a")...)
		if doc.Find(`.pager a[rel="next"]`).Length() == 0 {
			break
		}
		if page > 10 {
			t.Fatal("paging does not end")
		}
	}
	slices.Sort(seen)
	if want := match(func(portal.School) bool { return true }); !slices.Equal(seen, want) {
		t.Errorf("paging listed %d schools, want all %d once", len(seen), len(want))
	}
}

func TestSchoolPage(t *testing.T) {
	e := mustEnv(t)
	c := e.client()
	ctx := context.Background()
	var sc portal.School
	for _, s := range allSchools(t, e) {
		if s.Demonstration != nil && s.ContactPhone != "" && s.ContactName != "" {
			sc = s
			break
		}
	}
	if sc.ID == 0 {
		t.Fatal("no demonstration school with a contact")
	}
	res := c.get("/schools/" + strconv.FormatInt(sc.ID, 10))
	wantStatus(t, "school page", res, http.StatusOK)
	doc := res.Doc(t)
	if got := doc.Find("main h1").Text(); got != sc.Name {
		t.Errorf("h1 = %q, want %q", got, sc.Name)
	}
	for sel, want := range map[string]string{"dd.district": sc.DistrictName, "dd.address": sc.Address,
		"dd.enrolment": strconv.Itoa(sc.Enrolment)} {
		if got := doc.Find(sel).Text(); !strings.Contains(got, want) {
			t.Errorf("%s = %q, want it to contain %q", sel, got, want)
		}
	}
	if doc.Find("main .badge.level-"+string(sc.Demonstration.Level)).Length() == 0 {
		t.Errorf("no %s badge", sc.Demonstration.Level)
	}
	if strings.Contains(res.Body, sc.ContactPhone) || strings.Contains(res.Body, sc.ContactName) {
		t.Errorf("the public page shows the contact %s %s", sc.ContactName, sc.ContactPhone)
	}

	for _, path := range []string{"/schools/999999", "/schools/abc", "/schools/-3", "/schools/1.5"} {
		wantStatus(t, path, c.get(path), http.StatusNotFound)
	}
	if err := e.Store.SetSchoolActive(ctx, portal.SystemActor, sc.ID, false); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, "inactive school", c.get("/schools/"+strconv.FormatInt(sc.ID, 10)), http.StatusNotFound)
}

func TestDemonstrationSchools(t *testing.T) {
	e := mustEnv(t)
	all, err := e.Store.ListDemonstrations(context.Background(), false)
	if err != nil {
		t.Fatal(err)
	}
	want := map[portal.DemoLevel][]string{}
	activeSchool := map[int64]bool{}
	for _, d := range all {
		if d.Current(e.Now) {
			want[d.Level] = append(want[d.Level], d.SchoolName)
			activeSchool[d.SchoolID] = true
		}
	}
	res := e.client().get("/demonstration-schools")
	wantStatus(t, "demonstration schools", res, http.StatusOK)
	doc := res.Doc(t)
	for _, l := range portal.DemoLevels {
		slices.Sort(want[l])
		sec := doc.Find("#level-" + string(l))
		if n, _ := sec.Attr("data-count"); n != strconv.Itoa(len(want[l])) || len(want[l]) == 0 {
			t.Errorf("%s: count %s, want %d (> 0)", l, n, len(want[l]))
		}
		var got []string
		sec.Find("tbody td:first-child a").Each(func(_ int, s *goquery.Selection) { got = append(got, s.Text()) })
		slices.Sort(got)
		if !slices.Equal(got, want[l]) {
			t.Errorf("%s: schools %v, want %v", l, got, want[l])
		}
	}
	for _, d := range all {
		if d.Status == portal.DemoRevoked && !activeSchool[d.SchoolID] && strings.Contains(doc.Find("main").Text(), d.SchoolName) {
			t.Errorf("%s, whose designation was revoked, is listed", d.SchoolName)
		}
	}
}

// recount computes the stats of a school year through the store, independently of the
// query behind the API.
func recount(t *testing.T, e *testEnv, year int) map[string]any {
	t.Helper()
	ctx := context.Background()
	schools := allSchools(t, e)
	enrolled, registered := 0, 0
	for _, sc := range schools {
		enrolled += sc.Enrolment
		classes, err := e.Store.ListClasses(ctx, sc.ID, year, true)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range classes {
			registered += c.Students
		}
	}
	demos, err := e.Store.ListDemonstrations(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	byLevel := map[string]any{"national": 0.0, "provincial": 0.0, "city": 0.0}
	for _, d := range demos {
		byLevel[string(d.Level)] = byLevel[string(d.Level)].(float64) + 1
	}
	assocs, err := e.Store.ListAssociations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	vols, _, err := e.Store.ListUsers(ctx, store.UserFilter{Role: portal.RoleVolunteer})
	if err != nil {
		t.Fatal(err)
	}
	active := 0
	for _, u := range vols {
		if !u.Disabled {
			active++
		}
	}
	rate := 0.0
	if enrolled > 0 {
		rate = math.Round(float64(registered)/float64(enrolled)*1000) / 1000
	}
	m := map[string]any{
		"school_year": float64(year), "schools": float64(len(schools)), "students_enrolled": float64(enrolled),
		"students_registered": float64(registered), "registration_rate": rate, "demonstration_schools": byLevel,
		"associations": float64(len(assocs)), "volunteers": float64(active),
		"volunteer_hours":      recountVolunteerHours(t, e, year),
		"base_visits":          recountBaseVisits(t, e, schools, year),
		"parent_receipts_rate": recountReceiptsRate(t, e, year),
	}
	maps.Copy(m, quizRecount(t, e, year))
	return m
}

func TestStatsAPI(t *testing.T) {
	e := mustEnv(t)
	c := e.client()
	year := portal.SchoolYear(e.Now)
	for _, tt := range []struct {
		query string
		year  int
	}{{"", year}, {"?school_year=" + strconv.Itoa(year), year}, {"?school_year=" + strconv.Itoa(year-1), year - 1}} {
		res := c.get("/api/v1/stats" + tt.query)
		wantStatus(t, "stats"+tt.query, res, http.StatusOK)
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("stats%s: Content-Type = %q", tt.query, ct)
		}
		var got map[string]any
		if err := json.Unmarshal([]byte(res.Body), &got); err != nil {
			t.Fatalf("stats%s: %v\n%s", tt.query, err, res.Body)
		}
		want := recount(t, e, tt.year)
		for k, w := range want {
			if wm, ok := w.(map[string]any); ok {
				gm, _ := got[k].(map[string]any)
				for l, wv := range wm {
					if gm[l] != wv {
						t.Errorf("stats%s: %s.%s = %v, want %v", tt.query, k, l, gm[l], wv)
					}
				}
				continue
			}
			if got[k] != w {
				t.Errorf("stats%s: %s = %v, want %v", tt.query, k, got[k], w)
			}
		}
		for k := range got {
			// ten_ones and schools_all_ten are checked by the activity tests.
			if _, ok := want[k]; !ok && k != "ten_ones" && k != "schools_all_ten" {
				t.Errorf("stats%s: unexpected field %q", tt.query, k)
			}
		}
		if got["students_registered"] == 0.0 {
			t.Errorf("stats%s: no registered students in the demo", tt.query)
		}
	}

	for _, bad := range []string{"abc", "2014", strconv.Itoa(year + 1), "", "2025.5"} {
		res := c.get("/api/v1/stats?school_year=" + url.QueryEscape(bad))
		wantStatus(t, "stats school_year="+bad, res, http.StatusBadRequest)
		var body struct{ Error string }
		if err := json.Unmarshal([]byte(res.Body), &body); err != nil || body.Error == "" {
			t.Errorf("stats school_year=%s: body %q, want a JSON error", bad, res.Body)
		}
	}
}

// recountBaseVisits adds up the students of every base-visit record of the school year.
func recountBaseVisits(t *testing.T, e *testEnv, schools []portal.School, year int) float64 {
	t.Helper()
	n := 0
	for _, sc := range schools {
		records, err := e.Store.ListActivities(context.Background(), sc.ID, year)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range records {
			if a.Type == "base-visit" {
				n += a.Students
			}
		}
	}
	return float64(n)
}

// recountReceiptsRate divides the year's confirmed parents' receipts by all its receipts
// (one per student of a class whose collection was opened), at active schools.
func recountReceiptsRate(t *testing.T, e *testEnv, year int) float64 {
	t.Helper()
	var confirmed, all int
	if err := e.Store.SQL().QueryRowContext(context.Background(), `SELECT
		COALESCE(SUM(CASE WHEN r.confirmed_at IS NOT NULL THEN 1 ELSE 0 END), 0), COUNT(*)
		FROM receipts r JOIN receipt_collections c ON c.id = r.collection_id JOIN schools s ON s.id = c.school_id
		WHERE c.school_year = ? AND s.active = 1`, year).Scan(&confirmed, &all); err != nil {
		t.Fatal(err)
	}
	if all == 0 {
		return 0
	}
	return math.Round(float64(confirmed)/float64(all)*1000) / 1000
}
