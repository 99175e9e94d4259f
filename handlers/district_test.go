package handlers_test

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/jinducity/portal"
)

func TestDistrictReviewerSeesOnlyTheirDistrict(t *testing.T) {
	e := mustEnv(t)
	ctx := context.Background()
	year := portal.SchoolYear(e.Now)
	schools := allSchools(t, e)
	for _, tt := range []struct{ user, district string }{{"district", "云溪区"}, {"district2", "青岚区"}} {
		res := e.login(tt.user).get("/district")
		wantStatus(t, tt.user, res, http.StatusOK)
		doc := res.Doc(t)
		if h := doc.Find("main h1").Text(); !strings.Contains(h, tt.district) {
			t.Errorf("%s: h1 = %q, want %s", tt.user, h, tt.district)
		}
		var want []string
		byID := map[string]portal.School{}
		for _, sc := range schools {
			if sc.DistrictName == tt.district {
				want = append(want, sc.Name)
				byID[strconv.FormatInt(sc.ID, 10)] = sc
			}
		}
		slices.Sort(want)
		if got := rowNames(doc, "table.district-schools td.name a"); !slices.Equal(got, want) {
			t.Errorf("%s: schools = %v, want %v", tt.user, got, want)
		}
		// Each row's counts agree with the school's classes, counted through the store.
		doc.Find("table.district-schools tbody tr").Each(func(_ int, row *goquery.Selection) {
			id, _ := row.Attr("data-id")
			sc, ok := byID[id]
			if !ok {
				t.Errorf("%s: row of school %s from another district", tt.user, id)
				return
			}
			classes, err := e.Store.ListClasses(ctx, sc.ID, year, false)
			if err != nil {
				t.Fatal(err)
			}
			joined := 0
			for _, c := range classes {
				joined += c.Students
			}
			if got := row.Find("td.classes").Text(); got != strconv.Itoa(len(classes)) {
				t.Errorf("%s: classes = %s, want %d", sc.Name, got, len(classes))
			}
			if got := row.Find("td.joined").Text(); got != strconv.Itoa(joined) {
				t.Errorf("%s: joined = %s, want %d", sc.Name, got, joined)
			}
		})
	}
}

func TestDistrictPageNeedsTheDistrictRole(t *testing.T) {
	e := mustEnv(t)
	res := e.client().get("/district")
	wantStatus(t, "logged out", res, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, "/login") {
		t.Errorf("logged out: Location = %q, want /login…", loc)
	}
	for _, user := range []string{"admin", "teacher", "coordinator", "volunteer"} {
		wantStatus(t, user, e.login(user).get("/district"), http.StatusForbidden)
	}
	wantStatus(t, "student", e.student("林小雨", "58").get("/district"), http.StatusForbidden)
}
