package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

func TestCoordinatorSeesMembers(t *testing.T) {
	e := mustEnv(t)
	c := e.login("coordinator")
	res := c.get("/association")
	wantStatus(t, "association", res, http.StatusOK)
	doc := res.Doc(t)
	if h := doc.Find("main h1").Text(); h != "云溪区禁毒志愿者协会" {
		t.Errorf("h1 = %q", h)
	}
	if n, _ := doc.Find("#member-count").Attr("data-count"); n != "201" {
		t.Errorf("member count = %s, want 201 (volunteer and v001…v200)", n)
	}
	// Every member once over the pages; the coordinator is not a member.
	seen := map[string]bool{}
	for page := 1; ; page++ {
		rows := doc.Find("table.members tbody tr")
		if rows.Length() == 0 || rows.Length() > 50 {
			t.Fatalf("page %d: %d rows", page, rows.Length())
		}
		rows.Find("td.username").Each(func(_ int, s *goquery.Selection) { seen[s.Text()] = true })
		next, ok := doc.Find(`.pager a[rel="next"]`).Attr("href")
		if !ok || page > 10 {
			break
		}
		doc = c.get(next).Doc(t)
	}
	if len(seen) != 201 || !seen["volunteer"] || !seen["v001"] || !seen["v200"] || seen["coordinator"] {
		t.Errorf("members listed: %d (volunteer %v, v001 %v, v200 %v, coordinator %v)", len(seen),
			seen["volunteer"], seen["v001"], seen["v200"], seen["coordinator"])
	}

	// Another association's coordinator sees their own members only.
	doc = e.login("coordinator2").get("/association").Doc(t)
	if n, _ := doc.Find("#member-count").Attr("data-count"); n == "201" || n == "0" {
		t.Errorf("coordinator2 member count = %s", n)
	}
	doc.Find("table.members td.username").Each(func(_ int, s *goquery.Selection) {
		if !strings.HasPrefix(s.Text(), "ql.") {
			t.Errorf("coordinator2 sees %s", s.Text())
		}
	})
}

func TestVolunteerHome(t *testing.T) {
	e := mustEnv(t)
	res := e.login("v001").get("/volunteer")
	wantStatus(t, "volunteer", res, http.StatusOK)
	if !strings.Contains(res.Doc(t).Find("main").Text(), "云溪区禁毒志愿者协会") {
		t.Errorf("volunteer page does not name the association")
	}
}

func TestAssociationPagesNeedTheirRole(t *testing.T) {
	e := mustEnv(t)
	for _, path := range []string{"/association", "/volunteer"} {
		res := e.client().get(path)
		wantStatus(t, path+" logged out", res, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, "/login") {
			t.Errorf("%s logged out: Location = %q", path, loc)
		}
	}
	admin, volunteer, coordinator := e.login("admin"), e.login("volunteer"), e.login("coordinator")
	wantStatus(t, "admin /association", admin.get("/association"), http.StatusForbidden)
	wantStatus(t, "volunteer /association", volunteer.get("/association"), http.StatusForbidden)
	wantStatus(t, "coordinator /volunteer", coordinator.get("/volunteer"), http.StatusForbidden)
}
