package handlers_test

import (
	"context"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/jinducity/portal"
	"github.com/jinducity/portal/content"
	"github.com/jinducity/portal/store"
)

// standardForm reads a standard's edit form as the browser would post it.
func standardForm(doc *goquery.Document) url.Values {
	v := url.Values{}
	doc.Find("form input, form select").Each(func(_ int, s *goquery.Selection) {
		name := s.AttrOr("name", "")
		if name == "" || s.AttrOr("type", "") == "checkbox" {
			return
		}
		if goquery.NodeName(s) == "select" {
			v.Set(name, s.Find("option[selected]").AttrOr("value", ""))
			return
		}
		v.Set(name, s.AttrOr("value", ""))
	})
	return v
}

func TestStandardUsedIsVersionedNotEdited(t *testing.T) {
	e := mustEnv(t)
	ctx := context.Background()
	admin := e.login("admin")
	list, _ := e.Store.ListStandards(ctx)
	var used *portal.Standard
	for i := range list {
		if list[i].Used {
			used = &list[i]
		}
	}
	if used == nil {
		t.Fatal("no standard used by an application in the demo city")
	}
	path := "/admin/creation/standards/" + itoa(int(used.ID))
	doc := admin.get(path).Doc(t)
	form := standardForm(doc)
	if form.Get("ind0_name") == "" || form.Get("ind0_evidence") == "" {
		t.Fatalf("the form lacks the first indicator: %v", form)
	}
	// A maximum of 0 is refused next to its row, with the input kept.
	bad := url.Values{}
	for k, vs := range form {
		bad[k] = vs
	}
	bad.Set("ind1_max", "0")
	res := admin.post(path, bad)
	wantStatus(t, "max 0", res, http.StatusUnprocessableEntity)
	if fieldError(t, res, "ind1_max") == "" || inputValue(t, res, "ind1_max") != "0" {
		t.Errorf("max 0: message %q, kept %q", fieldError(t, res, "ind1_max"), inputValue(t, res, "ind1_max"))
	}
	form.Set("ind0_name", "成立禁毒教育工作领导小组（修订）")
	res = admin.post(path, form)
	wantStatus(t, "save used", res, http.StatusSeeOther)
	next := res.Header.Get("Location")
	if next == path {
		t.Fatal("a used standard was changed in place")
	}
	old, _ := e.Store.GetStandard(ctx, used.ID)
	if old.Indicators[0].Name == "成立禁毒教育工作领导小组（修订）" {
		t.Error("the used version's indicator changed")
	}
	newID, _ := strconv.ParseInt(next[strings.LastIndex(next, "/")+1:], 10, 64)
	nv, err := e.Store.GetStandard(ctx, newID)
	if err != nil || nv.Version != old.Version+1 || nv.Indicators[0].Name != "成立禁毒教育工作领导小组（修订）" || nv.Level != old.Level ||
		len(nv.Indicators) != len(old.Indicators) {
		t.Fatalf("new version: %+v (err %v)", nv, err)
	}
	// The new version is unused: its edit stays in place.
	form = standardForm(admin.get(next).Doc(t))
	form.Set("pass_mark", "70")
	res = admin.post(next, form)
	wantStatus(t, "save unused", res, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != next {
		t.Errorf("unused version saved to %s, want %s", loc, next)
	}
	if nv, _ = e.Store.GetStandard(ctx, newID); nv.PassMark != 70 {
		t.Errorf("pass mark = %v, want 70", nv.PassMark)
	}
	// New applications use the newest version.
	if latest, _ := e.Store.LatestStandard(ctx, old.Level); latest.ID != newID {
		t.Errorf("latest %s standard = %d, want %d", old.Level, latest.ID, newID)
	}
}

func TestRenewalListsDueAndActs(t *testing.T) {
	e := mustEnv(t)
	admin := e.login("admin")
	doc := admin.get("/admin/creation/renewal").Doc(t)
	due := doc.Find("ul.renewal li.designation.due")
	if due.Length() < 2 {
		t.Fatalf("designations due within 90 days: %d, want at least 2", due.Length())
	}
	if n, all := doc.Find("ul.renewal li.designation").Length(), len(apiDemos(t, e)); n != all {
		t.Errorf("review rows %d, current designations %d", n, all)
	}
	school := due.First().AttrOr("data-school", "")
	renew := due.First().Find("form").First().AttrOr("action", "")
	base := strings.TrimSuffix(renew, "/renew")
	// Notice needs a reason; revoke needs one.
	res := admin.post(base+"/notice", url.Values{})
	wantStatus(t, "notice without reason", res, http.StatusUnprocessableEntity)
	if fieldError(t, res, "reason") == "" {
		t.Error("notice without reason: no message")
	}
	wantStatus(t, "notice", admin.post(base+"/notice", url.Values{"reason": {"“十个一”覆盖不足，限期一学期整改"}}), http.StatusSeeOther)
	if admin.get("/admin/creation/renewal").Doc(t).Find(`li[data-school="`+school+`"] .badge.warn`).Length() < 2 {
		t.Error("the notice is not shown")
	}
	var until string
	for _, d := range apiDemos(t, e) {
		if itoa(int(d.SchoolID)) == school {
			until = d.ValidUntil
		}
	}
	wantStatus(t, "renew", admin.post(renew, url.Values{"years": {"3"}}), http.StatusSeeOther)
	for _, d := range apiDemos(t, e) {
		if itoa(int(d.SchoolID)) == school && d.ValidUntil <= until {
			t.Errorf("renewed: valid until %s, was %s", d.ValidUntil, until)
		}
	}
	wantStatus(t, "revoke without reason", admin.post(base+"/revoke", url.Values{}), http.StatusUnprocessableEntity)
	wantStatus(t, "revoke", admin.post(base+"/revoke", url.Values{"reason": {"复核不合格"}}), http.StatusSeeOther)
	for _, d := range apiDemos(t, e) {
		if itoa(int(d.SchoolID)) == school {
			t.Error("a revoked designation is still in the API")
		}
	}
	id, _ := strconv.ParseInt(school, 10, 64)
	hist, _ := e.Store.SchoolDemonstrations(context.Background(), id)
	if len(hist) == 0 || hist[0].Status != portal.DemoRevoked || hist[0].Reason != "复核不合格" {
		t.Errorf("the school's history: %+v", hist)
	}
}

// TestRenewalFlagsSchoolBelowPass: a designated school whose records show nothing this
// year is flagged below the pass mark at the yearly review.
func TestRenewalFlagsSchoolBelowPass(t *testing.T) {
	e := mustEnv(t)
	ctx := context.Background()
	admin := e.login("admin")
	// A new designated school has no records at all: only the non-computed indicators count.
	sc := &portal.School{DistrictID: 1, Name: "复核测试学校", Stage: portal.StagePrimary, Enrolment: 400}
	if err := e.Store.CreateSchool(ctx, portal.SystemActor, sc); err != nil {
		t.Fatal(err)
	}
	if err := e.Store.Designate(ctx, portal.SystemActor, &portal.Demonstration{SchoolID: sc.ID, Level: portal.LevelCity, Year: e.Now.Year()}); err != nil {
		t.Fatal(err)
	}
	row := admin.get("/admin/creation/renewal").Doc(t).Find(`li[data-school="` + itoa(int(sc.ID)) + `"]`)
	if row.Length() != 1 || !row.HasClass("below") {
		t.Errorf("school without records: row %d, flagged %v", row.Length(), row.HasClass("below"))
	}
}

func TestAssessmentScopesAndRecount(t *testing.T) {
	e := mustEnv(t)
	ctx := context.Background()
	year := portal.SchoolYear(e.Now)
	districts, _ := e.Store.ListDistricts(ctx)
	doc := e.login("admin").get("/admin/assessment").Doc(t)
	if n := doc.Find("#districts tr.district").Length(); n != len(districts) {
		t.Errorf("districts ranked: %d, want %d", n, len(districts))
	}
	rank := []float64{}
	doc.Find("#districts tr.district td.score").Each(func(_ int, s *goquery.Selection) {
		v, _ := strconv.ParseFloat(s.Text(), 64)
		rank = append(rank, v)
	})
	for i := 1; i < len(rank); i++ {
		if rank[i] > rank[i-1] {
			t.Errorf("districts not ranked by score: %v", rank)
		}
	}
	du, _, _ := e.Store.UserCredentials(ctx, "district")
	ddoc := e.login("district").get("/district/assessment").Doc(t)
	if n := ddoc.Find("#districts tr.district").Length(); n != 1 || ddoc.Find("#districts tr.district").AttrOr("data-id", "") != itoa(int(du.DistrictID)) {
		t.Errorf("the reviewer's assessment shows %d districts", n)
	}
	own, _ := e.Store.DistrictSchools(ctx, du.DistrictID, year)
	if n := ddoc.Find("#schools tr.school").Length(); n != len(own) {
		t.Errorf("the reviewer's schools: %d, want %d", n, len(own))
	}
	tu, _, _ := e.Store.UserCredentials(ctx, "teacher")
	tdoc := e.login("teacher").get("/school/assessment").Doc(t)
	if tdoc.Find("#districts").Length() != 0 || tdoc.Find("#schools tr.school").Length() != 1 ||
		tdoc.Find("#schools tr.school").AttrOr("data-id", "") != itoa(int(tu.SchoolID)) {
		t.Error("the teacher's assessment is not their own school's card alone")
	}

	// Every school's counts equal a recount from the records through other store paths.
	cat, err := content.Activities()
	if err != nil {
		t.Fatal(err)
	}
	recs, err := e.Store.SchoolRecords(ctx, year, cat.Ten, store.RecordsFilter{DistrictID: du.DistrictID})
	if err != nil {
		t.Fatal(err)
	}
	aw, _ := e.Store.SchoolAwareness(ctx, year)
	missing := 0
	for _, r := range recs {
		sc, _ := e.Store.GetSchool(ctx, r.SchoolID, year)
		classes, _ := e.Store.ListClasses(ctx, r.SchoolID, year, true)
		acts, _ := e.Store.ListActivities(ctx, r.SchoolID, year)
		m := portal.BuildMatrix(cat, sc, year, classes, acts)
		cells, done, registered, base := 0, 0, 0, 0
		for _, row := range m.Rows {
			for _, c := range row.Cells {
				if c.State != portal.CellNotApplicable {
					cells++
				}
				if c.State == portal.CellDone {
					done++
				}
			}
		}
		for _, c := range classes {
			registered += c.Students
		}
		for _, a := range acts {
			if a.Type == "base-visit" {
				base += a.Students
			}
		}
		var gainN int
		var gainSum float64
		for _, c := range classes {
			gains, _ := e.Store.ClassGains(ctx, c.ID)
			for _, g := range gains {
				gainN += g.Students
				gainSum += float64(g.Students) * (g.Post - g.Pre)
			}
		}
		a := aw[r.SchoolID]
		if r.CellsApplicable != cells || r.CellsDone != done || r.Registered != registered || r.BaseVisitStudents != base ||
			r.TestStudents != a.Students || r.VerifiedStudents != a.VerifiedStudents || r.VerifiedAware != a.VerifiedAware ||
			r.GainStudents != gainN || math.Abs(r.GainSum-gainSum) > 1e-6 {
			t.Errorf("%s: counts %+v; recount cells %d/%d registered %d base %d awareness %+v gain %d/%.2f",
				r.School, *r, done, cells, registered, base, a, gainN, gainSum)
		}
		for _, n := range r.ClassesMissing {
			missing += n
		}
	}
	if missing == 0 {
		t.Log("no class of the district misses an activity")
	}
	// The teacher's card says what is still to do, one line per activity some class lacks.
	for _, r := range recs {
		if r.SchoolID != tu.SchoolID {
			continue
		}
		want := 0
		for _, n := range r.ClassesMissing {
			if n > 0 {
				want++
			}
		}
		if got := tdoc.Find("#next-steps li.todo").Length(); got != want {
			t.Errorf("next steps: %d lines, want %d", got, want)
		}
	}
}

// TestTwoReviewersAtOnce: the reviewer recommends from two tabs at the same moment; one
// step wins, the other is told someone acted first, and the timeline has one entry.
func TestTwoReviewersAtOnce(t *testing.T) {
	e := mustEnv(t)
	ctx := context.Background()
	du, _, _ := e.Store.UserCredentials(ctx, "district")
	apps, _ := e.Store.ListApplications(ctx, store.ApplicationFilter{DistrictID: du.DistrictID, Statuses: []portal.AppStatus{portal.AppSubmitted}})
	if len(apps) == 0 {
		t.Fatal("no submitted application in the reviewer's district")
	}
	path := "/district/creation/applications/" + itoa(int(apps[0].ID))
	a, b := e.login("district"), e.login("district")
	v := pageVersion(t, a.get(path).Doc(t))
	codes := make(chan int, 2)
	for _, c := range []*client{a, b} {
		go func() {
			codes <- c.post(path+"/review", url.Values{"decision": {"recommend"}, "version": {v}, "comment": {"同意"}}).StatusCode
		}()
	}
	got := map[int]int{<-codes: 1}
	got[<-codes]++
	if got[http.StatusSeeOther] != 1 || got[http.StatusConflict] != 1 {
		t.Errorf("statuses %v, want one 303 and one 409", got)
	}
	app, _ := e.Store.GetApplication(ctx, apps[0].ID)
	n := 0
	for _, ev := range app.Events {
		if ev.Action == "recommended" {
			n++
		}
	}
	if app.Status != portal.AppRecommended || n != 1 {
		t.Errorf("status %s with %d recommendations", app.Status, n)
	}
}

// TestCreationScopeOnWrites: posts on another school's application, a document of it and
// another district's application are 404 and change nothing; a new standard for a level
// that has one is refused.
func TestCreationScopeOnWrites(t *testing.T) {
	e := mustEnv(t)
	ctx := context.Background()
	tu, _, _ := e.Store.UserCredentials(ctx, "teacher")
	apps, _ := e.Store.ListApplications(ctx, store.ApplicationFilter{SchoolID: tu.SchoolID})
	app, _ := e.Store.GetApplication(ctx, apps[0].ID)
	id, v := itoa(int(app.ID)), itoa(app.Version)
	other := e.login("teacher2")
	for _, p := range []string{"/save", "/submit", "/documents", "/documents/" + itoa(int(app.Documents[0].ID)) + "/delete"} {
		if r := other.post("/school/creation/applications/"+id+p, url.Values{"version": {v}}); r.StatusCode != http.StatusNotFound {
			t.Errorf("another school's teacher posts %s: %d, want 404", p, r.StatusCode)
		}
	}
	if r := other.get("/creation/documents/" + itoa(int(app.Documents[0].ID))); r.StatusCode != http.StatusNotFound {
		t.Errorf("another school's teacher reads the document: %d", r.StatusCode)
	}
	if after, _ := e.Store.GetApplication(ctx, app.ID); after.Version != app.Version || len(after.Documents) != len(app.Documents) {
		t.Error("refused posts changed the application")
	}
	res := e.login("admin").post("/admin/creation/standards", url.Values{"level": {"city"}})
	wantStatus(t, "second city standard", res, http.StatusUnprocessableEntity)
	if fieldError(t, res, "level") == "" {
		t.Error("second city standard: no message")
	}
}

// TestCreationCommentsEscaped: a reviewer's comment with markup shows as text on the
// school's timeline.
func TestCreationCommentsEscaped(t *testing.T) {
	e := mustEnv(t)
	ctx := context.Background()
	du, _, _ := e.Store.UserCredentials(ctx, "district")
	apps, _ := e.Store.ListApplications(ctx, store.ApplicationFilter{DistrictID: du.DistrictID, Statuses: []portal.AppStatus{portal.AppSubmitted}})
	path := "/district/creation/applications/" + itoa(int(apps[0].ID))
	c := e.login("district")
	v := pageVersion(t, c.get(path).Doc(t))
	evil := `<script>alert(1)</script>`
	wantStatus(t, "return", c.post(path+"/review", url.Values{"decision": {"return"}, "version": {v}, "comment": {evil}}), http.StatusSeeOther)
	res := e.login("admin").get("/admin/creation/applications/" + itoa(int(apps[0].ID)))
	doc := res.Doc(t)
	if doc.Find("#timeline script").Length() != 0 || !strings.Contains(doc.Find("#timeline .comment").Text(), evil) {
		t.Errorf("comment not shown as text: %q", doc.Find("#timeline").Text())
	}
}

// TestSubmitAfterRoundClosed: a complete draft cannot go in once its round has closed.
func TestSubmitAfterRoundClosed(t *testing.T) {
	e := mustEnv(t)
	ctx := context.Background()
	tu, _, _ := e.Store.UserCredentials(ctx, "teacher")
	apps, _ := e.Store.ListApplications(ctx, store.ApplicationFilter{SchoolID: tu.SchoolID})
	app, _ := e.Store.GetApplication(ctx, apps[0].ID)
	std, _ := e.Store.GetStandard(ctx, app.StandardID)
	in := store.SelfScores{Scores: map[int64]*float64{}, Notes: map[int64]string{}}
	for _, i := range std.Indicators {
		if i.Evidence != portal.EvidenceComputed {
			v := i.MaxScore
			in.Scores[i.ID] = &v
		}
	}
	actor := portal.Actor{UserID: tu.ID, Label: "teacher"}
	if err := e.Store.SaveDraft(ctx, actor, app.ID, tu.SchoolID, app.Version, in); err != nil {
		t.Fatal(err)
	}
	ver := app.Version + 1
	for _, i := range std.Indicators {
		if i.Evidence == portal.EvidenceDocument && len(app.DocumentsOf(i.ID)) == 0 {
			if err := e.Store.AddDocument(ctx, actor, tu.SchoolID, ver, &portal.Document{ApplicationID: app.ID, IndicatorID: i.ID,
				Kind: portal.FilePDF, Name: "x.pdf", Size: 10}); err != nil {
				t.Fatal(err)
			}
			ver++
		}
	}
	e.advance(60 * 24 * time.Hour)
	res := e.login("teacher").post("/school/creation/applications/"+itoa(int(app.ID))+"/submit", url.Values{"version": {itoa(ver)}})
	wantStatus(t, "submit after the round", res, http.StatusUnprocessableEntity)
	if res.Doc(t).Find(".form-error").Length() == 0 {
		t.Error("no message")
	}
	if st := appStatusOf(t, e, itoa(int(app.ID))); st != portal.AppDraft {
		t.Errorf("status %s, want draft", st)
	}
}

// TestHigherLevelMovesUpOnlyWhenGranted: a city-level school applying for the provincial
// level keeps its city title until the city grants the provincial one.
func TestHigherLevelMovesUpOnlyWhenGranted(t *testing.T) {
	e := mustEnv(t)
	ctx := context.Background()
	apps, _ := e.Store.ListApplications(ctx, store.ApplicationFilter{Statuses: []portal.AppStatus{portal.AppRecommended}})
	var app *portal.Application
	for i := range apps {
		if apps[i].Level == portal.LevelProvincial {
			app = &apps[i]
		}
	}
	if app == nil {
		t.Fatal("the demo has no recommended provincial application")
	}
	levelOf := func() string {
		for _, d := range apiDemos(t, e) {
			if d.SchoolID == app.SchoolID {
				return d.Level
			}
		}
		return ""
	}
	if l := levelOf(); l != "city" {
		t.Fatalf("before the decision the school is %q, want city", l)
	}
	admin := e.login("admin")
	path := "/admin/creation/applications/" + itoa(int(app.ID))
	doc := admin.get(path).Doc(t)
	scores := url.Values{"version": {pageVersion(t, doc)}}
	doc.Find("#indicators input[name^=city_]").Each(func(_ int, in *goquery.Selection) {
		scores.Set(in.AttrOr("name", ""), in.AttrOr("max", ""))
	})
	wantStatus(t, "scores", admin.post(path+"/scores", scores), http.StatusSeeOther)
	if l := levelOf(); l != "city" {
		t.Fatalf("scored but not granted: %q, want city", l)
	}
	doc = admin.get(path).Doc(t)
	wantStatus(t, "designate", admin.post(path+"/designate", url.Values{"version": {pageVersion(t, doc)},
		"since": {e.Now.Format("2006-01-02")}, "validity_years": {"3"}}), http.StatusSeeOther)
	if l := levelOf(); l != "provincial" {
		t.Fatalf("granted: %q, want provincial", l)
	}
	hist, _ := e.Store.SchoolDemonstrations(ctx, app.SchoolID)
	if len(hist) < 2 || hist[0].Level != portal.LevelProvincial || hist[0].ApplicationID != app.ID ||
		hist[1].Level != portal.LevelCity || hist[1].Status != portal.DemoRevoked {
		t.Errorf("history: %+v", hist)
	}
}

// TestAssessmentWeights: the city's weights and targets change every card; bad ones are
// refused next to their field.
func TestAssessmentWeights(t *testing.T) {
	e := mustEnv(t)
	admin := e.login("admin")
	form := url.Values{}
	for _, p := range portal.AssessmentParts {
		form.Set("weight_"+string(p.Metric), "0")
		form.Set("target_"+string(p.Metric), strconv.FormatFloat(p.Target, 'f', -1, 64))
	}
	res := admin.post("/admin/assessment/weights", form)
	wantStatus(t, "all zero", res, http.StatusUnprocessableEntity)
	if fieldError(t, res, "weights") == "" {
		t.Error("all zero: no message")
	}
	form.Set("weight_ten_ones_classes", "100")
	form.Set("target_ten_ones_classes", "2")
	res = admin.post("/admin/assessment/weights", form)
	wantStatus(t, "rate target above 1", res, http.StatusUnprocessableEntity)
	if fieldError(t, res, "target_ten_ones_classes") == "" || inputValue(t, res, "target_ten_ones_classes") != "2" {
		t.Error("rate target above 1: no message or input lost")
	}
	form.Set("target_ten_ones_classes", "0.5")
	wantStatus(t, "save", admin.post("/admin/assessment/weights", form), http.StatusSeeOther)
	ctx := context.Background()
	cat, _ := content.Activities()
	tu, _, _ := e.Store.UserCredentials(ctx, "teacher")
	recs, _ := e.Store.SchoolRecords(ctx, portal.SchoolYear(e.Now), cat.Ten, store.RecordsFilter{SchoolID: tu.SchoolID})
	v := recs[0].Value(portal.MetricTenOnes)
	want := math.Round(math.Min(1, v.V/0.5)*1000) / 10
	doc := e.login("teacher").get("/school/assessment").Doc(t)
	if got := doc.Find("#schools tr.school td.score").Text(); got != strconv.FormatFloat(want, 'f', -1, 64) {
		t.Errorf("score with 十个一 alone = %s, want %v (coverage %v)", got, want, v.V)
	}
	if n := doc.Find("#schools thead th.num").Length(); n != 3+len(portal.AssessmentParts)-1 {
		t.Errorf("columns: %d", n)
	}
}

// TestAssessmentFiguresLink: every figure with a value links to a page its viewer may open.
func TestAssessmentFiguresLink(t *testing.T) {
	e := mustEnv(t)
	for _, c := range []struct{ user, path string }{{"admin", "/admin/assessment"}, {"district", "/district/assessment"}, {"teacher", "/school/assessment"}} {
		cl := e.login(c.user)
		doc := cl.get(c.path).Doc(t)
		seen := map[string]bool{}
		links := doc.Find("table.scorecard td[data-metric] a")
		if links.Length() == 0 {
			t.Errorf("%s: no figure links", c.user)
		}
		links.Each(func(_ int, a *goquery.Selection) {
			href := a.AttrOr("href", "")
			if seen[href] {
				return
			}
			seen[href] = true
			if res := cl.get(href); res.StatusCode != http.StatusOK {
				t.Errorf("%s: %s answers %d", c.user, href, res.StatusCode)
			}
		})
	}
}

// TestVolunteerHoursRecount: each school's volunteer hours equal the confirmed hours of
// the opportunities linked to it that started in the school year, summed here from the
// rows; the teacher's confirmation of a held visit shows at once.
func TestVolunteerHoursRecount(t *testing.T) {
	e := mustEnv(t)
	ctx := context.Background()
	tu, _, _ := e.Store.UserCredentials(ctx, "teacher")
	sopps, _ := e.Store.SchoolOpportunities(ctx, tu.SchoolID)
	teacher := e.login("teacher")
	for _, o := range sopps {
		teacher.post("/volunteer-requests/"+itoa(int(o.ID))+"/confirm", url.Values{})
	}
	year := portal.SchoolYear(e.Now)
	from, to := portal.SchoolYearBounds(year)
	rows, err := e.Store.SQL().Query(`SELECT o.school_id, o.starts_at, x.hours FROM signups x JOIN opportunities o ON o.id = x.opportunity_id
		WHERE x.hours IS NOT NULL AND o.school_id IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64]float64{}
	for rows.Next() {
		var id int64
		var at time.Time
		var h float64
		if err := rows.Scan(&id, &at, &h); err != nil {
			t.Fatal(err)
		}
		if !at.Before(from) && at.Before(to) {
			want[id] += h
		}
	}
	rows.Close()
	cat, _ := content.Activities()
	recs, err := e.Store.SchoolRecords(ctx, year, cat.Ten, store.RecordsFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if math.Abs(r.VolunteerHours-want[r.SchoolID]) > 1e-9 {
			t.Errorf("%s: %v hours, recount %v", r.School, r.VolunteerHours, want[r.SchoolID])
		}
	}
	if want[tu.SchoolID] == 0 {
		t.Error("the demo school's confirmed visit gave no hours: the recount compared nothing")
	}
}
