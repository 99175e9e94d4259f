package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/jinducity/portal"
)

// TestParentReceipts: the teacher opens a class's collection and prints the slips; a
// parent opens a slip's link, confirms once, and the class's rate moves; another
// school's teacher cannot see the class; the city's rate counts the receipt.
func TestParentReceipts(t *testing.T) {
	e := mustEnv(t)
	ctx := context.Background()
	teacher, _, _ := e.Store.UserCredentials(ctx, "teacher")
	classes, _ := e.Store.ListClasses(ctx, teacher.SchoolID, portal.SchoolYear(e.Now), false)
	var c portal.Class
	for _, x := range classes {
		if x.Students > 0 {
			if col, _ := e.Store.ClassCollection(ctx, x.ID); col == nil {
				c = x
				break
			}
		}
	}
	if c.ID == 0 {
		t.Fatal("no class with students and no collection")
	}
	tc := e.login("teacher")
	p := "/school/receipts/" + itoa(int(c.ID)) + "/"
	wantStatus(t, "open", tc.post(p+"open", url.Values{}), http.StatusSeeOther)
	if res := e.login("teacher2").get(p); res.StatusCode != http.StatusNotFound {
		t.Errorf("another school's teacher: status %d, want 404", res.StatusCode)
	}
	doc := tc.get(p + "print").Doc(t)
	slips := doc.Find(".receipt-slip")
	if slips.Length() != c.Students {
		t.Fatalf("%d slips for %d students", slips.Length(), c.Students)
	}
	code := strings.TrimSpace(slips.First().Find(".code strong").Text())
	if !strings.HasPrefix(slips.First().Find("img").AttrOr("src", ""), "data:image/png;base64,") || len(code) != portal.ReceiptCodeLength {
		t.Fatalf("slip: code %q", code)
	}
	rate := func() string { return strings.TrimSpace(tc.get(p).Doc(t).Find("#receipt-rate").Text()) }
	before := rate()
	beforeStats := statsReceiptsRate(t, e)

	parent := e.client()
	page := parent.get("/r/" + code)
	wantStatus(t, "parent page", page, http.StatusOK)
	pd := page.Doc(t)
	if pd.Find("article.letter h2").Text() == "" || pd.Find(`input[name="relation"]`).Length() != 3 {
		t.Error("parent page: want the letter and three relations")
	}
	col, _ := e.Store.ClassCollection(ctx, c.ID)
	for _, r := range col.Receipts {
		if strings.Contains(page.Body, r.StudentName) {
			t.Errorf("parent page shows the student name %q", r.StudentName)
		}
	}
	res := parent.post("/r/"+code, url.Values{"message": {"<script>x</script>"}})
	wantStatus(t, "no relation", res, http.StatusUnprocessableEntity)
	if fieldError(t, res, "relation") == "" || strings.Contains(res.Body, "<script>x") {
		t.Error("no relation: want a message, escaped input")
	}
	res = parent.post("/r/"+strings.ToLower(code), url.Values{"relation": {"mother"}, "message": {"已和孩子一起读过"}})
	wantStatus(t, "confirm", res, http.StatusSeeOther)
	if got := rate(); got == before {
		t.Errorf("class rate %q did not move", got)
	}
	if doc := tc.get(p).Doc(t); doc.Find(".returned li:contains('已和孩子一起读过')").Length() != 1 {
		t.Error("teacher does not see the returned receipt")
	}
	again := parent.post("/r/"+code, url.Values{"relation": {"father"}})
	if again.StatusCode != http.StatusOK || again.Doc(t).Find(".receipt-done").Length() != 1 {
		t.Errorf("second confirmation: status %d, want the already-received notice", again.StatusCode)
	}
	if bad := parent.get("/r/ZZZZZZZZZZ"); bad.StatusCode != http.StatusNotFound || fieldError(t, bad, "code") == "" {
		t.Errorf("unknown code: status %d", bad.StatusCode)
	}
	if got := statsReceiptsRate(t, e); got <= beforeStats {
		t.Errorf("parent_receipts_rate = %v, was %v", got, beforeStats)
	}
	// The school's rates by class and the city's by district count it.
	row := tc.get("/school/receipts").Doc(t).Find(`table.receipt-rates tr[data-id="` + itoa(int(c.ID)) + `"] td.confirmed`)
	if strings.TrimSpace(row.Text()) != "1" {
		t.Errorf("school rates: class confirmed = %q, want 1", row.Text())
	}
	if e.login("admin").get("/admin/receipts").Doc(t).Find("table.receipt-rates tbody tr").Length() == 0 {
		t.Error("city rates: no district")
	}
	// Closing records the class's parents' letter activity.
	wantStatus(t, "close", tc.post(p+"close", url.Values{}), http.StatusSeeOther)
	doc = tc.get("/school/activities/").Doc(t)
	if doc.Find(`tr[data-type="parent-letter"] td[data-class="`+itoa(int(c.ID))+`"][data-state="done"]`).Length() != 1 {
		t.Error("matrix: the class has no parents' letter after closing")
	}
}

func statsReceiptsRate(t *testing.T, e *testEnv) float64 {
	t.Helper()
	var st struct {
		Rate *float64 `json:"parent_receipts_rate"`
	}
	if err := jsonBody(e.client().get("/api/v1/stats"), &st); err != nil || st.Rate == nil {
		t.Fatalf("stats: %v", err)
	}
	return *st.Rate
}
