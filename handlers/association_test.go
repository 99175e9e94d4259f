package handlers_test

import (
	"net/http"
	"strconv"
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
		rows := doc.Find("ul.members li.member")
		if rows.Length() == 0 || rows.Length() > 50 {
			t.Fatalf("page %d: %d rows", page, rows.Length())
		}
		rows.Find(".username").Each(func(_ int, s *goquery.Selection) { seen[s.Text()] = true })
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
	doc.Find("ul.members .username").Each(func(_ int, s *goquery.Selection) {
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

// TestCoordinatorFindsMembers: the coordinator reaches their members by phone and finds
// them by name, skill and status, each with their hours; another association's
// coordinator never sees these phones.
func TestCoordinatorFindsMembers(t *testing.T) {
	e := mustEnv(t)
	c := e.login("coordinator")
	doc := c.get("/association/").Doc(t)
	first := doc.Find("ul.members li.member").First()
	phone := strings.TrimSpace(first.Find("a.phone").Text())
	if phone == "" || first.Find(`a.phone[href="tel:`+phone+`"]`).Length() != 1 {
		t.Fatalf("the first member shows no phone to call: %q", first.Text())
	}
	if !strings.Contains(first.Find(".hours").Text(), "小时") {
		t.Errorf("the first member shows no hours: %q", first.Find(".hours").Text())
	}

	// By name: one volunteer; the search keeps its term in the box.
	res := c.get("/association/?q=v017")
	doc = res.Doc(t)
	if names := doc.Find("ul.members .username").Map(func(_ int, s *goquery.Selection) string { return s.Text() }); len(names) != 1 || names[0] != "v017" {
		t.Errorf("search v017: %v", names)
	}
	if inputValue(t, res, "q") != "v017" {
		t.Error("the search term is not kept")
	}
	if n, _ := doc.Find("#member-count").Attr("data-count"); n != "1" {
		t.Errorf("search v017: count %s, want 1", n)
	}
	if n := c.get("/association/?q=V017").Doc(t).Find("ul.members li.member").Length(); n != 1 {
		t.Errorf("search V017 (capitals): %d members, want 1", n)
	}
	// A term that LIKE would read as a wildcard matches nothing.
	if n := c.get("/association/?q=%25").Doc(t).Find("ul.members li.member").Length(); n != 0 {
		t.Errorf("search %%: %d members", n)
	}

	// By skill: every member listed has it, and fewer than all are listed.
	doc = c.get("/association/?skill=photography").Doc(t)
	n, _ := strconv.Atoi(doc.Find("#member-count").AttrOr("data-count", ""))
	if n == 0 || n >= 201 {
		t.Errorf("skill photography: %d members of 201", n)
	}
	doc.Find("ul.members li.member").Each(func(_ int, s *goquery.Selection) {
		if !strings.Contains(s.Find(".skills").Text(), "摄影") {
			t.Errorf("skill photography lists %s with %q", s.Find(".username").Text(), s.Find(".skills").Text())
		}
	})
	// The page links keep the filter.
	if next, ok := doc.Find(`.pager a[rel="next"]`).Attr("href"); ok && !strings.Contains(next, "skill=photography") {
		t.Errorf("next page %q drops the filter", next)
	}

	// By status: a volunteer who leaves is among those who left, not the current ones.
	v := e.login("v017")
	wantStatus(t, "leave", v.post("/volunteer/associations/"+itoa(int(mustCoordinatorAssoc(t, e)))+"/leave", nil), http.StatusSeeOther)
	if c.get("/association/?q=v017").Doc(t).Find("ul.members li.member").Length() != 0 {
		t.Error("a member who left is still among the current members")
	}
	if c.get("/association/?q=v017&status=left").Doc(t).Find("ul.members li.member").Length() != 1 {
		t.Error("a member who left is not among those who left")
	}

	// Another association's coordinator: none of these phones.
	other := e.login("coordinator2").get("/association/").Doc(t).Text()
	if strings.Contains(other, phone) {
		t.Errorf("coordinator2 sees %s's phone", phone)
	}
}

func mustCoordinatorAssoc(t *testing.T, e *testEnv) int64 {
	t.Helper()
	u, err := e.Store.GetUser(t.Context(), userID(t, e, "coordinator"))
	if err != nil {
		t.Fatal(err)
	}
	return u.AssociationID
}
