package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
)

func TestBasesAPIAndPages(t *testing.T) {
	e := mustEnv(t)
	c := e.client()
	res := c.get("/api/v1/bases")
	wantStatus(t, "bases API", res, http.StatusOK)
	var bases []map[string]any
	if err := json.Unmarshal([]byte(res.Body), &bases); err != nil || len(bases) < 7 {
		t.Fatalf("bases API = %d bases, %v", len(bases), err)
	}
	kinds := map[string]bool{"exhibition_hall": true, "base": true, "park": true, "rehab_centre": true}
	for _, b := range bases {
		if len(b) != 5 || b["id"] == nil || b["name"] == "" || b["district"] == "" || b["address"] == "" || !kinds[b["kind"].(string)] {
			t.Errorf("base %v: want exactly id, name, kind, district, address", b)
		}
	}
	if bases[0]["kind"] != "exhibition_hall" {
		t.Errorf("first base = %v, want the exhibition hall", bases[0])
	}
	hall := demoHall(t, e)
	res = c.get("/api/v1/bases/" + itoa(int(hall.ID)) + "/slots")
	wantStatus(t, "slots API", res, http.StatusOK)
	var slots []struct {
		ID       int64  `json:"id"`
		StartsAt string `json:"starts_at"`
		EndsAt   string `json:"ends_at"`
		Capacity int    `json:"capacity"`
		Booked   int    `json:"booked"`
		Public   *bool  `json:"public"`
	}
	if err := json.Unmarshal([]byte(res.Body), &slots); err != nil || len(slots) == 0 {
		t.Fatalf("slots API = %s, %v", truncate(res.Body, 300), err)
	}
	var prev time.Time
	var nearlyFull, public bool
	for _, sl := range slots {
		st, err := time.Parse(time.RFC3339, sl.StartsAt)
		if err != nil || !strings.HasSuffix(sl.StartsAt, "+08:00") || !st.After(e.Now) || st.Before(prev) {
			t.Errorf("slot %d starts_at %q: want RFC 3339 in +08:00, coming, earliest first", sl.ID, sl.StartsAt)
		}
		prev = st
		if sl.Booked > sl.Capacity || sl.Public == nil {
			t.Errorf("slot %+v", sl)
		}
		nearlyFull = nearlyFull || sl.Booked > 0 && sl.Capacity-sl.Booked <= 10
		public = public || *sl.Public
	}
	if !nearlyFull || !public {
		t.Errorf("demo hall slots: nearly full %v, public %v; want both", nearlyFull, public)
	}
	if res := c.get("/api/v1/bases/999999/slots"); res.StatusCode != http.StatusNotFound {
		t.Errorf("slots of an unknown base: status %d", res.StatusCode)
	}
	// The list filters by kind and district.
	doc := c.get("/bases?kind=park").Doc(t)
	if n := doc.Find("li.base").Length(); n == 0 || n >= len(bases) {
		t.Errorf("/bases?kind=park lists %d of %d bases", n, len(bases))
	}
	doc = c.get("/bases?district=" + itoa(int(hall.DistrictID)) + "&kind=exhibition_hall").Doc(t)
	if got := doc.Find("li.base h2").Text(); got != hall.Name {
		t.Errorf("hall filter lists %q", got)
	}
	doc = c.get("/bases/" + itoa(int(hall.ID))).Doc(t)
	if doc.Find("tr.slot").Length() == 0 || doc.Find(`a[href^="/visits/book/"]`).Length() == 0 {
		t.Error("hall page: want coming slots with links to book public ones")
	}
}

// TestGroupVisitFlow: a teacher books two classes, prints the slip; on the day the base
// checks them in by code; the school's matrix shows the visit and base_visits grows.
func TestGroupVisitFlow(t *testing.T) {
	e := mustEnv(t)
	ctx := context.Background()
	hall := demoHall(t, e)
	sl := firstSlot(t, e, hall.ID, false, 48*time.Hour)
	teacher, _, _ := e.Store.UserCredentials(ctx, "teacher")
	classes, err := e.Store.ListClasses(ctx, teacher.SchoolID, portal.SchoolYear(e.Now), false)
	var joined []portal.Class
	for _, c := range classes {
		if c.Students > 0 {
			joined = append(joined, c)
		}
	}
	if err != nil || len(joined) < 2 {
		t.Fatalf("classes with students = %d, %v", len(joined), err)
	}
	a, b := joined[0], joined[1]
	tc := e.login("teacher")
	form := url.Values{"slot": {itoa(int(sl.ID))}, "class": {itoa(int(a.ID)), itoa(int(b.ID))},
		"students": {itoa(a.Students + b.Students + 1)}, "teachers": {"3"}}
	res := tc.post("/school/bookings/new", form)
	wantStatus(t, "too many students", res, http.StatusUnprocessableEntity)
	if msg := fieldError(t, res, "students"); msg == "" || inputValue(t, res, "students") != form.Get("students") {
		t.Errorf("too many students: message %q, input %q", msg, inputValue(t, res, "students"))
	}
	form.Set("students", itoa(a.Students+b.Students-2))
	res = tc.post("/school/bookings/new", form)
	wantStatus(t, "book", res, http.StatusSeeOther)
	slip := tc.get(res.Header.Get("Location"))
	wantStatus(t, "slip", slip, http.StatusOK)
	code := strings.TrimSpace(slip.Doc(t).Find(".slip .code strong").Text())
	if len(code) != portal.BookingCodeLength {
		t.Fatalf("slip code = %q", code)
	}
	// The same classes again that day are refused.
	res = tc.post("/school/bookings/new", form)
	if res.StatusCode != http.StatusUnprocessableEntity || fieldError(t, res, "classes") == "" {
		t.Errorf("same classes twice: status %d, classes error %q", res.StatusCode, fieldError(t, res, "classes"))
	}
	before := statsBaseVisits(t, e)
	bc := e.login("base")
	day := "/base/bases/" + itoa(int(hall.ID)) + "/day?date=" + sl.Day()
	doc := bc.get(day).Doc(t)
	if doc.Find("tr.booking td.code:contains('"+code+"')").Length() != 1 {
		t.Fatalf("day list lacks booking %s", code)
	}
	// Not before the day.
	res = bc.post("/base/bases/"+itoa(int(hall.ID))+"/checkin", url.Values{"code": {code}, "date": {sl.Day()}})
	if res.StatusCode != http.StatusUnprocessableEntity || fieldError(t, res, "code") == "" {
		t.Errorf("check-in before the day: status %d", res.StatusCode)
	}
	e.advance(sl.StartsAt.Sub(e.Now) + 5*time.Minute)
	bc, tc = e.login("base"), e.login("teacher")
	res = bc.post("/base/bases/"+itoa(int(hall.ID))+"/checkin", url.Values{"code": {code}, "date": {sl.Day()}, "arrived": {"999"}})
	if res.StatusCode != http.StatusUnprocessableEntity || fieldError(t, res, "arrived") == "" {
		t.Errorf("check-in with more than booked: status %d, arrived error %q", res.StatusCode, fieldError(t, res, "arrived"))
	}
	came := a.Students + b.Students - 4
	res = bc.post("/base/bases/"+itoa(int(hall.ID))+"/checkin", url.Values{"code": {strings.ToLower(code)}, "date": {sl.Day()}, "arrived": {itoa(came)}})
	wantStatus(t, "check-in", res, http.StatusSeeOther)
	if got := statsBaseVisits(t, e); got != before+came {
		t.Errorf("base_visits = %d after the visit, want %d", got, before+came)
	}
	doc = tc.get("/school/activities/").Doc(t)
	for _, c := range []portal.Class{a, b} {
		if doc.Find(`tr[data-type="base-visit"] td[data-class="`+itoa(int(c.ID))+`"][data-state="done"]`).Length() != 1 {
			t.Errorf("matrix: class %s has no base visit", c.Name)
		}
	}
	res = bc.post("/base/bases/"+itoa(int(hall.ID))+"/checkin", url.Values{"code": {code}, "date": {sl.Day()}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("second check-in: status %d, want 422", res.StatusCode)
	}
	// The month's report counts the group and its students.
	month := sl.StartsAt.In(portal.CST).Format("2006-01")
	row := bc.get("/base/bases/" + itoa(int(hall.ID)) + "/report").Doc(t).Find(`tr[data-month="` + month + `"]`)
	if atoi(t, row.Find("td.groups").Text()) < 1 || atoi(t, row.Find("td.students").Text()) < came {
		t.Errorf("report of %s: groups %q, students %q", month, row.Find("td.groups").Text(), row.Find("td.students").Text())
	}
	cov := e.login("admin").get("/admin/bases/coverage").Doc(t)
	if cov.Find("table.coverage tbody tr").Length() != 6 {
		t.Errorf("coverage: %d districts, want 6", cov.Find("table.coverage tbody tr").Length())
	}
}

func statsBaseVisits(t *testing.T, e *testEnv) int {
	t.Helper()
	var st struct {
		BaseVisits int `json:"base_visits"`
	}
	res := e.client().get("/api/v1/stats")
	if err := json.Unmarshal([]byte(res.Body), &st); err != nil {
		t.Fatal(err)
	}
	return st.BaseVisits
}

// TestBookingFullListsOtherSlots: a slot without enough places answers with the places
// left and other slots that have enough.
func TestBookingFullListsOtherSlots(t *testing.T) {
	e := mustEnv(t)
	ctx := context.Background()
	hall := demoHall(t, e)
	teacher, _, _ := e.Store.UserCredentials(ctx, "teacher")
	classes, _ := e.Store.ListClasses(ctx, teacher.SchoolID, portal.SchoolYear(e.Now), false)
	at := e.Now.Add(30 * time.Hour).Truncate(time.Hour)
	if _, err := e.Store.CreateSlots(ctx, portal.SystemActor, hall.ID, []portal.Slot{{StartsAt: at, EndsAt: at.Add(time.Hour), Capacity: 5}}); err != nil {
		t.Fatal(err)
	}
	small, _ := e.Store.SlotsBetween(ctx, hall.ID, at, at.Add(time.Minute))
	res := e.login("teacher").post("/school/bookings/new", url.Values{"slot": {itoa(int(small[0].ID))},
		"class": {itoa(int(classes[0].ID))}, "students": {"20"}})
	wantStatus(t, "full "+res.Doc(t).Find(".form-error, .field-error").Text(), res, http.StatusConflict)
	doc := res.Doc(t)
	if !strings.Contains(doc.Find(".full").Text(), "5") || doc.Find(".alternatives li").Length() == 0 {
		t.Errorf("full answer: %q with %d other slots", doc.Find(".full p").First().Text(), doc.Find(".alternatives li").Length())
	}
}

// TestBaseManagerScopeAndSlots: a manager publishes a weekly pattern and closes a day
// that a school had booked, which the school sees; another base's pages are 404.
func TestBaseManagerScopeAndSlots(t *testing.T) {
	e := mustEnv(t)
	ctx := context.Background()
	hall := demoHall(t, e)
	others, _ := e.Store.ListBases(ctx, store.BaseFilter{Kind: portal.KindBase})
	bc := e.login("base")
	if res := bc.get("/base/bases/" + itoa(int(others[0].ID)) + "/"); res.StatusCode != http.StatusNotFound {
		t.Errorf("another base's page: status %d, want 404", res.StatusCode)
	}
	if res := bc.post("/base/bases/"+itoa(int(others[0].ID))+"/close", url.Values{"day": {"2026-12-01"}, "reason": {"x"}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("closing another base's day: status %d, want 404", res.StatusCode)
	}
	p := "/base/bases/" + itoa(int(hall.ID))
	res := bc.post(p+"/pattern", url.Values{"from": {"2027-03-01"}, "to": {"2027-02-01"}, "start": {"9:00"}, "end": {"10:00"}, "capacity": {"50"}})
	wantStatus(t, "bad pattern", res, http.StatusUnprocessableEntity)
	for _, f := range []string{"to", "weekdays", "start"} {
		if fieldError(t, res, f) == "" {
			t.Errorf("bad pattern: no message for %s", f)
		}
	}
	if v, _ := res.Doc(t).Find(`#pattern [name="capacity"]`).Attr("value"); v != "50" {
		t.Error("bad pattern: capacity not kept")
	}
	res = bc.post(p+"/pattern", url.Values{"from": {"2027-03-01"}, "to": {"2027-06-30"}, "wd1": {"1"}, "wd3": {"1"},
		"start": {"09:00"}, "end": {"10:30"}, "capacity": {"50"}})
	wantStatus(t, "pattern", res, http.StatusSeeOther)
	term, _ := e.Store.SlotsBetween(ctx, hall.ID, time.Date(2027, 3, 1, 0, 0, 0, 0, portal.CST), time.Date(2027, 7, 1, 0, 0, 0, 0, portal.CST))
	if len(term) != 36 { // 18 Mondays and 18 Wednesdays, 1 March to 30 June 2027
		t.Errorf("pattern made %d slots, want 36", len(term))
	}
}

// TestCloseDayTellsBookedSchools: closing a day cancels its bookings and the school's
// bookings page shows the closure.
func TestCloseDayTellsBookedSchools(t *testing.T) {
	e := mustEnv(t)
	ctx := context.Background()
	hall := demoHall(t, e)
	sl := firstSlot(t, e, hall.ID, false, 48*time.Hour)
	teacher, _, _ := e.Store.UserCredentials(ctx, "teacher")
	classes, _ := e.Store.ListClasses(ctx, teacher.SchoolID, portal.SchoolYear(e.Now), false)
	bk := &portal.Booking{SlotID: sl.ID, SchoolID: teacher.SchoolID, Students: 5, ClassIDs: []int64{classes[0].ID}}
	if err := e.Store.BookSlot(ctx, portal.SystemActor, bk); err != nil {
		t.Fatalf("BookSlot(%+v) = %#v", classes[0], err)
	}
	res := e.login("base").post("/base/bases/"+itoa(int(hall.ID))+"/close", url.Values{"day": {sl.Day()}, "reason": {"设备检修"}})
	wantStatus(t, "close day", res, http.StatusSeeOther)
	doc := e.login("teacher").get("/school/bookings/").Doc(t)
	if n := doc.Find(".closed-notice:contains('设备检修')").Length(); n != 1 {
		t.Errorf("school bookings page: %d closure notices, want 1", n)
	}
	if doc.Find(`tr.booking-closed[data-booking="`+itoa(int(bk.ID))+`"]`).Length() != 1 {
		t.Error("the booking is not shown as closed")
	}
	got, _ := e.Store.GetSlot(ctx, sl.ID)
	if got.Status != portal.SlotClosed {
		t.Errorf("slot status = %q", got.Status)
	}
	if res := e.client().get("/api/v1/bases/" + itoa(int(hall.ID)) + "/slots"); strings.Contains(res.Body, `"id":`+itoa(int(sl.ID))+`,`) {
		t.Error("a closed slot is still offered by the API")
	}
}

// TestIndividualVisitor: a resident books a public slot with name and mobile, gets a
// code, and cancels with it; a wrong code gets the same message as a cancelled one.
func TestIndividualVisitor(t *testing.T) {
	e := mustEnv(t)
	hall := demoHall(t, e)
	sl := firstSlot(t, e, hall.ID, true, 0)
	c := e.client()
	p := "/visits/book/" + itoa(int(sl.ID))
	res := c.post(p, url.Values{"name": {"李四"}, "mobile": {"12345"}, "people": {"2"}})
	wantStatus(t, "bad mobile", res, http.StatusUnprocessableEntity)
	if fieldError(t, res, "mobile") == "" || inputValue(t, res, "name") != "李四" {
		t.Error("bad mobile: no message or name lost")
	}
	res = c.post(p, url.Values{"name": {"李四"}, "mobile": {"13900001111"}, "people": {"2"}})
	wantStatus(t, "book", res, http.StatusSeeOther)
	page := c.get(res.Header.Get("Location"))
	wantStatus(t, "booked page", page, http.StatusOK)
	doc := page.Doc(t)
	code := strings.TrimSpace(doc.Find("#visit-code").Text())
	if len(code) != portal.BookingCodeLength || !strings.HasPrefix(doc.Find(".slip img").AttrOr("src", ""), "data:image/png;base64,") {
		t.Fatalf("booked page: code %q, QR %q", code, truncate(doc.Find(".slip img").AttrOr("src", ""), 40))
	}
	got, _ := e.Store.GetSlot(context.Background(), sl.ID)
	if got.Booked != sl.Booked+2 {
		t.Errorf("booked = %d, want %d", got.Booked, sl.Booked+2)
	}
	res = c.post("/visits/cancel", url.Values{"code": {code}})
	wantStatus(t, "cancel", res, http.StatusSeeOther)
	got, _ = e.Store.GetSlot(context.Background(), sl.ID)
	if got.Booked != sl.Booked {
		t.Errorf("booked = %d after cancelling, want %d", got.Booked, sl.Booked)
	}
	again := c.post("/visits/cancel", url.Values{"code": {code}})
	wrong := c.post("/visits/cancel", url.Values{"code": {"ZZZZ2222"}})
	if again.StatusCode != http.StatusUnprocessableEntity || fieldError(t, again, "code") != fieldError(t, wrong, "code") || fieldError(t, wrong, "code") == "" {
		t.Errorf("cancelled code %q vs wrong code %q: want the same message", fieldError(t, again, "code"), fieldError(t, wrong, "code"))
	}
}
