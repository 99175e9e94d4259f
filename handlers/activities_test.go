package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"github.com/jinducity/portal/store/storetest"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/jinducity/portal"
	"github.com/jinducity/portal/handlers"
	"github.com/jinducity/portal/store"
	"github.com/jinducity/portal/store/uploads"
)

// activityFixture adds a published record with face consent and one demo illustration to
// a school, and returns the record's and the photo's IDs.
func activityFixture(t *testing.T, e *testEnv, schoolID int64) (string, string) {
	t.Helper()
	ctx := context.Background()
	a := &portal.Activity{SchoolID: schoolID, SchoolYear: portal.SchoolYear(e.Now), Type: "film", Title: "权限测试活动",
		Date: e.Now.AddDate(0, 0, -1), WholeSchool: true, Students: 10, Published: true, FaceConsent: true}
	files := []portal.ActivityFile{{Kind: portal.FilePhoto, Name: uploads.DemoName(0, false), Thumb: uploads.DemoName(0, true), Original: "a.jpg"}}
	if err := e.Store.CreateActivity(ctx, portal.SystemActor, a, files); err != nil {
		t.Fatal(err)
	}
	got, err := e.Store.GetActivity(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	return itoa(int(a.ID)), itoa(int(got.Files[0].ID))
}

// upload is a file part of a multipart form.
type upload struct {
	field, name string
	data        []byte
}

// postMultipart sends a multipart form as a same-origin browser would.
func (c *client) postMultipart(path string, form url.Values, files ...upload) *response {
	c.env.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range form {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	for _, f := range files {
		// The browser's claim: an image, whatever the content.
		h := make(map[string][]string)
		h["Content-Disposition"] = []string{`form-data; name="` + f.field + `"; filename="` + f.name + `"`}
		h["Content-Type"] = []string{"image/jpeg"}
		w, _ := mw.CreatePart(h)
		w.Write(f.data)
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.env.Srv.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.do(req)
}

func testPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		img.Set(x, x%h, color.NRGBA{0, 100, 200, 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// uploadedFiles lists the files in the upload folder of a test portal started by mustEnv.
func uploadedFiles(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}

// activityEnv is a demo portal whose upload folder the test knows.
func activityEnv(t *testing.T) (*testEnv, string) {
	dir := filepath.Join(t.TempDir(), "evidence")
	e := mustEnv(t, func(c *handlers.Config) { c.UploadDir, c.Files = dir, nil })
	return e, dir
}

func teacherSchoolID(t *testing.T, e *testEnv, username string) int64 {
	t.Helper()
	u, _, err := e.Store.UserCredentials(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return u.SchoolID
}

// validForm is a record of the current school year for a class of the demo school.
func validForm(t *testing.T, e *testEnv, schoolID int64) url.Values {
	t.Helper()
	classes, err := e.Store.ListClasses(context.Background(), schoolID, portal.SchoolYear(e.Now), false)
	if err != nil || len(classes) == 0 {
		t.Fatalf("classes: %v, %v", classes, err)
	}
	return url.Values{"type": {"law-class"}, "title": {"民警进校园法制课"}, "date": {"2026-11-20"},
		"class": {itoa(int(classes[0].ID))}, "students": {"45"}, "teachers": {"2"}}
}

func countActivities(t *testing.T, e *testEnv, schoolID int64) int {
	t.Helper()
	list, err := e.Store.ListActivities(context.Background(), schoolID, portal.SchoolYear(e.Now))
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

func TestActivityLogWithPhotoTurnsCellDone(t *testing.T) {
	e, dir := activityEnv(t)
	school := teacherSchoolID(t, e, "teacher")
	c := e.login("teacher")
	form := validForm(t, e, school)
	form.Set("type", "essay-contest")
	class := form.Get("class")
	cell := `tr[data-type="essay-contest"] td[data-class="` + class + `"]`
	before := c.get("/school/activities")
	wantStatus(t, "matrix", before, http.StatusOK)
	if st := before.Doc(t).Find(cell).AttrOr("data-state", ""); st == "done" {
		t.Skip("the demo already has an essay contest for this class")
	}
	n := countActivities(t, e, school)
	res := c.postMultipart("/school/activities?year=2026", form, upload{"photos", "p.png", testPNG(t, 800, 600)})
	wantStatus(t, "create", res, http.StatusSeeOther)
	if countActivities(t, e, school) != n+1 {
		t.Fatal("no record added")
	}
	after := c.get("/school/activities")
	if st := after.Doc(t).Find(cell).AttrOr("data-state", ""); st != "done" {
		t.Errorf("cell after logging = %q, want done", st)
	}
	// A photo and its thumbnail went to the upload folder under random names.
	files := uploadedFiles(t, dir)
	if len(files) != 2 {
		t.Fatalf("upload folder = %v, want a photo and its thumbnail", files)
	}
	for _, f := range files {
		if !strings.HasSuffix(f, ".jpg") || len(f) != 36 || strings.Contains(f, "p.png") {
			t.Errorf("stored name %q is not random", f)
		}
	}
	list, _ := e.Store.ListActivities(context.Background(), school, 2026)
	var rec portal.Activity
	for _, a := range list {
		if a.Title == "民警进校园法制课" {
			rec = a
		}
	}
	if len(rec.Photos()) != 1 || rec.Students != 45 || len(rec.ClassIDs) != 1 {
		t.Fatalf("record = %+v", rec)
	}
	photo := rec.Photos()[0]
	thumb := c.get(views_FileURL(photo.ID, true))
	wantStatus(t, "thumbnail", thumb, http.StatusOK)
	if ct := thumb.Header.Get("Content-Type"); ct != "image/jpeg" {
		t.Errorf("thumbnail Content-Type = %q", ct)
	}
	// Not published: nobody else sees it, not even logged out.
	wantStatus(t, "photo logged out", e.client().get(views_FileURL(photo.ID, false)), http.StatusNotFound)
	wantStatus(t, "photo as the district reviewer", e.login("district").get(views_FileURL(photo.ID, false)), http.StatusOK)
	wantStatus(t, "photo as another district's reviewer", e.login("district2").get(views_FileURL(photo.ID, false)), http.StatusNotFound)
	wantStatus(t, "record as admin", e.login("admin").get("/activities/"+itoa(int(rec.ID))), http.StatusOK)
}

func views_FileURL(id int64, thumb bool) string {
	u := "/files/" + strconv.FormatInt(id, 10)
	if thumb {
		u += "/thumb"
	}
	return u
}

func TestActivityBadInputWritesNothing(t *testing.T) {
	e, dir := activityEnv(t)
	school := teacherSchoolID(t, e, "teacher")
	sc, err := e.Store.GetSchool(context.Background(), school, 2026)
	if err != nil {
		t.Fatal(err)
	}
	c := e.login("teacher")
	photo := testPNG(t, 40, 30)
	nine := func() []upload {
		var out []upload
		for i := range 10 {
			out = append(out, upload{"photos", "p" + strconv.Itoa(i) + ".png", photo})
		}
		return out
	}
	tests := []struct {
		name, field, value, errField, want string
		files                              []upload
	}{
		{"date in the previous school year", "date", "2026-08-31", "date", "本学年内", nil},
		{"date in the future", "date", "2026-11-24", "date", "不能晚于今天", nil},
		{"students above enrolment", "students", strconv.Itoa(sc.Enrolment + 1), "students", "不能超过本校在校生人数", nil},
		{"unknown activity key", "type", "dance-party", "type", "选择活动类型", nil},
		{"a text file named like a photo", "", "", "photos", "不是图片", []upload{{"photos", "photo.jpg", []byte("not an image at all")}}},
		{"a photo over 5 MB", "", "", "photos", "超过 5 MB", []upload{{"photos", "big.png", append(testPNG(t, 4, 4), make([]byte, portal.MaxPhotoBytes)...)}}},
		{"a tenth photo", "", "", "photos", "最多 9 张", nine()},
		{"a fake PDF", "", "", "attachments", "只能是 PDF", []upload{{"attachments", "a.pdf", []byte("<html>")}}},
	}
	n := countActivities(t, e, school)
	for _, tt := range tests {
		form := validForm(t, e, school)
		if tt.field != "" {
			form.Set(tt.field, tt.value)
		}
		res := c.postMultipart("/school/activities?year=2026", form, tt.files...)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d, want 422", tt.name, res.StatusCode)
			continue
		}
		if msg := fieldError(t, res, tt.errField); !strings.Contains(msg, tt.want) {
			t.Errorf("%s: message next to %s = %q, want %q", tt.name, tt.errField, msg, tt.want)
		}
		if got := inputValue(t, res, "title"); got != "民警进校园法制课" {
			t.Errorf("%s: title kept = %q", tt.name, got)
		}
	}
	if got := countActivities(t, e, school); got != n {
		t.Errorf("records = %d, want %d: a bad form wrote something", got, n)
	}
	if files := uploadedFiles(t, dir); len(files) != 0 {
		t.Errorf("files left in the upload folder: %v", files)
	}
}

func TestActivityFailedTransactionLeavesNoFiles(t *testing.T) {
	e, dir := activityEnv(t)
	school := teacherSchoolID(t, e, "teacher")
	c := e.login("teacher")
	// A trigger makes the transaction fail after the files were written.
	failing := `CREATE TRIGGER test_fail BEFORE INSERT ON activity_files BEGIN SELECT RAISE(ABORT, 'test'); END`
	if e.Store.Postgres() {
		if _, err := e.Store.SQL().Exec(`CREATE FUNCTION test_fail() RETURNS trigger LANGUAGE plpgsql AS
			$$ BEGIN RAISE EXCEPTION 'test'; END $$`); err != nil {
			t.Fatal(err)
		}
		failing = `CREATE TRIGGER test_fail BEFORE INSERT ON activity_files FOR EACH ROW EXECUTE FUNCTION test_fail()`
	}
	if _, err := e.Store.SQL().Exec(failing); err != nil {
		t.Fatal(err)
	}
	n := countActivities(t, e, school)
	res := c.postMultipart("/school/activities?year=2026", validForm(t, e, school), upload{"photos", "p.png", testPNG(t, 50, 50)})
	wantStatus(t, "failing transaction", res, http.StatusInternalServerError)
	if files := uploadedFiles(t, dir); len(files) != 0 {
		t.Errorf("files left after the transaction failed: %v", files)
	}
	if countActivities(t, e, school) != n {
		t.Error("a record was written")
	}
}

func TestActivityOtherSchoolIsNotFound(t *testing.T) {
	e, dir := activityEnv(t)
	ctx := context.Background()
	schoolA := teacherSchoolID(t, e, "teacher")
	schoolB := teacherSchoolID(t, e, "teacher2")
	aid, fid := activityFixture(t, e, schoolA)
	before, _ := e.Store.GetActivity(ctx, int64(mustAtoi(t, aid)))
	b := e.login("teacher2")
	for _, p := range []string{"/school/activities/" + aid + "/edit", "/activities/" + aid} {
		wantStatus(t, "GET "+p, b.get(p), http.StatusNotFound)
	}
	form := validForm(t, e, schoolB)
	for _, p := range []string{"/school/activities/" + aid + "/edit", "/school/activities/" + aid + "/delete"} {
		wantStatus(t, "POST "+p, b.postMultipart(p, form, upload{"photos", "p.png", testPNG(t, 20, 20)}), http.StatusNotFound)
	}
	wantStatus(t, "another school's matrix", b.get("/activities/schools/"+itoa(int(schoolA))), http.StatusNotFound)
	after, err := e.Store.GetActivity(ctx, before.ID)
	if err != nil || after.Title != before.Title || after.UpdatedAt != before.UpdatedAt {
		t.Errorf("record changed: %+v, %v", after, err)
	}
	if files := uploadedFiles(t, dir); len(files) != 0 {
		t.Errorf("files left: %v", files)
	}
	// The published, consented photo is public; a district reviewer elsewhere sees it
	// only as the public does.
	wantStatus(t, "public photo", e.client().get("/files/"+fid), http.StatusOK)
}

func mustAtoi(t *testing.T, s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestActivityEditAndDeleteRemoveFiles(t *testing.T) {
	e, dir := activityEnv(t)
	ctx := context.Background()
	school := teacherSchoolID(t, e, "teacher")
	c := e.login("teacher")
	form := validForm(t, e, school)
	form.Set("title", "编辑删除测试")
	wantStatus(t, "create", c.postMultipart("/school/activities?year=2026", form,
		upload{"photos", "a.png", testPNG(t, 30, 30)}, upload{"photos", "b.png", testPNG(t, 30, 30)},
		upload{"attachments", "plan.pdf", []byte("%PDF-1.4\n%test")}), http.StatusSeeOther)
	if files := uploadedFiles(t, dir); len(files) != 5 {
		t.Fatalf("upload folder = %v, want 2 photos, 2 thumbnails and a PDF", files)
	}
	var rec *portal.Activity
	list, _ := e.Store.ListActivities(ctx, school, 2026)
	for i := range list {
		if list[i].Title == "编辑删除测试" {
			rec = &list[i]
		}
	}
	id := itoa(int(rec.ID))
	pdf := rec.Attachments()[0]
	res := c.get("/files/" + itoa(int(pdf.ID)))
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(res.Body, "%PDF-") {
		t.Errorf("PDF: %d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	// Edit: remove one photo, publish.
	form.Set("published", "1")
	form.Set("remove_file", itoa(int(rec.Photos()[0].ID)))
	wantStatus(t, "edit", c.postMultipart("/school/activities/"+id+"/edit", form), http.StatusSeeOther)
	got, _ := e.Store.GetActivity(ctx, rec.ID)
	if !got.Published || len(got.Photos()) != 1 {
		t.Errorf("after edit: published %v, %d photos", got.Published, len(got.Photos()))
	}
	if files := uploadedFiles(t, dir); len(files) != 3 {
		t.Errorf("after removing a photo the folder holds %v", files)
	}
	wantStatus(t, "delete", c.post("/school/activities/"+id+"/delete", url.Values{}), http.StatusSeeOther)
	if _, err := e.Store.GetActivity(ctx, rec.ID); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("after delete: %v", err)
	}
	if files := uploadedFiles(t, dir); len(files) != 0 {
		t.Errorf("after delete the folder holds %v", files)
	}
	audit, _, err := e.Store.ListAudit(ctx, store.AuditFilter{Entity: "activity", EntityID: rec.ID})
	if err != nil {
		t.Fatal(err)
	}
	actions := map[string]bool{}
	for _, a := range audit {
		actions[a.Action] = true
	}
	for _, want := range []string{"activity.create", "activity.update", "activity.delete"} {
		if !actions[want] {
			t.Errorf("audit lacks %s: %v", want, actions)
		}
	}
}

func TestActivityShowcaseShowsOnlyConsentedPhotos(t *testing.T) {
	e := mustEnv(t)
	ctx := context.Background()
	school := teacherSchoolID(t, e, "teacher")
	add := func(title string, published, consent bool) *portal.Activity {
		a := &portal.Activity{SchoolID: school, SchoolYear: 2026, Type: "film", Title: title, Date: e.Now,
			WholeSchool: true, Published: published, FaceConsent: consent}
		files := []portal.ActivityFile{{Kind: portal.FilePhoto, Name: uploads.DemoName(1, false), Thumb: uploads.DemoName(1, true)}}
		if err := e.Store.CreateActivity(ctx, portal.SystemActor, a, files); err != nil {
			t.Fatal(err)
		}
		got, _ := e.Store.GetActivity(ctx, a.ID)
		return got
	}
	withConsent := add("公开有同意", true, true)
	noConsent := add("公开无同意", true, false)
	private := add("不公开", false, true)
	doc := e.client().get("/schools/" + itoa(int(school))).Doc(t)
	item := func(a *portal.Activity) string { return `.act-showcase li[data-id="` + itoa(int(a.ID)) + `"]` }
	if doc.Find(item(withConsent)+" img").Length() != 1 {
		t.Error("published record with consent shows no photo")
	}
	if doc.Find(item(noConsent)).Length() != 1 || doc.Find(item(noConsent)+" img").Length() != 0 {
		t.Error("published record without consent: want it listed without a photo")
	}
	if doc.Find(item(private)).Length() != 0 {
		t.Error("unpublished record on the public page")
	}
	anon := e.client()
	wantStatus(t, "consented photo", anon.get(views_FileURL(withConsent.Files[0].ID, true)), http.StatusOK)
	wantStatus(t, "photo without consent", anon.get(views_FileURL(noConsent.Files[0].ID, true)), http.StatusNotFound)
	wantStatus(t, "unpublished photo", anon.get(views_FileURL(private.Files[0].ID, false)), http.StatusNotFound)
}

// stats fetches /api/v1/stats.
func getStats(t *testing.T, c *client, year int) handlers.Stats {
	t.Helper()
	res := c.get("/api/v1/stats?school_year=" + strconv.Itoa(year))
	wantStatus(t, "stats", res, http.StatusOK)
	var st handlers.Stats
	if err := json.Unmarshal([]byte(res.Body), &st); err != nil {
		t.Fatal(err)
	}
	return st
}

func TestActivityOverviewAgreesWithStats(t *testing.T) {
	e := mustEnv(t)
	admin := e.login("admin")
	for _, year := range []int{2025, 2026} {
		st := getStats(t, e.client(), year)
		if len(st.TenOnes) != 10 || st.TenOnes[0].Key != "law-class" || st.TenOnes[0].Name != "上一堂禁毒知识法制课" {
			t.Fatalf("ten_ones = %+v", st.TenOnes)
		}
		doc := admin.get("/admin/activities?year=" + strconv.Itoa(year)).Doc(t)
		for _, one := range st.TenOnes {
			got := doc.Find(`tfoot td[data-type="`+one.Key+`"]`).AttrOr("data-done", "")
			if got != itoa(one.SchoolsDone) {
				t.Errorf("%d %s: table total %s, stats %d", year, one.Key, got, one.SchoolsDone)
			}
		}
		allTen := strings.TrimSpace(doc.Find(`[data-stat="act-all-ten"] .num`).Text())
		if allTen != itoa(st.SchoolsAllTen) {
			t.Errorf("%d: table all ten %s, stats %d", year, allTen, st.SchoolsAllTen)
		}
		if year == 2025 && (st.SchoolsAllTen == 0 || st.SchoolsAllTen == st.Schools) {
			t.Errorf("demo 2025: %d of %d schools did all ten; want some, not all", st.SchoolsAllTen, st.Schools)
		}
	}
	// The district reviewer sees their district only, whatever the query says.
	doc := e.login("district").get("/district/activities?district=999").Doc(t)
	if n := doc.Find("tbody tr").Length(); n == 0 || n >= 60 {
		t.Errorf("district table rows = %d", n)
	}
	// The teacher's matrix counts what the city table shows for the school.
	school := teacherSchoolID(t, e, "teacher")
	row := admin.get("/admin/activities").Doc(t).Find(`tbody tr[data-id="`+itoa(int(school))+`"]`).AttrOr("data-done", "")
	done := strings.TrimSpace(e.login("teacher").get("/school/activities").Doc(t).Find(`[data-stat="act-done"] .num`).Text())
	if !strings.HasPrefix(done, row+"/") {
		t.Errorf("teacher's matrix says %s done, the city table %s", done, row)
	}
}

// TestActivityStatsHandBuilt checks ten_ones and schools_all_ten on a small city built by
// hand in a fresh database: three schools, one without graduating classes.
func TestActivityStatsHandBuilt(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, time.June, 30, 12, 0, 0, 0, portal.CST)
	st, err := store.Open(ctx, storetest.DSN(t), store.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	d := &portal.District{Name: "测试区"}
	if err := st.CreateDistrict(ctx, portal.SystemActor, d); err != nil {
		t.Fatal(err)
	}
	mk := func(name string, grad bool) *portal.School {
		sc := &portal.School{DistrictID: d.ID, Name: name, Stage: portal.StageJunior, Enrolment: 500, HasGraduating: true}
		if err := st.CreateSchool(ctx, portal.SystemActor, sc); err != nil {
			t.Fatal(err)
		}
		if !grad {
			sc.HasGraduating = false
			if err := st.UpdateSchool(ctx, portal.SystemActor, sc); err != nil {
				t.Fatal(err)
			}
		}
		return sc
	}
	full, partial, young := mk("甲中学", true), mk("乙中学", true), mk("丙中学（新校）", false)
	ten := []string{"law-class", "class-meeting", "reflection", "newspaper", "flag-oath", "film", "parent-letter",
		"graduate-oath", "base-visit", "essay-contest"}
	log := func(sc *portal.School, key string, date time.Time) {
		a := &portal.Activity{SchoolID: sc.ID, SchoolYear: portal.SchoolYear(date), Type: key, Title: key, Date: date, WholeSchool: true}
		if err := st.CreateActivity(ctx, portal.SystemActor, a, nil); err != nil {
			t.Fatal(err)
		}
	}
	day := time.Date(2026, time.March, 1, 0, 0, 0, 0, portal.CST)
	for _, k := range ten {
		log(full, k, day)
		log(full, k, day) // twice: still one school
	}
	log(partial, "law-class", day)
	log(partial, "film", time.Date(2025, time.August, 31, 0, 0, 0, 0, portal.CST)) // the year before
	log(partial, "lecture", day)                                                   // not one of the ten
	for _, k := range ten {
		if k != "graduate-oath" {
			log(young, k, day) // all that apply to it
		}
	}
	log(young, "graduate-oath", day) // logged anyway: does not count, it does not apply
	e := mustEnv(t, func(c *handlers.Config) { c.Store = st; c.Clock = func() time.Time { return now } })
	stats := getStats(t, e.client(), 2025)
	want := map[string][2]float64{ // schools done, coverage
		"law-class": {3, 1}, "film": {2, 0.667}, "graduate-oath": {1, 0.5}, "reflection": {2, 0.667},
	}
	for _, one := range stats.TenOnes {
		if w, ok := want[one.Key]; ok && (float64(one.SchoolsDone) != w[0] || one.Coverage != w[1]) {
			t.Errorf("%s: schools_done %d coverage %v, want %v %v", one.Key, one.SchoolsDone, one.Coverage, w[0], w[1])
		}
	}
	if stats.SchoolsAllTen != 2 {
		t.Errorf("schools_all_ten = %d, want 2 (the full school and the new one without graduates)", stats.SchoolsAllTen)
	}
	if st2 := getStats(t, e.client(), 2024); st2.TenOnes[5].SchoolsDone != 1 || st2.SchoolsAllTen != 0 {
		t.Errorf("2024: film done by %d schools, all ten %d; want 1 and 0", st2.TenOnes[5].SchoolsDone, st2.SchoolsAllTen)
	}
}

func TestActivityMissingOnTeacherOverview(t *testing.T) {
	e := mustEnv(t)
	c := e.login("teacher")
	home := c.get("/school")
	slot := home.Doc(t).Find(`[hx-get="/school/activities?part=missing"]`)
	if slot.Length() != 1 || slot.Find(`a[href="/school/activities"]`).Length() != 1 {
		t.Fatal("the overview has no slot for what is missing, or no link without JavaScript")
	}
	req, _ := http.NewRequest(http.MethodGet, e.Srv.URL+"/school/activities?part=missing", nil)
	req.Header.Set("HX-Request", "true")
	res := c.do(req)
	wantStatus(t, "missing part", res, http.StatusOK)
	doc := res.Doc(t)
	if doc.Find("#act-missing").Length() != 1 || doc.Find("main").Length() != 0 {
		t.Errorf("the part is not the bare list:\n%s", truncate(res.Body, 500))
	}
	if doc.Find(`.act-missing-list li a[href^="/school/activities/new?year="]`).Length() == 0 {
		t.Error("no link to log a missing activity")
	}
}

// TestActivityEscapesText posts markup into every free-text field and finds it shown as text.
func TestActivityEscapesText(t *testing.T) {
	e := mustEnv(t)
	school := teacherSchoolID(t, e, "teacher")
	c := e.login("teacher")
	form := validForm(t, e, school)
	const evil = `<script>alert(1)</script>`
	for _, f := range []string{"title", "speaker", "description"} {
		form.Set(f, evil)
	}
	form.Set("published", "1")
	wantStatus(t, "create", c.postMultipart("/school/activities?year=2026", form), http.StatusSeeOther)
	list, _ := e.Store.ListActivities(context.Background(), school, 2026)
	for _, a := range list {
		if a.Title != evil {
			continue
		}
		for _, p := range []string{"/activities/" + itoa(int(a.ID)), "/school/activities", "/schools/" + itoa(int(school))} {
			res := c.get(p)
			if strings.Contains(res.Body, evil) {
				t.Errorf("%s shows the markup unescaped", p)
			}
		}
		return
	}
	t.Fatal("record not found")
}

// TestActivityOverviewPages checks that the city table shows a page of schools at a time,
// every school once over the pages, with figures and totals over all of them.
func TestActivityOverviewPages(t *testing.T) {
	defer handlers.SetOverviewPageSize(25)()
	e := mustEnv(t)
	admin := e.login("admin")
	st := getStats(t, e.client(), 2025)
	seen := map[string]bool{}
	for page := 1; page <= 3; page++ {
		doc := admin.get("/admin/activities?year=2025&page=" + itoa(page)).Doc(t)
		rows := doc.Find("tbody tr")
		want := 25
		if page == 3 {
			want = st.Schools - 50
		}
		if rows.Length() != want {
			t.Fatalf("page %d: %d rows, want %d", page, rows.Length(), want)
		}
		rows.Each(func(_ int, r *goquery.Selection) {
			id := r.AttrOr("data-id", "")
			if seen[id] {
				t.Errorf("school %s on two pages", id)
			}
			seen[id] = true
		})
		if got := strings.TrimSpace(doc.Find(`[data-stat="act-schools"] .num`).Text()); got != itoa(st.Schools) {
			t.Errorf("page %d: schools figure %s, want %d", page, got, st.Schools)
		}
		if got := doc.Find(`tfoot td[data-type="law-class"]`).AttrOr("data-done", ""); got != itoa(st.TenOnes[0].SchoolsDone) {
			t.Errorf("page %d: total %s, stats %d", page, got, st.TenOnes[0].SchoolsDone)
		}
		if page < 3 && doc.Find(`.pager a[href*="page=`+itoa(page+1)+`"]`).Length() == 0 {
			t.Errorf("page %d has no link to the next", page)
		}
	}
	if len(seen) != st.Schools {
		t.Errorf("%d schools over the pages, want %d", len(seen), st.Schools)
	}
}
